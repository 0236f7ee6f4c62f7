"""In Chromium: correct a package that went out through Signhost. Staff give a reason and the
changes on the correction form; the package is withdrawn at Signhost with that reason (a
stateful fake behind `responses`), a new linked version is made and sent, and the gemeente
gets one mail, through a real SMTP server, that the earlier request is void."""

from __future__ import annotations

import json

import pytest
import responses

from app.extensions import db
from app.store.models import Package
from tests.flow.fakes import FakeSignhost
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from tests.web.support import GEMEENTE_LID
from tests.web.support import STAFF_NAME
from tests.web.support import make_package
from tests.web.support import make_user
from tests.web.support import wait_for_background_jobs
from tests.web.test_browser import check_accessible
from tests.web.test_browser import flash
from tests.web.test_browser import sign_in
from tests.web.test_browser import state_tag

pytestmark = pytest.mark.browser

SECRET = "signhost-shared-secret-for-the-browser-test"
REASON = "Het e-mailadres van de burgemeester was onjuist."
PARTICIPANT = GEMEENTE_LID | {"involvement": "participant",
                              "participant_warning_acknowledged": "ja"}  # no raad step


@pytest.fixture
def live_app(tmp_path, sqlite_template, shared_converter, smtp_server):  # noqa: F811
    """The real app on SQLite with Signhost configured, mailing through the SMTP server."""
    from app import create_app
    from tests.conftest import base_settings
    from tests.conftest import share_compiled_templates
    from tests.conftest import sqlite_copy

    app = create_app(base_settings(
        tmp_path, database_url=sqlite_copy(sqlite_template, tmp_path / "browser.db"),
        mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=smtp_server.port,
        smtp_starttls=False, smtp_timeout=5,
        signhost_app_key="app-key-for-tests", signhost_api_key="api-key-for-tests",
        signhost_shared_secret=SECRET))
    share_compiled_templates(app)
    app.extensions["tekenklaar"].provide("converter", shared_converter)
    make_user(app)
    yield app
    app.extensions["tekenklaar"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_correct_a_package_sent_through_signhost(page, live_app, rsps, smtp_server):  # noqa: F811
    signhost = FakeSignhost(rsps, SECRET)
    package_id = make_package(live_app, PARTICIPANT)
    with live_app.app_context():
        reference = db.session.get(Package, package_id).reference_number
    sign_in(page)
    page.goto(f"/pakketten/{package_id}")
    page.get_by_role("button", name="Documenten maken").click()
    page.get_by_text("De documenten zijn gemaakt.").wait_for()
    page.get_by_label("Ondertekendienst").select_option("signhost")
    page.get_by_role("button", name="Verzenden", exact=True).click()
    page.get_by_role("heading", level=1, name=f"Pakket {reference}").wait_for()
    assert state_tag(page) == "Verzonden"
    (envelope,) = signhost.transactions

    # a refused correction (no reason) changes nothing, also not at Signhost
    page.get_by_role("link", name="Pakket corrigeren").click()
    page.get_by_role("heading", level=1, name=f"Pakket {reference} corrigeren").wait_for()
    check_accessible(page, "het formulier om een verzonden pakket te corrigeren")
    signatory = page.get_by_role("group", name="Ondertekenaar")
    signatory.get_by_label("E-mailadres").fill("s.dijksma@utrecht.example")
    page.get_by_role("button", name="Corrigeren en opnieuw verzenden").click()
    page.locator(".error-summary").wait_for()
    assert "Geef een reden op voor de correctie" in page.locator(".error-summary").inner_text()
    check_accessible(page, "het correctieformulier met een fout")
    assert signhost.transactions[envelope]["Status"] != 60
    assert not [c for c in rsps.calls if c.request.method == "DELETE"]

    # with a reason: withdrawn at Signhost, a new version sent
    page.get_by_label("Reden van de correctie").fill(REASON)
    assert (page.get_by_role("group", name="Ondertekenaar").get_by_label("E-mailadres")
            .input_value() == "s.dijksma@utrecht.example")  # the input was kept
    page.get_by_role("button", name="Corrigeren en opnieuw verzenden").click()
    page.get_by_text("is ingetrokken en vervangen door de gecorrigeerde versie").wait_for()
    wait_for_background_jobs(live_app)

    deletes = [c for c in rsps.calls if c.request.method == "DELETE"]
    assert len(deletes) == 1 and deletes[0].request.url.endswith(f"/transaction/{envelope}")
    assert json.loads(deletes[0].request.body)["Reason"] == REASON
    assert signhost.transactions[envelope]["Status"] == 60
    assert len(signhost.transactions) == 2  # the new version's envelope

    with live_app.app_context():
        new = db.session.scalar(db.select(Package).where(Package.replaces_id == package_id))
        new_reference, new_id = new.reference_number, new.id
    heading = page.get_by_role("heading", level=1, name=f"Pakket {new_reference}")
    heading.wait_for()
    assert flash(page).startswith(f"Pakket {reference} is ingetrokken")
    assert state_tag(page) == "Verzonden"
    assert f"Vervangt pakket {reference}" in page.locator("main").inner_text()
    timeline = page.locator("ol.timeline").inner_text()
    assert f"Nieuwe versie van pakket {reference}" in timeline and REASON in timeline
    assert "wordt Sharon Dijksma, Burgemeester, s.dijksma@utrecht.example" in timeline
    assert STAFF_NAME in timeline
    check_accessible(page, "de nieuwe versie van het pakket")

    page.get_by_role("link", name=reference).first.click()
    page.get_by_role("heading", level=1, name=f"Pakket {reference}").wait_for()
    assert state_tag(page) == "Ingetrokken"
    assert f"Vervangen door pakket {new_reference}" in page.locator("main").inner_text()
    timeline = page.locator("ol.timeline").inner_text()
    assert f"Ingetrokken voor correctie: {REASON}" in timeline
    assert f"vervangen door de nieuwe versie {new_reference}" in timeline
    assert STAFF_NAME in timeline
    check_accessible(page, "het gecorrigeerde, ingetrokken pakket")
    page.get_by_role("link", name=new_reference).first.click()
    page.get_by_role("heading", level=1, name=f"Pakket {new_reference}").wait_for()
    assert page.url.endswith(f"/pakketten/{new_id}")

    # one mail says the earlier request is void; to the old address and the new
    void = [m for m in smtp_server.messages if m["Subject"].startswith("Vervallen:")]
    assert len(void) == 1
    mail = void[0]
    assert reference in mail["Subject"] and new_reference in mail["Subject"]
    to = {a.addr_spec for a in mail["To"].addresses}
    assert {"burgemeester@utrecht.example", "s.dijksma@utrecht.example",
            "f.elamrani@utrecht.example"} <= to
    text = " ".join(mail.get_body(("plain",)).get_content().split())
    assert f"het verzoek met kenmerk {reference} vervalt" in text
    assert f"Reden van de correctie: {REASON}" in text
    assert new_reference in text and "nieuwe uitnodiging van onze ondertekendienst" in text
    html = mail.get_body(("html",)).get_content()
    assert "vervalt" in html and new_reference in html

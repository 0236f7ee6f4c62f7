"""Built-in signing in Debian's Chromium on a phone (390 px): a gemeente joining as lid is
signed by its burgemeester and the two NVSI board members through the signing pages, with the
links and codes read from the real SMTP server, and every archived PDF carries a seal that
validates. axe-core finds nothing on any signing page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from app.domain.council import CouncilReaction
from app.extensions import db
from app.runtime import runtime
from app.store.models import Package
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from tests.signers.support import code_for
from tests.signers.support import sealed_ok
from tests.signers.support import link_for
from tests.web.support import make_package
from tests.web.support import make_user
from tests.web.support import wait_for_background_jobs
from tests.web.test_browser import check_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_app(tmp_path, sqlite_template, shared_converter, smtp_server):  # noqa: F811
    """The real app on SQLite with real LibreOffice, mailing through the test SMTP server."""
    from app import create_app
    from tests.conftest import base_settings
    from tests.conftest import share_compiled_templates
    from tests.conftest import sqlite_copy

    app = create_app(base_settings(
        tmp_path, database_url=sqlite_copy(sqlite_template, tmp_path / "browser.db"),
        mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=smtp_server.port,
        smtp_starttls=False, smtp_timeout=5))
    share_compiled_templates(app)
    app.extensions["tekenklaar"].provide("converter", shared_converter)
    make_user(app)
    yield app
    app.extensions["tekenklaar"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport=PHONE,
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def gemeente_out_for_signing(app) -> int:
    """A gemeente lid package past the raad step, sent for signing on the built-in pages."""
    from app.services.council import record_college_decision
    from app.services.council import record_council_reaction
    from app.services.council import record_sent_to_raad
    from app.services.council import start_council_procedure
    from app.services.documents import make_documents
    from app.services.sending import send_package

    package_id = make_package(app)
    today = dt.date.today()
    with app.app_context():
        make_documents(package_id, "test")
        start_council_procedure(package_id, "test", today)
        record_sent_to_raad(package_id, today, "test", today)
        record_council_reaction(package_id, CouncilReaction.GEEN, today, "", "test", today=today)
        record_college_decision(package_id, today, "B&W 2026/17", "test", today)
        assert send_package(package_id, "builtin", "test").state == "verzonden"
    wait_for_background_jobs(app)
    return package_id


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_burgemeester_and_board_sign_on_a_phone_and_the_archive_is_sealed(
        phone, live_app, smtp_server):  # noqa: F811
    package_id = gemeente_out_for_signing(live_app)
    with live_app.app_context():
        signers = [(s.name, s.email, s.role)
                   for s in sorted(db.session.get(Package, package_id).signers,
                                   key=lambda s: s.order)]
    assert [role for _, _, role in signers][1:] == ["voorzitter", "penningmeester"]
    assert signers[0][1] == "burgemeester@utrecht.example"

    for name, email, _role in signers:
        phone.goto(link_for(smtp_server, email))
        phone.get_by_role("heading", level=1, name="Documenten ondertekenen").wait_for()
        check_accessible(phone, f"code-pagina ({email})")
        fits(phone)
        phone.get_by_role("button", name="Stuur mij een code").click()
        phone.get_by_label("Code uit de e-mail").fill(code_for(smtp_server, email))
        phone.get_by_role("button", name="Code controleren").click()
        phone.get_by_role("heading", level=2, name="Lees de documenten").wait_for()
        assert phone.locator("iframe.pdf-frame").count() >= 1
        check_accessible(phone, f"documentenpagina ({email})")
        fits(phone)
        if email == signers[0][1]:  # once: the page with its errors, input kept
            phone.get_by_role("button", name="Ondertekenen", exact=True).press("Enter")
            phone.get_by_role("heading", level=2, name="Er ging iets mis").wait_for()
            check_accessible(phone, "documentenpagina met fouten")
            fits(phone)
        phone.get_by_label("Uw naam").fill(name)
        # By keyboard: the PDF viewers in the frames above may still be scrolling the page
        # while they load, which makes a mouse click land beside its target.
        statement = phone.get_by_label("Ik heb de documenten gelezen en onderteken ze namens")
        statement.press("Space")
        assert statement.is_checked()
        phone.get_by_role("button", name="Ondertekenen", exact=True).press("Enter")
        phone.get_by_role("heading", level=1, name="Dank u, u heeft ondertekend").wait_for()
        check_accessible(phone, "bevestiging")
        wait_for_background_jobs(live_app)  # mails the next signer's link

    phone.goto(link_for(smtp_server, signers[0][1]))  # used: refused, in Dutch
    phone.get_by_text("Deze link is al gebruikt").wait_for()
    check_accessible(phone, "geweigerde link")
    wait_for_background_jobs(live_app)
    with live_app.app_context():
        package = db.session.get(Package, package_id)
        assert package.state == "gearchiveerd"
        store = runtime().store
        archived = [store.get(d.signed_key) for d in package.documents if d.signed_required]
        archived.append(store.get(package.audit_trail_key))
        assert len(archived) >= 4  # bijlage 1, verwerkersovereenkomst, 2 × gebruik, bewijs
        for pdf in archived:
            assert sealed_ok(pdf)
        assert package.audit_trail_filename == "ondertekenbewijs.pdf"
        report = PdfReader(io.BytesIO(archived[-1]))
        assert (report.xmp_metadata.pdfaid_part, report.xmp_metadata.pdfaid_conformance) \
            == ("2", "B")  # still PDF/A after sealing
        evidence = re.sub(r"\s+", "", "".join(p.extract_text() for p in report.pages))
        for expected in ("burgemeester@utrecht.example", "voorzitter@nvsi.nl", "127.0.0.1",
                         "Ikhebdedocumentengelezenenondertekenzenamens",
                         *(d.sent_sha256 for d in package.documents if d.signed_required)):
            assert expected in evidence

"""'Uitgaande webhooks' in Debian's Chromium: a beheerder registers an address (a wrong one is
refused in Dutch with the input kept), copies the secret shown once, and reads the delivery
log of a receiver that failed once; "Opnieuw versturen" sends again. Every page passes axe."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook
from werkzeug import Response

from tests.web.support import make_package
from tests.web.support import wait_for_background_jobs
from tests.web.test_browser import check_accessible
from tests.web.test_layout_browser import sign_in_as

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "beheer@nvsi.nl", "een-lang-wachtwoord-1"


@pytest.fixture
def live_app(tmp_path, sqlite_template, shared_converter):
    """As tests/web/conftest.py's, with a receiver on this machine allowed and retries due
    at once."""
    from app import create_app
    from app.extensions import db
    from tests.conftest import base_settings
    from tests.conftest import share_compiled_templates
    from tests.conftest import sqlite_copy

    app = create_app(base_settings(
        tmp_path, database_url=sqlite_copy(sqlite_template, tmp_path / "browser.db"),
        outgoing_webhooks_allow_private=True, job_retry_seconds=0))
    share_compiled_templates(app)
    app.extensions["tekenklaar"].provide("converter", shared_converter)
    yield app
    app.extensions["tekenklaar"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_beheerder_registers_an_address_and_reads_its_log(live_app, page, httpserver):
    from app.services.accounts import create_user

    received = []

    def receive(request):
        received.append((dict(request.headers), request.get_data()))
        return Response("", status=204)

    def fail(request):
        received.append((dict(request.headers), request.get_data()))
        return Response("", status=500)

    httpserver.expect_oneshot_request("/tekenklaar", method="POST").respond_with_handler(fail)
    httpserver.expect_request("/tekenklaar", method="POST").respond_with_handler(receive)
    with live_app.app_context():
        create_user(EMAIL, "Bea Heer", PASSWORD, role="beheerder")
    sign_in_as(page, EMAIL, PASSWORD)
    page.get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Uitgaande webhooks").click()
    page.get_by_role("heading", level=1, name="Uitgaande webhooks").wait_for()
    check_accessible(page, "Uitgaande webhooks")

    page.get_by_label("Naam van het systeem").fill("Ledenadministratie")
    page.get_by_label("Adres (URL)").fill("ftp://leden.nvsi.nl/hooks")
    page.get_by_role("button", name="Adres registreren").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "het adres moet met https:// beginnen" in alert.inner_text()
    assert page.get_by_label("Naam van het systeem").input_value() == "Ledenadministratie"
    check_accessible(page, "Uitgaande webhooks met een fout")

    page.get_by_label("Adres (URL)").fill(httpserver.url_for("/tekenklaar"))
    page.get_by_label("Pakket gearchiveerd").uncheck()
    page.get_by_role("button", name="Adres registreren").click()
    secret = page.locator("#new-secret").inner_text()
    assert secret.startswith("whsec_")
    row = page.locator("tbody tr").first
    assert "Ledenadministratie" in row.inner_text()
    assert "package.archived" not in row.inner_text()
    check_accessible(page, "Uitgaande webhooks met een nieuw geheim")
    page.goto("/beheer/webhooks")  # shown once: not on the page again
    assert secret not in page.content()

    package_id = make_package(live_app)
    wait_for_background_jobs(live_app)
    assert len(received) == 2  # 500, then delivered
    message = Webhook(secret).verify(received[1][1], received[1][0])
    assert message["type"] == "package.created"
    assert message["data"]["package_id"] == package_id

    page.get_by_role("link", name="Logboek van Ledenadministratie").click()
    page.get_by_role("heading", level=1, name="Logboek: Ledenadministratie").wait_for()
    row = page.locator("tbody tr").first
    text = row.inner_text()
    assert "package.created" in text and "Afgeleverd" in text
    assert "HTTP 500" in text and "HTTP 204" in text
    check_accessible(page, "Logboek van een webhookadres")

    row.get_by_role("button", name="Opnieuw versturen").click()
    page.get_by_text("wordt opnieuw verstuurd").wait_for()
    wait_for_background_jobs(live_app)
    assert len(received) == 3
    assert received[2][0]["Webhook-Id"] == received[0][0]["Webhook-Id"]
    page.reload()
    attempts = page.locator("tbody tr").first.locator("ol.attempts li").all_inner_texts()
    assert len(attempts) == 3
    assert "HTTP 204 (opnieuw verstuurd door beheer@nvsi.nl)" in attempts[2]
    assert "opnieuw verstuurd" not in attempts[0] + attempts[1]

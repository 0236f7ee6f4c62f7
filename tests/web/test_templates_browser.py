"""The 'Sjablonen' page in Debian's Chromium: a beheerder uploads a broken template (refused,
the tag named in Dutch) and then a good one (version 2 in use); the page passes axe-core."""

from __future__ import annotations

import pytest

from tests.documents.edit import edit_docx
from tests.documents.edit import shipped
from tests.web.test_browser import check_accessible

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "beheer@nvsi.nl", "een-lang-wachtwoord-1"


def test_a_beheerder_replaces_a_contract_text_on_the_page(live_app, page, tmp_path):
    from app.services.accounts import create_user

    with live_app.app_context():
        create_user(EMAIL, "Bea Heer", PASSWORD, role="beheerder")
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Sjablonen").click()
    page.get_by_role("heading", level=1, name="Sjablonen").wait_for()
    check_accessible(page, "Sjablonen")

    broken = tmp_path / "raadsbrief.docx"
    broken.write_bytes(edit_docx(shipped("raadsbrief"), "{%p if", "{%p iff"))
    section = page.locator("section#raadsbrief")
    section.get_by_label("Nieuwe versie (.docx)").set_input_files(str(broken))
    section.get_by_role("button", name="Controleren en uploaden").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "niet aangenomen" in alert.inner_text()
    assert "onbekende tag ‘iff’" in alert.inner_text()
    check_accessible(page, "Sjablonen met een geweigerd sjabloon")

    good = tmp_path / "raadsbrief-nieuw.docx"
    good.write_bytes(edit_docx(shipped("raadsbrief"), "<w:sectPr",
                               "<w:p><w:r><w:t>Met vriendelijke groet.</w:t></w:r></w:p><w:sectPr",
                               last=True))
    section = page.locator("section#raadsbrief")
    section.get_by_label("Nieuwe versie (.docx)").set_input_files(str(good))
    section.get_by_label("Toelichting (wat is er veranderd?)").fill("groet toegevoegd")
    section.get_by_role("button", name="Controleren en uploaden").click()
    page.get_by_text("Versie 2 van Raadsbrief is aangenomen").wait_for()
    row = page.locator("section#raadsbrief tbody tr").first
    assert "2 (in gebruik)" in row.inner_text() and "groet toegevoegd" in row.inner_text()

"""In Chromium: edit a package in `klaar` (add a solution, change the signer) and find the new
documents, the old versions and the timeline. Real app, real LibreOffice."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.store.models import Package
from tests.web.support import STAFF_NAME
from tests.web.support import make_package
from tests.web.test_browser import check_accessible
from tests.web.test_browser import flash
from tests.web.test_browser import sign_in
from tests.web.test_browser import state_tag

pytestmark = pytest.mark.browser


def test_edit_a_package_in_klaar(page, live_app):
    package_id = make_package(live_app)
    with live_app.app_context():
        reference = db.session.get(Package, package_id).reference_number
    sign_in(page)
    page.goto(f"/pakketten/{package_id}")
    page.get_by_role("button", name="Documenten maken").click()
    page.get_by_text("De documenten zijn gemaakt.").wait_for()
    assert state_tag(page) == "Documenten klaar"

    page.get_by_role("link", name="Pakket wijzigen").click()
    page.get_by_role("heading", level=1, name=f"Pakket {reference} wijzigen").wait_for()
    check_accessible(page, "het formulier om een pakket te wijzigen")
    signatory = page.get_by_role("group", name="Ondertekenaar")
    assert signatory.get_by_label("Naam").input_value() == "Sharon Dijksma"
    signatory.get_by_label("Naam").fill("Hans Bouwmeester")
    signatory.get_by_label("E-mailadres").fill("h.bouwmeester@utrecht.example")
    row = page.get_by_role("group", name="Oplossing 3")
    row.get_by_label("Oplossing").select_option(label="ParticipatieMatch")
    row.get_by_label("Ingangsdatum").fill(f"01-01-{dt.date.today().year + 1}")
    page.get_by_role("button", name="Wijzigingen opslaan").click()

    page.get_by_role("heading", level=1, name=f"Pakket {reference}").wait_for()
    assert flash(page) == "Het pakket is gewijzigd en de documenten zijn opnieuw gemaakt."
    assert state_tag(page) == "Documenten klaar"
    # the new document, made
    new_doc = page.get_by_role("row").filter(
        has_text="Gebruiksovereenkomst Innovatieve Oplossingen NVSI: ParticipatieMatch")
    assert new_doc.get_by_role("link", name="PDF").count() >= 1
    # the old versions, kept and downloadable
    versions = page.locator("details.versions").filter(
        has_text="Aanmelding gemeente als lid").first
    versions.locator("summary").click()
    with page.expect_download() as download:
        versions.get_by_role("link", name="PDF versie 1 van Aanmelding gemeente als lid",
                             exact=False).click()
    assert download.value.suggested_filename.endswith(".pdf")
    # the timeline: what changed, and who changed it
    timeline = page.locator("ol.timeline li").first.inner_text()
    assert "Pakket gewijzigd." in timeline and STAFF_NAME in timeline  # who changed it
    assert "Oplossing toegevoegd: ParticipatieMatch" in timeline
    assert "Ondertekenaar: Sharon Dijksma" in timeline and "Hans Bouwmeester" in timeline
    assert "Nieuwe versies:" in timeline
    check_accessible(page, "het gewijzigde pakket")
    signers = page.locator("#ondertekenaars").locator("..").inner_text()
    assert "Hans Bouwmeester" in signers and "Sharon Dijksma" not in signers

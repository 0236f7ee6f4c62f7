"""ALV en tarieven in Debian's Chromium, on a phone (390 px) and a desktop (1280 px): a
beheerder records a meeting and a decision and enters next year's fee schedule, first with a
solution missing (refused, naming it); every page fits the screen and axe-core finds no
violations."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.test_browser import check_accessible
from tests.web.test_layout_browser import sign_in_as

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "beheer@nvsi.nl", "een-lang-wachtwoord-1"


def check_page(page, width: int, what: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, what
    check_accessible(page, f"{what} op {width} px")


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_a_beheerder_enters_next_years_fee_schedule(browser, live_server, live_app, width,
                                                    height):
    from app.services.accounts import create_user

    with live_app.app_context():
        create_user(EMAIL, "Bea Heer", PASSWORD, role="beheerder")
    context = browser.new_context(base_url=live_server, locale="nl-NL",
                                  viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in_as(page, EMAIL, PASSWORD)
        page.get_by_role("link", name="ALV en tarieven").click()
        page.get_by_role("heading", level=1, name="ALV en tarieven").wait_for()
        check_page(page, width, "ALV en tarieven")

        # a meeting without a place or online is refused, the date kept
        day = (dt.date.today() - dt.timedelta(days=2)).strftime("%d-%m-%Y")
        page.get_by_label("Datum van de vergadering").fill(day)
        page.get_by_role("button", name="Vergadering toevoegen").click()
        page.get_by_role("alert").wait_for()
        assert "vul de plaats in" in page.get_by_role("alert").inner_text()
        assert page.get_by_label("Datum van de vergadering").input_value() == day
        check_page(page, width, "ALV en tarieven met een fout")
        page.get_by_label("De vergadering was (ook) online").check()
        page.get_by_role("button", name="Vergadering toevoegen").click()
        page.get_by_role("heading", level=1, name="ALV van").wait_for()
        check_page(page, width, "vergadering")

        page.get_by_label("Besluitnummer").fill("2026-12")
        page.get_by_label("Onderwerp").fill("Tarieven 2028")
        page.get_by_label("Tekst van het besluit").fill("De ALV stelt de tarieven voor 2028 vast.")
        page.get_by_role("button", name="Besluit toevoegen").click()
        page.get_by_role("heading", level=1, name="ALV-besluit 2026-12").wait_for()
        check_page(page, width, "besluit")

        page.get_by_role("link", name="Tariefschema invoeren bij dit besluit").click()
        page.get_by_role("heading", level=1, name="Tariefschema invoeren").wait_for()
        assert page.get_by_label("Jaar", exact=True).input_value() == "2028"
        check_page(page, width, "tariefschema invoeren")
        schuldenradar = page.get_by_role("group", name="Schuldenradar")
        schuldenradar.get_by_label("Licentie per jaar").fill("")
        schuldenradar.get_by_label("Beheerkosten per jaar").fill("")
        page.get_by_role("button", name="Tariefschema opslaan").click()
        alert = page.get_by_role("alert")
        alert.wait_for()
        assert "Schuldenradar: het tarief ontbreekt" in alert.inner_text()
        check_page(page, width, "tariefschema met een oplossing zonder tarief")

        schuldenradar = page.get_by_role("group", name="Schuldenradar")
        schuldenradar.get_by_label("Licentie per jaar").fill("4.500,00")
        schuldenradar.get_by_label("Beheerkosten per jaar").fill("1.350,00")
        page.get_by_role("button", name="Tariefschema opslaan").click()
        page.get_by_role("heading", level=1, name="Tarieven 2028").wait_for()
        assert "Het tariefschema voor 2028 is opgeslagen" in page.locator(
            ".alert[role=status]").inner_text()
        assert "€ 4.500,00" in page.locator("table").inner_text()
        check_page(page, width, "tarieven 2028")

        page.get_by_role("link", name="ALV en tarieven").first.click()
        assert "Voorbereid: gaat in op 1 januari 2028" in page.locator("table").first.inner_text()
        check_page(page, width, "ALV en tarieven met 2028")
    finally:
        context.close()

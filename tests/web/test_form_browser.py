"""The calm 'Nieuw pakket' form in Chromium: only the blocks that apply, no participant
warning for a member, Dutch dates in words; and the same form without script."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.test_browser import check_accessible
from tests.web.test_browser import fill_gemeente_lid
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


def visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def load_demo(app) -> None:
    from app.services.demo import load_demo as load

    with app.app_context():
        load(dt.date.today())


def test_only_the_blocks_that_apply(page, live_app):
    load_demo(live_app)  # Utrecht is a member
    sign_in(page)
    page.goto("/pakketten/nieuw")
    for block in (".org-bestaand", ".org-gemeente", ".org-anders", ".org-address",
                  ".participant-warning"):
        assert not visible(page, block), block
    check_accessible(page, "nieuw pakket (rustig)")

    page.get_by_label("Een gemeente").check()
    assert visible(page, ".org-gemeente") and visible(page, ".org-address")
    assert not visible(page, ".org-anders") and not visible(page, ".org-bestaand")
    page.get_by_label("Gemeente", exact=True).select_option(label="Zwolle (GM0193)")
    page.get_by_label("Als participant").check()
    assert not visible(page, ".participant-warning")  # no solution yet
    page.get_by_role("group", name="Oplossing 1").get_by_label("Oplossing").select_option(
        label="Schuldenradar")
    assert visible(page, ".participant-warning")  # Zwolle is not a member
    assert "Deze organisatie is geen lid" in page.locator(".participant-warning").inner_text()

    # Utrecht is a member: never told it is not one, from the list of gemeenten or as known
    page.get_by_label("Gemeente", exact=True).select_option(label="Utrecht (GM0344)")
    assert not visible(page, ".participant-warning")
    page.get_by_label("Een organisatie die al in Tekenklaar staat").check()
    page.get_by_label("Organisatie", exact=True).select_option(label="Utrecht (gemeente)")
    assert visible(page, ".org-bestaand") and not visible(page, ".org-address")
    assert not visible(page, ".participant-warning")
    page.get_by_label("Organisatie", exact=True).select_option(label="Groningen (gemeente)")
    assert visible(page, ".participant-warning")  # Groningen is a participant
    check_accessible(page, "nieuw pakket (participant)")


def test_the_form_works_without_script_and_takes_dates_in_words(browser, live_server,
                                                                  live_app):
    context = browser.new_context(base_url=live_server, locale="nl-NL",
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page)
        page.goto("/pakketten/nieuw")
        fill_gemeente_lid(page)
        page.get_by_role("group", name="Oplossing 1").get_by_label("Ingangsdatum").fill(
            "1 januari 2027")
        page.get_by_role("button", name="Voorbeeld bekijken").click()
        preview = page.locator("section.preview")
        preview.wait_for()
        assert "ingangsdatum 1 januari 2027" in preview.inner_text()
        assert page.locator(".error-summary").count() == 0
    finally:
        context.close()

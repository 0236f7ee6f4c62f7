"""The regiegroep page, a verbeterwens's lifecycle and the innovatiekas history in Debian's
Chromium: axe-core finds no violations, nothing wider than 390 px or 1280 px."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.doorontwikkeling import SOLUTION
from tests.doorontwikkeling import make_user_of
from tests.web.test_browser import check_accessible
from tests.web.test_browser import sign_in

pytestmark = pytest.mark.browser


# The elements wider than the screen, to say what is too wide when something is.
TOO_WIDE = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def check_layout(page, what: str) -> None:
    """The page as it loads at each width (as tests/web/test_layout_browser.py loads pages):
    nothing wider than the screen, and no axe violations."""
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (what, width, scroll, page.evaluate(TOO_WIDE, width))
        check_accessible(page, f"{what} ({width} px)")


def test_regiegroep_wish_lifecycle_and_kas_history_in_the_browser(live_app, page):
    make_user_of(live_app, "Stichting De Brug", "Anna Jansen")
    make_user_of(live_app, "Stichting Noord", "Piet Noord")
    with live_app.app_context():
        from app.services.innovatiekas import deposit

        deposit(SOLUTION, Decimal("10000.00"), dt.date(2026, 1, 15), "Bijdrage leden", "test")
    sign_in(page)
    page.get_by_role("link", name="Oplossingen").click()
    page.get_by_role("link", name="Wijkteamdossier").click()
    page.get_by_role("heading", level=1, name="Wijkteamdossier").wait_for()

    page.get_by_label("Lid toevoegen").select_option(label="Anna Jansen, adviseur "
                                                           "(Stichting De Brug, lid)")
    page.get_by_label("Als voorzitter").check()
    page.get_by_role("button", name="Toevoegen aan de regiegroep").click()
    page.get_by_text("Anna Jansen zit nu in de regiegroep (voorzitter).").wait_for()
    page.get_by_label("Lid toevoegen").select_option(label="Piet Noord, adviseur "
                                                           "(Stichting Noord, lid)")
    page.get_by_role("button", name="Toevoegen aan de regiegroep").click()
    page.get_by_text("Piet Noord zit nu in de regiegroep.").wait_for()
    rows = page.locator("section[aria-labelledby=regiegroep] tbody tr")
    assert "Voorzitter" in rows.nth(0).inner_text() and "Anna Jansen" in rows.nth(0).inner_text()
    check_layout(page, "Regiegroep")

    page.get_by_role("link", name="Nieuwe verbeterwens voor Wijkteamdossier").click()
    page.get_by_label("Namens organisatie").select_option(label="Stichting De Brug")
    page.get_by_label("Titel").fill("Export naar CSV")
    page.get_by_label("Beschrijving").fill("Dossiers en plannen als CSV exporteren.")
    page.get_by_role("button", name="Indienen").click()
    page.get_by_text("is ingediend").wait_for()
    check_layout(page, "Verbeterwens ingediend")

    def step(action: str, **fields) -> None:
        form = page.locator(f"form[action$='/{action}']")
        for label, value in fields.items():
            if value is True:
                form.get_by_label(label).check()
            else:
                form.get_by_label(label).fill(value)
        form.get_by_label("Reden of toelichting").fill(f"Besproken: {action}")
        form.locator("button[type=submit]").click()
        page.get_by_text(": vastgelegd. Status nu:").wait_for()

    step("valideren", **{"Schatting van de leverancier": "4.250,00"})
    step("prioriteren", Prioriteit="1")
    step("bekostiging", **{"Uit de innovatiekas": True})
    assert "€ 4.250,00" in page.locator(".wish-committed").inner_text()
    step("voorstel")
    step("goedkeuren")
    step("opdracht")
    step("opleveren", **{"Werkelijke kosten": "4.000,00"})
    assert page.locator(".wish-state").inner_text() == "Opgeleverd"
    assert page.locator("section[aria-labelledby=verloop] tbody tr").count() == 8
    check_layout(page, "Verbeterwens opgeleverd")

    page.get_by_role("link", name="Wijkteamdossier").first.click()
    history = page.locator("section[aria-labelledby=innovatiekas] tbody tr")
    assert history.count() == 3
    assert "Vrijgevallen" in history.nth(0).inner_text()
    assert "€ 6.000,00" in history.nth(0).inner_text()
    assert "Saldo: € 6.000,00" in page.locator(".balance").inner_text()
    check_layout(page, "Innovatiekas met geschiedenis")

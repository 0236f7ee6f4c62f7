"""Every staff page in Debian's Chromium on a phone (390 px) and a desktop (1280 px): nothing
wider than the screen (`scrollWidth`), and axe-core finds no violations."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.store.models import BulkItem
from app.store.models import BulkRun
from app.store.models import Organisation
from app.store.models import OutgoingAttempt
from app.store.models import OutgoingDelivery
from app.store.models import OutgoingEndpoint
from app.store.models import OutgoingEvent
from app.store.models import OutgoingMail
from app.store.models import Package
from tests.web.support import GEMEENTE_LID
from tests.web.support import make_package
from tests.web.support import set_state
from tests.web.test_browser import check_accessible
from tests.web.test_package import MAATSCHAPPELIJK_LID

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "beheer@nvsi.nl"
ADMIN_PASSWORD = "nog-een-heel-lang-wachtwoord"
LONG_LINE = ("Bekijk de documenten via https://tekenklaar.nvsi.example/ondertekenen/"
             + "a1b2c3d4" * 40 + " en onderteken ze.")


def sign_in_as(page, email, password) -> None:
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", level=1, name="Overzicht").wait_for()


def fill_every_page_kind(app) -> list[str]:
    """Demo data, packages in several states, a long mail and a bulk run; the page paths."""
    from app.services.accounts import create_user
    from app.services.demo import load_demo

    with app.app_context():
        load_demo(dt.date.today())
        create_user(ADMIN_EMAIL, "Bea Beheerder", ADMIN_PASSWORD, role="beheerder")
    packages = {}
    # each for another gemeente: an open package holds its agreements (once per organisation)
    for code, (state, fields) in zip(("GM0363", "GM0599", "GM0518", "GM0193"), (
            ("concept", {}),
            ("wacht_op_raad", {"council_deadline": dt.date.today() + dt.timedelta(days=20)}),
            ("verzonden", {"provider": "signhost", "envelope_id": "env-1",
                           "sent_at": dt.datetime(2026, 1, 5, 9, 30)}),
            ("mislukt", {"last_error": "Verzenden via signhost is mislukt: " + "x" * 200}))):
        package_id = make_package(app, {**GEMEENTE_LID, "cbs_code": code})
        set_state(app, package_id, state, **fields)
        packages[state] = package_id
    with app.app_context():
        mail = OutgoingMail(package_id=packages["verzonden"], kind="uitnodiging",
                            recipients=["burgemeester@utrecht.example"],
                            subject="Documenten ter ondertekening", state="mislukt",
                            body_text=f"Geachte heer Dijksma,\n\n{LONG_LINE}\n",
                            body_html=f"<p>{LONG_LINE}</p>", attempts=5,
                            last_error="SMTP weigert: " + "y" * 150)
        organisation = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        run = BulkRun(description="Schuldenradar voor alle leden", created_by="test", total=1)
        run.items.append(BulkItem(organisation_id=organisation.id,
                                  organisation_label=organisation.name, state="mislukt",
                                  error="Geen contactpersoon bekend. " + "z" * 120))
        endpoint = OutgoingEndpoint(name="Ledenadministratie", created_by="test",
                                    url="https://leden.nvsi.example/" + "webhooks" * 30,
                                    events=["package.archived"],  # none come here
                                    secret="whsec_" + "A" * 44)
        event = OutgoingEvent(webhook_id="msg_" + "b" * 24, kind="package.created",
                              package_id=packages["concept"], body="{}")
        delivery = OutgoingDelivery(endpoint=endpoint, event=event, attempts=[
            OutgoingAttempt(status=500, error="Het systeem antwoordde met een fout: HTTP 500.",
                            actor="systeem"),
            OutgoingAttempt(error="Geen antwoord binnen 10 seconden.", actor=ADMIN_EMAIL)])
        db.session.add_all([mail, run, delivery])
        db.session.commit()
        mail_id, run_id, organisation_id = mail.id, run.id, organisation.id
        endpoint_id = endpoint.id
        demo_packages = db.session.scalars(sa.select(Package.id)).all()
    return (["/", "/?q=utrecht&status=concept", "/gemeenten", "/organisaties",
             f"/organisaties/{organisation_id}", "/pakketten/nieuw", "/bulk", f"/bulk/{run_id}",
             "/uitgaande-mail", f"/uitgaande-mail/{mail_id}", "/sjablonen",
             "/beheer/gebruikers", "/beheer/tokens", "/beheer/webhooks",
             f"/beheer/webhooks/{endpoint_id}", "/account/wachtwoord", "/zo-werkt-het",
             f"/pakketten/{packages['verzonden']}/corrigeren",
             "/beheer/alv", "/beheer/alv/vergaderingen/1", "/beheer/alv/besluiten/1",
             "/beheer/tarieven/nieuw", "/beheer/tarieven/2026",
             "/oplossingen", "/oplossingen/wijkteamdossier", "/verbeterwensen/nieuw"]
            + [f"/pakketten/{n}" for n in sorted(set(demo_packages))])


# True when the longest option of the select fits inside it (the text is not cut off).
FITS = """(selector) => {
  const select = document.querySelector(selector);
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = getComputedStyle(select).font;
  const longest = Math.max(...[...select.options].map(o => canvas.measureText(o.text).width));
  return longest + 40 <= select.clientWidth;  // room for the padding and the arrow
}"""


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_no_staff_page_is_wider_than_the_screen(browser, live_server, live_app, width, height):
    paths = fill_every_page_kind(live_app)
    ready = make_package(live_app, MAATSCHAPPELIJK_LID)
    with live_app.app_context():  # documents "made" (small PDFs in the store): ready to send
        from tests.mail.factories import make_documents

        make_documents(db.session.get(Package, ready))
    context = browser.new_context(base_url=live_server, locale="nl-NL",
                                  viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto("/inloggen")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        sign_in_as(page, ADMIN_EMAIL, ADMIN_PASSWORD)
        too_wide = {}
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide[path] = scroll
            check_accessible(page, f"{path} op {width} px")
        assert too_wide == {}, f"breder dan {width} px: {too_wide}"

        # the package's yearly total is on the screen, and the provider choice is not cut off
        page.goto(f"/pakketten/{ready}")
        total = page.locator("dd.package-total")
        assert total.inner_text().startswith("€ ")
        box = total.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate(FITS, "#provider"), "de keuze van de ondertekendienst valt weg"
        # the mail the organisation will get, read before sending: it wraps, it is accessible
        page.locator("details.mail-preview summary").click()
        preview = page.locator("details.mail-preview pre").inner_text()
        assert preview.startswith("Geachte mevrouw/heer El Amrani,")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        check_accessible(page, f"pakket (klaar, voorbeeld e-mail) op {width} px")
    finally:
        context.close()

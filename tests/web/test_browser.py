"""The staff pages in Debian's Chromium: the whole way of a package, the form's errors, and an
axe-core accessibility check on every page on the way.

These run against the real app served from a thread (SQLite, real LibreOffice, the `manual`
provider). They never skip in CI.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.store.models import Organisation
from app.store.models import Package
from tests.web.support import GEMEENTE_LID
from tests.web.support import GEMEENTE_LID_AMOUNTS
from tests.web.support import STAFF_EMAIL
from tests.web.support import STAFF_PASSWORD
from tests.web.support import make_package
from tests.web.support import set_state
from tests.web.support import wait_for_background_jobs

pytestmark = pytest.mark.browser


def check_accessible(page, what: str) -> None:
    """Run axe-core on the page; fail with the readable report when anything is found."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def sign_in(page) -> None:
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(STAFF_EMAIL)
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", level=1, name="Overzicht").wait_for()


def state_tag(page) -> str:
    return page.locator("p.lead .tag").inner_text()


def flash(page) -> str:
    return page.locator(".alert[role=status]").inner_text()


def fill_gemeente_lid(page) -> None:
    """Fill the 'Nieuw pakket' form as a person would: by the labels on the page."""
    page.get_by_label("Een gemeente").check()
    page.get_by_label("Gemeente", exact=True).select_option(label="Utrecht (GM0344)")
    page.get_by_label("Straat en huisnummer").fill(GEMEENTE_LID["org_street"])
    page.get_by_label("Postcode").fill(GEMEENTE_LID["org_postcode"])
    page.get_by_label("Plaats").fill(GEMEENTE_LID["org_city"])
    page.get_by_label("Als lid").check()
    contact = page.get_by_role("group", name="Contactpersoon")
    contact.get_by_label("Naam").fill(GEMEENTE_LID["contact_name"])
    contact.get_by_label("Functie").fill(GEMEENTE_LID["contact_function"])
    contact.get_by_label("E-mailadres").fill(GEMEENTE_LID["contact_email"])
    contact.get_by_label("Telefoonnummer").fill(GEMEENTE_LID["contact_phone"])
    signatory = page.get_by_role("group", name="Ondertekenaar")
    signatory.get_by_label("Naam").fill(GEMEENTE_LID["signatory_name"])
    signatory.get_by_label("Functie").fill(GEMEENTE_LID["signatory_function"])
    signatory.get_by_label("E-mailadres").fill(GEMEENTE_LID["signatory_email"])
    privacy = page.get_by_role("group", name="Privacy en datalekken")
    privacy.get_by_label("Naam functionaris gegevensbescherming").fill(GEMEENTE_LID["fg_name"])
    privacy.get_by_label("E-mailadres functionaris gegevensbescherming").fill(
        GEMEENTE_LID["fg_email"])
    privacy.get_by_label("Naam contact bij datalekken").fill(GEMEENTE_LID["breach_name"])
    privacy.get_by_label("E-mailadres contact bij datalekken").fill(GEMEENTE_LID["breach_email"])
    privacy.get_by_label("Telefoon contact bij datalekken (dag en nacht bereikbaar)").fill(
        GEMEENTE_LID["breach_phone"])
    for n, name in enumerate(("Schuldenradar", "Wijkteamdossier")):
        row = page.get_by_role("group", name=f"Oplossing {n + 1}")
        row.get_by_label("Oplossing").select_option(label=name)
        row.get_by_label("Ingangsdatum").fill(GEMEENTE_LID[f"solutions-{n}-start"])


def test_a_package_from_the_form_to_signed(page, live_app):
    """Sign in; make a package for a gemeente joining as lid with two solutions, after the
    fee preview; make the documents; the council procedure and the College decision; send on
    paper; upload the signed scans; the package is signed."""
    page.goto("/inloggen")
    check_accessible(page, "inloggen")
    sign_in(page)
    check_accessible(page, "overzicht (leeg)")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Nieuw pakket").click()
    page.get_by_role("heading", level=1, name="Nieuw pakket").wait_for()
    check_accessible(page, "nieuw pakket (leeg)")
    fill_gemeente_lid(page)
    page.get_by_role("button", name="Voorbeeld bekijken").click()

    preview = page.locator("section.preview")
    preview.wait_for()
    shown = preview.inner_text()
    for amount in GEMEENTE_LID_AMOUNTS:
        assert amount in shown, amount
    assert "vast bedrag per oplossing" in shown  # the 2027 surcharge
    assert "Verwerkersovereenkomst" in shown and "Raadsbrief" in shown
    check_accessible(page, "nieuw pakket (voorbeeld)")
    with live_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 0

    # the solutions start after the collegebesluit, which is recorded today below
    later = (dt.date.today() + dt.timedelta(days=60)).strftime("%d-%m-%Y")
    for n in range(2):
        page.get_by_role("group", name=f"Oplossing {n + 1}").get_by_label("Ingangsdatum") \
            .fill(later)
    page.get_by_role("button", name="Pakket aanmaken").click()
    page.get_by_role("heading", level=1, name=re.compile(r"^Pakket NVSI-\d{4}-\d{4}$")).wait_for()
    assert "is aangemaakt" in flash(page)
    assert state_tag(page) == "Concept"
    check_accessible(page, "pakket (concept)")

    # LibreOffice starts on the first conversion: allow it time on a busy machine
    page.get_by_role("button", name="Documenten maken").click(timeout=180_000)
    page.get_by_text("De documenten zijn gemaakt.").wait_for(timeout=180_000)
    assert state_tag(page) == "Documenten klaar"
    check_accessible(page, "pakket (documenten klaar)")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF van Aanmelding gemeente als lid (bijlage 1)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    page.get_by_role("button", name="Raadsprocedure starten").click()
    page.get_by_text("De raadsprocedure is gestart.").wait_for()
    assert state_tag(page) == "Wacht op de raad"
    check_accessible(page, "pakket (wacht op de raad)")

    today = dt.date.today().strftime("%d-%m-%Y")
    page.get_by_label("Datum waarop het ontwerpbesluit naar de raad ging").fill(today)
    page.get_by_role("button", name="Datum vastleggen").click()
    page.get_by_label("Geen wensen en bedenkingen").check()
    page.get_by_label("Datum van de reactie").fill(today)
    page.get_by_role("button", name="Reactie vastleggen").click()
    page.get_by_text("De reactie van de raad is vastgelegd.").wait_for()
    page.get_by_label("Datum van het collegebesluit").fill(today)
    page.get_by_label("Kenmerk van het collegebesluit").fill("B&W 2026/0815")
    page.get_by_role("button", name="Collegebesluit vastleggen").click()
    page.get_by_text("Het collegebesluit is vastgelegd.").wait_for()
    assert state_tag(page) == "Collegebesluit genomen"
    check_accessible(page, "pakket (collegebesluit genomen)")

    page.get_by_label("Ondertekendienst").select_option("manual")
    page.get_by_role("button", name="Verzenden").click()
    page.get_by_text("Het pakket is verzonden voor ondertekening.").wait_for()
    assert state_tag(page) == "Verzonden"
    check_accessible(page, "pakket (verzonden)")

    # the package's own PDFs serve as the signed scans
    scans = page.locator("form.scan")
    titles = [scans.nth(i).locator("label").first.inner_text() for i in range(scans.count())]
    assert len(titles) == 4  # bijlage 1, verwerkersovereenkomst, two gebruiksovereenkomsten
    for number, title in enumerate(titles, start=1):
        link = page.get_by_role("link", name=f"PDF van {title}")
        pdf = page.request.get(link.get_attribute("href")).body()
        assert pdf.startswith(b"%PDF")
        page.get_by_label(title, exact=True).set_input_files(
            files=[{"name": f"scan-{number}.pdf", "mimeType": "application/pdf", "buffer": pdf}])
        page.get_by_role("button", name=f"Scan toevoegen voor {title}").click()
        page.get_by_text("De ondertekende scan is toegevoegd.").wait_for()
        if number == 1:
            assert state_tag(page) in ("Verzonden", "Deels ondertekend")
    assert state_tag(page) in ("Ondertekend", "Gearchiveerd")
    check_accessible(page, "pakket (ondertekend)")
    wait_for_background_jobs(live_app)  # archiving follows the last signature
    page.reload()
    assert state_tag(page) == "Gearchiveerd"
    check_accessible(page, "pakket (gearchiveerd)")
    signed = page.get_by_role("link", name=f"Ondertekend exemplaar van {titles[0]}")
    assert page.request.get(signed.get_attribute("href")).body().startswith(b"%PDF")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ondertekende documenten downloaden (zip)").click()
    assert download_info.value.suggested_filename.endswith("-ondertekend.zip")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overzicht").click()
    check_accessible(page, "overzicht (met pakket)")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties").click()
    check_accessible(page, "organisaties")
    page.get_by_role("link", name="Utrecht").click()
    page.get_by_role("heading", level=1, name="Utrecht").wait_for()
    agreements = page.locator("section", has=page.get_by_role("heading", name="Overeenkomsten op dossier"))
    assert "Aanmelding als lid" in agreements.inner_text()
    assert "Gebruiksovereenkomst" in agreements.inner_text()
    check_accessible(page, "organisatie")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitgaande mail").click()
    page.get_by_role("heading", level=1, name="Uitgaande mail").wait_for()
    check_accessible(page, "uitgaande mail")
    mail_links = page.locator("table a[href^='/uitgaande-mail/']")
    if mail_links.count():
        mail_links.first.click()
        check_accessible(page, "uitgaande mail (een e-mail)")


def test_every_mistake_in_the_form_is_shown_beside_its_field(page, live_app):
    """Type something wrong into every field: each error is beside its field (the field points
    at it with aria-describedby), the summary links to it, what was typed stays, and nothing
    is stored."""
    with live_app.app_context():  # one known organisation, so that choice is offered too
        db.session.add(Organisation(name="Waterschap Vallei en Veluwe", kind="publieke_organisatie"))
        db.session.commit()
    sign_in(page)
    page.goto("/pakketten/nieuw")
    typed = {
        "Naam van de organisatie": "1234",
        "KvK-nummer": "12ab",
        "OIN (Organisatie-identificatienummer)": "123",
        "Straat en huisnummer": "",
        "Postcode": "12345",
        "Plaats": "!!!",
    }
    page.get_by_label("Een andere organisatie (publiek of maatschappelijk)").check()
    for label, value in typed.items():
        page.get_by_label(label).fill(value)
    people = {
        "Contactpersoon": {"Naam": "", "Functie": "42", "E-mailadres": "geen-adres",
                           "Telefoonnummer": "12"},
        "Ondertekenaar": {"Naam": "---", "Functie": "", "E-mailadres": "a@"},
    }
    for group, fields in people.items():
        for label, value in fields.items():
            page.get_by_role("group", name=group).get_by_label(label, exact=True).fill(value)
    first = page.get_by_role("group", name="Oplossing 1")
    first.get_by_label("Ingangsdatum").fill("01-01-2027")  # a date without a solution
    second = page.get_by_role("group", name="Oplossing 2")
    second.get_by_label("Oplossing").select_option(label="Schuldenradar")
    second.get_by_label("Ingangsdatum").fill("31-02-2026")
    page.get_by_role("button", name="Pakket aanmaken").click()

    page.get_by_role("heading", name=re.compile("Er zijn \\d+ problemen")).wait_for()
    assert page.title().startswith("Fout: ")
    expected = {
        "org_name": "Naam organisatie: moet ten minste één letter bevatten.",
        "org_kvk": "KvK-nummer: een KvK-nummer bestaat uit acht cijfers.",
        "org_oin": "OIN",
        "org_street": "Adres: vul dit veld in.",
        "org_postcode": "Postcode: een Nederlandse postcode is vier cijfers en twee letters",
        "org_city": "Plaats: moet ten minste één letter bevatten.",
        "contact_name": "Naam contactpersoon: vul dit veld in.",
        "contact_function": "Functie contactpersoon: moet ten minste één letter bevatten.",
        "contact_email": "E-mailadres contactpersoon: dit is geen geldig e-mailadres",
        "contact_phone": "Telefoon contactpersoon: dit is geen geldig telefoonnummer",
        "signatory_name": "Naam ondertekenaar: moet ten minste één letter bevatten.",
        "signatory_function": "Functie ondertekenaar: vul dit veld in.",
        "signatory_email": "E-mailadres ondertekenaar: dit is geen geldig e-mailadres",
        "solutions-0-code": "Oplossing: kies een oplossing uit de lijst.",
        "solutions-1-start": "Ingangsdatum: dit is geen geldige datum",
        "org_kind": "Soort organisatie: kies publieke organisatie of maatschappelijke organisatie.",
        "involvement": "Betrokkenheid: kies lid of participant.",
    }
    for field, message in expected.items():
        described = _described_by(page, field)
        assert described.startswith("Fout: " + message), (field, described)
    # the summary links to each field, and following a link moves focus there
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    for field in ("org_name", "contact_email", "solutions-1-start"):
        assert summary.locator(f'a[href="#{field}"]').count() == 1
    summary.locator('a[href="#contact_email"]').click()
    assert page.evaluate("document.activeElement.id") == "contact_email"
    # what was typed stays
    for label, value in typed.items():
        assert page.get_by_label(label).input_value() == value
    assert page.get_by_role("group", name="Contactpersoon").get_by_label(
        "E-mailadres").input_value() == "geen-adres"
    assert second.get_by_label("Ingangsdatum").input_value() == "31-02-2026"
    assert second.get_by_label("Oplossing").input_value() == "schuldenradar"
    assert page.get_by_label("Een andere organisatie (publiek of maatschappelijk)").is_checked()
    check_accessible(page, "nieuw pakket (met fouten)")
    with live_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1


def _described_by(page, field: str) -> str:
    """The text of everything the field (or, for a radio group, its fieldset) points at."""
    element = page.locator(f"#{field}")
    if element.count() == 0:  # a radio group: its fieldset carries aria-describedby
        element = page.locator(f"fieldset.radios:has(input[name='{field}'])")
    else:
        assert element.get_attribute("aria-invalid") == "true", field
    ids = (element.get_attribute("aria-describedby") or "").split()
    errors = [" ".join(page.locator(f"#{ident}").text_content().split())
              for ident in ids if ident.endswith("-error")]
    assert errors, f"{field} points at no error"
    return errors[0]


def test_keyboard_only_sign_in_and_skip_link(page, live_app):
    page.goto("/inloggen")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Direct naar de inhoud"
    page.keyboard.press("Enter")  # the skip link jumps over the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(STAFF_EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Overzicht").wait_for()


def test_lock_out_and_error_pages_are_accessible(page, live_app):
    page.goto("/inloggen")
    failures = live_app.extensions["tekenklaar"].settings.login_max_failures
    for _ in range(failures + 1):
        page.get_by_label("E-mailadres").fill(STAFF_EMAIL)
        page.get_by_label("Wachtwoord").fill("fout-wachtwoord")
        page.get_by_role("button", name="Inloggen").click()
    assert "Te veel mislukte pogingen" in page.get_by_role("alert").inner_text()
    check_accessible(page, "inloggen (geblokkeerd)")
    page.goto("/bestaat-niet")
    page.get_by_role("heading", level=1, name="Pagina niet gevonden").wait_for()
    check_accessible(page, "404 (niet ingelogd)")


@pytest.mark.parametrize("state", ["mislukt", "ingetrokken", "deels_ondertekend", "verlopen"])
def test_packages_in_other_states_are_accessible(page, live_app, state):
    package_id = make_package(live_app)
    fields = {"last_error": "Verzenden via signhost is mislukt: de dienst antwoordt niet."}
    if state in ("deels_ondertekend", "verlopen"):
        fields = {"provider": "signhost", "envelope_id": "abc",
                  "sent_at": dt.datetime(2026, 1, 5, 9, 30)}
    if state == "ingetrokken":
        fields = {"state_reason": "De gemeente ziet ervan af."}
    set_state(live_app, package_id, state, **fields)
    sign_in(page)
    check_accessible(page, f"overzicht (aandacht, {state})")
    page.goto(f"/pakketten/{package_id}")
    check_accessible(page, f"pakket ({state})")
    page.goto("/bestaat-niet")
    check_accessible(page, "404 (ingelogd)")


def test_a_wrong_action_keeps_the_page_and_is_accessible(page, live_app):
    package_id = make_package(live_app)
    sign_in(page)
    page.goto(f"/pakketten/{package_id}")
    page.locator("summary", has_text="Pakket intrekken").click()  # opens the <details>
    page.get_by_role("button", name="Pakket intrekken").click()
    page.get_by_text("Reden: vul in waarom het pakket wordt ingetrokken.").first.wait_for()
    assert _described_by(page, "reason").startswith("Fout: Reden: vul in")
    check_accessible(page, "pakket (fout bij intrekken)")


def test_bulk_pages_are_accessible(page, live_app, monkeypatch):
    """The bulk form empty, with its errors and with the preview; the progress page while the
    run goes on and when it is done (with a failed organisation): no axe-core violations."""
    import threading

    from app.services.packages import create_package
    from tests.mail.factories import new_package
    from tests.web.support import use_fake_converter

    fake = use_fake_converter(monkeypatch)  # the live app's background thread uses it too
    go_on = threading.Event()
    convert = fake.convert
    monkeypatch.setattr(fake, "convert", lambda docx: go_on.wait(60) and convert(docx))
    with live_app.app_context():
        for name in ("Stichting Een", "Stichting Twee"):
            create_package(new_package(name=name), actor="test")
        db.session.add(Organisation(name="Stichting Zonder Mensen",
                                    kind="maatschappelijke_organisatie"))
        db.session.commit()

    sign_in(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Bulk").click()
    page.get_by_role("heading", level=1, name="Bulk").wait_for()
    assert "Er zijn nog geen bulkopdrachten." in page.locator("main").inner_text()
    check_accessible(page, "bulk (leeg)")

    page.get_by_label("Ondertekendienst").select_option("manual")
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.title().startswith("Fout: ")
    summary.locator('a[href="#description"]').click()
    assert page.evaluate("document.activeElement.id") == "description"
    assert _described_by(page, "description") == "Fout: Omschrijving: vul dit veld in."
    check_accessible(page, "bulk (met fouten)")

    page.get_by_label("Organisaties die ik zelf aanvink").check()
    for name in ("Stichting Een", "Stichting Twee", "Stichting Zonder Mensen"):
        page.get_by_label(f"{name} (maatschappelijke organisatie)").check()
    page.get_by_label("Als lid").check()
    row = page.get_by_role("group", name="Oplossing 1")
    row.get_by_label("Oplossing").select_option(label="Schuldenradar")
    row.get_by_label("Ingangsdatum").fill("01-01-2027")
    page.get_by_label("Omschrijving van deze bulkopdracht").fill("Schuldenradar 2027")
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    preview = page.locator("section.preview")
    preview.wait_for()
    assert "Voorbeeld: 3 organisaties" in preview.inner_text()
    assert "Lukt niet:" in preview.inner_text()
    check_accessible(page, "bulk (voorbeeld)")

    try:
        page.get_by_role("button", name="Starten voor 3 organisaties").click()
        page.get_by_role("heading", level=1, name="Bulkopdracht: Schuldenradar 2027").wait_for()
        assert "nog bezig of wachtend" in page.locator("main").inner_text()
        check_accessible(page, "bulkopdracht (bezig)")
    finally:
        go_on.set()
    wait_for_background_jobs(live_app)
    page.get_by_role("link", name="Vernieuwen").click()
    page.get_by_text("2 van 3 klaar, 1 mislukt.").wait_for()
    assert page.locator("progress").get_attribute("value") == "3"
    check_accessible(page, "bulkopdracht (klaar, een mislukt)")

    page.get_by_role("link", name="Bulk", exact=True).first.click()
    page.get_by_role("link", name="Schuldenradar 2027").wait_for()
    check_accessible(page, "bulk (met een opdracht)")

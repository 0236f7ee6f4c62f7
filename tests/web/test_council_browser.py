"""A gemeente's road to membership in Debian's Chromium: from a new package through every raad
step (Gemeentewet art. 160 lid 2) to signed and archived on paper (`manual`), reading the
mails the gemeente gets at each step from a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest

from app.domain.formatting import format_date
from tests.documents import builders
from tests.documents.builders import normalise
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from tests.pdfs import tiny_pdf
from tests.web.support import make_user
from tests.web.support import wait_for_background_jobs
from tests.web.test_browser import check_accessible
from tests.web.test_browser import sign_in
from tests.web.test_browser import state_tag

pytestmark = pytest.mark.browser

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TODAY = dt.date.today()
CONTACT_EMAIL = "j.devries@zwolle.example"


@pytest.fixture
def live_app(tmp_path, smtp_server):  # noqa: F811
    """The real app on SQLite, mailing through the test SMTP server."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from tests.conftest import base_settings

    app = create_app(base_settings(
        tmp_path, database_url=f"sqlite:///{tmp_path / 'browser.db'}", mail_backend="smtp",
        smtp_host="127.0.0.1", smtp_port=smtp_server.port, smtp_starttls=False,
        smtp_timeout=5))
    with app.app_context():
        upgrade()
    make_user(app)
    yield app
    app.extensions["tekenklaar"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def to_gemeente(server) -> list:
    return [m for m in server.messages
            if any(a.addr_spec == CONTACT_EMAIL for a in m["To"].addresses)]


def plain(message) -> str:
    return " ".join(message.get_body(("plain",)).get_content().split())


def files(message) -> dict[str, str]:
    return {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}


def docx_text(data: bytes) -> str:
    return normalise(builders.docx_text(data))


def test_a_gemeente_from_a_new_package_through_the_raad_to_archived(page, live_app,
                                                                      smtp_server):  # noqa: F811
    later = (TODAY + dt.timedelta(days=120)).strftime("%d-%m-%Y")
    today = TODAY.strftime("%d-%m-%Y")
    deadline = format_date(TODAY + dt.timedelta(weeks=6))
    sign_in(page)
    page.goto("/pakketten/nieuw")
    page.get_by_label("Een gemeente").check()
    page.get_by_label("Gemeente", exact=True).select_option(label="Zwolle (GM0193)")
    page.get_by_label("Straat en huisnummer").fill("Grote Kerkplein 15")
    page.get_by_label("Postcode").fill("8011 PK")
    page.get_by_label("Plaats").fill("Zwolle")
    page.get_by_label("Als lid").check()
    contact = page.get_by_role("group", name="Contactpersoon")
    contact.get_by_label("Naam").fill("Jan de Vries")
    contact.get_by_label("Functie").fill("Beleidsadviseur sociaal domein")
    contact.get_by_label("E-mailadres").fill(CONTACT_EMAIL)
    contact.get_by_label("Telefoonnummer").fill("038 498 9111")
    signatory = page.get_by_role("group", name="Ondertekenaar", exact=True)
    signatory.get_by_label("De burgemeester", exact=True).check()
    signatory.get_by_label("Naam").fill("Peter Snijders")
    signatory.get_by_label("E-mailadres").fill("burgemeester@zwolle.example")
    privacy = page.get_by_role("group", name="Privacy en datalekken")
    privacy.get_by_label("Naam functionaris gegevensbescherming").fill("Noor El Amrani")
    privacy.get_by_label("E-mailadres functionaris gegevensbescherming").fill(
        "fg@zwolle.example")
    privacy.get_by_label("Naam contact bij datalekken").fill("Servicedesk Informatiebeveiliging")
    privacy.get_by_label("E-mailadres contact bij datalekken").fill("datalek@zwolle.example")
    privacy.get_by_label("Telefoon contact bij datalekken (dag en nacht bereikbaar)").fill(
        "06 12345678")
    row = page.get_by_role("group", name="Oplossing 1")
    row.get_by_label("Oplossing").select_option(label="Schuldenradar")
    row.get_by_label("Ingangsdatum").fill(later)
    page.get_by_role("button", name="Pakket aanmaken").click()
    page.get_by_role("heading", level=1, name=re.compile(r"^Pakket NVSI-\d{4}-\d{4}$")).wait_for()
    assert "Burgemeester van de gemeente Zwolle" in page.locator("main").inner_text()

    page.get_by_role("button", name="Documenten maken").click(timeout=180_000)
    page.get_by_text("De documenten zijn gemaakt.").wait_for(timeout=180_000)

    # 1. start: the gemeente gets the College's own documents, editable
    page.get_by_role("button", name="Raadsprocedure starten").click()
    page.get_by_text("De raadsprocedure is gestart.").wait_for()
    assert state_tag(page) == "Wacht op de raad"
    check_accessible(page, "pakket (raadsprocedure gestart)")
    (first,) = to_gemeente(smtp_server)
    text = plain(first)
    assert text.startswith("Geachte mevrouw/heer De Vries,") and "de gemeente Zwolle" in text
    assert "Laat ons de datum weten waarop het ontwerpbesluit naar de raad is gegaan" in text
    assert format_date(TODAY + dt.timedelta(weeks=6)) in text  # the term as a date
    attached = files(first)
    assert sorted(t for t in attached.values()) == [
        "application/pdf", "application/pdf", DOCX, DOCX]
    raadsbrief = next(p for p in first.iter_attachments()
                      if p.get_filename().startswith("raadsbrief") and
                      p.get_content_type() == DOCX)
    assert "Aan de gemeenteraad van Zwolle" in docx_text(raadsbrief.get_content())

    # 2. the day it went to the raad: a wrong order is refused on the page
    yesterday = (TODAY - dt.timedelta(days=1)).strftime("%d-%m-%Y")
    page.get_by_label("Datum waarop het ontwerpbesluit naar de raad ging").fill(yesterday)
    page.get_by_role("button", name="Datum vastleggen").click()
    page.locator(".error-summary").wait_for()
    assert "vóór het begin van de raadsprocedure" in page.locator(".error-summary").inner_text()
    check_accessible(page, "pakket (fout: datum naar de raad)")
    page.get_by_label("Datum waarop het ontwerpbesluit naar de raad ging").fill(today)
    page.get_by_role("button", name="Datum vastleggen").click()
    page.get_by_text("De datum waarop het ontwerpbesluit naar de raad ging, is "
                     "vastgelegd.").wait_for()
    assert f"tot en met {deadline} wensen en bedenkingen" in page.locator("main").inner_text()
    second = to_gemeente(smtp_server)[1]
    text = plain(second)
    assert text.startswith("Geachte mevrouw/heer De Vries,")
    assert f"tot en met {deadline}" in text and "op welke datum" not in text
    assert DOCX in files(second).values()
    check_accessible(page, "pakket (naar de raad)")

    # 3. the collegebesluit before the term ended, without a reaction: refused (art. 160)
    page.get_by_label("Datum van het collegebesluit").fill(today)
    page.get_by_label("Kenmerk van het collegebesluit").fill("B&W 2026/0815")
    page.get_by_role("button", name="Collegebesluit vastleggen").click()
    page.locator(".error-summary").wait_for()
    assert "artikel 160, tweede lid, Gemeentewet" in page.locator(".error-summary").inner_text()
    assert state_tag(page) == "Wacht op de raad"

    # 4. the raad's reaction, with its letter
    page.get_by_label("Geen wensen en bedenkingen").check()
    page.get_by_label("Datum van de reactie").fill(today)
    page.get_by_label("Brief of besluitenlijst van de raad").set_input_files(files=[{
        "name": "besluitenlijst.pdf", "mimeType": "application/pdf",
        "buffer": tiny_pdf("Besluitenlijst raad Zwolle")}])
    page.get_by_role("button", name="Reactie vastleggen").click()
    page.get_by_text("De reactie van de raad is vastgelegd.").wait_for()
    assert "Reactie van de raad op" in page.locator("main").inner_text()
    third = to_gemeente(smtp_server)[2]
    text = plain(third)
    assert "laten weten geen wensen en bedenkingen te hebben" in text
    assert "Stuur ons de datum en het kenmerk van het collegebesluit" in text
    check_accessible(page, "pakket (reactie van de raad)")

    # 5. the collegebesluit: Bijlage 1 made again, both versions kept
    page.get_by_label("Datum van het collegebesluit").fill(today)
    page.get_by_label("Kenmerk van het collegebesluit").fill("B&W 2026/0815")
    page.get_by_role("button", name="Collegebesluit vastleggen").click()
    page.get_by_text("Het collegebesluit is vastgelegd.").wait_for()
    assert state_tag(page) == "Collegebesluit genomen"
    fourth = to_gemeente(smtp_server)[3]
    text = plain(fourth)
    assert "(kenmerk B&W 2026/0815)" in text and "U hoeft ons niets meer te sturen" in text
    page.locator("tr", has_text="Aanmelding gemeente als lid (bijlage 1)").first \
        .locator("details.versions summary").click()
    old = page.get_by_role("link", name="PDF versie 1 van Aanmelding gemeente als lid (bijlage 1)")
    assert page.request.get(old.get_attribute("href")).body().startswith(b"%PDF")
    check_accessible(page, "pakket (collegebesluit genomen)")

    # 6. sent on paper: the signing mail asks nothing already known
    page.get_by_label("Ondertekendienst").select_option("manual")
    page.get_by_role("button", name="Verzenden").click()
    page.get_by_text("Het pakket is verzonden voor ondertekening.").wait_for()
    signing = to_gemeente(smtp_server)[4]
    text = plain(signing)
    assert "collegebesluit" not in text.lower() and "op welke datum" not in text
    assert not any(n.startswith(("raadsbrief", "ontwerpbesluit")) for n in files(signing))
    assert "versie 2" in page.locator("ol.timeline").inner_text()

    scans = page.locator("form.scan")
    titles = [scans.nth(i).locator("label").first.inner_text() for i in range(scans.count())]
    for number, title in enumerate(titles, start=1):
        link = page.get_by_role("link", name=f"PDF van {title}")
        pdf = page.request.get(link.get_attribute("href")).body()
        page.get_by_label(title, exact=True).set_input_files(
            files=[{"name": f"scan-{number}.pdf", "mimeType": "application/pdf", "buffer": pdf}])
        page.get_by_role("button", name=f"Scan toevoegen voor {title}").click()
        page.get_by_text("De ondertekende scan is toegevoegd.").wait_for()
    wait_for_background_jobs(live_app)
    page.reload()
    assert state_tag(page) == "Gearchiveerd"
    check_accessible(page, "pakket (gearchiveerd, met raadsprocedure)")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ondertekende documenten downloaden (zip)").click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        names = archive.namelist()
        assert "raad/besluitenlijst.pdf" in names
        manifest = archive.read("versies.txt").decode()
    assert "versie 1" in manifest and "versie 2" in manifest and "SHA-256" in manifest
    completed = to_gemeente(smtp_server)[-1]
    assert "Ondertekend" in str(completed["Subject"])

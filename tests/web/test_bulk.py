"""Bulk: the form (errors beside the fields, the preview, starting) and the progress page.

Runs inline: start_bulk hands each organisation to the one background thread of the app, so
the pages render while the run goes on; `wait_for_background_jobs` waits for it to finish.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import sqlalchemy as sa

from app.domain.rules import PARTICIPANT_WARNING
from app.extensions import db
from app.services.packages import create_package
from app.store.models import Agreement
from app.store.models import BulkItem
from app.store.models import BulkRun
from app.store.models import Organisation
from app.store.models import Package
from tests.app.test_packages import new_package as new_gemeente_package
from tests.mail.factories import new_package
from tests.web.support import count
from tests.web.support import error_for
from tests.web.support import post
from tests.web.support import text
from tests.web.support import use_fake_converter
from tests.web.support import wait_for_background_jobs

OFFER = {
    "involvement": "lid",
    "solutions-0-code": "schuldenradar", "solutions-0-start": "01-01-2027",
    "solutions-1-code": "", "solutions-1-start": "",
    "provider": "manual",
    "description": "Schuldenradar 2027",
}


def organisation_with_people(app, name: str) -> int:
    """A maatschappelijke organisatie with one package on file (so its people are known)."""
    with app.app_context():
        return create_package(new_package(name=name), actor="test").organisation_id


def gemeente_with_people(app, name: str, cbs: str) -> int:
    with app.app_context():
        return create_package(new_gemeente_package(name=name, cbs=cbs), actor="test").organisation_id


def organisation_without_people(app, name: str, kind: str = "maatschappelijke_organisatie") -> int:
    with app.app_context():
        organisation = Organisation(name=name, kind=kind)
        db.session.add(organisation)
        db.session.commit()
        return organisation.id


def agreement(app, organisation_id: int, kind: str, solution_code: str = "") -> None:
    with app.app_context():
        db.session.add(Agreement(organisation_id=organisation_id, kind=kind,
                                 solution_code=solution_code, signed_on=dt.date(2025, 3, 1)))
        db.session.commit()


def submit(client, data: dict, action: str = "voorbeeld", ticked=()):
    fields = {**data, "action": action}
    if ticked:
        fields["organisations"] = [str(i) for i in ticked]
    return post(client, "/bulk", fields)


def preview_then_start(client, data: dict, ticked=()):
    """Look at the preview, then press Starten with the preview's token, as a person would."""
    page = text(submit(client, data, ticked=ticked))
    token = re.search(r'name="preview_token" value="([0-9a-f]+)"', page)
    assert token, page
    return submit(client, {**data, "preview_token": token[1]}, "starten", ticked)


def run_id_of(response) -> int:
    assert response.status_code == 302, text(response)
    return int(re.search(r"/bulk/(\d+)$", response.headers["Location"])[1])


def section(page: str, ident: str) -> str:
    return page.split(f'id="{ident}"')[1].split("</section>")[0]


# --- the form ------------------------------------------------------------------------------

def test_the_empty_bulk_page(staff, app):
    response = staff.get("/bulk")
    page = text(response)
    assert response.status_code == 200
    assert "<title>Bulk · Tekenklaar NVSI</title>" in page
    assert '<a href="/bulk" aria-current="page">Bulk</a>' in page
    assert "Er zijn nog geen bulkopdrachten." in page
    for label in ("Gemeenten die nog geen lid zijn", "Gebruikers van een oplossing",
                  "Alleen documenten maken, niet verzenden", "Voorbeeld bekijken",
                  "Schuldenradar", PARTICIPANT_WARNING):
        assert label in page, label
    assert 'value="starten"' not in page  # only after a preview
    assert re.findall(r'<option value="([^"]+)"', page.split('id="provider"')[1]
                      .split("</select>")[0]) == ["builtin", "manual"]
    assert 'value="manual" selected' in page


def test_every_mistake_is_shown_beside_its_field_and_nothing_starts(staff, app):
    response = submit(staff, {"provider": "", "solutions-0-code": "schuldenradar",
                              "solutions-0-start": "31-02-2027"})
    page = text(response)
    assert response.status_code == 422
    assert "<title>Fout: Bulk" in page
    assert "Er zijn 5 problemen" in page
    assert "Organisaties: kies gemeenten die nog geen lid zijn" in page
    assert 'href="#selection-niet_leden"' in page
    assert "Betrokkenheid: kies lid of participant." in page
    assert error_for(page, "solutions-0-start").startswith("Ingangsdatum: dit is geen geldige datum")
    assert error_for(page, "provider") == "Ondertekendienst: kies een dienst uit de lijst."
    assert error_for(page, "description") == "Omschrijving: vul dit veld in."
    assert 'value="31-02-2027"' in page  # what was typed stays
    assert count(app, BulkRun) == 0


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"selection": "gebruikers"}, "users_of", "Oplossing: kies de oplossing van wie"),
    ({"selection": "kiezen"}, "organisations", "Organisaties: vink ten minste één organisatie aan."),
    ({"selection": "niet_leden", "involvement": "participant"}, "participant_warning_acknowledged",
     "Participant met oplossingen: vink aan"),
    ({"selection": "niet_leden", "solutions-1-code": "schuldenradar",
      "solutions-1-start": "01-03-2027"}, "solutions-1-code", "Schuldenradar staat twee keer"),
    ({"selection": "niet_leden", "solutions-0-start": "01-01-2035"}, "solutions-0-start",
     "Voor 2035 is nog geen tarief vastgesteld"),
    ({"selection": "niet_leden", "solutions-0-code": "", "solutions-0-start": "",
      "solutions-2-code": "schuldenradar", "solutions-2-start": "01-01-2035"},
     "solutions-2-start", "Voor 2035 is nog geen tarief vastgesteld"),
    ({"selection": "niet_leden", "description": "x" * 301}, "description",
     "Omschrijving: gebruik hoogstens 300 tekens."),
])
def test_one_mistake(staff, app, data, field, message):
    organisation_with_people(app, "Stichting De Brug")
    response = submit(staff, {**OFFER, **data})
    page = text(response)
    assert response.status_code == 422, page
    if field == "organisations":  # a group of checkboxes: the error sits in its fieldset
        assert f'<p class="error" id="organisations-error"><span class="visually-hidden">Fout: </span>{message}' in page
        assert 'href="#organisations-' in page
    else:
        assert (error_for(page, field) or "").startswith(message), page
    assert count(app, BulkRun) == 0


def test_a_selection_without_organisations_is_an_error(staff, app):
    member = gemeente_with_people(app, "Utrecht", "GM0344")
    agreement(app, member, "registratie_lid")
    page = text(submit(staff, {**OFFER, "selection": "niet_leden"}))
    assert "alle gemeenten in Tekenklaar zijn al lid" in page
    page = text(submit(staff, {**OFFER, "selection": "gebruikers", "users_of": "wijkteamdossier"}))
    assert error_for(page, "users_of").startswith("Oplossing: Wijkteamdossier heeft nog geen gebruikers")


# --- the preview ---------------------------------------------------------------------------

def test_preview_of_the_gemeenten_that_are_not_yet_a_member(staff, app):
    """Every gemeente without a membership on file, with what its package would be; one
    without a contact person on file is listed with the reason it will fail."""
    gemeente_with_people(app, "Utrecht", "GM0344")
    gemeente_with_people(app, "Amersfoort", "GM0307")
    organisation_without_people(app, "Zeist", "gemeente")
    member = gemeente_with_people(app, "Houten", "GM0321")
    agreement(app, member, "registratie_lid")
    organisation_with_people(app, "Stichting De Brug")  # not a gemeente

    response = submit(staff, {**OFFER, "selection": "niet_leden"})
    page = text(response)
    assert response.status_code == 200
    assert "<title>Voorbeeld: Bulk" in page
    preview = section(page, "voorbeeld")
    assert "Voorbeeld: 3 organisaties" in preview
    names = re.findall(r'<a href="/organisaties/\d+">([^<]+)</a>', preview)
    assert names == ["Amersfoort", "Utrecht", "Zeist"]
    assert "bij 1 van de 3 organisaties lukt het niet" in preview
    assert ("<strong>Lukt niet:</strong> Van Zeist zijn nog geen contactpersoon en "
            "ondertekenaar bekend; maak eerst een pakket met de hand.") in preview
    # schuldenradar 2027: 4377.50 + 1313.75 + 695.00 (fixed surcharge) = 6386.25, from 1 January
    # the whole year; aanbiedingsbrief, aanmelding, raadsbrief, ontwerpbesluit,
    # verwerkersovereenkomst, gebruiksovereenkomst, NVSI Voorwaarden
    assert preview.count("7 documenten, € 6.386,25 in het eerste kalenderjaar (excl. btw)") == 2
    assert preview.count("Raadsprocedure (artikel 160 Gemeentewet)") == 2
    assert "Starten voor 3 organisaties" in page
    assert count(app, BulkRun) == 0 and count(app, Package) == 4


def test_preview_of_the_users_of_a_solution(staff, app):
    users = [organisation_with_people(app, name) for name in ("Stichting Een", "Stichting Twee")]
    organisation_with_people(app, "Stichting Drie")
    for organisation_id in users:
        agreement(app, organisation_id, "gebruiksovereenkomst", "schuldenradar")
    data = {**OFFER, "selection": "gebruikers", "users_of": "schuldenradar",
            "solutions-0-code": "wijkteamdossier"}
    preview = section(text(submit(staff, data)), "voorbeeld")
    assert re.findall(r'<a href="/organisaties/\d+">([^<]+)</a>', preview) == [
        "Stichting Een", "Stichting Twee"]
    # offering a solution they already use leaves nothing to sign: shown before starting
    data["solutions-0-code"] = "schuldenradar"
    agreement(app, users[0], "registratie_lid")
    preview = section(text(submit(staff, data)), "voorbeeld")
    assert "<strong>Lukt niet:</strong> Er is niets te ondertekenen" in preview


def test_ticked_organisations_and_what_was_typed_stay(staff, app):
    first = organisation_with_people(app, "Stichting Een")
    organisation_with_people(app, "Stichting Twee")
    page = text(submit(staff, {**OFFER, "selection": "kiezen"}, ticked=[first]))
    assert "Voorbeeld: 1 organisatie" in page
    assert f'id="organisations-{first}" name="organisations" value="{first}" checked' in page
    assert 'id="selection-kiezen" name="selection" value="kiezen" checked' in page
    assert 'value="Schuldenradar 2027"' in page


# --- starting and progress -------------------------------------------------------------------

def test_start_makes_and_sends_a_package_for_each_and_one_failure_stops_no_other(staff, app,
                                                                                   monkeypatch):
    use_fake_converter(monkeypatch)
    ticked = [organisation_with_people(app, "Stichting Een"),
              organisation_without_people(app, "Stichting Zonder Mensen"),
              organisation_with_people(app, "Stichting Twee")]
    response = preview_then_start(staff, {**OFFER, "selection": "kiezen"}, ticked)
    bulk_id = run_id_of(response)
    assert "is gestart voor 3 organisaties" in text(staff.get(f"/bulk/{bulk_id}"))
    wait_for_background_jobs(app)

    page = text(staff.get(f"/bulk/{bulk_id}"))
    assert "<h1>Bulkopdracht: Schuldenradar 2027</h1>" in page
    assert '<progress id="voortgang" max="3" value="3"' in page
    assert "2 van 3 klaar, 1 mislukt." in page
    assert "Vernieuwen" not in page  # nothing left to wait for
    table = section(page, "organisaties-kop")
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 3
    failed = next(row for row in rows if "Stichting Zonder Mensen" in row)
    assert "Mislukt" in failed and "nog geen contactpersoon en ondertekenaar bekend" in failed
    assert "Nog geen" in failed
    for row in rows:
        if row is not failed:
            assert re.search(r'<a href="/pakketten/\d+">NVSI-\d{4}-\d{4}</a>', row)
            assert "Verzonden" in row and "Klaar" in row
    assert "Schuldenradar (ingangsdatum 1 januari 2027)" in page
    assert "Mislukte organisaties opnieuw proberen (1)" in page
    with app.app_context():
        sent = db.session.scalars(sa.select(Package).where(Package.state == "verzonden")).all()
        assert len(sent) == 2 and {p.created_by for p in sent} == {f"bulk:{bulk_id}"}

    listing = text(staff.get("/bulk"))
    runs = section(listing, "eerdere")
    assert f'<a href="/bulk/{bulk_id}">Schuldenradar 2027</a>' in runs
    assert re.search(r'<td class="num">3</td>\s*<td class="num">2</td>\s*<td class="num">1</td>',
                     runs)
    assert "medewerker@nvsi.nl" in runs


def test_only_documents(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    ticked = [organisation_with_people(app, "Stichting Een")]
    data = {**OFFER, "selection": "kiezen", "documents_only": "ja", "provider": ""}
    bulk_id = run_id_of(preview_then_start(staff, data, ticked))
    wait_for_background_jobs(app)
    page = text(staff.get(f"/bulk/{bulk_id}"))
    assert "1 van 1 klaar, 0 mislukt." in page
    assert "Nee: alleen documenten maken" in page
    with app.app_context():
        made = db.session.scalar(sa.select(Package).where(Package.created_by == f"bulk:{bulk_id}"))
        assert made.state == "klaar"


def test_gemeenten_joining_wait_for_the_council(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    gemeente_with_people(app, "Utrecht", "GM0344")
    bulk_id = run_id_of(preview_then_start(staff, {**OFFER, "selection": "niet_leden"}))
    wait_for_background_jobs(app)
    page = text(staff.get(f"/bulk/{bulk_id}"))
    assert "1 van 1 klaar, 0 mislukt." in page
    assert "Wacht op de raad" in page


def test_the_progress_page_renders_while_the_run_goes_on(staff, app, monkeypatch):
    """The background thread is held in the middle of the first organisation: the page shows
    what is done so far and a link to look again."""
    fake = use_fake_converter(monkeypatch)
    go_on = threading.Event()
    convert = fake.convert

    def slow(docx):
        assert go_on.wait(30), "the test did not let the run go on"
        return convert(docx)

    monkeypatch.setattr(fake, "convert", slow)
    ticked = [organisation_with_people(app, name) for name in ("Stichting Een", "Stichting Twee")]
    bulk_id = run_id_of(preview_then_start(staff, {**OFFER, "selection": "kiezen"}, ticked))
    try:
        page = text(staff.get(f"/bulk/{bulk_id}"))
        assert '<progress id="voortgang" max="2" value="0"' in page
        assert "0 van 2 klaar, 0 mislukt, 2 nog bezig of wachtend." in page
        assert f'<a href="/bulk/{bulk_id}">Vernieuwen</a>' in page
        assert 'http-equiv="refresh"' not in page
        assert "Nog 2 bezig of wachtend" in text(staff.get("/bulk"))
    finally:
        go_on.set()
    wait_for_background_jobs(app)
    assert "2 van 2 klaar, 0 mislukt." in text(staff.get(f"/bulk/{bulk_id}"))


def test_starting_twice_starts_once(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    ticked = [organisation_with_people(app, "Stichting Een")]
    data = {**OFFER, "selection": "kiezen"}
    first = run_id_of(preview_then_start(staff, data, ticked))
    again = preview_then_start(staff, data, ticked)
    assert run_id_of(again) == first
    assert "was al gestart; er is geen tweede gestart" in text(staff.get(f"/bulk/{first}"))
    wait_for_background_jobs(app)
    assert count(app, BulkRun) == 1 and count(app, BulkItem) == 1


def test_starting_after_a_change_shows_the_new_preview_and_starts_nothing(staff, app):
    ticked = [organisation_with_people(app, "Stichting Een"),
              organisation_with_people(app, "Stichting Twee")]
    data = {**OFFER, "selection": "kiezen"}
    token = re.search(r'name="preview_token" value="([0-9a-f]+)"',
                      text(submit(staff, data, ticked=ticked)))[1]
    response = submit(staff, {**data, "preview_token": token}, "starten", ticked[:1])
    page = text(response)
    assert response.status_code == 200
    assert "U heeft iets veranderd sinds het voorbeeld" in page
    assert "Voorbeeld: 1 organisatie" in page
    response = submit(staff, {**data, "description": "Anders"}, "starten", ticked)  # no token
    assert "U heeft iets veranderd sinds het voorbeeld" in text(response)
    assert count(app, BulkRun) == 0


def test_retry_the_failed_organisations(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    bare = organisation_without_people(app, "Stichting Later")
    bulk_id = run_id_of(preview_then_start(staff, {**OFFER, "selection": "kiezen"}, [bare]))
    wait_for_background_jobs(app)
    assert "0 van 1 klaar, 1 mislukt." in text(staff.get(f"/bulk/{bulk_id}"))
    with app.app_context():  # its people are known now
        create_package(new_package(organisation_id=bare), actor="test")
    response = post(staff, f"/bulk/{bulk_id}/opnieuw")
    assert response.status_code == 302
    wait_for_background_jobs(app)
    page = text(staff.get(f"/bulk/{bulk_id}"))
    assert "1 organisatie wordt opnieuw geprobeerd." in page
    assert "1 van 1 klaar, 0 mislukt." in page
    response = post(staff, f"/bulk/{bulk_id}/opnieuw")
    assert "Er zijn geen mislukte organisaties" in text(staff.get(response.headers["Location"]))


def test_no_such_bulk_run(staff, app):
    assert staff.get("/bulk/9999").status_code == 404
    assert post(staff, "/bulk/9999/opnieuw").status_code == 404


def test_everything_on_the_bulk_pages_is_escaped(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    ticked = [organisation_with_people(app, "Stichting <b>Vet</b>")]
    data = {**OFFER, "selection": "kiezen", "description": "Tarieven <i>2027</i>"}
    raw = submit(staff, data, ticked=ticked).get_data(as_text=True)
    assert "<b>Vet</b>" not in raw and "<i>2027</i>" not in raw
    assert "Stichting &lt;b&gt;Vet&lt;/b&gt;" in raw
    bulk_id = run_id_of(preview_then_start(staff, data, ticked))
    wait_for_background_jobs(app)
    raw = staff.get(f"/bulk/{bulk_id}").get_data(as_text=True)
    assert "<b>Vet</b>" not in raw and "<i>2027</i>" not in raw
    assert "Tarieven &lt;i&gt;2027&lt;/i&gt;" in raw

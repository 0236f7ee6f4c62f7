"""'Nieuw pakket': the form, its errors beside each field, the preview and creating."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.store.models import Agreement
from app.store.models import Organisation
from app.store.models import Package
from tests.web.support import GEMEENTE_LID
from tests.web.support import GEMEENTE_LID_AMOUNTS
from tests.web.support import STAFF_EMAIL
from tests.web.support import counts
from tests.web.support import error_for
from tests.web.support import post
from tests.web.support import text
from tests.web.support import value_of

# Every name app/services/intake.py reads, plus the form's own org_source and action.
INTAKE_FIELDS = {
    "organisation_id", "org_kind", "cbs_code", "org_name", "org_kvk", "org_oin",
    "org_street", "org_postcode", "org_city", "involvement",
    "contact_name", "contact_function", "contact_email", "contact_phone",
    "signatory_name", "signatory_function", "signatory_email",
    "signatory_capacity", "volmacht_on", "volmacht_reference",
    "second_signatory_name", "second_signatory_function", "second_signatory_email",
    "fg_name", "fg_email", "fg_phone", "breach_name", "breach_email", "breach_phone",
    "participant_warning_acknowledged",
    *(f"solutions-{n}-{part}" for n in range(4) for part in ("code", "start")),
}


def submit(client, data, action="voorbeeld"):
    return post(client, "/pakketten/nieuw", {**data, "action": action})


def add_organisation(app, **fields):
    with app.app_context():
        org = Organisation(**{"name": "Stichting De Brug", "kind": "maatschappelijke_organisatie",
                              "street": "Brugstraat 7", "postcode": "6511 AB",
                              "city": "Nijmegen", **fields})
        db.session.add(org)
        db.session.commit()
        return org.id


def test_the_form_uses_the_intake_names_and_lists_every_municipality(staff, app):
    add_organisation(app)
    page = text(staff.get("/pakketten/nieuw"))
    names = set(re.findall(r'name="([^"]+)"', page)) - {"csrf_token", "action", "org_source", "viewport",
                                                        "form_key"}
    assert names == INTAKE_FIELDS
    cbs = re.search(r'<select id="cbs_code".*?</select>', page, re.S)[0]
    assert len(re.findall(r'<option value="GM\d{4}"', cbs)) == 342
    assert "Utrecht (GM0344)" in cbs and "Súdwest-Fryslân (GM1900)" in cbs
    assert "Stichting De Brug (maatschappelijke organisatie)" in page
    for label in ("Voorbeeld bekijken", "Pakket aanmaken", "Schuldenradar", "Wijkteamdossier"):
        assert label in page
    assert "<title>Nieuw pakket" in page


def test_without_organisations_the_existing_choice_is_not_offered(staff):
    page = text(staff.get("/pakketten/nieuw"))
    assert 'id="org_source-bestaand"' not in page
    assert 'id="organisation_id"' not in page


def test_preview_shows_documents_reasons_and_every_fee_and_creates_nothing(staff, app):
    response = submit(staff, GEMEENTE_LID)
    page = text(response)
    assert response.status_code == 200
    assert "<title>Voorbeeld: Nieuw pakket" in page
    preview = page.split('id="voorbeeld"')[1].split("<form")[0]
    for amount in GEMEENTE_LID_AMOUNTS:
        assert amount in preview
    assert "vast bedrag per oplossing" in preview
    assert "ALV-besluit 2026-09 van 19 november 2026" in preview
    assert "Documenten die het pakket krijgt (8)" in preview
    assert "10 van 12 maanden" in preview  # wijkteamdossier from 1 March
    assert "€ 24.340,95" not in preview  # 6386.25 + 9954.70 + …: no sum of whole-year rates
    for title in ("Aanbiedingsbrief", "Aanmelding gemeente als lid (bijlage 1)", "Raadsbrief",
                  "Ontwerpbesluit lidmaatschap", "Verwerkersovereenkomst",
                  "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: Schuldenradar",
                  "NVSI Voorwaarden Innovatieve Oplossingen"):
        assert title in preview
    assert "artikel 160, tweede lid, Gemeentewet" in preview  # the reason is shown
    assert "1 maart 2027" in preview
    # what was typed stays in the form, so 'Pakket aanmaken' sends it again
    assert value_of(page, "contact_email") == "f.elamrani@utrecht.example"
    assert value_of(page, "cbs_code") == "GM0344"
    assert value_of(page, "solutions-1-code") == "wijkteamdossier"
    assert counts(app) == (0, 0)


def test_preview_shows_what_is_skipped_and_why(staff, app):
    org_id = add_organisation(app, name="Utrecht", kind="gemeente", cbs_code="GM0344")
    with app.app_context():
        db.session.add_all([
            Agreement(organisation_id=org_id, kind="registratie_lid", signed_on=dt.date(2024, 4, 15)),
            Agreement(organisation_id=org_id, kind="verwerkersovereenkomst",
                      signed_on=dt.date(2025, 3, 3)),
            Agreement(organisation_id=org_id, kind="gebruiksovereenkomst",
                      solution_code="schuldenradar", signed_on=dt.date(2025, 3, 3)),
        ])
        db.session.commit()
    page = text(submit(staff, GEMEENTE_LID))
    preview = page.split('id="voorbeeld"')[1].split("<form")[0]
    assert "De organisatie is al lid sinds 15 april 2024." in preview
    assert "De verwerkersovereenkomst van 3 maart 2025 blijft van kracht." in preview
    assert "De gebruiksovereenkomst voor Schuldenradar van 3 maart 2025 blijft van kracht." in preview
    assert "€ 9.954,70" in preview and "€ 6.386,25" not in preview
    # the gebruiksovereenkomst for wijkteamdossier and the Voorwaarden (no version on file)
    assert "Documenten die het pakket krijgt (3)" in preview


def test_create_stores_the_package_and_goes_to_its_page(staff, app):
    response = submit(staff, GEMEENTE_LID, action="aanmaken")
    assert response.status_code == 302
    with app.app_context():
        package = db.session.scalar(sa.select(Package))
        assert response.headers["Location"] == f"/pakketten/{package.id}"
        assert package.state == "concept"
        assert package.created_by == STAFF_EMAIL
        assert package.organisation.name == "Utrecht"
        assert package.organisation.postcode == "3521 AZ"
        assert [s.solution_code for s in package.solutions] == ["schuldenradar", "wijkteamdossier"]
        reference = package.reference_number
    page = text(staff.get(response.headers["Location"]))
    assert f"Pakket {reference} is aangemaakt." in page


def form_key_of(page: str) -> str:
    return re.search(r'<input type="hidden" name="form_key" value="([^"]+)">', page)[1]


def test_pressing_create_twice_makes_one_package(staff, app):
    """The empty form gets a random key that the preview keeps; a second 'Pakket aanmaken'
    with it goes to the package the first one made."""
    key = form_key_of(text(staff.get("/pakketten/nieuw")))
    assert key != form_key_of(text(staff.get("/pakketten/nieuw")))  # one per form shown
    data = {**GEMEENTE_LID, "form_key": key}
    assert form_key_of(text(submit(staff, data))) == key  # kept by the preview
    assert form_key_of(text(submit(staff, {**data, "contact_email": "x"}))) == key  # and errors
    first = submit(staff, data, action="aanmaken")
    second = submit(staff, data, action="aanmaken")
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert counts(app) == (1, 1)
    page = text(staff.get(second.headers["Location"]))
    assert re.search(r"Pakket NVSI-\d{4}-\d{4} was al aangemaakt met dit formulier; er is geen "
                     r"tweede pakket gemaakt\.", page)
    with app.app_context():
        assert db.session.scalar(sa.select(Package.idempotency_key)) == f"web:{key}"


def test_the_same_form_changed_after_creating_asks_before_a_second_package(staff, app):
    key = form_key_of(text(staff.get("/pakketten/nieuw")))
    data = {**GEMEENTE_LID, "form_key": key}
    submit(staff, data, action="aanmaken")
    changed = {**data, "contact_name": "Iemand Anders"}
    response = submit(staff, changed, action="aanmaken")
    page = text(response)
    assert response.status_code == 409
    assert re.search(r"Met dit formulier is al pakket NVSI-\d{4}-\d{4} aangemaakt\.", page)
    assert value_of(page, "contact_name") == "Iemand Anders"
    new_key = form_key_of(page)
    assert new_key != key
    assert counts(app) == (1, 1)
    response = submit(staff, {**changed, "form_key": new_key}, action="aanmaken")
    assert response.status_code == 302
    assert counts(app) == (2, 1)


def test_two_creates_at_the_same_moment_make_one_package(staff, app, monkeypatch):
    """The second request did not see the first's package yet: the unique key stops it, and
    it goes to the first package."""
    import app.services.packages as packages

    key = form_key_of(text(staff.get("/pakketten/nieuw")))
    data = {**GEMEENTE_LID, "form_key": key}
    first = submit(staff, data, action="aanmaken")
    real = packages.find_by_idempotency_key
    calls = []

    def late(found_key):
        calls.append(found_key)
        return None if len(calls) == 1 else real(found_key)

    monkeypatch.setattr(packages, "find_by_idempotency_key", late)
    second = submit(staff, data, action="aanmaken")
    assert len(calls) == 2
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert counts(app) == (1, 1)


def test_a_rule_error_about_a_solution_is_shown_beside_its_own_row(staff, app):
    """Row 1 left empty: the rules' first solution is the form's second row."""
    data = {**GEMEENTE_LID, "solutions-0-code": "", "solutions-0-start": "",
            "solutions-1-code": "schuldenradar", "solutions-1-start": "01-01-2035"}
    page = text(submit(staff, data))
    assert error_for(page, "solutions-1-start").startswith("Voor 2035 is nog geen tarief")
    assert error_for(page, "solutions-0-start") is None


def test_a_form_without_a_key_still_creates(staff, app):
    """A form opened before keys existed (or a tampered key) creates, without a key."""
    response = submit(staff, {**GEMEENTE_LID, "form_key": "<kort>"}, action="aanmaken")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Package.idempotency_key)) is None


def test_create_for_an_organisation_already_known(staff, app):
    org_id = add_organisation(app)
    data = {**GEMEENTE_LID, "org_source": "bestaand", "organisation_id": str(org_id),
            "org_postcode": "fout"}  # fields of the other ways are left out
    response = submit(staff, data, action="aanmaken")
    assert response.status_code == 302, text(response)
    assert counts(app) == (1, 1)
    with app.app_context():
        package = db.session.scalar(sa.select(Package))
        assert package.organisation_id == org_id
        assert [d.kind for d in package.documents][1] == "aanmelding_organisatie_lid"


def test_new_package_from_an_organisation_page_has_it_chosen(staff, app):
    org_id = add_organisation(app)
    page = text(staff.get(f"/pakketten/nieuw?organisatie={org_id}"))
    assert value_of(page, "organisation_id") == str(org_id)
    assert 'id="org_source-bestaand" name="org_source" value="bestaand" checked' in page


def test_every_input_error_is_shown_beside_its_field_with_what_was_typed(staff, app):
    data = {
        "org_source": "anders", "org_kind": "", "org_name": "1234", "org_kvk": "12ab",
        "org_oin": "123", "org_street": "", "org_postcode": "12345", "org_city": "!!!",
        "involvement": "", "contact_name": "", "contact_function": "42",
        "contact_email": "geen-adres", "contact_phone": "12", "signatory_name": "---",
        "signatory_function": "", "signatory_email": "a@",
        "solutions-0-code": "", "solutions-0-start": "01-01-2026",
        "solutions-1-code": "schuldenradar", "solutions-1-start": "31-02-2026",
        "solutions-2-code": "onbekend", "solutions-2-start": "01-01-2026",
    }
    response = submit(staff, data, action="aanmaken")
    page = text(response)
    assert response.status_code == 422
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
        "solutions-2-code": "Oplossing: kies een oplossing uit de lijst.",
    }
    for field, message in expected.items():
        shown = error_for(page, field)
        assert shown is not None and shown.startswith(message), (field, shown)
    # radio groups: the error is in the fieldset, which points at it
    assert 'aria-describedby="org_kind-error"' in page
    assert "Soort organisatie: kies publieke organisatie of maatschappelijke organisatie." in page
    assert 'aria-describedby="involvement-hint involvement-error"' in page
    assert "Betrokkenheid: kies lid of participant." in page
    # the summary at the top links to each field
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    for field in [*expected, "org_kind-publieke_organisatie", "involvement-lid"]:
        assert f'href="#{field}"' in summary
    assert f"Er zijn {len(expected) + 2} problemen" in summary
    assert "<title>Fout: Nieuw pakket" in page
    # what was typed is kept
    for field in ("org_name", "org_kvk", "org_oin", "org_postcode", "org_city",
                  "contact_email", "contact_phone", "signatory_name", "solutions-1-start"):
        assert value_of(page, field) == data[field], field
    assert value_of(page, "solutions-1-code") == "schuldenradar"
    assert 'id="org_source-anders" name="org_source" value="anders" checked' in page
    # fields that are fine carry no error
    assert error_for(page, "solutions-0-start") is None
    assert counts(app) == (0, 0)


def test_no_choice_of_organisation(staff, app):
    data = {key: value for key, value in GEMEENTE_LID.items() if key != "org_source"}
    page = text(submit(staff, data))
    assert "Organisatie: kies of het gaat om een organisatie die al in Tekenklaar staat" in page
    assert 'aria-describedby="org_source-error"' in page
    assert 'href="#org_source-gemeente"' in page  # the first choice offered
    assert counts(app) == (0, 0)


def test_gemeente_without_a_choice_from_the_list(staff, app):
    page = text(submit(staff, {**GEMEENTE_LID, "cbs_code": ""}))
    assert error_for(page, "cbs_code") == "Gemeente: kies een gemeente uit de lijst."


def test_existing_organisation_not_chosen(staff, app):
    add_organisation(app)
    page = text(submit(staff, {**GEMEENTE_LID, "org_source": "bestaand", "organisation_id": ""}))
    assert error_for(page, "organisation_id") == "Organisatie: kies een organisatie uit de lijst."
    assert error_for(page, "cbs_code") is None  # the gemeente fields do not count now


def test_existing_organisation_that_is_gone(staff, app):
    add_organisation(app)
    page = text(submit(staff, {**GEMEENTE_LID, "org_source": "bestaand", "organisation_id": "999"}))
    assert error_for(page, "organisation_id") == "Deze organisatie bestaat niet (meer)."


def test_participant_must_acknowledge_the_warning(staff, app):
    data = {**GEMEENTE_LID, "involvement": "participant"}
    response = submit(staff, data, action="aanmaken")
    page = text(response)
    assert response.status_code == 422
    assert error_for(page, "participant_warning_acknowledged").startswith(
        "Participant met oplossingen: vink aan")
    assert "geen beroep doen op inbesteding" in page  # the warning itself, as the hint
    assert counts(app) == (0, 0)

    page = text(submit(staff, {**data, "participant_warning_acknowledged": "ja"}))
    preview = page.split('id="voorbeeld"')[1].split("<form")[0]
    assert "Let op:" in preview and "geen beroep doen op inbesteding" in preview
    assert "Aanmelding als participant (bijlage 2)" in preview
    assert 'id="participant_warning_acknowledged" name="participant_warning_acknowledged" value="ja" checked' in page


def test_rule_error_for_a_solution_asked_twice_is_beside_it(staff, app):
    data = {**GEMEENTE_LID, "solutions-1-code": "schuldenradar"}
    page = text(submit(staff, data))
    assert error_for(page, "solutions-1-code") == "Schuldenradar staat twee keer in de aanvraag."
    assert counts(app) == (0, 0)


def test_rule_error_for_a_year_without_fees_is_beside_the_date(staff, app):
    data = {**GEMEENTE_LID, "solutions-0-start": "01-01-2031"}
    page = text(submit(staff, data, action="aanmaken"))
    assert error_for(page, "solutions-0-start").startswith("Voor 2031 is nog geen tarief vastgesteld")
    assert counts(app) == (0, 0)


def test_rule_error_when_nothing_is_left_to_sign(staff, app):
    org_id = add_organisation(app, name="Utrecht", kind="gemeente", cbs_code="GM0344")
    with app.app_context():
        db.session.add_all([
            Agreement(organisation_id=org_id, kind="registratie_lid", signed_on=dt.date(2024, 4, 15)),
            Agreement(organisation_id=org_id, kind="verwerkersovereenkomst",
                      signed_on=dt.date(2025, 3, 3)),
            Agreement(organisation_id=org_id, kind="gebruiksovereenkomst",
                      solution_code="schuldenradar", signed_on=dt.date(2025, 3, 3)),
        ])
        db.session.commit()
    data = {**GEMEENTE_LID, "solutions-1-code": "", "solutions-1-start": ""}
    response = submit(staff, data, action="aanmaken")
    page = text(response)
    assert response.status_code == 422
    assert "Er is niets te ondertekenen" in page
    assert 'id="solutions-error"' in page and 'href="#solutions-0-code"' in page
    assert counts(app) == (0, 1)


@pytest.mark.parametrize("start", ["2027-03-01", "1-3-2027", "01.03.2027"])
def test_dates_in_the_usual_ways(staff, app, start):
    response = submit(staff, {**GEMEENTE_LID, "solutions-1-start": start})
    assert response.status_code == 200
    assert "1 maart 2027" in text(response)


def test_a_start_date_in_the_past_is_refused_beside_it(staff, app):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    response = submit(staff, {**GEMEENTE_LID, "solutions-1-start": yesterday.isoformat()})
    assert response.status_code == 422
    assert error_for(text(response), "solutions-1-start").startswith(
        "Ingangsdatum: ") and "ligt in het verleden" in text(response)
    assert counts(app) == (0, 0)


def test_a_verwerkersovereenkomst_needs_the_fg_and_the_breach_contact(staff, app):
    data = {key: value for key, value in GEMEENTE_LID.items()
            if not key.startswith(("fg_", "breach_"))}
    page = text(submit(staff, data))
    assert error_for(page, "fg_name").startswith("Naam functionaris gegevensbescherming:")
    assert error_for(page, "breach_name").startswith("Naam contact bij datalekken:")
    page = text(submit(staff, {**GEMEENTE_LID, "breach_phone": ""}))
    assert error_for(page, "breach_phone").startswith(
        "Telefoon contact bij datalekken (dag en nacht bereikbaar): vul een telefoonnummer in")
    assert counts(app) == (0, 0)


def test_more_rows_than_four_are_kept(staff, app):
    data = {**GEMEENTE_LID, "solutions-4-code": "mantelzorgwaardering",
            "solutions-4-start": "01-01-2027"}
    page = text(submit(staff, data))
    assert value_of(page, "solutions-4-code") == "mantelzorgwaardering"
    assert "Mantelzorgwaardering" in page.split('id="voorbeeld"')[1].split("<form")[0]


def test_the_preview_names_the_open_package_and_staff_can_replace_it(staff, app):
    from tests.web.support import make_package

    first_id = make_package(app)
    with app.app_context():
        first = db.session.get(Package, first_id)
        reference, org_id = first.reference_number, first.organisation_id
    again = {**GEMEENTE_LID, "org_source": "bestaand", "organisation_id": str(org_id),
             "solutions-2-code": "mantelzorgwaardering", "solutions-2-start": "01-01-2027"}
    preview = text(submit(staff, again)).split('id="voorbeeld"')[1].split("<form")[0]
    assert f"De verwerkersovereenkomst zit al in het open pakket {reference}." in preview
    assert (f"De gebruiksovereenkomst voor Schuldenradar zit al in het open pakket "
            f"{reference}.") in preview
    # the package page offers to replace it; the form says which package it replaces
    page = text(staff.get(f"/pakketten/{first_id}"))
    link = f"/pakketten/nieuw?organisatie={org_id}&amp;vervangt={first_id}"
    assert link in staff.get(f"/pakketten/{first_id}").get_data(as_text=True)
    assert "Vervangen door een nieuw pakket" in page
    form = text(staff.get(link.replace("&amp;", "&")))
    assert f"Vervangt pakket {reference}" in form
    replacing = {**again, "replaces": str(first_id)}
    response = submit(staff, replacing, "aanmaken")
    assert error_for(text(response), "replace_reason").startswith(
        "Reden voor het vervangen: vul dit veld in.")
    response = submit(staff, {**replacing, "replace_reason": "Andere ingangsdatum"}, "aanmaken")
    assert response.status_code == 302
    with app.app_context():
        old = db.session.get(Package, first_id)
        assert old.state == "ingetrokken"
        assert old.state_reason == "Vervangen door een nieuw pakket: Andere ingangsdatum"
        new = db.session.scalar(sa.select(Package).where(Package.replaces_id == first_id))
        assert "verwerkersovereenkomst" in [d.kind for d in new.documents]

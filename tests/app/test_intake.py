"""Checking what staff type into the package form or the API."""

import datetime as dt
from pathlib import Path

import pytest

from app.domain.municipalities import load_municipalities
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.services.intake import IntakeError
from app.services.intake import parse_new_package

DATA = Path(__file__).resolve().parents[2] / "config" / "data"
CODES = {"wijkteamdossier", "schuldenradar", "participatiematch", "mantelzorgwaardering"}


def good_form(**changes):
    form = {
        "org_kind": "gemeente", "cbs_code": "GM0344", "org_street": "Stadsplateau 1",
        "org_postcode": "3521az", "org_city": "Utrecht", "involvement": "lid",
        "contact_name": "Fatima el Amrani", "contact_function": "beleidsadviseur",
        "contact_email": "f.elamrani@utrecht.nl", "contact_phone": "030 286 0000",
        "signatory_name": "Sharon Dijksma", "signatory_function": "burgemeester",
        "signatory_email": "burgemeester@utrecht.nl",
        "solutions-0-code": "schuldenradar", "solutions-0-start": "01-01-2027",
        "solutions-1-code": "wijkteamdossier", "solutions-1-start": "2027-03-01",
        "solutions-2-code": "", "solutions-2-start": "",
    }
    form.update(changes)
    return form


def parse(form):
    return parse_new_package(form, load_municipalities(DATA), CODES)


def test_municipality_list_has_342_since_voorne_aan_zee():
    municipalities = load_municipalities(DATA)
    assert len(municipalities) == 342
    assert municipalities["GM1992"].name == "Voorne aan Zee"
    assert not {"GM0501", "GM0530", "GM0614"} & set(municipalities)
    assert municipalities["GM0518"].name == "'s-Gravenhage"


def test_good_input_is_cleaned():
    new = parse(good_form())
    assert new.organisation.kind is OrgKind.GEMEENTE
    assert new.organisation.name == "Utrecht"  # from the CBS list, not typed
    assert new.organisation.address.postcode == "3521 AZ"
    assert new.involvement is Involvement.LID
    assert new.contact.phone == "+31 30 286 0000"
    assert [(s.code, s.start) for s in new.solutions] == [
        ("schuldenradar", dt.date(2027, 1, 1)), ("wijkteamdossier", dt.date(2027, 3, 1))]


def test_every_mistake_is_reported_beside_its_field():
    form = good_form(cbs_code="GM9999", org_postcode="12345", involvement="",
                     contact_email="geen-adres", contact_phone="abc", signatory_name="   ",
                     **{"solutions-0-start": "31-02-2027", "solutions-1-code": "onbekend"})
    with pytest.raises(IntakeError) as info:
        parse(form)
    errors = info.value.errors
    assert set(errors) == {"cbs_code", "org_postcode", "involvement", "contact_email",
                           "contact_phone", "signatory_name", "solutions-0-start",
                           "solutions-1-code"}
    assert errors["cbs_code"].startswith("CBS-gemeentecode: GM9999 is geen bestaande gemeente")
    assert errors["signatory_name"] == "Naam ondertekenaar: vul dit veld in."
    assert errors["solutions-0-start"].startswith("Ingangsdatum: dit is geen geldige datum")


def test_other_organisation_keeps_its_typed_name():
    new = parse(good_form(org_kind="maatschappelijke_organisatie", cbs_code="",
                          org_name='Zorg & Welzijn "De Brug" <Noord>', org_kvk="1234 5678"))
    assert new.organisation.name == 'Zorg & Welzijn "De Brug" <Noord>'
    assert new.organisation.kvk == "12345678"
    assert new.organisation.cbs_code is None


def test_existing_organisation_by_id():
    new = parse({**good_form(), "organisation_id": "7"})
    assert new.organisation_id == 7 and new.organisation is None


def test_privacy_officer_and_breach_contact_are_cleaned():
    new = parse(good_form(fg_name=" mr. Noor  El Amrani ", fg_email="FG@Utrecht.NL",
                          breach_name="Servicedesk", breach_email="datalek@utrecht.nl",
                          breach_phone="06 1234 5678"))
    assert (new.privacy_officer.name, new.privacy_officer.email, new.privacy_officer.phone) == (
        "mr. Noor El Amrani", "FG@utrecht.nl", "")
    assert new.privacy_officer.function == "functionaris gegevensbescherming"
    assert (new.breach_contact.email, new.breach_contact.phone) == (
        "datalek@utrecht.nl", "+31 6 12345678")
    assert parse(good_form()).privacy_officer is None  # not typed: the service decides


def test_a_breach_contact_without_a_phone_or_a_half_typed_fg_is_refused():
    with pytest.raises(IntakeError) as caught:
        parse(good_form(fg_name="Noor El Amrani", breach_name="Servicedesk",
                        breach_email="datalek@utrecht.nl", breach_phone=""))
    assert caught.value.errors == {
        "fg_email": "E-mailadres functionaris gegevensbescherming: vul een e-mailadres in, "
                    "bijvoorbeeld naam@gemeente.nl.",
        "breach_phone": "Telefoon contact bij datalekken (dag en nacht bereikbaar): vul een "
                        "telefoonnummer in, bijvoorbeeld 030 123 4567.",
    }


def test_replacing_a_package_needs_a_reason():
    with pytest.raises(IntakeError) as caught:
        parse(good_form(replaces="12"))
    assert caught.value.errors == {"replace_reason": "Reden voor het vervangen: vul dit veld in."}
    new = parse(good_form(replaces="12", replace_reason="Andere ingangsdatum"))
    assert (new.replaces, new.replace_reason) == (12, "Andere ingangsdatum")

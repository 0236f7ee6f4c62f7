"""Organisations as records: edit the details and address, put a contact person and a signer on
file (with history), and 'Nieuw pakket' from the organisation's page starts from what is on
file and says what it took from where."""

from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.store.models import Agreement
from app.store.models import ContactPerson
from app.store.models import Organisation
from app.store.models import Package
from tests.web.support import GEMEENTE_LID
from tests.web.support import STAFF_EMAIL
from tests.web.support import make_package
from tests.web.support import post
from tests.web.support import text
from tests.web.support import value_of

STICHTING = {
    **GEMEENTE_LID, "org_source": "anders", "org_kind": "maatschappelijke_organisatie",
    "org_name": "Stichting De Brug", "org_kvk": "12345678", "cbs_code": "",
    "org_street": "Brugstraat 7", "org_postcode": "6511 AB", "org_city": "Nijmegen",
    "signatory_function": "Voorzitter van het bestuur",
}
DETAILS = {"org_name": "Stichting De Brug Nijmegen", "org_kvk": "12345678", "org_oin": "",
           "org_street": "Waalkade 12", "org_postcode": "6511 XR", "org_city": "Nijmegen"}


def organisation_of(app, package_id) -> int:
    with app.app_context():
        return db.session.get(Package, package_id).organisation_id


def record(app, organisation_id):
    with app.app_context():
        org = db.session.get(Organisation, organisation_id)
        return (org.name, org.kvk, org.street, org.postcode, org.city,
                [(c.name, c.on_file_as, c.replaced_at is None) for c in org.contacts],
                len(org.events))


def test_edit_the_details_and_address_with_history(staff, app):
    organisation_id = organisation_of(app, make_package(app, STICHTING))
    form = text(staff.get(f"/organisaties/{organisation_id}/wijzigen"))
    assert value_of(form, "org_street") == "Brugstraat 7"
    response = post(staff, f"/organisaties/{organisation_id}/wijzigen", DETAILS)
    assert response.status_code == 302
    page = text(staff.get(f"/organisaties/{organisation_id}"))
    assert "<h1>Stichting De Brug Nijmegen</h1>" in page and "Waalkade 12" in page
    assert "<title>Stichting De Brug Nijmegen · Tekenklaar NVSI</title>" in page
    history = page.split('id="geschiedenis"')[1]
    assert "Adres: Brugstraat 7, 6511 AB Nijmegen wordt Waalkade 12, 6511 XR Nijmegen." in history
    assert "Naam: Stichting De Brug wordt Stichting De Brug Nijmegen." in history
    assert STAFF_EMAIL in history
    # the package keeps pointing at the organisation; same values again: nothing new
    before = record(app, organisation_id)
    post(staff, f"/organisaties/{organisation_id}/wijzigen", DETAILS)
    assert record(app, organisation_id) == before


def test_bad_details_are_refused_in_dutch_and_change_nothing(staff, app):
    organisation_id = organisation_of(app, make_package(app, STICHTING))
    before = record(app, organisation_id)
    response = post(staff, f"/organisaties/{organisation_id}/wijzigen",
                    {**DETAILS, "org_postcode": "12345", "org_kvk": "12"})
    page = text(response)
    assert response.status_code == 422
    assert "Postcode" in page and "KvK-nummer" in page
    assert record(app, organisation_id) == before


def test_a_gemeente_keeps_its_cbs_name(staff, app):
    organisation_id = organisation_of(app, make_package(app))
    assert 'id="org_name"' not in text(staff.get(f"/organisaties/{organisation_id}/wijzigen"))
    post(staff, f"/organisaties/{organisation_id}/wijzigen",
         {**DETAILS, "org_name": "Iets Anders"})
    with app.app_context():
        assert db.session.get(Organisation, organisation_id).name == "Utrecht"


def test_people_on_file_are_replaced_and_kept_in_history(staff, app):
    package_id = make_package(app)
    organisation_id = organisation_of(app, package_id)
    first = {"contact_name": "Karin Smit", "contact_function": "Adviseur",
             "contact_email": "k.smit@utrecht.example", "contact_phone": "030 286 1111"}
    assert post(staff, f"/organisaties/{organisation_id}/contactpersoon",
                first).status_code == 302
    second = {**first, "contact_name": "Piet Jansen", "contact_email": "p.jansen@utrecht.example"}
    post(staff, f"/organisaties/{organisation_id}/contactpersoon", second)
    bad = post(staff, f"/organisaties/{organisation_id}/ondertekenaar",
               {"signatory_name": "Sharon Dijksma", "signatory_function": "Burgemeester",
                "signatory_email": "geen-adres"})
    assert bad.status_code == 422 and "E-mailadres ondertekenaar" in text(bad)
    post(staff, f"/organisaties/{organisation_id}/ondertekenaar",
         {"signatory_capacity": "burgemeester", "signatory_name": "Sharon Dijksma",
          "signatory_function": "Burgemeester", "signatory_email": "burgemeester@utrecht.example"})
    page = text(staff.get(f"/organisaties/{organisation_id}"))
    history = page.split('id="geschiedenis"')[1]
    assert "Contactpersoon vastgelegd: Karin Smit" in history
    assert "Contactpersoon: Karin Smit, Adviseur, k.smit@utrecht.example" in history
    assert "wordt Piet Jansen" in history
    assert "Ondertekenaar vastgelegd: Sharon Dijksma" in history
    with app.app_context():
        on_file = db.session.query(ContactPerson).filter_by(
            organisation_id=organisation_id, on_file_as="contactpersoon").all()
        assert [(c.name, c.replaced_at is None) for c in on_file] == [
            ("Karin Smit", False), ("Piet Jansen", True)]
        # the package keeps the contact it was made with
        assert db.session.get(Package, package_id).contact.name == "Fatima el Amrani"


def test_a_new_package_starts_from_what_is_on_file(staff, app):
    package_id = make_package(app)
    organisation_id = organisation_of(app, package_id)
    with app.app_context():
        reference = db.session.get(Package, package_id).reference_number
        db.session.add_all([
            Agreement(organisation_id=organisation_id, kind="registratie_lid",
                      signed_on=dt.date(2025, 3, 1), package_id=package_id),
            Agreement(organisation_id=organisation_id, kind="gebruiksovereenkomst",
                      solution_code="schuldenradar", signed_on=dt.date(2025, 3, 1),
                      package_id=package_id)])
        db.session.commit()
    page = text(staff.get(f"/pakketten/nieuw?organisatie={organisation_id}"))
    assert value_of(page, "contact_name") == "Fatima el Amrani"
    assert value_of(page, "signatory_email") == "burgemeester@utrecht.example"
    taken = page.split('id="overgenomen"')[1].split("</section>")[0]
    assert f"Contactpersoon Fatima el Amrani: uit pakket {reference}." in taken
    assert f"Ondertekenaar Sharon Dijksma: uit pakket {reference}." in taken
    assert "Betrokkenheid lid: de organisatie is lid sinds 1 maart 2025" in taken
    assert "gebruiksovereenkomst Schuldenradar van 1 maart 2025" in taken
    assert 'id="involvement-lid" name="involvement" value="lid" checked' in page

    # once a contact is on file, that one is taken, and the page says so
    post(staff, f"/organisaties/{organisation_id}/contactpersoon",
         {"contact_name": "Karin Smit", "contact_function": "Adviseur",
          "contact_email": "k.smit@utrecht.example", "contact_phone": "030 286 1111"})
    page = text(staff.get(f"/pakketten/nieuw?organisatie={organisation_id}"))
    assert value_of(page, "contact_name") == "Karin Smit"
    assert "Contactpersoon Karin Smit: uit het dossier van de organisatie." in page

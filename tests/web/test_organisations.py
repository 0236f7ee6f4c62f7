"""Organisaties: the list, and one organisation with its packages and agreements."""

import datetime as dt

from app.extensions import db
from app.store.models import Agreement
from app.store.models import Organisation
from tests.web.support import make_package
from tests.web.support import text


def add_brug(app):
    with app.app_context():
        org = Organisation(name="Stichting De Brug", kind="maatschappelijke_organisatie",
                           kvk="12345678", street="Brugstraat 7", postcode="6511 AB",
                           city="Nijmegen")
        db.session.add(org)
        db.session.add_all([
            Agreement(organisation=org, kind="registratie_lid", signed_on=dt.date(2025, 1, 10)),
            Agreement(organisation=org, kind="verwerkersovereenkomst",
                      signed_on=dt.date(2025, 1, 10)),
            Agreement(organisation=org, kind="gebruiksovereenkomst",
                      solution_code="mantelzorgwaardering", signed_on=dt.date(2025, 2, 3)),
        ])
        db.session.commit()
        return org.id


def test_no_organisations_yet(staff):
    page = text(staff.get("/organisaties"))
    assert "Er staan nog geen organisaties in Tekenklaar." in page
    assert 'aria-current="page">Organisaties' in page


def test_list_shows_each_organisation_with_its_counts(staff, app):
    brug = add_brug(app)
    make_package(app)  # Utrecht
    page = text(staff.get("/organisaties"))
    assert f'<a href="/organisaties/{brug}">Stichting De Brug</a>' in page
    assert "Maatschappelijke organisatie" in page and "Gemeente" in page
    assert page.index("Stichting De Brug") < page.index("Utrecht</a>")  # by name
    row = page.split("Stichting De Brug</a>")[1].split("</tr>")[0]
    assert "Lid" in row and '<td class="num">0</td>' in row and '<td class="num">3</td>' in row


def test_organisation_shows_agreements_in_dutch_and_its_packages(staff, app):
    brug = add_brug(app)
    page = text(staff.get(f"/organisaties/{brug}"))
    assert "<h1>Stichting De Brug</h1>" in page
    assert "12345678" in page and "6511 AB Nijmegen" in page
    agreements = page.split('id="overeenkomsten"')[1].split("</section>")[0]
    assert "Aanmelding als lid" in agreements and "10 januari 2025" in agreements
    assert "Verwerkersovereenkomst" in agreements
    assert "Gebruiksovereenkomst" in agreements and "Mantelzorgwaardering" in agreements
    assert "3 februari 2025" in agreements
    assert "Van vóór Tekenklaar" in agreements
    assert "Nog geen pakketten." in page
    assert f'href="/pakketten/nieuw?organisatie={brug}"' in page


def test_organisation_with_a_package(staff, app):
    package_id = make_package(app)
    with app.app_context():
        from app.store.models import Package

        package = db.session.get(Package, package_id)
        org_id, reference = package.organisation_id, package.reference_number
    page = text(staff.get(f"/organisaties/{org_id}"))
    assert "GM0344" in page
    assert f'<a href="/pakketten/{package_id}">{reference}</a>' in page
    assert '<span class="tag tag-concept">Concept</span>' in page
    assert "Nog geen ondertekende overeenkomsten." in page


def test_unknown_organisation(staff):
    response = staff.get("/organisaties/4242")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in text(response)

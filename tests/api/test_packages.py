"""Making, listing and reading packages through the API."""

import pytest

from app.extensions import db
from app.services.packages import create_package
from app.store.models import Organisation
from tests.api.conftest import check_problem
from tests.mail.factories import new_package

GEMEENTE = {
    "org_kind": "gemeente", "cbs_code": "GM0344", "org_street": "Stadsplateau 1",
    "org_postcode": "3521az", "org_city": "Utrecht", "involvement": "lid",
    "contact_name": "Fatima el Amrani", "contact_function": "beleidsadviseur",
    "contact_email": "f.elamrani@utrecht.example", "contact_phone": "030 286 0000",
    "signatory_name": "Sharon Dijksma", "signatory_function": "burgemeester",
    "signatory_email": "burgemeester@utrecht.example",
    "fg_name": "mr. Noor El Amrani", "fg_email": "fg@utrecht.example",
    "fg_phone": "030 286 1000",
    "breach_name": "Servicedesk Informatiebeveiliging", "breach_email": "datalek@utrecht.example",
    "breach_phone": "06 12345678",
    "solutions": [{"code": "schuldenradar", "start": "2027-01-01"},
                  {"code": "wijkteamdossier", "start": "01-03-2027"}],
}


def test_create_a_package_for_a_gemeente(app, api):
    """201 with Location; the body has the documents, signers, fees and timeline."""
    response = api.post("/api/v1/packages", json=GEMEENTE)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == body["links"]["self"]
    assert response.headers["Location"].endswith(f"/api/v1/packages/{body['id']}")
    assert body["state"] == "concept" and body["state_label"] == "Concept"
    assert body["organisation"]["name"] == "Utrecht"
    assert body["organisation"]["address"]["postcode"] == "3521 AZ"
    assert body["needs_council"] is True
    assert [d["kind"] for d in body["documents"]][:4] == [
        "aanbiedingsbrief", "aanmelding_gemeente_lid", "raadsbrief", "ontwerpbesluit"]
    assert all(d["links"] == {"docx": None, "pdf": None, "signed": None}
               for d in body["documents"])
    assert [(s["order"], s["party"], s["state"]) for s in body["signers"]] == [
        (1, "organisatie", "wachtend"), (2, "nvsi", "wachtend"), (3, "nvsi", "wachtend")]
    fees = {f["code"]: f for f in body["fees"]["solutions"]}
    assert fees["schuldenradar"]["total"] == "6386.25"
    assert fees["schuldenradar"]["start"] == "2027-01-01"
    assert fees["wijkteamdossier"]["start"] == "2027-03-01"
    assert body["fees"]["total"] == body["total"]
    # 2027 invoices: schuldenradar in full 6386.25; wijkteamdossier from 1 March 10/12 of
    # 9954.70 = 8295.58; 14681.83 excl. VAT; VAT 1341.11 + 1742.07 = 3083.18
    (year,) = body["fees"]["years"]
    assert (year["year"], year["amount"], year["vat"], year["including_vat"]) == (
        2027, "14681.83", "3083.18", "17765.01")
    assert [(l["code"], l["units"], l["of_units"]) for l in year["lines"]] == [
        ("schuldenradar", 12, 12), ("wijkteamdossier", 10, 12)]
    assert body["total"] == "14681.83"
    assert isinstance(body["total"], str) and body["total"].count(".") == 1
    assert body["timeline"][0]["actor"] == "api:crm-systeem"
    assert body["timeline"][0]["kind"] == "aangemaakt"


def test_create_for_an_existing_organisation_by_integer_id(app, api):
    with app.app_context():
        organisation_id = create_package(new_package(), actor="test").organisation_id
    body = {key: value for key, value in GEMEENTE.items()
            if not key.startswith("org_") and key != "cbs_code"}
    body.update(organisation_id=organisation_id, solutions=[])
    response = api.post("/api/v1/packages", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["organisation"]["id"] == organisation_id


def test_intake_mistakes_come_back_per_field(api):
    body = {**GEMEENTE, "cbs_code": "GM9999", "contact_email": "geen-adres",
            "solutions": [{"code": "schuldenradar", "start": "31-02-2027"},
                          {"code": "onbekend", "start": "2027-01-01"}]}
    response = api.post("/api/v1/packages", json=body)
    problem = check_problem(response, 422)
    assert set(problem["errors"]) == {"cbs_code", "contact_email", "solutions[0].start",
                                      "solutions[1].code"}
    assert problem["errors"]["cbs_code"].startswith("CBS-gemeentecode: GM9999")
    assert problem["title"] == "Ongeldige invoer"


def test_a_verwerkersovereenkomst_without_fg_and_breach_contact_is_422(app, api):
    body = {key: value for key, value in GEMEENTE.items()
            if not key.startswith(("fg_", "breach_"))}
    problem = check_problem(api.post("/api/v1/packages", json=body), 422)
    assert set(problem["errors"]) == {"fg_name", "breach_name"}
    assert "dag en nacht bereikbaar" in problem["errors"]["breach_name"]
    start_in_the_past = {**GEMEENTE, "solutions": [{"code": "schuldenradar",
                                                    "start": "2026-01-01"}]}
    problem = check_problem(api.post("/api/v1/packages", json=start_in_the_past), 422)
    assert problem["errors"]["solutions[0].start"].startswith(
        "Ingangsdatum: 1 januari 2026 ligt in het verleden.")


def test_a_rule_error_is_422_with_its_field(app, api):
    """A participant asking for a solution must acknowledge the inbesteding warning."""
    body = {**GEMEENTE, "involvement": "participant"}
    response = api.post("/api/v1/packages", json=body)
    problem = check_problem(response, 422)
    assert list(problem["errors"]) == ["participant_warning_acknowledged"]
    assert "inbesteding" in problem["detail"]
    response = api.post("/api/v1/packages",
                        json={**body, "participant_warning_acknowledged": True})
    assert response.status_code == 201


def test_an_unknown_organisation_is_404(api):
    body = {k: v for k, v in GEMEENTE.items() if not k.startswith("org_") and k != "cbs_code"}
    response = api.post("/api/v1/packages", json={**body, "organisation_id": "999"})
    assert check_problem(response, 404)["detail"] == "Deze organisatie bestaat niet (meer)."


@pytest.mark.parametrize(("body", "field"), [
    ({**GEMEENTE, "colour": "blue"}, "colour"),
    ({**GEMEENTE, "contact_name": ["a"]}, "contact_name"),
    ({**GEMEENTE, "contact_name": True}, "contact_name"),
    ({**GEMEENTE, "solutions": "schuldenradar"}, "solutions"),
    ({**GEMEENTE, "solutions": [{"code": "schuldenradar", "when": "2027"}]}, "solutions[0]"),
    ({**GEMEENTE, "solutions": [{"code": 7, "start": "2027-01-01"}]}, "solutions[0]"),
])
def test_wrong_shapes_are_422_naming_the_field(api, body, field):
    response = api.post("/api/v1/packages", json=body, check_request=False)
    assert field in check_problem(response, 422)["errors"]


def test_bad_json_is_400(api):
    response = api.post("/api/v1/packages", data='{"org_kind": ', check_request=False,
                        content_type="application/json")
    assert check_problem(response, 400)["title"] == "Ongeldige JSON"


def test_a_body_that_is_not_json_is_415(api):
    response = api.post("/api/v1/packages", data="org_kind=gemeente", check_request=False,
                        content_type="application/x-www-form-urlencoded")
    check_problem(response, 415)


@pytest.mark.parametrize("data", ["[]", '"tekst"', ""])
def test_a_body_that_is_not_an_object_is_422(api, data):
    response = api.post("/api/v1/packages", data=data, check_request=False,
                        content_type="application/json")
    assert "body" in check_problem(response, 422)["errors"]


def test_a_body_over_one_megabyte_is_413(api):
    huge = '{"org_name": "' + "x" * (1024 * 1024) + '"}'
    response = api.post("/api/v1/packages", data=huge, check_request=False,
                        content_type="application/json")
    check_problem(response, 413)


def test_get_one_package(app, api):
    with app.app_context():
        package_id = create_package(new_package(), actor="test").id
    response = api.get(f"/api/v1/packages/{package_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == package_id
    assert body["reference_number"].startswith("NVSI-")
    assert body["contact"]["email"] == "j.devries@debrug.example"
    assert body["links"]["send"].endswith(f"/packages/{package_id}/send")


def test_an_unknown_package_is_404(api):
    assert check_problem(api.get("/api/v1/packages/424242"), 404)["detail"] == \
        "Dit pakket bestaat niet."


def _make(app, count: int, name: str = "Stichting De Brug", state: str | None = None):
    with app.app_context():
        ids = []
        organisation_id = db.session.scalar(
            db.select(Organisation.id).where(Organisation.name == name))
        for _ in range(count):
            package = create_package(new_package(name=name, organisation_id=organisation_id),
                                     actor="test")
            organisation_id = package.organisation_id
            if state:
                package.state = state
            ids.append(package.id)
        db.session.commit()
        return ids, organisation_id


def test_list_pages_through_all_packages_newest_first(app, api):
    ids, _ = _make(app, 5)
    response = api.get("/api/v1/packages", query_string={"per_page": 2})
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 2, 5)
    assert body["previous"] is None
    seen = [item["id"] for item in body["items"]]
    while body["next"]:
        path = body["next"].removeprefix("http://tekenklaar.test")
        body = api.get(path).get_json()
        seen += [item["id"] for item in body["items"]]
        assert len(body["items"]) <= 2
    assert seen == sorted(ids, reverse=True)
    assert body["page"] == 3 and body["previous"].endswith("page=2&per_page=2")


def test_list_filters_by_state_and_organisation(app, api):
    brug, brug_id = _make(app, 2)
    _make(app, 1, name="Stichting Anders", state="klaar")
    body = api.get("/api/v1/packages", query_string={"organisation_id": brug_id}).get_json()
    assert sorted(item["id"] for item in body["items"]) == sorted(brug)
    assert body["total"] == 2
    body = api.get("/api/v1/packages", query_string={"state": "klaar"}).get_json()
    assert [item["organisation"]["name"] for item in body["items"]] == ["Stichting Anders"]
    assert body["items"][0]["state_label"] == "Documenten klaar"
    body = api.get("/api/v1/packages",
                   query_string={"state": "klaar", "organisation_id": brug_id}).get_json()
    assert body == {**body, "items": [], "total": 0, "next": None}


def test_the_next_link_keeps_the_filters(app, api):
    _make(app, 3, state="klaar")
    body = api.get("/api/v1/packages",
                   query_string={"state": "klaar", "per_page": 1}).get_json()
    assert "state=klaar" in body["next"] and "per_page=1" in body["next"]


@pytest.mark.parametrize(("query", "field"), [
    ({"state": "bijna-klaar"}, "state"),
    ({"per_page": "101"}, "per_page"),
    ({"per_page": "0"}, "per_page"),
    ({"page": "0"}, "page"),
    ({"page": "twee"}, "page"),
    ({"organisation_id": "-1"}, "organisation_id"),
])
def test_wrong_query_parameters_are_400_naming_them(api, query, field):
    response = api.get("/api/v1/packages", query_string=query, check_request=False)
    assert field in check_problem(response, 400)["errors"]


def test_a_page_past_the_end_is_empty(app, api):
    _make(app, 1)
    body = api.get("/api/v1/packages", query_string={"page": 9}).get_json()
    assert body["items"] == [] and body["next"] is None and body["total"] == 1

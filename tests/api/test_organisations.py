"""Organisations by API: the list, one record with its address and the people on file, and
an edit through the same service as the organisation pages; a wrong field changes nothing."""

from __future__ import annotations

import io

from tests.api.conftest import check_problem
from tests.api.test_council import GEMEENTE
from tests.pdfs import tiny_pdf

STICHTING = {
    **{k: v for k, v in GEMEENTE.items() if k not in ("cbs_code", "signatory_capacity",
                                                      "volmacht_on", "volmacht_reference")},
    "org_kind": "maatschappelijke_organisatie", "org_name": "Stichting Noord",
    "org_kvk": "12345678", "org_street": "Markt 1", "org_postcode": "3511 AB",
    "org_city": "Utrecht",
}


def organisation_of(api, body: dict) -> dict:
    created = api.post("/api/v1/packages", json=body)
    assert created.status_code == 201, created.get_json()
    return api.get(f"/api/v1/organisations/{created.get_json()['organisation']['id']}"
                   ).get_json()


def test_list_and_read_an_organisation(api):
    record = organisation_of(api, STICHTING)
    assert record["name"] == "Stichting Noord" and record["kvk"] == "12345678"
    assert record["address"] == {"street": "Markt 1", "postcode": "3511 AB", "city": "Utrecht"}
    names = {p["name"] for p in record["contact_persons"]}
    assert {"Jan de Vries", "Monique Schuttenbeld"} <= names
    listed = api.get("/api/v1/organisations",
                     query_string={"kind": "maatschappelijke_organisatie"}).get_json()
    assert [o["id"] for o in listed["items"]] == [record["id"]] and listed["total"] == 1
    assert api.get("/api/v1/organisations", query_string={"kind": "gemeente"}
                   ).get_json()["items"] == []
    body = check_problem(api.get("/api/v1/organisations", query_string={"kind": "bv"},
                                 check_request=False), 400)
    assert body["errors"]["kind"].startswith("Soort: kies een van")
    check_problem(api.get("/api/v1/organisations/999999"), 404)


def test_edit_details_and_the_people_on_file_with_history(api):
    record = organisation_of(api, STICHTING)
    path = f"/api/v1/organisations/{record['id']}"
    response = api.call("PATCH", path, json={
        "street": "Oudegracht 2", "postcode": "3511AB",
        "contact": {"name": "Fatima el Amrani", "function": "beleidsadviseur",
                    "email": "fatima@noord.example", "phone": "030 286 0000"},
        "signatory": {"name": "Sharon Dijksma", "function": "voorzitter",
                      "email": "sharon@noord.example", "capacity": "statutair"}})
    assert response.status_code == 200, response.get_json()
    after = response.get_json()
    assert after["address"]["street"] == "Oudegracht 2" and after["name"] == "Stichting Noord"
    assert after["contact"]["name"] == "Fatima el Amrani"
    assert after["contact"]["role"] == "contactpersoon" and after["contact"]["replaced_at"] is None
    assert after["signatory"]["signatory_capacity"] == "statutair"
    messages = [h["message"] for h in after["history"]]
    assert any(m.startswith("Gegevens gewijzigd. Adres: Markt 1") for m in messages)
    assert any(m.startswith("Contactpersoon vastgelegd: Fatima el Amrani") for m in messages)
    assert all(h["actor"] == "api:crm-systeem" for h in after["history"])
    # a new contact replaces the one on file; the earlier stays with replaced_at
    again = api.call("PATCH", path, json={"contact": {
        "name": "Noor Bakker", "function": "adviseur", "email": "noor@noord.example",
        "phone": "030 286 0001"}}).get_json()
    earlier = [p for p in again["contact_persons"] if p["name"] == "Fatima el Amrani"]
    assert earlier and earlier[0]["replaced_at"] is not None
    assert again["contact"]["name"] == "Noor Bakker"


def test_a_wrong_edit_changes_nothing(api):
    record = organisation_of(api, STICHTING)
    path = f"/api/v1/organisations/{record['id']}"
    body = check_problem(api.call("PATCH", path, json={
        "postcode": "12345", "contact": {"name": "X", "function": "Y", "email": "geen-adres",
                                         "phone": "030 286 0000"}}), 422)
    assert set(body["errors"]) == {"postcode", "contact.email"}
    body = check_problem(api.call("PATCH", path, json={"naam": "Anders"},
                                  check_request=False), 422)
    assert body["errors"] == {"naam": "Onbekend veld."}
    body = check_problem(api.call("PATCH", path, json={"signatory": {
        "name": "A", "function": "B", "email": "a@b.example", "capacity": "koning"}},
        check_request=False), 422)
    assert "signatory.capacity" in body["errors"]
    assert api.get(path).get_json() == record


def test_the_name_of_a_gemeente_stays_that_of_the_cbs(api):
    record = organisation_of(api, GEMEENTE)
    body = check_problem(api.call("PATCH", f"/api/v1/organisations/{record['id']}",
                                  json={"name": "Zwolle-Stad"}), 422)
    assert "CBS" in body["errors"]["name"]


def test_remind_refresh_and_scan_need_a_sent_package(api):
    created = api.post("/api/v1/packages", json=STICHTING).get_json()
    base = f"/api/v1/packages/{created['id']}"
    refused = created["actions"]["refused"]
    assert check_problem(api.post(f"{base}/remind"), 409)["detail"] == refused["herinneren"]
    assert check_problem(api.post(f"{base}/refresh"), 409)["detail"] == refused["status"]
    document = created["documents"][0]["id"]
    response = api.post(f"{base}/documents/{document}/scan", check_request=False,
                        data={"file": (io.BytesIO(tiny_pdf("scan")), "scan.pdf")})
    assert check_problem(response, 409)["detail"] == refused["scans"]
    check_problem(api.post("/api/v1/packages/999999/remind"), 404)
    response = api.post(f"{base}/documents/{document}/scan", check_request=False,
                        json={"file": "x"})
    check_problem(response, 415)

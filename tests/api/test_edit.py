"""PATCH /packages/{id}: an edit before sending, by API; the one rule's answer in `actions`
and as 409; a refused edit changes nothing. Every call is checked against the OpenAPI
document."""

from __future__ import annotations

import datetime as dt

from tests.api.conftest import check_problem
from tests.api.test_council import GEMEENTE
from tests.web.support import use_fake_converter

TODAY = dt.date.today()
LATER = (TODAY + dt.timedelta(days=120)).isoformat()


def patch(api, package_id: int, body: dict, **kwargs):
    return api.call("PATCH", f"/api/v1/packages/{package_id}", json=body, **kwargs)


def created(api) -> dict:
    response = api.post("/api/v1/packages", json=GEMEENTE)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_actions_say_what_may_happen_next_and_why_not(api):
    package = created(api)
    assert package["actions"]["allowed"] == ["documenten", "intrekken", "volmacht", "wijzigen"]
    refused = package["actions"]["refused"]
    assert refused["verzenden"] == "Een pakket met de status 'Concept' kan niet worden verzonden."
    assert refused["raadsprocedure"] == ("Maak eerst de documenten; daarna kan de "
                                         "raadsprocedure beginnen.")
    # the refusal by call is the same reason, as a 409
    body = check_problem(api.post(f"/api/v1/packages/{package['id']}/send", json={}), 409)
    assert body["detail"] == refused["verzenden"]


def test_an_edit_in_klaar_remakes_the_documents_and_keeps_the_old_versions(api, monkeypatch):
    use_fake_converter(monkeypatch)
    package = created(api)
    made = api.post(f"/api/v1/packages/{package['id']}/documents")
    assert made.status_code == 200 and made.get_json()["state"] == "klaar"
    before = {d["kind"] + (d["solution_code"] or ""): d for d in made.get_json()["documents"]}

    response = patch(api, package["id"], {
        "signatory_name": "Ed Anker", "signatory_email": "e.anker@zwolle.example",
        "solutions": [GEMEENTE["solutions"][0], {"code": "participatiematch", "start": LATER}]})
    assert response.status_code == 200, response.get_json()
    after = response.get_json()
    assert after["state"] == "klaar"
    assert after["signatory"]["name"] == "Ed Anker"
    assert after["contact"]["name"] == "Jan de Vries"  # left out: stays as it was
    assert [s["code"] for s in after["fees"]["solutions"]] == ["schuldenradar",
                                                              "participatiematch"]
    documents = {d["kind"] + (d["solution_code"] or ""): d for d in after["documents"]}
    assert "gebruiksovereenkomstparticipatiematch" in documents
    form = documents["aanmelding_gemeente_lid"]
    old_pdf = before["aanmelding_gemeente_lid"]["sha256"]["pdf"]
    assert form["sha256"]["pdf"] != old_pdf
    assert [v["number"] for v in form["versions"]] == [1, 2]
    assert form["versions"][0]["sha256"]["pdf"] == old_pdf  # the old version is kept
    assert "Pakket gewijzigd" in form["versions"][1]["reason"]
    event = after["timeline"][-1]
    assert event["kind"] == "gewijzigd" and event["actor"].startswith("api:")
    assert "Oplossing toegevoegd: ParticipatieMatch" in event["message"]
    assert "versie 2" in event["message"]
    old = api.get(f"/api/v1/packages/{package['id']}").get_json()
    assert old == after


def test_a_refused_edit_changes_nothing(api):
    package = created(api)
    path = f"/api/v1/packages/{package['id']}"
    body = check_problem(patch(api, package["id"], {"involvement": "participant"}), 422)
    assert "participant_warning_acknowledged" in body["errors"]
    past = (TODAY - dt.timedelta(days=3)).isoformat()
    body = check_problem(patch(api, package["id"], {
        "solutions": [{"code": "schuldenradar", "start": past}]}), 422)
    assert "ligt in het verleden" in body["errors"]["solutions[0].start"]
    body = check_problem(patch(api, package["id"], {"cbs_code": "GM0344"},
                               check_request=False), 422)
    assert "organisatie van een pakket kan niet worden gewijzigd" in body["detail"]
    assert api.get(path).get_json() == package


def test_an_edit_after_sending_is_409_with_the_rules_reason(app, api):
    from tests.web.support import set_state

    package = created(api)
    set_state(app, package["id"], "verzonden", provider="manual", envelope_id="env-1")
    reason = api.get(f"/api/v1/packages/{package['id']}").get_json()["actions"]["refused"][
        "wijzigen"]
    body = check_problem(patch(api, package["id"], {"contact_name": "Iemand Anders"}), 409)
    assert body["detail"] == reason
    assert reason.startswith("Een pakket met de status 'Verzonden' kan niet meer worden "
                             "gewijzigd.")


def test_the_same_values_again_change_nothing(api):
    package = created(api)
    response = patch(api, package["id"], {"contact_name": GEMEENTE["contact_name"]})
    assert response.status_code == 200
    assert response.get_json() == package

"""Verbeterwensen through the API: a financial one (new functionality) through the ALV to
opgeleverd, one from the innovatiekas refused for an overspend and then afgewezen, the kas
ledger checked at each step; every call checked against the OpenAPI document."""

from __future__ import annotations

from tests.api.conftest import check_problem
from tests.doorontwikkeling import SOLUTION
from tests.doorontwikkeling import make_user_of


def _kas(api) -> tuple[str, list[tuple[str, str, str]]]:
    body = api.get(f"/api/v1/solutions/{SOLUTION}/innovatiekas").get_json()
    return body["balance"], [(e["kind"], e["amount"], e["balance_after"])
                             for e in body["entries"]]


def _step(api, wish_id, action, **body):
    return api.post(f"/api/v1/improvement-wishes/{wish_id}/steps/{action}",
                    json={"reason": f"reden {action}", **body})


def test_wishes_walked_through_the_api_with_the_ledger(app, api):
    organisation_id, _ = make_user_of(app, "Stichting De Brug", "Anna Jansen")
    with app.app_context():
        import datetime as dt
        from decimal import Decimal

        from app.services.innovatiekas import deposit

        deposit(SOLUTION, Decimal("3000.00"), dt.date(2026, 1, 15), "Bijdrage", "test")
    assert _kas(api) == ("3000.00", [("storting", "3000.00", "3000.00")])

    created = api.post("/api/v1/improvement-wishes", json={
        "organisation_id": organisation_id, "solution_code": SOLUTION,
        "title": "Koppeling BRP", "description": "Gegevens uit de BRP ophalen."})
    assert created.status_code == 201, created.get_json()
    wish = created.get_json()
    assert wish["state"] == "ingediend"
    assert {a["action"] for a in wish["actions"] if a["allowed"]} == {"valideren", "afwijzen"}

    refused = check_problem(_step(api, wish["id"], "opdracht"), 409)
    assert "kan nog geen opdracht krijgen" in refused["detail"]
    wrong = check_problem(_step(api, wish["id"], "valideren", estimate="veel"), 422)
    assert wrong["errors"]["estimate"].startswith("Schatting van de leverancier:")

    assert _step(api, wish["id"], "valideren", estimate="60000.00").status_code == 200
    assert _step(api, wish["id"], "prioriteren", priority=1).status_code == 200
    over = check_problem(_step(api, wish["id"], "bekostiging", funding="innovatiekas"), 422)
    assert over["detail"].startswith("De innovatiekas van Wijkteamdossier heeft € 3.000,00; "
                                     "€ 60.000,00 vastleggen kan niet")
    assert _kas(api)[0] == "3000.00"
    funded = _step(api, wish["id"], "bekostiging", funding="nieuwe_functionaliteit",
                   cover_description="Bijdragen van zes gemeenten", cover_amount="50000.00")
    assert funded.get_json()["needs_alv"] is True
    short = check_problem(_step(api, wish["id"], "voorstel"), 422)
    assert "De gevonden dekking (€ 50.000,00) is minder dan 100% van de schatting" in \
        short["detail"]
    assert api.get(f"/api/v1/improvement-wishes/{wish['id']}").get_json()["state"] == \
        "bekostiging_gekozen"

    # a wish that is new functionality with enough cover goes through bestuur and ALV
    second = api.post("/api/v1/improvement-wishes", json={
        "organisation_id": str(organisation_id), "solution_code": SOLUTION,
        "title": "Rapportage", "description": "Managementrapportage."}).get_json()
    for action, body in [("valideren", {"estimate": "20000.00"}),
                         ("prioriteren", {"priority": "2"}),
                         ("bekostiging", {"funding": "nieuwe_functionaliteit",
                                          "cover_description": "Subsidie",
                                          "cover_amount": "20000.00"}),
                         ("voorstel", {}), ("goedkeuren", {})]:
        response = _step(api, second["id"], action, **body)
        assert response.status_code == 200, response.get_json()
    approved = response.get_json()
    assert [d["kind"] for d in approved["documents"]] == ["voorstel_bestuur", "alv_agendapunt"]
    waiting = check_problem(_step(api, second["id"], "opdracht"), 409)
    assert "de ALV moet eerst besluiten" in waiting["detail"]
    # the ALV's decision is one of the register's (the seed has 2026-09 of 19 November 2026)
    unknown = check_problem(_step(api, second["id"], "alv_besluit", outcome="aangenomen",
                                  alv_number="ALV-2026-07"), 422)
    assert "staat niet in het ALV-register" in unknown["errors"]["alv_number"]
    wrong_day = check_problem(_step(api, second["id"], "alv_besluit", outcome="aangenomen",
                                    alv_number="2026-09", alv_on="2026-06-20"), 422)
    assert wrong_day["errors"]["alv_on"].endswith("genomen op 19 november 2026.")
    decided = _step(api, second["id"], "alv_besluit", outcome="aangenomen",
                    alv_number="2026-09").get_json()
    assert decided["state"] == "alv_besloten" and decided["alv_decision_number"] == "2026-09"
    assert decided["alv_decision_on"] == "2026-11-19"
    _step(api, second["id"], "opdracht")
    done = _step(api, second["id"], "opleveren", actual_cost="19500.00").get_json()
    assert done["state"] == "opgeleverd" and done["actual_cost"] == "19500.00"
    assert [s["state_to"] for s in done["steps"]] == [
        "ingediend", "gevalideerd", "geprioriteerd", "bekostiging_gekozen", "voorstel_bestuur",
        "goedgekeurd", "alv_besloten", "opdracht_verstrekt", "opgeleverd"]
    assert _kas(api) == ("3000.00", [("storting", "3000.00", "3000.00")])  # not from the kas

    # the first wish, from the kas after all at a lower estimate? No: the regiegroep rejects it
    rejected = _step(api, wish["id"], "afwijzen").get_json()
    assert rejected["state"] == "afgewezen"
    check_problem(_step(api, wish["id"], "voorstel"), 409)


def test_a_wish_from_the_kas_commits_and_a_rejection_releases(app, api):
    organisation_id, _ = make_user_of(app, "Stichting Noord", "Piet Noord")
    with app.app_context():
        import datetime as dt
        from decimal import Decimal

        from app.services.innovatiekas import deposit

        deposit(SOLUTION, Decimal("8000.00"), dt.date(2026, 1, 15), "Bijdrage", "test")
    wish = api.post("/api/v1/improvement-wishes", json={
        "organisation_id": organisation_id, "solution_code": SOLUTION, "title": "Zoeken",
        "description": "Beter zoeken."}).get_json()
    _step(api, wish["id"], "valideren", estimate="5000")
    _step(api, wish["id"], "prioriteren", priority=3)
    _step(api, wish["id"], "bekostiging", funding="innovatiekas")
    assert _kas(api)[1][-1] == ("vastlegging", "5000.00", "3000.00")
    _step(api, wish["id"], "voorstel")
    rejected = _step(api, wish["id"], "afwijzen").get_json()
    assert rejected["state"] == "afgewezen" and rejected["committed"] == "0.00"
    assert _kas(api)[1][-1] == ("vrijval", "5000.00", "8000.00")


def test_unknown_wishes_solutions_and_fields(app, api):
    check_problem(api.get("/api/v1/improvement-wishes/999"), 404)
    check_problem(api.get("/api/v1/solutions/bestaat-niet/innovatiekas"), 404)
    body = check_problem(api.post("/api/v1/improvement-wishes", json={"wat": "x"},
                                  check_request=False), 422)
    assert "wat" in body["errors"]

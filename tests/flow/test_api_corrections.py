"""The API corrects a sent package (withdrawn at Signhost with the reason, a new linked version
sent) and takes up an envelope found after a send with an unclear outcome; refusals change
nothing. Every call and answer is checked against the generated OpenAPI document."""

from __future__ import annotations

import json

from app.services.sending import send_package
from tests.api.conftest import api  # noqa: F401 - the API client fixtures
from tests.api.conftest import check_problem
from tests.api.conftest import openapi  # noqa: F401
from tests.api.conftest import token  # noqa: F401

from .helpers import drain_jobs
from .helpers import package
from .helpers import package_with_stub_pdfs
from .test_api_lifecycle import path_of


def test_a_sent_package_is_corrected_by_api(ctx, api, signhost):
    package_id = package_with_stub_pdfs()
    base = f"/api/v1/packages/{package_id}"
    refused = check_problem(api.post(f"{base}/correct", json={"reason": "Te vroeg"}), 409)
    assert refused["detail"] == api.get(base).get_json()["actions"]["refused"]["corrigeren"]

    send_package(package_id, "signhost", "medewerker@nvsi.nl")
    tx = signhost.only()["Id"]
    drain_jobs()  # the mail of the sending
    before = api.get(base).get_json()
    no_reason = check_problem(api.post(f"{base}/correct",
                                       json={"signatory_name": "Anna de Wit"}, check_request=False), 422)
    assert "reden" in no_reason["errors"]["reason"]
    fixed = check_problem(api.post(f"{base}/correct",
                                   json={"reason": "x", "organisation_id": 9},
                                   check_request=False), 422)
    assert "organisation_id" in fixed["errors"]
    assert api.get(base).get_json() == before and signhost.transactions[tx]["Status"] == 10

    response = api.post(f"{base}/correct", json={
        "reason": "Verkeerde ondertekenaar", "signatory_name": "Anna de Wit"})
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert path_of(response.headers["Location"]) == f"/api/v1/packages/{new['id']}"
    assert new["id"] != package_id
    assert any(s["name"] == "Anna de Wit" for s in new["signers"])
    assert signhost.transactions[tx]["Status"] == 60  # withdrawn at Signhost, with the reason
    assert "Verkeerde ondertekenaar" in signhost.transactions[tx]["CancelationReason"]
    drain_jobs()
    old = package(package_id)
    assert old.state == "ingetrokken" and old.replaced_by.id == new["id"]
    assert package(new["id"]).state == "verzonden"


def test_a_found_envelope_is_resumed_by_api(ctx, api, signhost):
    package_id = package_with_stub_pdfs()
    base = f"/api/v1/packages/{package_id}"
    refused = check_problem(api.post(f"{base}/found-envelope",
                                     json={"envelope_id": "x"}), 409)
    assert "onduidelijke uitkomst" in refused["detail"]
    signhost.fail("create", "create-then-500")
    send_package(package_id, "signhost", "medewerker@nvsi.nl")
    [made] = signhost.transactions
    wrong = check_problem(api.post(f"{base}/found-envelope",
                                   json={"envelope_id": "0000-onbekend"}), 422)
    assert wrong["errors"]["envelope_id"] == "Signhost kent geen envelop met dit id."
    response = api.post(f"{base}/found-envelope", json={"envelope_id": made})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["outcome"] == "hervat" and body["package"]["state"] == "mislukt"
    resent = api.post(f"{base}/send", json={"provider": "signhost"}).get_json()
    assert resent["state"] == "verzonden" and signhost.created == 1
    assert json.loads(json.dumps(signhost.transactions[made]))["Status"] == 10

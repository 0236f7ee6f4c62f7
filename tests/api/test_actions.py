"""Sending and cancelling a package through the API."""

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from app.extensions import db
from app.services.packages import create_package
from app.store.models import OutgoingMail
from signing import ProviderUnavailable
from tests.api.conftest import check_problem
from tests.mail.factories import new_package
from tests.mail.factories import ready_package
from tests.web.support import wait_for_background_jobs


@pytest.fixture
def ready(app) -> int:
    with app.app_context():
        return ready_package().id


def test_send_with_the_manual_provider(app, api, ready, tmp_path):
    """Verzonden; the timeline names the API client; the organisation is mailed."""
    response = api.post(f"/api/v1/packages/{ready}/send", json={"provider": "manual"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "verzonden" and body["provider"] == "manual"
    assert body["sent_at"]
    sent = [e for e in body["timeline"] if e["state_to"] == "verzonden"]
    assert sent and sent[0]["actor"] == "api:crm-systeem"
    signed = [d for d in body["documents"] if d["signed_required"]]
    assert all(d["sha256"]["sent"] == d["sha256"]["pdf"] for d in signed)
    wait_for_background_jobs(app)  # the mail job was recorded with the send, then run
    with app.app_context():
        (mail,) = db.session.scalars(db.select(OutgoingMail)).all()
        assert mail.state == "verzonden"  # delivered to the outbox
        eml = Path(app.extensions["tekenklaar"].settings.outbox_path).glob("*.eml")
        message = BytesParser(policy=policy.default).parsebytes(next(eml).read_bytes())
    assert message["Subject"].startswith("Ter ondertekening")


def test_send_without_a_body_uses_the_configured_provider(app, api, ready):
    response = api.post(f"/api/v1/packages/{ready}/send")
    assert response.status_code == 200
    assert response.get_json()["provider"] == "manual"


def test_send_with_an_unknown_provider_is_422(app, api, ready):
    response = api.post(f"/api/v1/packages/{ready}/send", json={"provider": "faxdienst"})
    problem = check_problem(response, 422)
    assert list(problem["errors"]) == ["provider"]


@pytest.mark.parametrize("body", [{"provider": 3}, {"provider": "manual", "haast": True}])
def test_send_with_a_wrong_body_is_422(api, ready, body):
    response = api.post(f"/api/v1/packages/{ready}/send", json=body, check_request=False)
    check_problem(response, 422)


def test_send_before_the_documents_are_made_is_409(app, api):
    with app.app_context():
        package_id = create_package(new_package(), actor="test").id
    response = api.post(f"/api/v1/packages/{package_id}/send")
    problem = check_problem(response, 409)
    assert problem["title"] == "Kan nu niet"
    assert "Concept" in problem["detail"]


def test_send_an_unknown_package_is_404(api):
    check_problem(api.post("/api/v1/packages/999999/send"), 404)


def test_a_provider_failure_is_502_and_the_package_mislukt(app, api, ready, monkeypatch):
    class Down:
        def send(self, request, **kwargs):
            raise ProviderUnavailable("service down", message="De dienst is onbereikbaar.")

    monkeypatch.setattr("app.services.sending.get_provider", lambda name: Down())
    response = api.post(f"/api/v1/packages/{ready}/send")
    problem = check_problem(response, 502)
    assert problem["state"] == "mislukt"
    assert "onbereikbaar" in problem["detail"]
    assert problem["package"].endswith(f"/api/v1/packages/{ready}")
    assert api.get(f"/api/v1/packages/{ready}").get_json()["state"] == "mislukt"


def test_cancel_with_a_reason(app, api, ready):
    response = api.post(f"/api/v1/packages/{ready}/cancel",
                        json={"reason": "De gemeente ziet af van deelname."})
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "ingetrokken" and body["state_label"] == "Ingetrokken"
    assert body["state_reason"] == "De gemeente ziet af van deelname."
    assert body["timeline"][-1]["actor"] == "api:crm-systeem"


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": 5}, {"reden": "x"}])
def test_cancel_needs_a_reason(api, ready, body):
    response = api.post(f"/api/v1/packages/{ready}/cancel", json=body, check_request=False)
    assert "reason" in check_problem(response, 422)["errors"]


def test_cancel_without_a_body_is_422(api, ready):
    response = api.post(f"/api/v1/packages/{ready}/cancel", check_request=False)
    check_problem(response, 422)


def test_cancel_twice_is_409(api, ready):
    assert api.post(f"/api/v1/packages/{ready}/cancel", json={"reason": "Dubbel."}
                    ).status_code == 200
    response = api.post(f"/api/v1/packages/{ready}/cancel", json={"reason": "Nogmaals."})
    assert "Ingetrokken" in check_problem(response, 409)["detail"]


def test_cancel_an_unknown_package_is_404(api):
    check_problem(api.post("/api/v1/packages/999999/cancel", json={"reason": "x"}), 404)

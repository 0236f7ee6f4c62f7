"""The API alone takes a gemeente joining as lid from creation through every step to
`gearchiveerd`: once signed on paper (the scans uploaded through the API), once through
Signhost (its HTTP mocked with `responses`, its postbacks posted to /webhooks/signhost).
Every call and answer is checked against the generated OpenAPI document."""

from __future__ import annotations

import base64
import datetime as dt
import io

import sqlalchemy as sa

from app.extensions import db
from app.store.models import OutgoingMail
from tests.api.conftest import api  # noqa: F401 - the API client fixtures
from tests.api.conftest import check_problem
from tests.api.conftest import openapi  # noqa: F401
from tests.api.conftest import token  # noqa: F401
from tests.api.test_council import GEMEENTE
from tests.pdfs import tiny_pdf
from tests.web.support import use_fake_converter

from .helpers import drain_jobs
from .helpers import transitions

TODAY = dt.date.today().isoformat()


def to_decision(api, monkeypatch) -> dict:
    """Create, make the documents, add the volmacht and record every raad step, by API."""
    use_fake_converter(monkeypatch)
    created = api.post("/api/v1/packages", json=GEMEENTE)
    assert created.status_code == 201, created.get_json()
    base = path_of(created.headers["Location"])
    steps = [
        ("documents", None, "klaar"),
        ("volmacht", {"filename": "volmacht.pdf", "content_base64": base64.b64encode(
            tiny_pdf("Volmacht V-12")).decode()}, "klaar"),
        ("council/start", None, "wacht_op_raad"),
        ("council/sent-to-raad", {"sent_on": TODAY}, "wacht_op_raad"),
        ("council/reaction", {"reaction": "geen_wensen_en_bedenkingen", "reaction_on": TODAY},
         "wacht_op_raad"),
        ("council/decision", {"decided_on": TODAY, "reference": "B&W 2026/0815"},
         "besluit_genomen"),
    ]
    for step, body, state in steps:
        response = api.post(f"{base}/{step}", json=body)
        assert response.status_code == 200, (step, response.get_json())
        assert response.get_json()["state"] == state, step
    return api.get(base).get_json()


def archived(api, base: str, package_id: int) -> dict:
    """The package, asserted `gearchiveerd` after every step, with the completion mail."""
    done = api.get(base).get_json()
    assert done["state"] == "gearchiveerd"
    assert transitions(package_id) == [
        "klaar", "wacht_op_raad", "besluit_genomen", "verzonden", "deels_ondertekend",
        "ondertekend", "gearchiveerd"]
    assert mail_kinds(package_id)[-1] == "voltooid"
    return done


def path_of(url: str) -> str:
    """The path of an absolute URL the API answered."""
    return "/api/v1" + url.split("/api/v1", 1)[1]


def mail_kinds(package_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(OutgoingMail.kind).where(
        OutgoingMail.package_id == package_id).order_by(OutgoingMail.id)))


def scan(api, package_id: int, document: dict, files: list[bytes], **fields):
    data = {"file": [(io.BytesIO(f), f"scan-{n}.pdf") for n, f in enumerate(files)], **fields}
    return api.post(f"/api/v1/packages/{package_id}/documents/{document['id']}/scan",
                    data=data, check_request=False)


def test_on_paper_from_creation_to_archived_by_api_alone(ctx, api, monkeypatch):
    package = to_decision(api, monkeypatch)
    base = f"/api/v1/packages/{package['id']}"
    sent = api.post(f"{base}/send", json={"provider": "manual"}).get_json()
    assert sent["state"] == "verzonden"
    assert "herinneren" in sent["actions"]["allowed"]
    assert sent["actions"]["refused"]["status"].startswith("Bij ondertekenen op papier")

    reminded = api.post(f"{base}/remind")
    assert reminded.status_code == 200, reminded.get_json()
    assert [e["message"] for e in reminded.get_json()["timeline"]
            if e["kind"] == "herinnering"] == ["Herinnering verstuurd per e-mail."]
    body = check_problem(api.post(f"{base}/refresh"), 409)
    assert body["detail"] == sent["actions"]["refused"]["status"]

    # the organisation signed on paper; NVSI's board is next (and gets the reminders)
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    body = check_problem(api.post(f"{base}/organisation-signed", json={"signed_on": future}),
                         422)
    assert "in de toekomst" in body["errors"]["signed_on"]
    signed = api.post(f"{base}/organisation-signed", json={"signed_on": TODAY})
    assert signed.status_code == 200, signed.get_json()
    signed = signed.get_json()
    assert signed["state"] == "deels_ondertekend"
    assert [s["state"] for s in signed["signers"] if s["party"] == "organisatie"] == \
        ["ondertekend"]
    again = check_problem(api.post(f"{base}/organisation-signed"), 409)
    assert again["detail"] == signed["actions"]["refused"]["organisatie_getekend"]
    drain_jobs()
    assert "beurt_bestuur" in mail_kinds(package["id"])

    to_sign = [d for d in sent["documents"] if d["signed_required"]]
    assert len(to_sign) >= 2
    pdfs = {d["id"]: api.get(path_of(d["links"]["pdf"])).get_data() for d in to_sign}
    first = to_sign[0]
    # refused uploads change nothing: not a PDF, a date in the future, a page too many
    before = api.get(base).get_json()
    body = check_problem(scan(api, package["id"], first, [b"geen pdf"]), 422)
    assert "geen PDF" in body["errors"]["file"]
    body = check_problem(scan(api, package["id"], first, [pdfs[first["id"]]],
                              signed_on=future), 422)
    assert "in de toekomst" in body["errors"]["signed_on"]
    two_files = [pdfs[first["id"]], tiny_pdf("achterkant")]
    body = check_problem(scan(api, package["id"], first, two_files), 422)
    assert "Let op: deze scan heeft 2 pagina's" in body["errors"]["file"]
    body = check_problem(scan(api, package["id"], first, [pdfs[first["id"]]],
                              haast="ja"), 422)
    assert body["errors"] == {"haast": "Onbekend veld."}
    assert api.get(base).get_json() == before

    # the page count confirmed: the two files become one scan
    response = scan(api, package["id"], first, two_files, pages_confirmed="true",
                    signed_on=TODAY)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "deels_ondertekend"
    for document in to_sign[1:]:
        response = scan(api, package["id"], document, [pdfs[document["id"]]])
        assert response.status_code == 200, response.get_json()
    drain_jobs()

    done = archived(api, base, package["id"])
    assert all(d["sha256"]["signed"] and d["links"]["signed"] for d in done["documents"]
               if d["signed_required"])
    assert "archief" in done["actions"]["allowed"]
    body = check_problem(api.post(f"{base}/remind"), 409)
    assert body["detail"] == done["actions"]["refused"]["herinneren"]


def test_through_signhost_from_creation_to_archived_by_api_alone(ctx, api, client,
                                                                    monkeypatch, signhost):
    package = to_decision(api, monkeypatch)
    base = f"/api/v1/packages/{package['id']}"
    sent = api.post(f"{base}/send", json={"provider": "signhost"})
    assert sent.status_code == 200, sent.get_json()
    sent = sent.get_json()
    assert sent["state"] == "verzonden" and sent["provider"] == "signhost"
    tx = signhost.only()
    # Signhost reminds by itself: the one rule says so, by call too
    reason = sent["actions"]["refused"]["herinneren"]
    assert "automatisch" in reason
    assert check_problem(api.post(f"{base}/remind"), 409)["detail"] == reason

    signers = len(sent["signers"])
    signhost.sign(tx["Id"], 0)
    polled = api.post(f"{base}/refresh")  # a postback that never came: ask for the state
    assert polled.status_code == 200, polled.get_json()
    assert polled.get_json()["state"] == "deels_ondertekend"
    assert polled.get_json()["timeline"][-1]["kind"] == "status"
    for index in range(1, signers):
        signhost.sign(tx["Id"], index)
        headers, body = signhost.postback(tx["Id"])
        assert client.post("/webhooks/signhost", data=body, headers=headers).status_code == 200
        drain_jobs()

    done = archived(api, base, package["id"])
    assert [s["state"] for s in done["signers"]] == ["ondertekend"] * signers
    signed = [d for d in done["documents"] if d["signed_required"]]
    assert all(d["sha256"]["signed"] for d in signed)
    download = api.get(f"{base}/documents/{signed[0]['id']}/signed")
    assert download.status_code == 200
    assert download.get_data() == signhost.signed_files[(tx["Id"], f"doc-{signed[0]['id']}")]
    refused = check_problem(api.post(f"{base}/cancel", json={"reason": "Te laat."}), 409)
    assert refused["detail"] == done["actions"]["refused"]["intrekken"]

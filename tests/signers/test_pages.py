"""Built-in signing through the pages with the test client: links and codes come from the
real SMTP server; every step takes the provider callback path; every refusal is Dutch, changes
nothing and is in the timeline."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.runtime import runtime
from app.services.sending import send_package
from app.store.models import SigningLink
from app.store.models import WebhookDelivery
from app.store.models import utcnow
from tests.flow.helpers import drain_jobs
from tests.flow.helpers import package
from tests.flow.helpers import package_with_stub_pdfs
from tests.flow.helpers import timeline_messages
from tests.flow.helpers import transitions
from tests.web.support import use_fake_converter

from .support import code_for
from .support import sealed_ok
from .support import csrf
from .support import link_for
from .support import to

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Testbrowser/1.0"


@pytest.fixture
def sent(ctx, monkeypatch):
    """A package out for signing on the built-in pages; returns its id."""
    use_fake_converter(monkeypatch)
    package_id = package_with_stub_pdfs()
    assert send_package(package_id, "builtin", "medewerker@nvsi.nl").state == "verzonden"
    drain_jobs()
    return package_id


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def open_with_code(client, server, signer, address="192.0.2.1"):
    """Open the signer's link, ask for a code and enter it; return the link's path."""
    path = link_for(server, signer.email)
    env = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": BROWSER}
    page = client.get(path, environ_base=env)
    assert page.status_code == 200, text(page)
    assert "code van zes cijfers" in text(page)
    asked = client.post(path + "/code", data={"csrf_token": csrf(page)}, environ_base=env)
    assert asked.status_code == 302
    page = client.get(path, environ_base=env)
    checked = client.post(path + "/code/controleren", environ_base=env, data={
        "csrf_token": csrf(page), "code": code_for(server, signer.email)})
    assert checked.status_code == 302, text(checked)
    return path


def sign_as(client, server, signer, address="192.0.2.1"):
    path = open_with_code(client, server, signer, address)
    env = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": BROWSER}
    page = client.get(path, environ_base=env)
    assert "Ik heb de documenten gelezen en onderteken ze namens" in text(page)
    done = client.post(path + "/ondertekenen", environ_base=env, data={
        "csrf_token": csrf(page), "name": signer.name, "statement": "ja"})
    assert done.status_code == 200, text(done)
    assert "u heeft ondertekend" in text(done)
    return path


def refusals(package_id) -> list[str]:
    return [m for m in timeline_messages(package_id) if m.startswith("Ondertekenpagina geweigerd")]


def test_every_signer_in_turn_then_sealed_and_archived(sent, client, smtp_server):
    """Each signer gets a link only when it is their turn; after the last signature every PDF
    is sealed, the sealed evidence report is the audit trail, and the package is archived."""
    signers = sorted(package(sent).signers, key=lambda s: s.order)
    assert len(signers) >= 2
    assert not to(smtp_server, signers[1].email)  # not their turn yet
    for number, signer in enumerate(signers):
        sign_as(client, smtp_server, signer, address=f"192.0.2.{number + 1}")
        drain_jobs()
        if number + 1 < len(signers):
            assert package(sent).state == "deels_ondertekend"
            link_for(smtp_server, signers[number + 1].email)  # the next one has theirs now
    drain_jobs()

    done = package(sent)
    assert done.state == "gearchiveerd"
    assert transitions(sent)[-3:] == ["deels_ondertekend", "ondertekend", "gearchiveerd"]
    assert [s.state for s in done.signers] == ["ondertekend"] * len(signers)
    store = runtime().store
    for document in [d for d in done.documents if d.signed_required]:
        assert sealed_ok(store.get(document.signed_key))
    assert done.audit_trail_filename == "ondertekenbewijs.pdf"
    assert sealed_ok(store.get(done.audit_trail_key))
    sealed = bytearray(store.get(done.audit_trail_key))
    sealed[len(sealed) // 2] ^= 0x01  # one byte changed: the seal no longer validates
    assert not sealed_ok(bytes(sealed))
    assert {a.kind for a in done.organisation.agreements} >= {"registratie_lid"}
    assert db.session.scalar(sa.select(sa.func.count(WebhookDelivery.id)).where(
        WebhookDelivery.provider == "builtin", WebhookDelivery.outcome == "aanvaard")) \
        == 2 * len(signers)  # a 'viewed' and a 'signed' step per signer

    links = db.session.scalars(sa.select(SigningLink).where(
        SigningLink.package_id == sent).order_by(SigningLink.id)).all()
    hashes = {d.id: d.sent_sha256 for d in done.documents if d.signed_required}
    for number, link in enumerate(links):
        assert link.decision == "ondertekend" and link.email == signers[number].email
        assert link.code_sent_at <= link.code_verified_at <= link.decided_at
        assert link.ip_address == f"192.0.2.{number + 1}" and link.user_agent == BROWSER
        assert link.statement.startswith("Ik heb de documenten gelezen en onderteken ze namens")
        assert {d["id"]: d["sha256"] for d in link.documents} == hashes
        assert link.code_hmac is None  # the code is not kept once used
    completed = [m for m in to(smtp_server, done.contact.email)
                 if m["Subject"].startswith("Ondertekend")]
    assert completed


def test_a_decline_with_a_reason_ends_the_package_declined(sent, client, smtp_server):
    signer = sorted(package(sent).signers, key=lambda s: s.order)[0]
    path = open_with_code(client, smtp_server, signer)
    page = client.get(path)
    empty = client.post(path + "/weigeren", data={"csrf_token": csrf(page), "reason": " "})
    assert empty.status_code == 422 and "Geef een reden op" in text(empty)
    assert package(sent).state == "verzonden"
    done = client.post(path + "/weigeren", data={"csrf_token": csrf(page),
                                                  "reason": "Het bedrag klopt niet."})
    assert done.status_code == 200 and "geweigerd" in text(done)
    ended = package(sent)
    assert ended.state == "geweigerd"
    assert ended.state_reason == "Het bedrag klopt niet."
    assert ended.signers[0].state == "geweigerd"
    assert "De ondertekening is geweigerd: Het bedrag klopt niet." in timeline_messages(sent)


def test_the_name_and_the_statement_are_required(sent, client, smtp_server):
    signer = package(sent).signers[0]
    path = open_with_code(client, smtp_server, signer)
    page = client.get(path)
    wrong = client.post(path + "/ondertekenen", data={
        "csrf_token": csrf(page), "name": "Iemand Anders", "statement": "ja"})
    assert wrong.status_code == 422
    assert f"Typ uw naam zoals die hierboven staat: {signer.name}" in text(wrong)
    unticked = client.post(path + "/ondertekenen", data={
        "csrf_token": csrf(page), "name": signer.name})
    assert unticked.status_code == 422 and "Vink de verklaring aan" in text(unticked)
    assert f'value="{signer.name}"' in text(unticked)  # the input is kept
    assert package(sent).state == "verzonden"
    assert package(sent).signers[0].state != "ondertekend"


def test_the_documents_only_after_the_code(sent, client, smtp_server):
    signer = package(sent).signers[0]
    path = link_for(smtp_server, signer.email)
    document_id = next(d.id for d in package(sent).documents if d.signed_required)
    assert client.get(f"{path}/document/{document_id}").status_code == 302
    page = client.get(path)
    assert client.post(path + "/ondertekenen", data={
        "csrf_token": csrf(page), "name": signer.name, "statement": "ja"}).status_code == 302
    assert package(sent).state == "verzonden"
    open_with_code(client, smtp_server, signer)
    pdf = client.get(f"{path}/document/{document_id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    download = client.get(f"{path}/document/{document_id}?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_forms_need_the_csrf_token_and_pages_carry_the_security_headers(sent, client,
                                                                        smtp_server):
    path = link_for(smtp_server, package(sent).signers[0].email)
    page = client.get(path)
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    assert client.post(path + "/code", data={}).status_code == 400
    assert not [m for m in to(smtp_server, package(sent).signers[0].email)
                if m["Subject"].startswith("Uw code")]


# --- refusals ----------------------------------------------------------------------------------

def test_an_expired_link_is_refused(sent, client, smtp_server):
    path = link_for(smtp_server, package(sent).signers[0].email)
    db.session.execute(sa.update(SigningLink).values(expires_at=utcnow() - dt.timedelta(days=1)))
    db.session.commit()
    page = client.get(path)
    assert page.status_code == 410 and "Deze link is verlopen op" in text(page)
    assert package(sent).state == "verzonden"
    assert "verlopen" in refusals(sent)[-1]


def test_a_used_link_is_refused(sent, client, smtp_server):
    signer = package(sent).signers[0]
    path = sign_as(client, smtp_server, signer)
    state = package(sent).state
    again = client.get(path)
    assert again.status_code == 410 and "Deze link is al gebruikt" in text(again)
    assert package(sent).state == state
    assert "al gebruikt" in refusals(sent)[-1]


def test_a_foreign_link_is_refused(sent, client, smtp_server):
    """The token of one signer at another signer's or package's address."""
    found = package(sent)
    path = link_for(smtp_server, found.signers[0].email)
    _, _, reference, order, token = path.split("/")
    for foreign in (f"/ondertekenen/{reference}/{int(order) + 1}/{token}",
                    f"/ondertekenen/NVSI-1999-0001/{order}/{token}"):
        page = client.get(foreign)
        assert page.status_code == 403 and "hoort bij een andere ondertekenaar" in text(page)
    assert client.get(f"/ondertekenen/{reference}/{order}/{token}x").status_code == 404
    assert len(refusals(sent)) == 2
    assert package(sent).state == "verzonden"


def test_a_wrong_code_then_too_many_tries(sent, client, smtp_server):
    signer = package(sent).signers[0]
    path = link_for(smtp_server, signer.email)
    page = client.get(path)
    client.post(path + "/code", data={"csrf_token": csrf(page)})
    right = code_for(smtp_server, signer.email)
    wrong = f"{(int(right) + 1) % 10 ** 6:06d}"
    for left in (4, 3, 2, 1):
        answer = client.post(path + "/code/controleren",
                             data={"csrf_token": csrf(page), "code": wrong})
        assert answer.status_code == 422
        assert f"u kunt het nog {left} keer proberen" in text(answer)
    answer = client.post(path + "/code/controleren", data={"csrf_token": csrf(page), "code": wrong})
    assert "5 keer onjuist ingevuld" in text(answer)
    late = client.post(path + "/code/controleren", data={"csrf_token": csrf(page), "code": right})
    assert late.status_code == 422  # the right code no longer works either
    assert len(refusals(sent)) == 5
    document_id = next(d.id for d in package(sent).documents if d.signed_required)
    assert client.get(f"{path}/document/{document_id}").status_code == 302


def test_too_many_codes_are_refused(sent, client, smtp_server):
    signer = package(sent).signers[0]
    path = link_for(smtp_server, signer.email)
    page = client.get(path)
    for _ in range(5):
        assert client.post(path + "/code", data={"csrf_token": csrf(page)}).status_code == 302
    sixth = client.post(path + "/code", data={"csrf_token": csrf(page)})
    assert sixth.status_code == 403 and "Er zijn al 5 codes" in text(sixth)
    assert len([m for m in to(smtp_server, signer.email)
                if m["Subject"].startswith("Uw code")]) == 5
    assert "5 codes" in refusals(sent)[-1]


def test_documents_changed_after_the_link_was_sent_are_refused(sent, client, smtp_server):
    signer = package(sent).signers[0]
    path = open_with_code(client, smtp_server, signer)
    document = next(d for d in package(sent).documents if d.signed_required)
    runtime().store.put(document.pdf_key, b"%PDF-1.7 changed")
    served = client.get(f"{path}/document/{document.id}")
    assert served.status_code == 403 and "De documenten zijn gewijzigd" in text(served)
    document.pdf_sha256 = "0" * 64  # made again under the same key
    db.session.commit()
    page = client.get(path)
    assert page.status_code == 403 and "De documenten zijn gewijzigd" in text(page)
    assert package(sent).state == "verzonden"
    assert len(refusals(sent)) == 2


def test_a_reminder_sends_a_new_link_and_the_old_one_stops(sent, client, smtp_server):
    from app.services.sending import remind_package

    signer = package(sent).signers[0]
    old = link_for(smtp_server, signer.email)
    remind_package(sent, "medewerker@nvsi.nl")
    drain_jobs()
    new = link_for(smtp_server, signer.email)
    assert new != old
    refused = client.get(old)
    assert refused.status_code == 410 and "nieuwere link" in text(refused)
    assert client.get(new).status_code == 200
    assert "Herinnering verstuurd met een nieuwe link per e-mail." in timeline_messages(sent)


def test_in_production_the_pages_are_offered_only_with_a_real_certificate(ctx, monkeypatch):
    from app.services.providers import available_providers
    from app.services.providers import default_provider

    settings = runtime().settings
    assert "builtin" in available_providers() and default_provider() == "manual"
    monkeypatch.setattr(settings, "environment", "production")
    assert "builtin" not in available_providers()
    monkeypatch.setattr("app.documents.sealing.sealing_configured", lambda s: True)
    assert "builtin" in available_providers() and default_provider() == "builtin"

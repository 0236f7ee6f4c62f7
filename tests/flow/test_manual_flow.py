"""Signing on paper: the PDFs go out by mail, staff upload the signed scans, and each upload
becomes a callback signed with our own key that takes the provider callback path."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import random

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.runtime import runtime
from app.services.documents import signed_archive
from app.services.errors import ServiceError
from app.services.providers import manual_secret
from app.services.sending import cancel_package
from app.services.sending import refresh_package
from app.services.sending import remind_package
from app.services.sending import send_package
from app.services.sending import upload_signed_scan
from app.store.models import JobRun
from app.store.models import OutgoingMail
from app.store.models import WebhookDelivery
from signing.providers.manual import ManualProvider

from .helpers import applied_keys
from .helpers import deliveries
from .helpers import drain_jobs
from .helpers import new_package
from .helpers import package
from .helpers import package_with_stub_pdfs
from .helpers import sign_on_paper
from .helpers import timeline_messages
from .helpers import tiny_pdf
from .helpers import transitions


def send(package_id):
    return send_package(package_id, "manual", "medewerker@nvsi.nl")


def mails(package_id):
    return db.session.scalars(sa.select(OutgoingMail).where(
        OutgoingMail.package_id == package_id).order_by(OutgoingMail.id)).all()


def test_upload_scans_to_signed_and_archived(ctx):
    package_id = package_with_stub_pdfs()
    sent = send(package_id)
    assert sent.state == "verzonden"
    assert sent.envelope_id.startswith("manual-")
    [mail] = mails(package_id)
    assert mail.kind == "pakket_verzonden"
    assert {a["key"] for a in mail.attachments} == {d.pdf_key for d in sent.documents}
    to_sign = [d.id for d in sent.documents if d.signed_required]
    assert len(to_sign) == 3

    scans = {}
    for number, document_id in enumerate(to_sign, start=1):
        scans[document_id] = tiny_pdf(f"scan {document_id}")
        result = upload_signed_scan(package_id, document_id, scans[document_id], "medewerker")
        if number < len(to_sign):
            assert result.state == "deels_ondertekend"
    drain_jobs()

    done = package(package_id)
    assert done.state == "gearchiveerd"
    assert transitions(package_id) == ["klaar", "verzonden", "deels_ondertekend",
                                       "ondertekend", "gearchiveerd"]
    store = runtime().store
    for document in done.documents:
        if document.id in scans:
            stored = store.get(document.signed_key)
            assert stored == scans[document.id]
            assert hashlib.sha256(stored).hexdigest() == document.signed_sha256
    audit = store.get(done.audit_trail_key)
    assert hashlib.sha256(audit).hexdigest() == done.audit_trail_sha256
    assert done.audit_trail_filename == "voltooiingscertificaat.pdf"
    assert [s.state for s in done.signers] == ["ondertekend"] * 3
    assert {a.kind for a in done.organisation.agreements} == {
        "registratie_lid", "verwerkersovereenkomst", "gebruiksovereenkomst"}
    assert deliveries("manual") == {"aanvaard": 4}  # three scans and 'completed'
    assert len(applied_keys(package_id)) == 4
    assert [m.kind for m in mails(package_id)] == ["pakket_verzonden", "voltooid"]


def test_the_completion_certificate_is_a_pdf_a_without_internal_addresses(ctx):
    """On paper, the archived package gets a completion certificate (PDF/A from the template,
    real LibreOffice) in place of a text report: hashes and signers, no staff address; the
    completion mail and the ZIP carry it."""
    done = sign_on_paper(package_with_stub_pdfs())
    assert done.state == "gearchiveerd"
    package_id = done.id
    certificate = runtime().store.get(done.audit_trail_key)
    reader = PdfReader(io.BytesIO(certificate))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "Voltooiingscertificaat" in text and done.reference_number in text
    signed = [d for d in done.documents if d.signed_required]
    assert all(d.signed_sha256 in text for d in signed)
    assert all(re.sub(r"\s+", "", s.name) in text for s in done.signers)
    assert "@" not in text  # no staff (or any) e-mail address, no internal events
    assert "medewerker" not in text and "systeem" not in text
    xmp = reader.xmp_metadata  # PDF/A-2b identification, like the other documents
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")

    [completed] = [m for m in mails(package_id) if m.kind == "voltooid"]
    names = {a["filename"] for a in completed.attachments}
    assert "voltooiingscertificaat.pdf" in names
    assert not any(name.endswith(".txt") for name in names)
    with zipfile.ZipFile(io.BytesIO(signed_archive(package_id).data)) as archive:
        assert archive.read("voltooiingscertificaat.pdf") == certificate
        assert not [n for n in archive.namelist() if n.startswith("ondertekenverslag")]


def test_a_non_pdf_upload_is_refused_in_dutch(ctx):
    package_id = package_with_stub_pdfs()
    sent = send(package_id)
    document_id = next(d.id for d in sent.documents if d.signed_required)
    with pytest.raises(ServiceError) as caught:
        upload_signed_scan(package_id, document_id, b"\x89PNG\r\n\x1a\n not a pdf", "medewerker")
    assert caught.value.message.startswith("Dit bestand is geen PDF.")
    assert caught.value.field == "file"
    with pytest.raises(ServiceError, match="beschadigd"):
        upload_signed_scan(package_id, document_id, b"%PDF-1.7\n garbage", "medewerker")
    unchanged = package(package_id)
    assert unchanged.state == "verzonden"
    assert all(d.signed_key is None for d in unchanged.documents)
    assert deliveries("manual") == {}


def test_uploads_only_to_a_package_out_for_signing_on_paper(ctx):
    package_id = package_with_stub_pdfs()
    document_id = next(d.id for d in package(package_id).documents if d.signed_required)
    with pytest.raises(ServiceError, match="op papier"):
        upload_signed_scan(package_id, document_id, tiny_pdf("x"), "medewerker")
    send(package_id)
    letter = next(d.id for d in package(package_id).documents if not d.signed_required)
    with pytest.raises(ServiceError, match="niet ondertekend"):
        upload_signed_scan(package_id, letter, tiny_pdf("x"), "medewerker")


def test_the_same_scan_twice_is_applied_once(ctx):
    package_id = package_with_stub_pdfs()
    sent = send(package_id)
    document_id = next(d.id for d in sent.documents if d.signed_required)
    scan = tiny_pdf("scan")
    upload_signed_scan(package_id, document_id, scan, "medewerker")
    upload_signed_scan(package_id, document_id, scan, "medewerker")
    assert deliveries("manual") == {"aanvaard": 1, "dubbel": 1}
    assert timeline_messages(package_id).count(
        f"Ondertekend exemplaar ontvangen: {db.session.get(type(sent.documents[0]), document_id).title}.") == 1


def test_reminder_by_mail_and_no_status_to_poll(ctx):
    package_id = package_with_stub_pdfs()
    send(package_id)
    remind_package(package_id, "medewerker")
    assert [m.kind for m in mails(package_id)] == ["pakket_verzonden", "herinnering"]
    assert "Herinnering verstuurd per e-mail." in timeline_messages(package_id)
    with pytest.raises(ServiceError, match="upload de ondertekende scans"):
        refresh_package(package_id, "medewerker")


def test_cancel_ends_the_package_with_the_reason(ctx):
    package_id = package_with_stub_pdfs()
    send(package_id)
    with pytest.raises(ServiceError, match="reden"):
        cancel_package(package_id, "  ", "medewerker")
    cancelled = cancel_package(package_id, "De organisatie ziet af van deelname", "medewerker")
    assert cancelled.state == "ingetrokken"
    assert cancelled.state_reason == "De organisatie ziet af van deelname"
    # the mail jobs of the sending may add their lines after it: look for it, not at the end
    assert "Ingetrokken: De organisatie ziet af van deelname" in timeline_messages(package_id)


# --- the same uploads as deliveries at /webhooks/manual, in any order -----------------------

def upload_deliveries(package_id: int) -> list[tuple[dict, bytes]]:
    """Store a scan for every document (as upload_signed_scan does) and return the signed
    deliveries that the uploads make, in upload order."""
    found = package(package_id)
    store = runtime().store
    bodies = []
    to_sign = [d for d in found.documents if d.signed_required]
    for document in to_sign:
        document.signed_key = f"packages/{found.reference_number}/ondertekend/{document.id}.pdf"
        document.signed_sha256 = store.put(document.signed_key, tiny_pdf(f"scan {document.id}"))
        upload_id = f"{document.id}-{document.signed_sha256[:16]}"
        bodies.append({"envelope_id": found.envelope_id, "upload_id": upload_id,
                       "event": "signed", "signer_key": f"signer-{found.signers[0].id}",
                       "document_key": f"doc-{document.id}"})
    bodies.append({"envelope_id": found.envelope_id, "upload_id": f"{upload_id}-klaar",
                   "event": "completed"})
    db.session.commit()
    return [ManualProvider.sign(manual_secret(), body) for body in bodies]


def test_shuffled_duplicated_forged_and_malformed_deliveries(ctx, client):
    def run(messy: bool, seed: int) -> int:
        package_id = package_with_stub_pdfs(new_package(name=f"Stichting {seed}"))
        send(package_id)
        batch = upload_deliveries(package_id)
        if messy:
            forged = [ManualProvider.sign("not-our-secret", b) for _, b in batch[:2]]
            batch = batch * 3 + forged + [
                ({"Content-Type": "application/json"}, b'{"envelope_id": 1'),
                ManualProvider.sign(manual_secret(), b'{"envelope_id": "x", "upload_id": "y",'
                                    b' "event": "signed"}'),  # authentic, but incomplete
            ]
            random.Random(seed).shuffle(batch)
        statuses = [client.post("/webhooks/manual", data=body, headers=headers).status_code
                    for headers, body in batch]
        assert set(statuses) == ({200, 400} if messy else {200})
        drain_jobs()
        return package_id

    clean = run(False, 1)
    for seed in (2, 3, 4):
        messy = run(True, seed)
        assert package(messy).state == package(clean).state == "gearchiveerd"
        assert len(applied_keys(messy)) == len(applied_keys(clean)) == 4
        moved = transitions(messy)
        assert len(moved) == len(set(moved))  # no state entered twice
        assert moved[-2:] == ["ondertekend", "gearchiveerd"]
        counts = dict(db.session.execute(
            sa.select(WebhookDelivery.outcome, sa.func.count()).where(
                WebhookDelivery.package_id == messy).group_by(WebhookDelivery.outcome)).all())
        assert counts == {"aanvaard": 4, "dubbel": 8}
        archiving = db.session.scalar(sa.select(sa.func.count(JobRun.id)).where(
            JobRun.package_id == messy, JobRun.name == "app.services.archive:archive_package"))
        assert archiving == 1  # repeats after the last signature start no second archiving
    assert deliveries("manual")["ongeldig"] == 3 * 4


def test_board_is_mailed_when_the_organisation_has_signed_on_paper(ctx):
    """On paper nobody else tells NVSI's board it is their turn: staff record that the
    organisation signed (the date on the paper), the board signers get a mail, reminders go
    to them, and the scans with every signature complete the package."""
    from app.services.sending import record_organisation_signed
    from app.store.models import utcnow

    package_id = package_with_stub_pdfs()
    send(package_id)
    today = utcnow().date()
    result = record_organisation_signed(package_id, "medewerker", signed_on=today)
    assert result.state == "deels_ondertekend"
    by_party = {(s.party, s.state) for s in result.signers}
    assert by_party == {("organisatie", "ondertekend"), ("nvsi", "uitgenodigd")}
    assert next(s for s in result.signers if s.party == "organisatie").state_at.date() == today
    assert [m.kind for m in mails(package_id)] == ["pakket_verzonden", "beurt_bestuur"]
    turn = mails(package_id)[-1]
    board = runtime().reference.association.board
    assert [r.rsplit("<", 1)[1].rstrip(">") for r in turn.recipients] == [
        m.email for m in board]
    assert turn.subject.startswith("Uw handtekening namens de NVSI voor ")
    assert "Nu is het bestuur van de NVSI aan de beurt." in turn.body_text
    assert "Geachte mevrouw/heer De Vries, geachte mevrouw/heer Bakker," in turn.body_text

    with pytest.raises(ServiceError, match="heeft al getekend"):  # the one rule says no
        record_organisation_signed(package_id, "medewerker")
    remind_package(package_id, "medewerker")
    reminder = mails(package_id)[-1]
    assert (reminder.kind, reminder.subject.split(":")[0]) == ("beurt_bestuur", "Herinnering")
    assert "Heeft u al getekend? Dan kunt u dit bericht negeren." in reminder.body_text

    for document in result.documents:
        if document.signed_required:
            upload_signed_scan(package_id, document.id, tiny_pdf(f"scan {document.id}"),
                               "medewerker")
    drain_jobs()
    done = package(package_id)
    assert done.state == "gearchiveerd"
    assert [s.state for s in done.signers] == ["ondertekend"] * 3
    assert transitions(package_id) == ["klaar", "verzonden", "deels_ondertekend",
                                       "ondertekend", "gearchiveerd"]


def test_the_organisation_signed_date_cannot_be_in_the_future(ctx):
    import datetime as dt

    from app.services.sending import record_organisation_signed

    package_id = package_with_stub_pdfs()
    send(package_id)
    with pytest.raises(ServiceError, match="in de toekomst"):
        record_organisation_signed(package_id, "medewerker",
                                   signed_on=dt.date.today() + dt.timedelta(days=2))
    assert {s.state for s in package(package_id).signers if s.party == "organisatie"} != {
        "ondertekend"}
    assert [m.kind for m in mails(package_id)] == ["pakket_verzonden"]

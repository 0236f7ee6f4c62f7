"""Finding 9, uploads: signed scans with JavaScript, launch actions, embedded files or HTML
were kept (and offered for download), and a second upload overwrote the first (evidence).
Now each is refused in Dutch, and every upload is kept as its own version."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject
from pypdf.generic import NameObject
from pypdf.generic import TextStringObject

from app.extensions import db
from app.runtime import runtime
from app.services.errors import ServiceError
from app.services.sending import send_package
from app.services.sending import upload_signed_scan
from app.store.models import Document
from app.store.models import SignedUpload
from tests.flow.helpers import package_with_stub_pdfs
from tests.flow.helpers import tiny_pdf


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def _pdf(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"),
        NameObject("/F"): TextStringObject("cmd.exe")})


HOSTILE = {
    "javascript": (lambda: _pdf(lambda w: w.add_open_action(JavaScript("app.alert('x');"))),
                   "JavaScript"),
    # Names spelled with #-escapes (/Java#53cript is /JavaScript): only the parser sees them.
    "javascript-escaped": (lambda: _pdf(lambda w: w.add_open_action(JavaScript("app.alert(1)")))
                           .replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 "),
                           "JavaScript"),
    "launch": (lambda: _pdf(_launch), "startactie"),
    "embedded": (lambda: _pdf(lambda w: w.add_attachment("factuur.exe", b"MZ...")),
                 "ingesloten bestanden"),
    "html-before": (lambda: b"<html><script>alert(1)</script></html>\n" + tiny_pdf("x"),
                    "HTML"),
    "html-after": (lambda: tiny_pdf("x") + b"\n<!DOCTYPE html><body onload=alert(1)>", "HTML"),
}


def _sent_package():
    package_id = package_with_stub_pdfs()
    package = send_package(package_id, "manual", "medewerker@nvsi.nl")
    document_id = next(d.id for d in package.documents if d.signed_required)
    return package_id, document_id


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_scan_with_active_content_is_refused_in_dutch(ctx, kind):
    make, words = HOSTILE[kind]
    package_id, document_id = _sent_package()
    with pytest.raises(ServiceError) as caught:
        upload_signed_scan(package_id, document_id, make(), "medewerker")
    assert words in caught.value.message
    assert "Een ondertekende scan mag alleen pagina's bevatten" in caught.value.message
    assert db.session.get(Document, document_id).signed_key is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignedUpload)) == 0


def test_a_plain_scan_is_taken(ctx):
    package_id, document_id = _sent_package()
    upload_signed_scan(package_id, document_id, tiny_pdf("plain"), "medewerker")
    assert db.session.get(Document, document_id).signed_key


def test_a_second_upload_is_a_new_version_and_the_first_is_kept(ctx):
    package_id, document_id = _sent_package()
    first, second = tiny_pdf("eerste scan"), tiny_pdf("tweede scan")
    upload_signed_scan(package_id, document_id, first, "medewerker")
    upload_signed_scan(package_id, document_id, second, "beheerder")
    upload_signed_scan(package_id, document_id, second, "beheerder")  # the same again: no-op
    versions = db.session.scalars(sa.select(SignedUpload).where(
        SignedUpload.document_id == document_id).order_by(SignedUpload.version)).all()
    assert [(v.version, v.uploaded_by) for v in versions] == [(1, "medewerker"), (2, "beheerder")]
    store = runtime().store
    assert store.get(versions[0].key) == first
    assert store.get(versions[1].key) == second
    document = db.session.get(Document, document_id)
    assert document.signed_key == versions[1].key
    assert versions[0].key != versions[1].key


def test_the_page_shows_the_refusal_beside_the_field(app, staff):
    from tests.web.support import csrf_token

    with app.app_context():
        package_id, document_id = _sent_package()
    make, _words = HOSTILE["javascript"]
    response = staff.post(f"/pakketten/{package_id}/documenten/{document_id}/scan",
                          data={"csrf_token": csrf_token(staff, "/"),
                                "file": (io.BytesIO(make()), "scan.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Deze PDF bevat JavaScript" in response.get_data(as_text=True)

"""Downloading a document's DOCX, PDF or signed PDF."""

import base64
import hashlib

import pytest

from app.extensions import db
from app.store.models import Package
from tests.api.conftest import check_problem
from tests.mail.factories import ready_package
from tests.mail.factories import sign_everything


@pytest.fixture
def package_ids(app):
    """(package id, [document ids]) for a package with its documents made."""
    with app.app_context():
        package = ready_package()
        return package.id, [d.id for d in package.documents]


def _path(package_id, document_id, variant):
    return f"/api/v1/packages/{package_id}/documents/{document_id}/{variant}"


@pytest.mark.parametrize(("variant", "mimetype", "suffix"), [
    ("pdf", "application/pdf", ".pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     ".docx"),
])
def test_download_gives_the_stored_bytes(app, api, package_ids, variant, mimetype, suffix):
    package_id, documents = package_ids
    response = api.get(_path(package_id, documents[1], variant))
    assert response.status_code == 200
    assert response.mimetype == mimetype
    with app.app_context():
        document = db.session.get(Package, package_id).documents[1]
        recorded = document.pdf_sha256 if variant == "pdf" else document.docx_sha256
        filename = document.filename
    assert hashlib.sha256(response.data).hexdigest() == recorded
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename={filename}{suffix}"
    digest = base64.b64encode(hashlib.sha256(response.data).digest()).decode()
    assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"


def test_the_package_lists_the_download_links(app, api, package_ids):
    package_id, documents = package_ids
    body = api.get(f"/api/v1/packages/{package_id}").get_json()
    links = body["documents"][0]["links"]
    assert links["pdf"].endswith(_path(package_id, documents[0], "pdf"))
    assert links["signed"] is None
    assert body["documents"][0]["sha256"]["pdf"]


def test_the_signed_pdf_once_signed(app, api, package_ids):
    package_id, documents = package_ids
    response = api.get(_path(package_id, documents[1], "signed"))
    assert "niet gemaakt" in check_problem(response, 404)["detail"]
    with app.app_context():
        sign_everything(db.session.get(Package, package_id))
        recorded = db.session.get(Package, package_id).documents[1].signed_sha256
    response = api.get(_path(package_id, documents[1], "signed"))
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == recorded
    assert response.headers["Content-Disposition"].endswith("-ondertekend.pdf")


def test_unknown_variant_document_or_package_is_404(app, api, package_ids):
    package_id, documents = package_ids
    with app.app_context():
        other = ready_package(name="Stichting Anders")
        other_document = other.documents[0].id
    check_problem(api.get(_path(package_id, documents[0], "xlsx"), check_request=False), 404)
    check_problem(api.get(_path(package_id, 999999, "pdf")), 404)
    check_problem(api.get(_path(package_id, other_document, "pdf")), 404)
    check_problem(api.get(_path(999999, documents[0], "pdf")), 404)


def test_a_file_missing_from_the_store_is_503_without_details(app, api, package_ids):
    package_id, documents = package_ids
    with app.app_context():
        document = db.session.get(Package, package_id).documents[0]
        document.pdf_key = "packages/weg/kwijt.pdf"
        db.session.commit()
    response = api.get(_path(package_id, documents[0], "pdf"))
    body = check_problem(response, 503)
    assert "kwijt" not in response.get_data(as_text=True)
    assert body["title"] == "Tijdelijk niet beschikbaar"

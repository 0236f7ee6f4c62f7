"""Making a stored package's documents with the real renderer and LibreOffice."""

import datetime as dt
from types import SimpleNamespace

import pytest

from app.domain.organisations import Involvement
from app.extensions import db
from app.runtime import runtime
from app.services.documents import document_file
from app.services.documents import make_documents
from app.services.packages import create_package
from app.store.files import sha256
from app.store.models import Package
from tests.app.test_packages import new_package


@pytest.mark.libreoffice
def test_documents_are_made_stored_with_sha256_and_the_package_is_klaar(app):
    with app.app_context():
        package = create_package(new_package(involvement=Involvement.LID, solutions=[
            ("schuldenradar", dt.date(2027, 1, 1))]), actor="test")
        package = make_documents(package.id, actor="test")
        package = db.session.get(Package, package.id)
        assert package.state == "klaar", package.last_error
        store = runtime().store
        for document in package.documents:
            assert document.docx_sha256 == sha256(store.get(document.docx_key))
            assert document.pdf_sha256 == sha256(store.get(document.pdf_key))
            assert store.get(document.pdf_key).startswith(b"%PDF")
            assert document.template_version
        pdf = document_file(package.documents[1].id, "pdf")
        assert pdf.mimetype == "application/pdf" and pdf.filename.endswith(".pdf")
        assert [e.state_to for e in package.events if e.state_to] == ["klaar"]


def test_a_failing_conversion_keeps_the_docx_and_records_the_reason(app, monkeypatch):
    """With LibreOffice gone the package is mislukt with a Dutch reason; DOCX files are kept."""
    from app.documents import ConversionError

    class BrokenConverter:
        def convert(self, docx):
            raise ConversionError("LibreOffice reageert niet")

        def close(self):
            pass

    with app.app_context():
        runtime().provide("converter", BrokenConverter())
        package = create_package(new_package(involvement=Involvement.LID), actor="test")
        package = make_documents(package.id, actor="test")
        package = db.session.get(Package, package.id)
        assert package.state == "mislukt"
        assert "LibreOffice reageert niet" in package.last_error
        assert all(d.docx_key for d in package.documents)
        assert runtime().store.get(package.documents[0].docx_key).startswith(b"PK")


def test_a_broken_template_leaves_the_reason_on_the_package(app):
    """A template that cannot be rendered is reported, not a stack trace."""
    from app.documents import RenderError

    class BrokenRenderer:
        def template(self, kind):
            return SimpleNamespace(version="000000000000")

        def render(self, kind, context, **options):
            raise RenderError(f"Sjabloon {kind.value}.docx: onbekende naam 'gemeentenaam'.")

    with app.app_context():
        runtime().provide("renderer", BrokenRenderer())
        package = create_package(new_package(involvement=Involvement.LID), actor="test")
        package = make_documents(package.id, actor="test")
        package = db.session.get(Package, package.id)
        assert package.state == "mislukt"
        assert package.last_error.startswith("Een document kon niet worden gemaakt: Sjabloon")

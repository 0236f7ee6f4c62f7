"""Packages with documents "made" (small real PDFs in the document store), for the mail and
API tests. The real document rendering is tested elsewhere; here only the bytes matter."""

from __future__ import annotations

import datetime as dt


from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import SolutionRequest
from app.extensions import db
from app.runtime import runtime
from app.services.intake import NewPackage
from app.services.intake import OrganisationInput
from app.services.packages import create_package
from app.store.models import Package
from app.store.models import utcnow
from tests.pdfs import tiny_pdf as pdf_bytes

CONTACT_EMAIL = "j.devries@debrug.example"
SIGNATORY_EMAIL = "bestuur@debrug.example"


def new_package(name="Stichting De Brug", solutions=(("schuldenradar", dt.date(2027, 1, 1)),),
                organisation_id=None) -> NewPackage:
    return NewPackage(
        organisation_id=organisation_id,
        organisation=None if organisation_id else OrganisationInput(
            OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name, None, "12345678", None,
            Address("Brugstraat 1", "3511 AB", "Utrecht")),
        involvement=Involvement.LID,
        contact=Person("Jan de Vries", "coördinator", CONTACT_EMAIL, "+31 30 123 4567"),
        signatory=Person("Ans Bakker", "voorzitter", SIGNATORY_EMAIL),
        solutions=tuple(SolutionRequest(code, start) for code, start in solutions),
        participant_warning_acknowledged=False,
        privacy_officer=Person("Noor El Amrani", "functionaris gegevensbescherming",
                               "fg@debrug.example", "+31 30 123 4000"),
        breach_contact=Person("Servicedesk De Brug", "contact bij datalekken",
                              "datalek@debrug.example", "+31 6 12345678"),
    )


def make_documents(package: Package, *, docx: bool = True) -> None:
    """Put a PDF (and a stand-in DOCX) for every document in the store; package → klaar."""
    store = runtime().store
    prefix = f"packages/{package.reference_number}"
    for document in package.documents:
        document.filename = f"{document.position:02d}-{document.kind}"
        document.pdf_key = f"{prefix}/{document.filename}.pdf"
        document.pdf_sha256 = store.put(document.pdf_key, pdf_bytes(f"{document.title} "
                                                                    f"{document.id}"))
        if docx:
            document.docx_key = f"{prefix}/{document.filename}.docx"
            document.docx_sha256 = store.put(document.docx_key,
                                             b"PK\x03\x04 docx " + document.kind.encode())
        document.made_at = utcnow()
    package.state = "klaar"
    db.session.commit()


def sign_everything(package: Package, *, audit: bytes = b"Ondertekenverslag\n") -> None:
    """Signed PDFs for every signed document, an audit trail, package → ondertekend."""
    store = runtime().store
    prefix = f"packages/{package.reference_number}/ondertekend"
    for document in package.documents:
        if document.signed_required:
            document.signed_key = f"{prefix}/{document.filename}.pdf"
            document.signed_sha256 = store.put(document.signed_key,
                                               pdf_bytes(f"ondertekend {document.id}"))
            document.signed_at = utcnow()
    for signer in package.signers:
        signer.state = "ondertekend"
    package.audit_trail_filename = "ondertekenverslag.txt"
    package.audit_trail_key = f"{prefix}/{package.audit_trail_filename}"
    package.audit_trail_sha256 = store.put(package.audit_trail_key, audit)
    package.state = "ondertekend"
    package.signed_at = utcnow()
    db.session.commit()


def ready_package(**kwargs) -> Package:
    """A package with its documents made, in state klaar."""
    package = create_package(new_package(**kwargs), actor="test")
    make_documents(package)
    return package

"""Preparing the callback benchmark: packages sent for signing on paper, and the signed
deliveries their uploads make.

Each package is made by the real services (create_package, then send_package with the manual
provider). Its documents are NOT made by app.documents: they get small stub PDFs put straight
into the document store (no LibreOffice in a callback benchmark). The signed scans are stored
as upload_signed_scan stores them; the deliveries are the callbacks an upload turns into
(ManualProvider.sign with the app's manual secret), to be posted at /webhooks/manual.

Per package: one delivery per signed document (six), one for a second, better scan of the
first document, and `completed`: eight distinct events.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pypdf import PdfWriter  # noqa: E402

from app.domain.organisations import Address  # noqa: E402
from app.domain.organisations import Involvement  # noqa: E402
from app.domain.organisations import OrgKind  # noqa: E402
from app.domain.organisations import Person  # noqa: E402
from app.domain.rules import SolutionRequest  # noqa: E402
from app.domain.states import PackageState  # noqa: E402
from app.extensions import db  # noqa: E402
from app.runtime import runtime  # noqa: E402
from app.services import timeline  # noqa: E402
from app.services.intake import NewPackage  # noqa: E402
from app.services.intake import OrganisationInput  # noqa: E402
from app.services.packages import create_package  # noqa: E402
from app.services.providers import manual_secret  # noqa: E402
from app.services.sending import send_package  # noqa: E402
from app.store.models import utcnow  # noqa: E402
from signing.providers.manual import ManualProvider  # noqa: E402

SOLUTIONS = ("wijkteamdossier", "schuldenradar", "participatiematch", "mantelzorgwaardering")
EVENTS_PER_PACKAGE = 8


def stub_pdf(label: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class Delivery:
    package_id: int
    headers: dict[str, str]
    body: bytes


def new_package(number: int) -> NewPackage:
    return NewPackage(
        organisation_id=None,
        organisation=OrganisationInput(
            OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, f"Stichting Bank {number:04d}", None,
            f"{70000000 + number}", None, Address("Markt 1", "3511 AB", "Utrecht")),
        involvement=Involvement.LID,
        contact=Person("Contact Persoon", "adviseur", f"contact{number}@bench.example"),
        signatory=Person("Teken Bevoegde", "voorzitter", f"bestuur{number}@bench.example"),
        solutions=tuple(SolutionRequest(code, dt.date(2027, 1, 1)) for code in SOLUTIONS),
        participant_warning_acknowledged=False,
        privacy_officer=Person("Privacy Officer", "functionaris gegevensbescherming",
                               f"fg{number}@bench.example"),
        breach_contact=Person("Servicedesk", "contact bij datalekken",
                              f"datalek{number}@bench.example", "+31 6 12345678"),
    )


def prepare(count: int, progress=None) -> list[Delivery]:
    """Make `count` packages out for signing on paper with their scans stored; return the
    distinct deliveries (EVENTS_PER_PACKAGE per package), grouped by package."""
    store = runtime().store
    pdfs: dict[str, bytes] = {}
    secret = manual_secret()
    deliveries: list[Delivery] = []
    for number in range(1, count + 1):
        package = create_package(new_package(number), actor="bench")
        for document in package.documents:
            document.filename = f"{document.position:02d}-{document.kind}"
            data = pdfs.setdefault(document.filename, stub_pdf(document.filename))
            document.pdf_key = f"packages/{package.reference_number}/{document.filename}.pdf"
            document.pdf_sha256 = store.put(document.pdf_key, data)
            document.made_at = utcnow()
        timeline.transition(package, PackageState.KLAAR, "bench",
                            "Stub-pdf's voor de benchmark klaargezet (geen LibreOffice).")
        db.session.commit()
        package = send_package(package.id, "manual", "bench")
        assert package.state == PackageState.VERZONDEN.value, package.last_error
        bodies = []
        signer = f"signer-{package.signers[0].id}"
        to_sign = [d for d in package.documents if d.signed_required]
        first_scan = stub_pdf(f"{package.reference_number} eerste scan")
        for index, document in enumerate(to_sign):
            scan = stub_pdf(f"{package.reference_number} scan {document.id}")
            document.signed_key = (f"packages/{package.reference_number}/ondertekend/"
                                   f"{document.filename}.pdf")
            document.signed_sha256 = store.put(document.signed_key, scan)
            document.signed_at = utcnow()
            uploads = [first_scan, scan] if index == 0 else [scan]
            for upload in uploads:
                from app.store.files import sha256

                bodies.append({"envelope_id": package.envelope_id,
                               "upload_id": f"{document.id}-{sha256(upload)[:16]}",
                               "event": "signed", "signer_key": signer,
                               "document_key": f"doc-{document.id}"})
        bodies.append({"envelope_id": package.envelope_id,
                       "upload_id": f"{to_sign[-1].id}-klaar", "event": "completed"})
        db.session.commit()
        assert len(bodies) == EVENTS_PER_PACKAGE
        for body in bodies:
            headers, raw = ManualProvider.sign(secret, body)
            deliveries.append(Delivery(package.id, headers, raw))
        if progress and number % 100 == 0:
            progress(number)
    return deliveries

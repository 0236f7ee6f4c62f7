"""Making a package's documents (DOCX and PDF) and handing them out again.

make_documents renders every planned document with the template version the package uses
(app.services.templates: the current one, or for a package made before the one it was made
with), converts it to PDF/A, stores both under keys
recorded on the package with their SHA-256, and moves the package to `klaar`. A conversion
that fails leaves the reason on the package (`mislukt`) and keeps every file already made.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.services.packages import facts_for
from app.services.packages import get_package
from app.store.models import Document
from app.store.models import Package
from app.store.models import utcnow

MAKEABLE = {PackageState.CONCEPT, PackageState.KLAAR, PackageState.MISLUKT}
NOT_MAKEABLE = "De documenten van een verzonden pakket kunnen niet opnieuw worden gemaakt."
MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "signed": "application/pdf",
}


@dataclass(frozen=True)
class FileDownload:
    filename: str
    data: bytes
    mimetype: str


def renderer():
    """The app's shared DOCX renderer (templates parsed once)."""
    from app.documents import Renderer

    return runtime().lazy("renderer", Renderer)


def converter():
    """The app's shared PDF converter (LibreOffice kept running), started on first use."""
    from app.documents import converter_from_settings

    return runtime().lazy("converter", lambda: converter_from_settings(runtime().settings))


def make_documents(package_id: int, actor: str) -> Package:
    """Render and convert every document of the package; return it (now `klaar`).

    Raises ServiceError when the package has been sent already. A failed conversion is not
    raised: the package moves to `mislukt` with the reason, and the DOCX files made are kept.
    """
    from app.documents import ConversionError
    from app.documents import RenderError
    from app.documents import make_package_documents

    package = get_package(package_id)
    state = PackageState(package.state)
    if state not in MAKEABLE or package.envelope_id:
        raise ServiceError(NOT_MAKEABLE)
    from app.services.templates import templates_for

    store = runtime().store
    now = utcnow()
    made_count = 0
    versions = {}

    def keep(made) -> None:
        nonlocal made_count
        document = _match(package, made.kind, made.solution_code)
        base = f"packages/{package.reference_number}/{made.filename}"
        document.filename = made.filename
        document.template_version = made.template_version
        document.template_number = versions[made.kind][0]
        document.docx_key = f"{base}.docx"
        document.docx_sha256 = store.put(document.docx_key, made.docx)
        if made.pdf is not None:
            document.pdf_key = f"{base}.pdf"
            document.pdf_sha256 = store.put(document.pdf_key, made.pdf)
        document.made_at = now
        made_count += 1

    try:
        versions.update(templates_for(package))  # as made before, else the current ones
        templates = {kind: template for kind, (_, template) in versions.items()}
        for made in make_package_documents(facts_for(package), renderer(), converter(),
                                           templates):
            keep(made)
    except (ConversionError, RenderError) as exc:
        for made in getattr(exc, "made", ()):
            keep(made)
        if isinstance(exc, RenderError):
            package.last_error = f"Een document kon niet worden gemaakt: {_message(exc)}"
        else:
            package.last_error = f"Omzetten naar PDF is mislukt: {exc.message}"
        if state is PackageState.MISLUKT:
            timeline.record(package, actor, "fout", package.last_error)
        else:
            timeline.transition(package, PackageState.MISLUKT, actor, package.last_error)
        db.session.commit()
        return package

    package.last_error = None
    hashes = {d.kind + (f":{d.solution_code}" if d.solution_code else ""): d.pdf_sha256
              for d in package.documents}
    message = f"{made_count} documenten gemaakt (DOCX en PDF/A)."
    if state is PackageState.KLAAR:
        timeline.record(package, actor, "documenten", "Documenten opnieuw gemaakt: " + message,
                        pdf_sha256=hashes)
    else:
        timeline.transition(package, PackageState.KLAAR, actor, message, pdf_sha256=hashes)
    db.session.commit()
    return package


def _message(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc)


def _match(package: Package, kind, solution_code: str | None) -> Document:
    kind = getattr(kind, "value", kind)
    for document in package.documents:
        if document.kind == kind and document.solution_code == solution_code:
            return document
    raise LookupError(f"no planned document {kind}/{solution_code} in package {package.id}")


def document_file(document_id: int, variant: str) -> FileDownload:
    """The DOCX, PDF or signed PDF of one document; raises NotFound when it is not there."""
    document = db.session.get(Document, document_id)
    if document is None or variant not in MIMETYPES:
        raise NotFound("Dit document bestaat niet.")
    key = {"docx": document.docx_key, "pdf": document.pdf_key,
           "signed": document.signed_key}[variant]
    if key is None:
        raise NotFound("Dit bestand is (nog) niet gemaakt.")
    suffix = "-ondertekend.pdf" if variant == "signed" else f".{variant}"
    return FileDownload(f"{document.filename or document.kind}{suffix}", runtime().store.get(key),
                        MIMETYPES[variant])


def signed_archive(package_id: int) -> FileDownload:
    """A ZIP with the signed PDFs and the audit trail; raises NotFound before archiving."""
    package = get_package(package_id)
    if not package.audit_trail_key:
        raise NotFound("Het ondertekende archief is er nog niet.")
    store = runtime().store
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in package.documents:
            if document.signed_key:
                archive.writestr(f"{document.filename or document.id}-ondertekend.pdf",
                                 store.get(document.signed_key))
        archive.writestr(package.audit_trail_filename, store.get(package.audit_trail_key))
    return FileDownload(f"{package.reference_number}-ondertekend.zip", buffer.getvalue(),
                        "application/zip")


def converter_status() -> str:
    """How the PDF converter is doing, for /health; raises RuntimeError when it cannot work."""
    import shutil

    started = runtime().peek("converter")
    if started is not None:
        if not started.healthy():
            raise RuntimeError("LibreOffice reageert niet")
        return "LibreOffice draait"
    if shutil.which("soffice") is None:
        raise RuntimeError("LibreOffice (soffice) is niet geïnstalleerd")
    return "LibreOffice beschikbaar, start bij de eerste omzetting"

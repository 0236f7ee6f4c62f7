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

from app.domain.lifecycle import Action
from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.services.packages import facts_for
from app.services.packages import get_package
from app.store.models import Document
from app.store.models import DocumentVersion
from app.store.models import Package
from app.store.models import utcnow

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

    Raises ActionRefused when the one rule refuses (the package has been sent already). A failed conversion is not
    raised: the package moves to `mislukt` with the reason, and the DOCX files made are kept.
    """
    from app.documents import ConversionError
    from app.documents import RenderError
    from app.documents import make_package_documents

    from app.services.lifecycle import require

    package = get_package(package_id)
    state = PackageState(package.state)
    require(package, Action.DOCUMENTS)
    from app.services.templates import templates_for

    now = utcnow()
    made_count = 0
    versions = {}

    def keep(made) -> None:
        nonlocal made_count
        store_version(package, made, actor, "Documenten gemaakt.", now,
                      template_number=versions[made.kind][0])
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


def store_version(package: Package, made, actor: str, reason: str, now=None,
                  template_number: int | None = None):
    """Keep a made document as its newest version; return the DocumentVersion, or None when
    it is the same as the newest version (same DOCX bytes: nothing new is stored).

    The first version keeps the document's plain keys; later ones get `versie-N/` keys, so
    earlier files stay in the store with their SHA-256. The document row points at the
    newest version. No commit.
    """
    from app.store.files import sha256

    store = runtime().store
    now = now or utcnow()
    document = _match(package, made.kind, made.solution_code)
    if template_number is not None:
        document.template_number = template_number
    if not document.versions and (document.docx_key or document.pdf_key):
        # files from before versions were kept: they are version 1
        document.versions.append(DocumentVersion(
            number=1, template_version=document.template_version, docx_key=document.docx_key,
            docx_sha256=document.docx_sha256, pdf_key=document.pdf_key,
            pdf_sha256=document.pdf_sha256, made_at=document.made_at or now,
            made_by="systeem", reason="", sent_at=document.sent_at))
    current = document.versions[-1] if document.versions else None
    if current is not None and current.docx_sha256 == sha256(made.docx):
        if made.pdf is not None and not current.pdf_key:  # a conversion that failed before
            current.pdf_key = f"{current.docx_key.removesuffix('.docx')}.pdf"
            current.pdf_sha256 = store.put(current.pdf_key, made.pdf)
            _point_at(document, current, made.filename)
        return None
    number = current.number + 1 if current is not None else 1
    folder = f"packages/{package.reference_number}"
    base = f"{folder}/{made.filename}" if number == 1 else \
        f"{folder}/versie-{number}/{made.filename}"
    version = DocumentVersion(number=number, template_version=made.template_version,
                              template_number=document.template_number,
                              docx_key=f"{base}.docx", made_at=now, made_by=actor,
                              reason=reason)
    version.docx_sha256 = store.put(version.docx_key, made.docx)
    if made.pdf is not None:
        version.pdf_key = f"{base}.pdf"
        version.pdf_sha256 = store.put(version.pdf_key, made.pdf)
    document.versions.append(version)
    _point_at(document, version, made.filename)
    return version


def _point_at(document: Document, version: DocumentVersion, filename: str) -> None:
    document.filename = filename
    document.template_version = version.template_version
    document.docx_key, document.docx_sha256 = version.docx_key, version.docx_sha256
    document.pdf_key, document.pdf_sha256 = version.pdf_key, version.pdf_sha256
    document.made_at = version.made_at


def remake_documents(package: Package, kinds, actor: str, reason: str) -> list[str]:
    """Make the package's documents of these kinds again from its facts as they are now;
    keep each changed one as a new version (earlier versions stay). Return the Dutch labels
    of the new versions ("Aanmelding gemeente als lid (bijlage 1), versie 2").

    Raises ServiceError when a document cannot be rendered or converted; then nothing of
    the package has changed (the caller rolls back). No commit.
    """
    from app.documents import ConversionError
    from app.documents import RenderError
    from app.documents import make_package_documents

    from app.services.templates import templates_for

    wanted = {getattr(kind, "value", kind) for kind in kinds}
    versions = templates_for(package)  # the template versions the package was made with
    templates = {kind: template for kind, (_, template) in versions.items()}
    try:
        made = make_package_documents(facts_for(package), renderer(), converter(), templates,
                                      only=lambda planned: planned.kind.value in wanted)
    except (ConversionError, RenderError) as exc:
        raise ServiceError("De documenten konden niet opnieuw worden gemaakt: "
                           f"{_message(exc)} Er is niets gewijzigd; probeer het opnieuw.") \
            from None
    labels = []
    for item in made:
        version = store_version(package, item, actor, reason,
                                template_number=versions[item.kind][0])
        if version is not None:
            labels.append(f"{item.title}, versie {version.number}")
    return labels


def version_label(document: Document) -> str:
    """'<title>, versie N (SHA-256 abcdef123456…)' of the document's newest version."""
    number = document.versions[-1].number if document.versions else 1
    sha = (document.pdf_sha256 or document.docx_sha256 or "")[:12]
    return f"{document.title}, versie {number}" + (f" (SHA-256 {sha}…)" if sha else "")


def note_sent(document: Document, now, to: str) -> None:
    """Record on the document's newest version that it went out now, and to whom."""
    if document.versions:
        version = document.versions[-1]
        version.sent_at = version.sent_at or now
        version.sent_to = to if not version.sent_to or to in version.sent_to else \
            f"{version.sent_to}; {to}"[:200]


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


def version_file(document_id: int, number: int, variant: str) -> FileDownload:
    """The DOCX or PDF of one version of a document; raises NotFound when it is not there."""
    document = db.session.get(Document, document_id)
    version = next((v for v in document.versions if v.number == number), None) \
        if document is not None else None
    key = None if version is None else {"docx": version.docx_key,
                                        "pdf": version.pdf_key}.get(variant)
    if key is None:
        raise NotFound("Deze versie van het document bestaat niet.")
    name = f"{document.filename or document.kind}-versie-{number}.{variant}"
    return FileDownload(name, runtime().store.get(key), MIMETYPES[variant])


def package_attachment(package_id: int, what: str) -> FileDownload:
    """The raad's letter (`raad`) or the volmacht (`volmacht`); raises NotFound."""
    package = get_package(package_id)
    key, name = {"raad": (package.council_letter_key, package.council_letter_filename),
                 "volmacht": (package.volmacht_key, package.volmacht_filename)}.get(
        what, (None, None))
    if not key:
        raise NotFound("Dit bestand is er niet.")
    return FileDownload(name or f"{what}.pdf", runtime().store.get(key), "application/pdf")


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
        if package.council_letter_key:
            archive.writestr(f"raad/{package.council_letter_filename or 'brief-raad.pdf'}",
                             store.get(package.council_letter_key))
        if package.volmacht_key:
            archive.writestr(f"volmacht/{package.volmacht_filename or 'volmacht.pdf'}",
                             store.get(package.volmacht_key))
        archive.writestr("versies.txt", versions_manifest(package))
    return FileDownload(f"{package.reference_number}-ondertekend.zip", buffer.getvalue(),
                        "application/zip")


def versions_manifest(package: Package) -> str:
    """Every made version of every document with its SHA-256 and when it went out (Dutch)."""
    from app.domain.formatting import format_datetime

    lines = [f"Pakket {package.reference_number}: versies van de documenten", ""]
    for document in package.documents:
        lines.append(document.title)
        for version in document.versions:
            sent = (f"verzonden {format_datetime(version.sent_at)} ({version.sent_to})"
                    if version.sent_at else "niet verzonden")
            lines.append(f"  versie {version.number}, gemaakt {format_datetime(version.made_at)}"
                         f"; {sent}")
            lines.append(f"    DOCX SHA-256 {version.docx_sha256 or '-'}")
            lines.append(f"    PDF  SHA-256 {version.pdf_sha256 or '-'}")
            if version.reason:
                lines.append(f"    {version.reason}")
        lines.append("")
    if package.council_letter_sha256:
        lines.append(f"Brief van de raad: SHA-256 {package.council_letter_sha256}")
    if package.volmacht_sha256:
        lines.append(f"Volmacht: SHA-256 {package.volmacht_sha256}")
    return "\n".join(lines) + "\n"


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

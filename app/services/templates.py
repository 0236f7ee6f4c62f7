"""Template versions: the shipped .docx files (version 1) and the versions a beheerder uploads.

An upload is checked like `flask templates check` does (app.documents.check) against the
sample packages before it is accepted; a broken one is refused with the problems, naming the
tag. An accepted upload becomes the newest version of its kind: packages made from then on use
it. Every earlier version stays readable, and every document records the version (number and
short SHA-256) that made it; a package that is made again keeps the versions it was made with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from app.documents.check import Report
from app.documents.render import CompiledTemplate
from app.documents.render import template_filename
from app.documents.render import template_version
from app.domain.rules import DocumentKind
from app.extensions import db
from app.runtime import runtime
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.store.models import Package
from app.store.models import TemplateVersion

SHIPPED = 1
MAX_UPLOAD = 10 * 1024 * 1024


class TemplateRejected(ServiceError):
    """An uploaded template failed the check; `problems` lists what (Dutch, naming the tag)."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message, field="bestand")
        self.problems = problems


@dataclass(frozen=True)
class VersionInfo:
    """One version of a template, for the staff page."""

    kind: DocumentKind
    number: int
    version: str  # short SHA-256
    filename: str
    uploaded_by: str
    uploaded_at: dt.datetime | None
    note: str
    current: bool

    @property
    def shipped(self) -> bool:
        return self.number == SHIPPED


def parse_kind(value: str) -> DocumentKind:
    """The kind for `value` (`raadsbrief` or `raadsbrief.docx`); NotFound when unknown."""
    name = value.rsplit("/", 1)[-1].removesuffix(".docx")
    try:
        return DocumentKind(name)
    except ValueError:
        known = ", ".join(kind.value for kind in DocumentKind)
        raise NotFound(f"Er is geen sjabloon ‘{value}’. Bekende sjablonen: {known}.") from None


def _renderer():
    from app.services.documents import renderer

    return renderer()


def shipped_bytes(kind: DocumentKind) -> bytes:
    """The .docx shipped in templates_docx/ for `kind` (version 1)."""
    return _renderer().template_path(kind).read_bytes()


def _uploads(kind: DocumentKind) -> list[TemplateVersion]:
    return list(db.session.scalars(
        sa.select(TemplateVersion).where(TemplateVersion.kind == kind.value)
        .order_by(TemplateVersion.number)
    ))


def _latest(kind: DocumentKind) -> TemplateVersion | None:
    return db.session.scalars(
        sa.select(TemplateVersion).where(TemplateVersion.kind == kind.value)
        .order_by(TemplateVersion.number.desc()).limit(1)
    ).first()


def versions(kind: DocumentKind) -> list[VersionInfo]:
    """Every version of the template for `kind`, newest first; the first is the current one."""
    uploads = _uploads(kind)
    current = uploads[-1].number if uploads else SHIPPED
    found = [VersionInfo(kind, row.number, row.version, row.filename, row.uploaded_by,
                         row.uploaded_at, row.note, row.number == current)
             for row in reversed(uploads)]
    found.append(VersionInfo(kind, SHIPPED, template_version(shipped_bytes(kind)),
                             template_filename(kind), "meegeleverd met Tekenklaar", None,
                             "", current == SHIPPED))
    return found


def template_bytes(kind: DocumentKind, number: int) -> bytes:
    """The .docx of version `number` of `kind`; raises NotFound when there is none."""
    if number == SHIPPED:
        return shipped_bytes(kind)
    row = db.session.scalars(sa.select(TemplateVersion).where(
        TemplateVersion.kind == kind.value, TemplateVersion.number == number)).first()
    if row is None:
        raise NotFound(f"Versie {number} van het sjabloon {template_filename(kind)} bestaat niet.")
    return runtime().store.get(row.store_key)


def compiled(kind: DocumentKind, number: int) -> CompiledTemplate:
    """Version `number` of `kind`, compiled (cached by content)."""
    if number == SHIPPED:
        return _renderer().template(kind)
    return _renderer().compile_bytes(kind, template_bytes(kind, number),
                                     f"{template_filename(kind)} (versie {number})")


def current_number(kind: DocumentKind) -> int:
    """The number of the version new packages use."""
    latest = _latest(kind)
    return latest.number if latest else SHIPPED


def templates_for(package: Package) -> dict[DocumentKind, tuple[int, CompiledTemplate]]:
    """Per kind, the template version to make `package`'s documents with: the version its
    documents were made with before (a package keeps its versions), else the current one."""
    chosen: dict[DocumentKind, tuple[int, CompiledTemplate]] = {}
    for document in package.documents:
        kind = DocumentKind(document.kind)
        if kind in chosen:
            continue
        number = document.template_number or current_number(kind)
        try:
            chosen[kind] = (number, compiled(kind, number))
        except NotFound:
            number = current_number(kind)
            chosen[kind] = (number, compiled(kind, number))
    return chosen


def samples():
    """The sample packages templates are checked against (app.documents.samples)."""
    from app.documents.samples import sample_packages

    return sample_packages(runtime().reference.with_seed_fees(), dt.date.today())


def check(kind: DocumentKind, data: bytes | None = None, name: str | None = None) -> Report:
    """Check the shipped template of `kind`, or `data` as a new version of it."""
    from app.documents.check import check_template

    return check_template(_renderer(), kind, samples(), data, name)


def upload(kind: DocumentKind, data: bytes, filename: str, actor: str,
           note: str = "") -> TemplateVersion:
    """Check `data` and, when it passes, store it as the newest version of `kind`.

    Raises TemplateRejected (Dutch, naming each tag at fault) when the check finds a problem,
    and ServiceError for a file that is empty, too large or no .docx. Nothing is stored then.
    """
    if not data:
        raise ServiceError("Kies een .docx-bestand om te uploaden.", field="bestand")
    if len(data) > MAX_UPLOAD:
        raise ServiceError("Het bestand is groter dan 10 MB; een sjabloon is veel kleiner.",
                           field="bestand")
    if not data.startswith(b"PK"):
        raise ServiceError("Dit is geen Word-bestand (.docx). Bewaar het sjabloon in Word of "
                           "LibreOffice als .docx en probeer het opnieuw.", field="bestand")
    report = check(kind, data, filename)
    if report.problems:
        raise TemplateRejected(
            f"Het sjabloon is niet aangenomen: de controle vond {len(report.problems)} "
            f"{'probleem' if len(report.problems) == 1 else 'problemen'}. De huidige versie "
            "blijft in gebruik.", [str(problem) for problem in report.problems])
    digest = hashlib.sha256(data).hexdigest()
    latest = _latest(kind)
    if latest is not None and latest.sha256 == digest:
        raise ServiceError("Dit bestand is precies de huidige versie; er is niets veranderd.",
                           field="bestand")
    number = (latest.number if latest else SHIPPED) + 1
    key = f"templates/{kind.value}/versie-{number}-{digest[:12]}.docx"
    runtime().store.put(key, data)
    row = TemplateVersion(kind=kind.value, number=number, version=template_version(data),
                          sha256=digest, store_key=key, filename=filename[:200], size=len(data),
                          note=note.strip()[:2000], uploaded_by=actor[:200])
    db.session.add(row)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another beheerder took this number a moment ago
        db.session.rollback()
        raise ServiceError("Er is net tegelijk een andere versie van dit sjabloon geüpload. "
                           "Bekijk die en upload uw versie zo nodig opnieuw.",
                           field="bestand") from None
    return row

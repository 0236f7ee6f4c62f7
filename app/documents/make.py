"""Make the documents of one package: render each planned document, then convert it to PDF.

    renderer = DocxRenderer()                  # one per process; compiles each template once
    with PdfConverter() as converter:          # one per process; keeps LibreOffice running
        made = make_package_documents(facts, renderer, converter)

Storing the documents (with their SHA-256) and moving the package to `klaar` is the service
layer's job; every MadeDocument carries what it needs for that.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import replace
from collections.abc import Callable
from collections.abc import Mapping
from typing import Protocol

from app.documents.context import build_context
from app.documents.context import clean
from app.documents.convert import ConversionError
from app.documents.layout import DocumentProperties
from app.documents.render import CompiledTemplate
from app.documents.render import DocxRenderer
from app.domain.facts import PackageFacts
from app.domain.rules import DocumentKind
from app.domain.rules import PlannedDocument


class Converter(Protocol):
    def convert(self, docx: bytes) -> bytes: ...


@dataclass(frozen=True)
class MadeDocument:
    """One document of a package, as .docx and (when converted) as PDF/A."""

    kind: DocumentKind
    solution_code: str | None
    filename: str  # without extension, e.g. "gebruiksovereenkomst-schuldenradar-NVSI-2026-0042"
    docx: bytes
    pdf: bytes | None
    template_version: str  # short SHA-256 of the template file
    title: str  # Dutch, e.g. "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: Schuldenradar"

    @property
    def docx_name(self) -> str:
        return f"{self.filename}.docx"

    @property
    def pdf_name(self) -> str:
        return f"{self.filename}.pdf"

    @property
    def docx_sha256(self) -> str:
        return hashlib.sha256(self.docx).hexdigest()

    @property
    def pdf_sha256(self) -> str | None:
        return hashlib.sha256(self.pdf).hexdigest() if self.pdf is not None else None


def document_filename(kind: DocumentKind, solution_code: str | None, reference: str) -> str:
    """A safe Dutch file name without extension: `<kind>[-<solution>]-<reference>`."""
    parts = [kind.value.replace("_", "-")]
    if solution_code:
        parts.append(solution_code)
    parts.append(reference)
    name = "-".join(parts)
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9-]+", "-", name)).strip("-")


def document_properties(facts: PackageFacts, title: str) -> DocumentProperties:
    """The PDF metadata of one document: its own title (document and organisation), the
    association as author, Dutch as its language, the package reference as keyword."""
    organisation = _metadata_safe(clean(facts.organisation.name))
    title = _metadata_safe(clean(title))
    return DocumentProperties(
        title=f"{title} – {organisation}",
        author=_metadata_safe(clean(facts.reference.association.name)),
        subject=f"{title} voor {organisation}",
        keywords=_metadata_safe(clean(facts.reference_number)),
    )


def _metadata_safe(text: str) -> str:
    """`text` without the characters LibreOffice 7.4 escapes twice in the PDF's XMP metadata
    (`&` became `&amp;amp;`: the XMP title would differ from the document info title, which
    PDF/A forbids). `&` reads "en"; quotes become typographic ones; `<` and `>` go."""
    for char, replacement in (("&", "en"), ("<", ""), (">", ""), ('"', "”"), ("'", "’")):
        text = text.replace(char, replacement)
    return " ".join(text.split())


def render_document(facts: PackageFacts, planned: PlannedDocument, renderer: DocxRenderer,
                    template: CompiledTemplate | None = None) -> MadeDocument:
    """Render one planned document to .docx (pdf None), with `template` when given (an
    uploaded version) or else the shipped template of its kind.

    Raises RenderError when its template is missing or broken.
    """
    title = planned.kind.title
    if planned.solution_code:
        title = f"{title}: {facts.reference.solution(planned.solution_code).name}"
    template = template or renderer.template(planned.kind)
    docx = renderer.render(planned.kind, build_context(facts, planned), template=template,
                           properties=document_properties(facts, title))
    return MadeDocument(
        kind=planned.kind,
        solution_code=planned.solution_code,
        filename=document_filename(planned.kind, planned.solution_code, facts.reference_number),
        docx=docx,
        pdf=None,
        template_version=template.version,
        title=title,
    )


def make_package_documents(facts: PackageFacts, renderer: DocxRenderer,
                           converter: Converter | None = None,
                           templates: Mapping[DocumentKind, CompiledTemplate] | None = None,
                           only: Callable[[PlannedDocument], bool] | None = None,
                           ) -> list[MadeDocument]:
    """Return every document the package's plan calls for, in plan order (with `only`,
    those planned documents for which it is true).

    `templates` names the template version to use per kind (uploaded by staff); a kind not in
    it uses the shipped template.
    With a converter, each document also gets its PDF/A; documents convert in parallel up to
    the converter's `parallelism`. Raises RenderError for a broken template, and
    ConversionError when a PDF fails, naming the document; its `made` holds every document
    with its .docx and the PDFs that did succeed, its `failed` those without a PDF.
    """
    templates = templates or {}
    made = [render_document(facts, planned, renderer, templates.get(planned.kind))
            for planned in facts.plan.documents if only is None or only(planned)]
    if converter is None:
        return made
    workers = max(1, min(int(getattr(converter, "parallelism", 1)), len(made)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdf") as pool:
        futures = [pool.submit(converter.convert, doc.docx) for doc in made]
    results: list[MadeDocument] = []
    failed: list[tuple[MadeDocument, ConversionError]] = []
    for doc, future in zip(made, futures):
        try:
            results.append(replace(doc, pdf=future.result()))
        except ConversionError as exc:
            results.append(doc)
            failed.append((doc, exc))
    if failed:
        doc, exc = failed[0]
        others = f" (en nog {len(failed) - 1} andere documenten)" if len(failed) > 1 else ""
        raise ConversionError(f"{doc.title}{others}: {exc.message}", made=results,
                              failed=[d for d, _ in failed])
    return results

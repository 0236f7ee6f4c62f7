"""PDF/A with the real LibreOffice: what the PDFs say, their PDF/A-2b identification, and the
converter surviving a LibreOffice that dies."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import threading
import time

import pytest
from pypdf import PdfReader

from app.documents import ConversionError
from app.documents import OneShotConverter
from app.documents import PdfConverter
from app.documents import convert_once
from app.documents import make_package_documents
from app.documents.context import build_context
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import DocumentKind

from tests.documents.builders import BRUG
from tests.documents.builders import GREEK
from tests.documents.builders import REFERENCE
from tests.documents.builders import THREE
from tests.documents.builders import facts
from tests.documents.builders import normalise
from tests.documents.expected import CHECKLIST
from tests.documents.expected import missing_markers
from tests.documents.expected import ARTICLE_160_2

pytestmark = pytest.mark.libreoffice
K = DocumentKind


def pdf_text(pdf: bytes) -> str:
    return normalise("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def pdfa_identification(pdf: bytes) -> tuple[str | None, str | None]:
    xmp = PdfReader(io.BytesIO(pdf)).xmp_metadata
    assert xmp is not None, "no XMP metadata"
    return xmp.pdfaid_part, xmp.pdfaid_conformance


def contains(text: str, *needles: str) -> None:
    for needle in needles:
        assert normalise(needle) in text, f"not in PDF: {needle!r}"


@pytest.fixture(scope="module")
def gemeente_package(renderer, converter):
    """A gemeente joining as lid with three solutions, made with PDFs once for this module."""
    made = make_package_documents(facts(), renderer, converter)
    return {(doc.kind, doc.solution_code): doc for doc in made}


def test_every_pdf_is_pdfa_2b(gemeente_package):
    assert len(gemeente_package) == 9  # with the NVSI Voorwaarden
    for doc in gemeente_package.values():
        assert doc.pdf.startswith(b"%PDF")
        assert pdfa_identification(doc.pdf) == ("2", "B"), doc.filename


def test_pdfs_carry_names_fees_dates_and_page_numbers(gemeente_package):
    schuldenradar = pdf_text(gemeente_package[(K.GEBRUIKSOVEREENKOMST, "schuldenradar")].pdf)
    contains(schuldenradar, "Súdwest-Fryslân", "Schuldenradar", "1 januari 2026", "€ 4.250,00",
             "€ 1.275,50", "€ 690,69", "€ 6.216,19", "ALV-besluit 2025-07 van 20 november 2025",
             "versie 2.1", "Artikel 1 Het product en het gebruiksrecht", "1.1", "Nederlandse Vereniging voor Sociale "
             "Innovatie", "Kenmerk NVSI-2026-0042", "Pagina 1 van")
    match = pdf_text(gemeente_package[(K.GEBRUIKSOVEREENKOMST, "participatiematch")].pdf)
    contains(match, "1 januari 2027", "€ 695,00", "€ 6.015,20")
    letter = pdf_text(gemeente_package[(K.AANBIEDINGSBRIEF, None)].pdf)
    contains(letter, "2026: € 14.644,32; 2027: € 22.356,15", "1 december 2025", "15 februari 2026",
             "Olena Шевченко-de Wit")


def test_verwerkersovereenkomst_pdf(gemeente_package):
    text = pdf_text(gemeente_package[(K.VERWERKERSOVEREENKOMST, None)].pdf)
    contains(text, "De gemeente Súdwest-Fryslân, vertegenwoordigd door het college van "
             "burgemeester en wethouders",
             "hierna: “de verwerkingsverantwoordelijke”", "hierna: “de verwerker”",
             "binnen 24 uur nadat hij er kennis van heeft genomen",
             "uiterlijk 72 uur nadat hij er kennis van heeft genomen, te melden aan de Autoriteit "
             "Persoonsgegevens (artikel 33 AVG)", "(artikel 34 AVG)")
    # the legal checklist holds in the signed text (the PDF) as well
    for element in CHECKLIST:
        if "verwerkersovereenkomst" in element.kinds:
            assert missing_markers(element, text, hours="24", version="2.1") == [], element.label
    for code, _ in THREE:
        solution = REFERENCE.solution(code)
        contains(text, solution.name, solution.processing.retention,
                 *solution.processing.sub_processors)
    for member in REFERENCE.association.board:
        contains(text, f"Naam: {member.name}", f"Functie: {member.role}")
    contains(text, "Naam: Sharon Dijksma", "Functie: burgemeester", "Plaats:", "Datum:")


def test_council_pdfs(gemeente_package):
    letter = pdf_text(gemeente_package[(K.RAADSBRIEF, None)].pdf)
    contains(letter, ARTICLE_160_2, "tot en met 15 februari 2026")
    decision = pdf_text(gemeente_package[(K.ONTWERPBESLUIT, None)].pdf)
    contains(decision, "besluit:", "Artikel 1 Toetreding", "artikel 171 van de Gemeentewet")


def test_special_and_non_latin_names_and_typed_tags_survive_into_the_pdf(renderer, converter):
    contact = Person("{{ 7*7 }} <w:p> & Zoë", "adviseur", "zoe@example.nl")
    for name in (BRUG, GREEK):
        package = facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=name, contact=contact,
                        solutions=(("mantelzorgwaardering", dt.date(2026, 1, 1)),))
        for planned in package.plan.documents:
            if planned.kind in (K.AANMELDING_ORGANISATIE_LID, K.GEBRUIKSOVEREENKOMST):
                pdf = converter.convert(renderer.render(planned.kind,
                                                        build_context(package, planned)))
                text = pdf_text(pdf)
                contains(text, name)
                if planned.kind is K.AANMELDING_ORGANISATIE_LID:
                    contains(text, "{{ 7*7 }} <w:p> & Zoë")
                else:  # mantelzorgwaardering 2026: 1.450 + 435,75; 12,5% = 235,71875 → 235,72
                    contains(text, "€ 1.450,00", "€ 435,75", "€ 235,72", "€ 2.121,47")


def test_threads_convert_at_the_same_time(renderer, converter):
    package = facts()
    planned = package.plan.documents[-2]  # the last gebruiksovereenkomst
    docx = renderer.render(planned.kind, build_context(package, planned))
    results, errors = [], []

    def work():
        try:
            results.append(converter.convert(docx))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 6 and all("€ 6.015,20" in pdf_text(pdf) for pdf in results)


def test_libreoffice_that_dies_is_restarted(renderer, converter):
    package = facts()
    planned = package.plan.documents[1]
    docx = renderer.render(planned.kind, build_context(package, planned))
    before = converter.server_pids()
    assert len(before) == 2
    for pid in before:  # LibreOffice processes our converter started
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while converter.healthy() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not converter.healthy()
    assert pdfa_identification(converter.convert(docx)) == ("2", "B")
    assert pdfa_identification(converter.convert(docx)) == ("2", "B")
    after = converter.server_pids()
    assert after and not set(after) & set(before)


def test_one_shot_fallback_makes_pdfa_too(renderer):
    package = facts()
    planned = package.plan.documents[1]
    docx = renderer.render(planned.kind, build_context(package, planned))
    pdf = convert_once(docx)
    assert pdfa_identification(pdf) == ("2", "B")
    contains(pdf_text(pdf), "Aanmelding gemeente als lid", "Súdwest-Fryslân")
    with OneShotConverter() as one_shot:
        assert one_shot.healthy()
        assert pdfa_identification(one_shot.convert(docx)) == ("2", "B")
    with PdfConverter(server_command=["/nonexistent/unoserver"], start_timeout=5) as converter:
        assert not converter.healthy()
        assert pdfa_identification(converter.convert(docx)) == ("2", "B")


def test_a_corrupt_docx_is_a_clear_error(converter):
    with pytest.raises(ConversionError, match="De PDF kon niet worden gemaakt"):
        converter.convert(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(ConversionError, match="De PDF kon niet worden gemaakt"):
        convert_once(b"PK\x03\x04" + b"\x00" * 200, timeout=60)

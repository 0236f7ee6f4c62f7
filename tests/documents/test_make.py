"""make_package_documents: the right documents, file names, versions, and failures that keep
what was made."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from app.documents import ConversionError
from app.documents import MadeDocument
from app.documents import document_filename
from app.documents import make_package_documents
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.rules import DocumentKind
from app.domain.rules import OnFile

from tests.documents.builders import BRUG
from tests.documents.builders import docx_text
from tests.documents.builders import facts
from tests.documents.builders import normalise
from tests.documents.builders import scenarios

K = DocumentKind


class FakeConverter:
    """Returns a stand-in PDF; fails for documents whose text contains `fail_on`."""

    parallelism = 3

    def __init__(self, fail_on: str | None = None):
        self.fail_on = fail_on
        self.calls = 0

    def convert(self, docx: bytes) -> bytes:
        self.calls += 1
        if self.fail_on and self.fail_on in docx_text(docx):
            raise ConversionError("De PDF kon niet worden gemaakt: LibreOffice gaf binnen 60 "
                                  "seconden geen antwoord.")
        return b"%PDF-1.7 " + hashlib.sha256(docx).hexdigest().encode()


def kinds(made: list[MadeDocument]) -> list[tuple[DocumentKind, str | None]]:
    return [(doc.kind, doc.solution_code) for doc in made]


def test_a_gemeente_joining_with_three_solutions_gets_nine_documents(renderer):
    made = make_package_documents(facts(), renderer)
    assert kinds(made) == [
        (K.AANBIEDINGSBRIEF, None), (K.AANMELDING_GEMEENTE_LID, None), (K.RAADSBRIEF, None),
        (K.ONTWERPBESLUIT, None), (K.VERWERKERSOVEREENKOMST, None),
        (K.GEBRUIKSOVEREENKOMST, "schuldenradar"), (K.GEBRUIKSOVEREENKOMST, "wijkteamdossier"),
        (K.GEBRUIKSOVEREENKOMST, "participatiematch"), (K.VOORWAARDEN, None),
    ]
    assert [doc.filename for doc in made] == [
        "aanbiedingsbrief-NVSI-2026-0042", "aanmelding-gemeente-lid-NVSI-2026-0042",
        "raadsbrief-NVSI-2026-0042", "ontwerpbesluit-NVSI-2026-0042",
        "verwerkersovereenkomst-NVSI-2026-0042",
        "gebruiksovereenkomst-schuldenradar-NVSI-2026-0042",
        "gebruiksovereenkomst-wijkteamdossier-NVSI-2026-0042",
        "gebruiksovereenkomst-participatiematch-NVSI-2026-0042",
        "voorwaarden-NVSI-2026-0042",
    ]
    assert all(doc.pdf is None and doc.pdf_sha256 is None for doc in made)
    assert made[5].title == "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: Schuldenradar"
    assert made[5].docx_name.endswith(".docx") and made[5].pdf_name.endswith(".pdf")
    assert made[5].docx_sha256 == hashlib.sha256(made[5].docx).hexdigest()
    assert made[5].template_version == renderer.template_version(K.GEBRUIKSOVEREENKOMST)


@pytest.mark.parametrize("name", list(scenarios()))
def test_exactly_the_planned_documents_are_made(renderer, name):
    """Nothing the rules leave out is made, and each document is about what it should be."""
    package = scenarios()[name]
    made = make_package_documents(package, renderer)
    assert kinds(made) == [(d.kind, d.solution_code) for d in package.plan.documents]
    skipped = {(d.kind, d.solution_code) for d in package.plan.skipped}
    assert not skipped & set(kinds(made))
    for doc in made:
        text = normalise(docx_text(doc.docx))
        if doc.kind in (DocumentKind.RAADSBRIEF, DocumentKind.ONTWERPBESLUIT):
            # the College's own documents to its raad: no NVSI kenmerk
            assert package.reference_number not in text
        else:
            assert package.reference_number in text
        if doc.solution_code:
            assert package.reference.solution(doc.solution_code).name in text


def test_documents_the_rules_skip_are_not_made(renderer):
    package = facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=BRUG, on_file=OnFile(
        registered_as=Involvement.LID, registered_on=dt.date(2024, 5, 1),
        verwerkersovereenkomst_on=dt.date(2025, 3, 3),
        contracted={"schuldenradar": dt.date(2025, 3, 3)}))
    made = make_package_documents(package, renderer)
    assert kinds(made) == [(K.AANBIEDINGSBRIEF, None),
                           (K.GEBRUIKSOVEREENKOMST, "wijkteamdossier"),
                           (K.GEBRUIKSOVEREENKOMST, "participatiematch"),
                           (K.VOORWAARDEN, None)]
    participant = make_package_documents(
        facts(involvement=Involvement.PARTICIPANT, solutions=()), renderer)
    assert kinds(participant) == [(K.AANBIEDINGSBRIEF, None), (K.AANMELDING_PARTICIPANT, None)]


def test_with_a_converter_every_document_gets_its_pdf(renderer):
    converter = FakeConverter()
    made = make_package_documents(facts(), renderer, converter)
    assert converter.calls == 9
    for doc in made:
        assert doc.pdf == b"%PDF-1.7 " + hashlib.sha256(doc.docx).hexdigest().encode()
        assert doc.pdf_sha256 == hashlib.sha256(doc.pdf).hexdigest()


def test_a_failed_conversion_keeps_every_docx_and_the_pdfs_that_worked(renderer):
    converter = FakeConverter(fail_on="Verwerkersovereenkomst")  # the VWO and the letter
    with pytest.raises(ConversionError) as caught:
        make_package_documents(facts(), renderer, converter)
    error = caught.value
    assert error.message.startswith("Aanbiedingsbrief (en nog 1 andere documenten): De PDF kon "
                                    "niet worden gemaakt")
    assert len(error.made) == 9 and all(doc.docx for doc in error.made)
    assert [d.kind for d in error.failed] == [K.AANBIEDINGSBRIEF, K.VERWERKERSOVEREENKOMST]
    for doc in error.made:
        assert (doc.pdf is None) == (doc in error.failed)


@pytest.mark.parametrize("reference,expected", [
    ("NVSI-2026-0042", "raadsbrief-NVSI-2026-0042"),
    ("NVSI/2026 0042", "raadsbrief-NVSI-2026-0042"),
    ("../../etc/passwd", "raadsbrief-etc-passwd"),
    ("Δήμος", "raadsbrief"),
])
def test_file_names_are_safe(reference, expected):
    assert document_filename(K.RAADSBRIEF, None, reference) == expected

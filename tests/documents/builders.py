"""PackageFacts for the document tests, built from the real domain (plan_package etc.)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from docx import Document

from app.domain.facts import PackageFacts
from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import Organisation
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.reference import load_reference
from app.domain.rules import OnFile
from app.domain.rules import PackageRequest
from app.domain.rules import SolutionRequest
from app.domain.rules import plan_package

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = load_reference(ROOT / "config" / "data")

BRUG = 'Zorg & Welzijn "De Brug" <Noord>'
GREEK = "Δήμος Αθηναίων – Κοινωνική Καινοτομία"
GEMEENTE = "Súdwest-Fryslân"
CONTACT = Person("Olena Шевченко-de Wit", "adviseur sociaal domein", "o.dewit@example.nl",
                 "+31 30 123 4567")
SIGNATORY = Person("Sharon Dijksma", "burgemeester", "burgemeester@example.nl")
FG = Person("mr. Noor El Amrani", "functionaris gegevensbescherming", "fg@example.nl",
            "+31 58 123 4567")
BREACH = Person("Servicedesk Informatiebeveiliging", "contact bij datalekken",
                "datalek@example.nl", "+31 6 12345678")
THREE = (("schuldenradar", dt.date(2026, 1, 1)), ("wijkteamdossier", dt.date(2026, 3, 1)),
         ("participatiematch", dt.date(2027, 1, 1)))


def facts(kind: OrgKind = OrgKind.GEMEENTE, involvement: Involvement = Involvement.LID, *,
          name: str = GEMEENTE, solutions=THREE, on_file: OnFile | None = None,
          contact: Person = CONTACT, signatory: Person = SIGNATORY, hours: int = 24,
          deadline: dt.date | None = dt.date(2026, 2, 15),
          address: Address | None = Address("Marktstraat 15", "8601cg", "Sneek"),
          reference_number: str = "NVSI-2026-0042", privacy_officer: Person | None = FG,
          breach_contact: Person | None = BREACH) -> PackageFacts:
    """A package for one organisation, planned by the domain's own rules."""
    on_file = on_file or OnFile()
    request = PackageRequest(
        kind, involvement,
        tuple(SolutionRequest(code, start) for code, start in solutions),
        participant_warning_acknowledged=True,
    )
    plan = plan_package(request, on_file, REFERENCE)
    return PackageFacts(
        reference_number=reference_number,
        created_on=dt.date(2025, 12, 1),
        organisation=Organisation(name, kind, cbs_code="GM1900" if kind is OrgKind.GEMEENTE
                                  else None, address=address,
                                  privacy_officer=privacy_officer, breach_contact=breach_contact),
        involvement=involvement,
        contact=contact,
        signatory=signatory,
        plan=plan,
        on_file=on_file,
        reference=REFERENCE,
        breach_notice_hours=hours,
        council_deadline=deadline if plan.needs_council else None,
    )


def scenarios() -> dict[str, PackageFacts]:
    """Packages that together take every branch of every template."""
    return {
        "gemeente-lid-drie": facts(),
        "gemeente-lid-zonder-termijn": facts(deadline=None, solutions=()),
        "gemeente-participant": facts(involvement=Involvement.PARTICIPANT, solutions=THREE[:1]),
        "maatschappelijk-lid": facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=BRUG,
                                     solutions=(("mantelzorgwaardering", dt.date(2026, 4, 1)),)),
        "publiek-lid-zonder-adres": facts(OrgKind.PUBLIEKE_ORGANISATIE, name=GREEK, address=None,
                                          solutions=()),
        "lid-met-vwo-en-contract": facts(
            OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=BRUG, solutions=THREE[:2],
            on_file=OnFile(registered_as=Involvement.LID, registered_on=dt.date(2024, 5, 1),
                           verwerkersovereenkomst_on=dt.date(2025, 3, 3),
                           contracted={"schuldenradar": dt.date(2025, 3, 3)}),
            contact=Person("Piet Jansen", "coördinator", "piet@example.nl"),
        ),
    }


def normalise(text: str) -> str:
    """Collapse every run of white space (also no-break spaces) into one space."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def docx_text(data: bytes) -> str:
    """The text of a .docx as python-docx reads it: body paragraphs, tables, headers, footers."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]

    def tables(items):
        for table in items:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    tables(document.tables)
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
            tables(part.tables)
    return "\n".join(parts)

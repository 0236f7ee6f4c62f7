"""Everything the documents of one package are made from, as one plain value.

The store builds a `PackageFacts` from a saved package; the documents module renders each
planned document from it. Nothing here knows of Flask or the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.organisations import Involvement
from app.domain.organisations import Organisation
from app.domain.organisations import Person
from app.domain.reference import ReferenceData
from app.domain.rules import OnFile
from app.domain.rules import PackagePlan


@dataclass(frozen=True)
class PackageFacts:
    reference_number: str  # e.g. "NVSI-2026-0042", printed on every document
    created_on: dt.date
    organisation: Organisation
    involvement: Involvement
    contact: Person  # the organisation's contact person for the NVSI
    signatory: Person  # signs for the organisation (the burgemeester or a mandated person)
    plan: PackagePlan
    on_file: OnFile
    reference: ReferenceData
    breach_notice_hours: int  # the processor informs the controller within this many hours
    council_deadline: dt.date | None = None  # art. 160: date by which the raad may respond

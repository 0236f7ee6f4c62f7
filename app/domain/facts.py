"""Everything the documents of one package are made from, as one plain value.

The store builds a `PackageFacts` from a saved package; the documents module renders each
planned document from it. Nothing here knows of Flask or the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.council import CouncilRecord
from app.domain.organisations import Involvement
from app.domain.organisations import Organisation
from app.domain.organisations import Person
from app.domain.reference import ReferenceData
from app.domain.rules import OnFile
from app.domain.rules import PackagePlan
from app.domain.signatory import SignatoryCapacity
from app.domain.signatory import Volmacht


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
    council: CouncilRecord | None = None  # the raad step as recorded so far (art. 160 lid 2)
    council_weeks: int = 6  # the raad's term, from the day the ontwerpbesluit went to it
    signatory_capacity: SignatoryCapacity | None = None  # art. 171 / statuten
    volmacht: Volmacht | None = None  # a gemachtigde's volmacht (art. 171 lid 2)
    second_signatory: Person | None = None  # where the statuten ask for two signers

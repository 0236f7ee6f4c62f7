"""The bodies of the verbeterwens and innovatiekas calls (app/api/improvements.py) as pydantic
models, for the generated OpenAPI document (app/api/spec.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.api.schemas import Day
from app.api.schemas import InputDate
from app.api.schemas import Money
from app.api.schemas import Strict
from app.domain.improvements import Funding
from app.domain.improvements import WishAction
from app.domain.states import WishState

AmountIn = str | int


class NewImprovementWish(Strict):
    """A verbeterwens handed in on behalf of an organisation that uses the solution."""

    organisation_id: int | str
    solution_code: str
    title: str
    description: str


class WishStep(Strict):
    """One step: its reason, optionally its date, and what the action needs."""

    reason: str
    happened_on: InputDate | None = None
    estimate: AmountIn | None = Field(None, description="`valideren`: de schatting van de "
                                                        "leverancier, bijvoorbeeld \"4250.00\".")
    priority: int | str | None = Field(None, description="`prioriteren`: 1 tot en met 99.")
    funding: Funding | None = Field(None, description="`bekostiging`.")
    cover_description: str | None = None
    cover_amount: AmountIn | None = None
    outcome: Literal["aangenomen", "verworpen"] | None = Field(None, description="`alv_besluit`.")
    alv_number: str | None = None
    alv_on: InputDate | None = None
    actual_cost: AmountIn | None = Field(None, description="`opleveren`.")


class WishStepRecord(Strict):
    action: str
    state_from: str | None
    state_to: WishState
    happened_on: Day
    by: str
    reason: str


class WishActionAnswer(Strict):
    action: WishAction
    allowed: bool
    reason: str | None


class WishDocumentRecord(Strict):
    id: int
    kind: str
    filename: str
    sha256: str


class ImprovementWish(Strict):
    """A verbeterwens with its steps, its documents and what may happen next."""

    id: int
    reference: str
    solution_code: str
    organisation_id: int
    title: str
    description: str
    state: WishState
    state_label: str
    estimate: Money | None
    priority: int | None
    funding: Funding | None
    cover_description: str | None
    cover_amount: Money | None
    committed: Money
    needs_alv: bool
    alv_decision_number: str | None
    alv_decision_on: Day | None
    actual_cost: Money | None
    steps: list[WishStepRecord]
    actions: list[WishActionAnswer]
    documents: list[WishDocumentRecord]


class KasLine(Strict):
    booked_on: Day
    kind: Literal["storting", "vastlegging", "vrijval"]
    amount: Money
    balance_after: Money
    wish_id: int | None
    description: str


class Innovatiekas(Strict):
    """The innovatiekas of a solution: balance and ledger, oldest first."""

    solution_code: str
    balance: Money
    entries: list[KasLine]

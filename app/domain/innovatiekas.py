"""The innovatiekas of a solution as a ledger, and the bestuur's criteria for financial cover.

A ledger line is a deposit (storting), a commitment when a wish is paid from the kas
(vastlegging), or a release when such a wish is rejected or delivered cheaper (vrijval). The
balance is deposits − commitments + releases and is never negative: `apply` refuses an
overspend in Dutch.

The criteria the bestuur gives the regiegroepen (source text: "Het bestuur geeft aan de
regiegroep criteria mee waaraan de financiële dekking moet voldoen") are data:
`config/data/cover_criteria.toml`, read by `load_criteria`.
"""

from __future__ import annotations

import enum
import tomllib
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import ValidationError

from app.domain.formatting import format_money
from app.domain.formatting import format_percentage
from app.domain.improvements import Funding
from app.domain.reference import ReferenceDataError

CRITERIA_FILE = "cover_criteria.toml"


class LedgerKind(enum.StrEnum):
    STORTING = "storting"
    VASTLEGGING = "vastlegging"
    VRIJVAL = "vrijval"

    @property
    def label(self) -> str:
        return {"storting": "Storting", "vastlegging": "Vastgelegd voor een verbeterwens",
                "vrijval": "Vrijgevallen"}[self.value]

    @property
    def sign(self) -> int:
        return -1 if self is LedgerKind.VASTLEGGING else 1


class Overspend(ValueError):
    """A commitment larger than the balance; `message` is Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def apply(balance: Decimal, kind: LedgerKind, amount: Decimal, solution_name: str) -> Decimal:
    """The balance after a ledger line; Overspend (Dutch) when it would go below zero."""
    if amount <= 0:
        raise ValueError("a ledger amount is positive; its kind gives the sign")
    after = balance + kind.sign * amount
    if after < 0:
        raise Overspend(
            f"De innovatiekas van {solution_name} heeft {format_money(balance)}; "
            f"{format_money(amount)} vastleggen kan niet (er komt "
            f"{format_money(amount - balance)} tekort). Kies bekostiging als nieuwe "
            "functionaliteit, of laat eerst geld in de kas storten.")
    return after


# --- the bestuur's criteria ---------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KasCriteria(_Strict):
    max_amount: Decimal  # one wish paid from the innovatiekas costs at most this
    reserve: Decimal  # the kas keeps at least this after the commitment
    alv_above: Decimal  # a proposal paid from the kas above this also goes to the ALV


class NewFunctionCriteria(_Strict):
    min_cover_percentage: Decimal  # the cover named must be at least this share of the estimate
    max_amount: Decimal


class CoverCriteria(_Strict):
    decided_on: str  # the bestuur's decision that set these criteria (text, printed)
    innovatiekas: KasCriteria
    nieuwe_functionaliteit: NewFunctionCriteria


class CriteriaError(ReferenceDataError):
    """The criteria file is missing or wrong; the message names the file and the field."""


def load_criteria(data_dir: Path) -> CoverCriteria:
    """The criteria from `data_dir/cover_criteria.toml` (checked at start-up too);
    CriteriaError names what is wrong."""
    path = Path(data_dir) / CRITERIA_FILE
    try:
        with path.open("rb") as handle:
            return CoverCriteria.model_validate(tomllib.load(handle))
    except FileNotFoundError:
        raise CriteriaError(f"{path}: bestand ontbreekt") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CriteriaError(f"{path}: {exc}") from None
    except ValidationError as exc:
        fields = "; ".join(".".join(str(p) for p in error["loc"]) + ": " + error["msg"]
                           for error in exc.errors())
        raise CriteriaError(f"{path}: {fields}") from None


def needs_alv(criteria: CoverCriteria, funding: Funding, estimate: Decimal) -> bool:
    """A financial proposal, on which the ALV decides: new functionality always, a wish paid
    from the kas above the criteria's amount."""
    if funding is Funding.NIEUWE_FUNCTIONALITEIT:
        return True
    return estimate > criteria.innovatiekas.alv_above


def cover_problems(criteria: CoverCriteria, funding: Funding, estimate: Decimal,
                   cover_amount: Decimal | None, kas_balance: Decimal) -> list[str]:
    """Where the proposal's financial cover fails the bestuur's criteria (Dutch; [] = fine).
    For the kas, the wish's commitment is already off `kas_balance`."""
    problems = []
    if funding is Funding.INNOVATIEKAS:
        rule = criteria.innovatiekas
        if estimate > rule.max_amount:
            problems.append(f"Uit de innovatiekas mag één verbeterwens hoogstens "
                            f"{format_money(rule.max_amount)} kosten; deze kost "
                            f"{format_money(estimate)}.")
        if kas_balance < rule.reserve:
            problems.append(f"Na deze vastlegging houdt de innovatiekas "
                            f"{format_money(kas_balance)} over; het bestuur vraagt een "
                            f"reserve van ten minste {format_money(rule.reserve)}.")
        return problems
    rule = criteria.nieuwe_functionaliteit
    if estimate > rule.max_amount:
        problems.append(f"Nieuwe functionaliteit mag per voorstel hoogstens "
                        f"{format_money(rule.max_amount)} kosten; deze kost "
                        f"{format_money(estimate)}.")
    needed = (estimate * rule.min_cover_percentage / 100).quantize(Decimal("0.01"))
    if (cover_amount or Decimal("0")) < needed:
        problems.append(f"De gevonden dekking ({format_money(cover_amount or Decimal('0'))}) "
                        f"is minder dan {format_percentage(rule.min_cover_percentage)} van de "
                        f"schatting ({format_money(needed)}).")
    return problems

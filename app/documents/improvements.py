"""The documents of the doorontwikkeling: a proposal to the bestuur and an ALV agenda item per
verbeterwens, and a yearly overview per solution of its wishes and its innovatiekas.

Each is made from its template in templates_docx/ (voorstel_bestuur.docx, alv_agendapunt.docx,
jaaroverzicht_oplossing.docx) with a context of printable text built here from plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from app.documents.certificate import cleaned
from app.domain.formatting import format_date
from app.domain.formatting import format_money

PROPOSAL_KEYS = frozenset({"nvsi", "wish", "solution", "cover", "criteria", "made_on"})
AGENDA_KEYS = PROPOSAL_KEYS
OVERVIEW_KEYS = frozenset({"nvsi", "solution", "year", "wishes", "kas", "made_on"})


@dataclass(frozen=True)
class WishFacts:
    """What the documents print of one wish."""

    reference: str
    title: str
    description: str
    organisation: str
    state: str  # its Dutch label
    estimate: Decimal | None
    priority: int | None
    funding: str  # Dutch label, "-" before it is chosen
    cover_description: str
    cover_amount: Decimal | None
    committed: Decimal
    actual_cost: Decimal | None
    needs_alv: bool
    alv_decision: str  # "ALV-besluit 2027-03 van 12 maart 2027" or "-"
    steps: tuple[tuple[dt.date, str, str, str], ...] = ()  # (date, step, by, reason)


@dataclass(frozen=True)
class KasLine:
    booked_on: dt.date
    kind: str  # Dutch label
    amount: Decimal
    balance_after: Decimal
    description: str


def _money(amount: Decimal | None) -> str:
    return format_money(amount) if amount is not None else "-"


def _wish(wish: WishFacts) -> dict:
    return {
        "reference": wish.reference, "title": wish.title, "description": wish.description,
        "organisation": wish.organisation, "state": wish.state,
        "estimate": _money(wish.estimate),
        "priority": str(wish.priority) if wish.priority is not None else "-",
        "funding": wish.funding, "committed": format_money(wish.committed),
        "actual_cost": _money(wish.actual_cost),
        "alv": "ja" if wish.needs_alv else "nee", "alv_decision": wish.alv_decision,
        "steps": [{"on": format_date(on), "step": step, "by": by, "reason": reason}
                  for on, step, by, reason in wish.steps],
    }


def proposal_context(association: str, solution: str, supplier: str, wish: WishFacts,
                     criteria: list[str], cover_ok: list[str], made_on: dt.date) -> dict:
    """The context of the proposal to the bestuur (and of the ALV agenda item): the wish, its
    cover, and the bestuur's criteria with how the cover meets them."""
    return cleaned({
        "nvsi": {"name": association},
        "solution": {"name": solution, "supplier": supplier},
        "wish": _wish(wish),
        "cover": {"funding": wish.funding,
                  "description": wish.cover_description or "-",
                  "amount": _money(wish.cover_amount),
                  "checks": cover_ok or ["-"]},
        "criteria": criteria or ["-"],
        "made_on": format_date(made_on),
    })


def overview_context(association: str, solution: str, supplier: str, year: int,
                     wishes: list[WishFacts], opening: Decimal, lines: list[KasLine],
                     closing: Decimal, made_on: dt.date) -> dict:
    """The context of the yearly overview of one solution: its wishes and its innovatiekas."""
    return cleaned({
        "nvsi": {"name": association},
        "solution": {"name": solution, "supplier": supplier},
        "year": str(year),
        "wishes": [_wish(w) for w in wishes],
        "kas": {"opening": format_money(opening), "closing": format_money(closing),
                "lines": [{"on": format_date(line.booked_on), "kind": line.kind,
                           "amount": format_money(line.amount),
                           "balance": format_money(line.balance_after),
                           "description": line.description} for line in lines]},
        "made_on": format_date(made_on),
    })

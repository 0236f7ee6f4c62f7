"""Verbeterwensen: handed in on behalf of an organisation, then taken through the lifecycle of
app.domain.improvements, one step at a time (dated, by whom, with its reason).

The innovatiekas follows the steps: choosing the kas commits the estimate (an overspend is
refused and nothing changes), a rejection releases the commitment, a delivery releases what
it cost less (or commits what it cost more, if the kas has it). The proposal to the bestuur
and, for a financial proposal, the ALV agenda item are made from their templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from app.domain.formatting import format_date
from app.domain.formatting import format_money
from app.domain.formatting import format_percentage
from app.domain.improvements import AmountError
from app.domain.improvements import Funding
from app.domain.improvements import WishAction
from app.domain.improvements import WishRefused
from app.domain.improvements import WishSituation
from app.domain.improvements import check
from app.domain.improvements import decide
from app.domain.improvements import parse_amount
from app.domain.innovatiekas import CoverCriteria
from app.domain.innovatiekas import LedgerKind
from app.domain.innovatiekas import cover_problems
from app.domain.innovatiekas import load_criteria
from app.domain.innovatiekas import needs_alv
from app.domain.rules import DocumentKind
from app.domain.states import WishState
from app.domain.validation import InputError
from app.domain.validation import clean_date
from app.domain.validation import clean_text
from app.extensions import db
from app.runtime import runtime
from app.services import innovatiekas
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.services.regiegroepen import solution_name
from app.services.regiegroepen import users_of
from app.store.files import sha256
from app.store.models import ImprovementWish
from app.store.models import Organisation
from app.store.models import WishDocument
from app.store.models import WishEvent
from app.store.models import utcnow

MAX_DESCRIPTION = 5000
MAX_REASON = 2000
SUBMITTED = "indienen"


class WishInputError(ValueError):
    """Wrong input for a wish or a step: `errors` maps each field to a Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class NewWish:
    organisation_id: int
    solution_code: str
    title: str
    description: str


@dataclass(frozen=True)
class Step:
    """A step's input, checked: when it happened and why, plus what the action needs."""

    happened_on: dt.date
    reason: str
    estimate: Decimal | None = None
    priority: int | None = None
    funding: Funding | None = None
    cover_description: str = ""
    cover_amount: Decimal | None = None
    alv_number: str = ""
    alv_on: dt.date | None = None
    adopted: bool = True
    actual_cost: Decimal | None = None


# --- input --------------------------------------------------------------------------------------

def parse_new_wish(data: Mapping[str, str]) -> NewWish:
    """The checked fields of a new wish; WishInputError names every wrong field."""
    errors: dict[str, str] = {}
    organisation_id = _int(data.get("organisation_id"), "organisation_id",
                           "Organisatie: kies een organisatie.", errors)
    code = (data.get("solution_code") or "").strip()
    if code not in runtime().reference.solutions:
        errors["solution_code"] = "Oplossing: kies een oplossing uit de lijst."
    title = _text(data, "title", "Titel", errors, max_length=200)
    description = _text(data, "description", "Beschrijving", errors,
                        max_length=MAX_DESCRIPTION, free=True)
    if errors:
        raise WishInputError(errors)
    return NewWish(organisation_id or 0, code, title, description)


def parse_step(action: WishAction, data: Mapping[str, str],
               today: dt.date | None = None) -> Step:
    """The checked input of `action`; WishInputError names every wrong field."""
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    happened_on = today
    if (data.get("happened_on") or "").strip():
        try:
            happened_on = clean_date(data.get("happened_on"), "happened_on", "Datum")
        except InputError as exc:
            errors["happened_on"] = exc.message
        else:
            if happened_on > today:
                errors["happened_on"] = "Datum: een stap kan niet in de toekomst liggen."
    reason = _text(data, "reason", "Reden", errors, max_length=MAX_REASON, free=True)
    values: dict = {}
    if action is WishAction.VALIDATE:
        values["estimate"] = _amount(data, "estimate", "Schatting van de leverancier", errors)
    elif action is WishAction.PRIORITISE:
        values["priority"] = _int(data.get("priority"), "priority",
                                  "Prioriteit: geef een geheel getal van 1 tot en met 99.",
                                  errors, maximum=99)
    elif action is WishAction.FUND:
        try:
            values["funding"] = Funding(data.get("funding") or "")
        except ValueError:
            errors["funding"] = ("Bekostiging: kies de innovatiekas of nieuwe functionaliteit "
                                 "waarvoor financiering nodig is.")
        if values.get("funding") is Funding.NIEUWE_FUNCTIONALITEIT:
            values["cover_description"] = _text(data, "cover_description", "Dekking", errors,
                                                max_length=MAX_REASON, free=True)
            values["cover_amount"] = _amount(data, "cover_amount", "Bedrag van de dekking",
                                             errors)
    elif action is WishAction.ALV_DECISION:
        outcome = data.get("outcome") or ""
        if outcome not in ("aangenomen", "verworpen"):
            errors["outcome"] = "Besluit: kies aangenomen of verworpen."
        values["adopted"] = outcome != "verworpen"
        values["alv_number"] = _text(data, "alv_number", "Besluitnummer ALV", errors,
                                     max_length=100, free=True)
        _alv_decision(data, values, errors)
    elif action is WishAction.DELIVER:
        values["actual_cost"] = _amount(data, "actual_cost", "Werkelijke kosten", errors)
    if errors:
        raise WishInputError(errors)
    return Step(happened_on, reason, **values)


def _alv_decision(data, values: dict, errors: dict[str, str]) -> None:
    """The ALV decision is one of the register's (app/services/alv.py): its number must be
    there, and its date is the register's (filled in when left empty)."""
    from app.services.alv import decision_by_number

    decision = decision_by_number(values["alv_number"]) if values["alv_number"] else None
    if values["alv_number"] and decision is None:
        errors["alv_number"] = ("Besluitnummer ALV: dit besluit staat niet in het ALV-register. "
                                "Leg het eerst vast onder 'ALV en tarieven'.")
    typed = (data.get("alv_on") or "").strip()
    if not typed:
        values["alv_on"] = decision.decided_on if decision else None
        return
    try:
        values["alv_on"] = clean_date(typed, "alv_on", "Datum ALV-besluit")
    except InputError as exc:
        errors["alv_on"] = exc.message
        return
    if decision is not None and values["alv_on"] != decision.decided_on:
        errors["alv_on"] = (f"Datum ALV-besluit: besluit {decision.number} is volgens het "
                            f"ALV-register genomen op {format_date(decision.decided_on)}.")


def _text(data, name, label, errors, *, max_length: int, free: bool = False) -> str:
    raw = data.get(name)
    if free:  # running text: line breaks kept, control characters refused
        text = (raw or "").replace("\r\n", "\n").strip()
        if not text:
            errors[name] = f"{label}: vul dit veld in."
        elif len(text) > max_length:
            errors[name] = f"{label}: gebruik hoogstens {max_length} tekens."
        elif any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
            errors[name] = f"{label}: bevat onzichtbare of ongeldige tekens."
        return text
    try:
        return clean_text(raw, name, label, max_length=max_length)
    except InputError as exc:
        errors[name] = exc.message
        return ""


def _amount(data, name, label, errors) -> Decimal | None:
    try:
        return parse_amount(data.get(name), label)
    except AmountError as exc:
        errors[name] = exc.message
        return None


def _int(raw, name, message, errors, maximum: int = 2**31 - 1) -> int | None:
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text[:12]) <= maximum:
        errors[name] = message
        return None
    return int(text)


# --- wishes -------------------------------------------------------------------------------------

def get_wish(wish_id: int) -> ImprovementWish:
    wish = db.session.get(ImprovementWish, wish_id)
    if wish is None:
        raise NotFound("Deze verbeterwens bestaat niet.")
    return wish


def wishes_of(code: str, year: int | None = None) -> list[ImprovementWish]:
    """The solution's wishes, newest first (handed in that calendar year, or still open then,
    when `year` is given)."""
    query = sa.select(ImprovementWish).where(ImprovementWish.solution_code == code)
    wishes = list(db.session.scalars(query.order_by(ImprovementWish.id.desc())))
    if year is None:
        return wishes
    return [w for w in wishes if w.created_at.year <= year
            and (not WishState(w.state).is_final or w.events[-1].happened_on.year >= year)]


def situation(wish: ImprovementWish) -> WishSituation:
    return WishSituation(WishState(wish.state), wish.needs_alv)


def actions(wish: ImprovementWish) -> dict[WishAction, str | None]:
    """Every action with None (allowed) or why not (Dutch), as the one rule says."""
    return decide(situation(wish))


def criteria() -> CoverCriteria:
    return load_criteria(runtime().settings.data_dir)


def submit(given: NewWish, actor: str, happened_on: dt.date | None = None) -> ImprovementWish:
    """Hand in a wish on behalf of an organisation that uses the solution (lid or
    participant). ServiceError (Dutch) otherwise."""
    organisation = db.session.get(Organisation, given.organisation_id)
    if organisation is None:
        raise ServiceError("Organisatie: deze organisatie bestaat niet.", "organisation_id")
    name = solution_name(given.solution_code)
    if organisation.id not in {o.id for o, _ in users_of(given.solution_code)}:
        raise ServiceError(f"{organisation.name} gebruikt {name} niet als lid of participant; "
                           "alleen gebruikers dienen verbeterwensen in bij de regiegroep.",
                           "organisation_id")
    now = utcnow()
    wish = ImprovementWish(reference=_next_reference(now.year), solution_code=given.solution_code,
                           organisation=organisation, title=given.title,
                           description=given.description, state=WishState.INGEDIEND.value,
                           committed=Decimal("0.00"), needs_alv=False, created_by=actor,
                           created_at=now)
    db.session.add(wish)
    wish.events.append(WishEvent(action=SUBMITTED, state_from=None,
                                 state_to=WishState.INGEDIEND.value,
                                 happened_on=happened_on or now.date(), actor=actor,
                                 reason=f"Ingediend namens {organisation.name}.", details={}))
    db.session.commit()
    return wish


def _next_reference(year: int) -> str:
    prefix = f"VW-{year}-"
    last = db.session.scalar(sa.select(sa.func.max(ImprovementWish.reference))
                             .where(ImprovementWish.reference.like(prefix + "%")))
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def take_step(wish_id: int, action: WishAction, step: Step, actor: str) -> ImprovementWish:
    """Take `action` on the wish. Raises WishRefused (the rule's Dutch reason), ServiceError
    (an overspend, a cover that fails the criteria, a date before the last step); then
    nothing has changed."""
    wish = db.session.scalars(sa.select(ImprovementWish).where(ImprovementWish.id == wish_id)
                              .with_for_update()).one_or_none()
    if wish is None:
        raise NotFound("Deze verbeterwens bestaat niet.")
    before = WishState(wish.state)
    after = check(situation(wish), action)
    last = wish.events[-1].happened_on if wish.events else None
    if last is not None and step.happened_on < last:
        raise ServiceError(f"Datum: de vorige stap was op {format_date(last)}; een nieuwe stap "
                           "kan niet eerder zijn.", "happened_on")
    try:
        details = _apply(wish, action, step, actor)
        if action is WishAction.ALV_DECISION and not step.adopted:
            after = WishState.AFGEWEZEN
        wish.state = after.value
        wish.events.append(WishEvent(action=action.value, state_from=before.value,
                                     state_to=after.value, happened_on=step.happened_on,
                                     actor=actor, reason=step.reason, details=details))
        db.session.flush()
        _make_documents(wish, action)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return wish


def _apply(wish: ImprovementWish, action: WishAction, step: Step, actor: str) -> dict:
    """Change the wish (and the kas) for the step; return the event's details."""
    code = wish.solution_code
    if action is WishAction.VALIDATE:
        wish.estimate = step.estimate
        return {"estimate": str(step.estimate)}
    if action is WishAction.PRIORITISE:
        wish.priority = step.priority
        return {"priority": step.priority}
    if action is WishAction.FUND:
        wish.funding = step.funding.value
        wish.needs_alv = needs_alv(criteria(), step.funding, wish.estimate)
        if step.funding is Funding.INNOVATIEKAS:
            innovatiekas.book(code, LedgerKind.VASTLEGGING, wish.estimate, step.happened_on,
                              f"{wish.reference}: {wish.title}", actor, wish)
            wish.committed = wish.estimate
            wish.cover_description, wish.cover_amount = "Innovatiekas", wish.estimate
        else:
            wish.cover_description = step.cover_description
            wish.cover_amount = step.cover_amount
        return {"funding": step.funding.value, "committed": str(wish.committed),
                "needs_alv": wish.needs_alv}
    if action is WishAction.PROPOSE:
        problems = cover_problems(criteria(), Funding(wish.funding), wish.estimate,
                                  wish.cover_amount, innovatiekas.balance(code))
        if problems:
            raise ServiceError("De financiële dekking voldoet niet aan de criteria van het "
                               "bestuur: " + " ".join(problems), "cover")
        return {}
    if action is WishAction.ALV_DECISION:
        wish.alv_decision_number, wish.alv_decision_on = step.alv_number, step.alv_on
        details = {"alv_number": step.alv_number, "alv_on": step.alv_on.isoformat(),
                   "outcome": "aangenomen" if step.adopted else "verworpen"}
        if not step.adopted:
            details |= _release(wish, wish.committed, step, actor, "verworpen door de ALV")
        return details
    if action is WishAction.REJECT:
        return _release(wish, wish.committed, step, actor, "afgewezen")
    if action is WishAction.DELIVER:
        wish.actual_cost = step.actual_cost
        details = {"actual_cost": str(step.actual_cost)}
        if wish.funding == Funding.INNOVATIEKAS.value:
            difference = wish.committed - step.actual_cost
            if difference > 0:
                details |= _release(wish, difference, step, actor, "goedkoper opgeleverd")
            elif difference < 0:
                innovatiekas.book(code, LedgerKind.VASTLEGGING, -difference, step.happened_on,
                                  f"{wish.reference}: duurder opgeleverd", actor, wish)
                wish.committed = step.actual_cost
        return details
    return {}


def _release(wish: ImprovementWish, amount: Decimal, step: Step, actor: str,
             why: str) -> dict:
    if amount <= 0:
        return {}
    innovatiekas.book(wish.solution_code, LedgerKind.VRIJVAL, amount, step.happened_on,
                      f"{wish.reference}: {why}", actor, wish)
    wish.committed -= amount
    return {"released": str(amount)}


# --- documents ----------------------------------------------------------------------------------

def facts(wish: ImprovementWish):
    """What the documents print of the wish."""
    from app.documents.improvements import WishFacts

    labels = {a.value: a.label for a in WishAction} | {SUBMITTED: "Ingediend"}
    alv = (f"ALV-besluit {wish.alv_decision_number} van {format_date(wish.alv_decision_on)}"
           if wish.alv_decision_number else "-")
    return WishFacts(
        wish.reference, wish.title, wish.description, wish.organisation.name,
        WishState(wish.state).label, wish.estimate, wish.priority,
        Funding(wish.funding).label if wish.funding else "-", wish.cover_description or "",
        wish.cover_amount, wish.committed, wish.actual_cost, wish.needs_alv, alv,
        tuple((e.happened_on, labels.get(e.action, e.action), e.actor, e.reason)
              for e in wish.events))


def criteria_lines(rules: CoverCriteria) -> list[str]:
    """The bestuur's criteria in Dutch, one line each (for the proposal and the pages)."""
    kas, new = rules.innovatiekas, rules.nieuwe_functionaliteit
    return [
        f"Vastgesteld bij {rules.decided_on}.",
        f"Uit de innovatiekas: hoogstens {format_money(kas.max_amount)} per verbeterwens; de "
        f"kas houdt ten minste {format_money(kas.reserve)} over; boven "
        f"{format_money(kas.alv_above)} besluit ook de ALV.",
        f"Nieuwe functionaliteit: hoogstens {format_money(new.max_amount)} per voorstel, met "
        f"een gevonden dekking van ten minste {format_percentage(new.min_cover_percentage)} "
        "van de schatting; de ALV besluit altijd.",
    ]


def _make_documents(wish: ImprovementWish, action: WishAction) -> None:
    if action is WishAction.PROPOSE:
        _make(wish, DocumentKind.VOORSTEL_BESTUUR)
    elif action is WishAction.APPROVE and wish.needs_alv:
        _make(wish, DocumentKind.ALV_AGENDAPUNT)


def _make(wish: ImprovementWish, kind: DocumentKind) -> None:
    from app.documents.improvements import proposal_context
    from app.documents.layout import DocumentProperties
    from app.services.documents import renderer
    from app.services.templates import compiled
    from app.services.templates import current_number

    reference = runtime().reference
    solution = reference.solutions[wish.solution_code]
    association = reference.association.name
    context = proposal_context(association, solution.name, solution.supplier, facts(wish),
                               criteria_lines(criteria()),
                               ["De dekking voldoet aan de criteria van het bestuur."],
                               utcnow().date())
    docx = renderer().render(kind, context, template=compiled(kind, current_number(kind)),
                             properties=DocumentProperties(
                                 title=f"{kind.title} – {wish.reference}", author=association,
                                 keywords=wish.reference))
    filename = f"{kind.value}-{wish.reference}.docx"
    key = runtime().store.put(f"verbeterwensen/{wish.id}/{filename}", docx)
    wish.documents.append(WishDocument(kind=kind.value, filename=filename, docx_key=key,
                                       docx_sha256=sha256(docx)))


def document_file(wish_id: int, document_id: int) -> tuple[str, bytes]:
    """The file name and DOCX bytes of one of the wish's documents."""
    document = db.session.get(WishDocument, document_id)
    if document is None or document.wish_id != wish_id:
        raise NotFound("Dit document bestaat niet.")
    return document.filename, runtime().store.get(document.docx_key)


def yearly_overview(code: str, year: int) -> tuple[str, bytes]:
    """The PDF/A overview of the solution's wishes and innovatiekas in `year`."""
    from app.documents.improvements import KasLine
    from app.documents.improvements import overview_context
    from app.documents.layout import DocumentProperties
    from app.services.documents import converter
    from app.services.documents import renderer
    from app.services.templates import compiled
    from app.services.templates import current_number

    name = solution_name(code)
    reference = runtime().reference
    lines = innovatiekas.history(code, year)
    before = [e for e in innovatiekas.history(code) if e.booked_on.year < year]
    opening = before[-1].balance_after if before else Decimal("0.00")
    closing = lines[-1].balance_after if lines else opening
    context = overview_context(
        reference.association.name, name, reference.solutions[code].supplier, year,
        [facts(w) for w in wishes_of(code, year)], opening,
        [KasLine(e.booked_on, LedgerKind(e.kind).label, e.amount, e.balance_after,
                 e.description) for e in lines], closing, utcnow().date())
    kind = DocumentKind.JAAROVERZICHT_OPLOSSING
    docx = renderer().render(kind, context, template=compiled(kind, current_number(kind)),
                             properties=DocumentProperties(
                                 title=f"Jaaroverzicht {year} – {name}",
                                 author=reference.association.name, keywords=code))
    return f"jaaroverzicht-{code}-{year}.pdf", converter().convert(docx)


__all__ = ["WishRefused", "WishInputError", "NewWish", "Step", "parse_new_wish", "parse_step",
           "submit", "take_step", "get_wish", "wishes_of", "actions", "yearly_overview"]

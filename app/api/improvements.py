"""JSON API for verbeterwensen and the innovatiekas, on the API blueprint (same bearer tokens,
same problem+json errors):

    POST /api/v1/improvement-wishes                      hand in (organisation_id,
                                                         solution_code, title, description)
    GET  /api/v1/improvement-wishes/{id}                 the wish, its steps and its actions
    POST /api/v1/improvement-wishes/{id}/steps/{action}  take a step (WishAction values)
    GET  /api/v1/solutions/{code}/innovatiekas           balance and ledger

A refused step is 409 with the one rule's Dutch reason; an overspend or a cover that fails the
bestuur's criteria is 422; nothing changes then.
"""

from __future__ import annotations

from app.api import improvement_schemas as schemas
from app.api.bodies import json_body as _json_body
from app.api.problems import Problem
from app.api.spec import CONFLICT
from app.api.spec import NOT_FOUND
from app.api.spec import operation
from app.api.views import _actor
from app.api.views import bp
from app.domain.improvements import WishAction
from app.services.errors import NotFound
from app.services.errors import ServiceError

NEW_FIELDS = ("organisation_id", "solution_code", "title", "description")
STEP_FIELDS = ("happened_on", "reason", "estimate", "priority", "funding", "cover_description",
               "cover_amount", "outcome", "alv_number", "alv_on", "actual_cost")


def _flat(body: dict, allowed: tuple[str, ...]) -> dict[str, str]:
    """The body as flat strings; Problem (422) for unknown fields or values of a wrong type."""
    flat, errors = {}, {}
    for name, value in body.items():
        if name not in allowed:
            errors[name] = "Onbekend veld; zie /api/v1/openapi.json voor de velden."
        elif value is None:
            flat[name] = ""
        elif isinstance(value, bool):
            errors[name] = "Geef hier tekst of een getal op, geen true of false."
        elif isinstance(value, (int, str)):
            flat[name] = str(value)
        else:
            errors[name] = "Geef hier tekst op (een bedrag als \"1250.00\")."
    if errors:
        raise Problem("ongeldige-invoer", "Niet alle velden zijn goed ingevuld.", errors=errors)
    return flat


def _service_problem(exc: ServiceError) -> Problem:
    if isinstance(exc, NotFound):
        return Problem("niet-gevonden", exc.message)
    return Problem("ongeldige-invoer", exc.message, errors={exc.field or "body": exc.message})


def wish_json(wish) -> dict:
    """A wish as the API shows it: amounts as decimal text, dates as ISO."""
    from app.domain.states import WishState
    from app.services.improvements import actions

    def money(value):
        return None if value is None else f"{value:.2f}"

    return {
        "id": wish.id, "reference": wish.reference, "solution_code": wish.solution_code,
        "organisation_id": wish.organisation_id, "title": wish.title,
        "description": wish.description, "state": wish.state,
        "state_label": WishState(wish.state).label, "estimate": money(wish.estimate),
        "priority": wish.priority, "funding": wish.funding,
        "cover_description": wish.cover_description, "cover_amount": money(wish.cover_amount),
        "committed": money(wish.committed), "needs_alv": wish.needs_alv,
        "alv_decision_number": wish.alv_decision_number,
        "alv_decision_on": wish.alv_decision_on.isoformat() if wish.alv_decision_on else None,
        "actual_cost": money(wish.actual_cost),
        "steps": [{"action": e.action, "state_from": e.state_from, "state_to": e.state_to,
                   "happened_on": e.happened_on.isoformat(), "by": e.actor,
                   "reason": e.reason} for e in wish.events],
        "actions": [{"action": action.value, "allowed": reason is None, "reason": reason}
                    for action, reason in actions(wish).items()],
        "documents": [{"id": d.id, "kind": d.kind, "filename": d.filename,
                       "sha256": d.docx_sha256} for d in wish.documents],
    }


@bp.post("/improvement-wishes")
@operation("createImprovementWish", "Verbeterwens indienen namens een organisatie",
           body=schemas.NewImprovementWish,
           responses={201: (schemas.ImprovementWish, "De ingediende verbeterwens."),
                      404: NOT_FOUND})
def create_wish():
    """Hand in a verbeterwens on behalf of an organisation that uses the solution."""
    from app.services.improvements import WishInputError
    from app.services.improvements import parse_new_wish
    from app.services.improvements import submit

    flat = _flat(_json_body(), NEW_FIELDS)
    try:
        wish = submit(parse_new_wish(flat), _actor())
    except WishInputError as exc:
        raise Problem("ongeldige-invoer", "Niet alle velden zijn goed ingevuld.",
                      errors=exc.errors) from None
    except ServiceError as exc:
        raise _service_problem(exc) from None
    return wish_json(wish), 201


@bp.get("/improvement-wishes/<int:wish_id>")
@operation("getImprovementWish", "Een verbeterwens met zijn stappen en wat nu kan",
           responses={200: (schemas.ImprovementWish, "De verbeterwens."), 404: NOT_FOUND})
def show_wish(wish_id: int):
    from app.services.improvements import get_wish

    try:
        return wish_json(get_wish(wish_id))
    except NotFound as exc:
        raise Problem("niet-gevonden", exc.message) from None


@bp.post("/improvement-wishes/<int:wish_id>/steps/<action>")
@operation("takeImprovementWishStep", "Een stap in het verloop van een verbeterwens",
           description="Een te grote vastlegging in de innovatiekas of een dekking die niet "
                       "aan de criteria van het bestuur voldoet geeft 422; een stap die nu "
                       "niet kan 409 met de reden. Er verandert dan niets.",
           body=schemas.WishStep,
           path_schemas={"action": {"type": "string",
                                    "enum": [a.value for a in WishAction]}},
           responses={200: (schemas.ImprovementWish, "De verbeterwens na de stap."),
                      404: NOT_FOUND, 409: CONFLICT})
def wish_step(wish_id: int, action: str):
    """Take one step of the lifecycle; 409 with the rule's reason when it may not happen."""
    from app.services.improvements import WishInputError
    from app.services.improvements import WishRefused
    from app.services.improvements import get_wish
    from app.services.improvements import parse_step
    from app.services.improvements import take_step

    try:
        chosen = WishAction(action)
    except ValueError:
        raise Problem("niet-gevonden", "Deze stap bestaat niet; zie de `actions` van de "
                                       "verbeterwens.") from None
    flat = _flat(_json_body(), STEP_FIELDS)
    try:
        get_wish(wish_id)
        wish = take_step(wish_id, chosen, parse_step(chosen, flat), _actor())
    except WishInputError as exc:
        raise Problem("ongeldige-invoer", "Niet alle velden zijn goed ingevuld.",
                      errors=exc.errors) from None
    except WishRefused as exc:
        raise Problem("conflict", exc.message) from None
    except ServiceError as exc:
        raise _service_problem(exc) from None
    return wish_json(wish)


@bp.get("/solutions/<code>/innovatiekas")
@operation("getInnovatiekas", "Saldo en boekingen van de innovatiekas van een oplossing",
           responses={200: (schemas.Innovatiekas, "De innovatiekas."), 404: NOT_FOUND})
def kas(code: str):
    """The innovatiekas of a solution: its balance and every ledger line, oldest first."""
    from app.services import innovatiekas
    from app.services.regiegroepen import solution_name

    try:
        solution_name(code)
    except NotFound as exc:
        raise Problem("niet-gevonden", exc.message) from None
    return {"solution_code": code, "balance": f"{innovatiekas.balance(code):.2f}",
            "entries": [{"booked_on": e.booked_on.isoformat(), "kind": e.kind,
                         "amount": f"{e.amount:.2f}", "balance_after": f"{e.balance_after:.2f}",
                         "wish_id": e.wish_id, "description": e.description}
                        for e in innovatiekas.history(code)]}

"""ALV en tarieven (beheerders): the register of ALV meetings and decisions, and the yearly
fee schedules entered against a decision.

/beheer/alv                         meetings with their decisions, the fee schedules; add a meeting
/beheer/alv/vergaderingen/<id>      one meeting; add a decision to it
/beheer/alv/besluiten/<id>          one decision, with the fee schedules it set
/beheer/tarieven/nieuw              enter a year's fee schedule (?besluit=<id> chooses the decision)
/beheer/tarieven/<year>             one year's schedule
"""

from __future__ import annotations

import datetime as dt

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from app.domain.fee_schedules import SURCHARGE_KINDS
from app.domain.fee_schedules import ScheduleError
from app.domain.fee_schedules import licence_field
from app.domain.formatting import format_date
from app.domain.validation import InputError
from app.runtime import runtime
from app.services import alv
from app.services import fee_schedules
from app.services.errors import NotFound
from app.web.auth import beheerder_required
from app.web.forms import form_values
from app.web.forms import ordered_errors
from app.web.views import bp
from app.web.views import error_page

MEETING_FIELDS = ("held_on", "place", "online")
DECISION_FIELDS = ("number", "decided_on", "subject", "text")


def _status(year: int) -> str:
    this_year = dt.date.today().year
    if year > this_year:
        return f"Voorbereid: gaat in op 1 januari {year}"
    return "Van kracht" if year == this_year else "Verlopen"


# --- the register -------------------------------------------------------------------------------

@bp.get("/beheer/alv")
@beheerder_required
def alv_index():
    """Every ALV meeting with its decisions, every year's fee schedule, and the meeting form."""
    return _index_page()


def _index_page(values: dict | None = None, errors: dict | None = None, status: int = 200):
    errors = errors or {}
    return render_template("alv.html", meetings=alv.list_meetings(),
                           schedules=fee_schedules.list_schedules(), schedule_status=_status,
                           label=alv.label, values=values or {}, errors=errors,
                           error_list=_ordered(errors, MEETING_FIELDS)), status


@bp.post("/beheer/alv/vergaderingen")
@beheerder_required
def alv_meeting_create():
    values = form_values(request.form)
    try:
        meeting = alv.add_meeting(values, current_user.email)
    except InputError as exc:
        return _index_page(values, {exc.field: exc.message}, 422)
    flash(f"De vergadering van {format_date(meeting.held_on)} is toegevoegd. Voeg nu haar besluiten "
          "toe.", "success")
    return redirect(url_for("web.alv_meeting", meeting_id=meeting.id))


@bp.get("/beheer/alv/vergaderingen/<int:meeting_id>")
@beheerder_required
def alv_meeting(meeting_id: int):
    """One meeting with its decisions, and the form to add a decision."""
    return _meeting_page(meeting_id)


def _meeting_page(meeting_id: int, values: dict | None = None, errors: dict | None = None,
                  status: int = 200):
    try:
        meeting = alv.get_meeting(meeting_id)
    except NotFound:
        return error_page(404)
    errors = errors or {}
    return render_template("alv_meeting.html", meeting=meeting, label=alv.label,
                           values=values or {}, errors=errors,
                           error_list=_ordered(errors, DECISION_FIELDS)), status


@bp.post("/beheer/alv/vergaderingen/<int:meeting_id>/besluiten")
@beheerder_required
def alv_decision_create(meeting_id: int):
    values = form_values(request.form)
    try:
        meeting = alv.get_meeting(meeting_id)
        decision = alv.add_decision(meeting, values, current_user.email)
    except NotFound:
        return error_page(404)
    except InputError as exc:
        return _meeting_page(meeting_id, values, {exc.field: exc.message}, 422)
    flash(f"{alv.label(decision)} is toegevoegd.", "success")
    return redirect(url_for("web.alv_decision", decision_id=decision.id))


@bp.get("/beheer/alv/besluiten/<int:decision_id>")
@beheerder_required
def alv_decision(decision_id: int):
    """One decision: its text, its meeting and the fee schedules it set."""
    try:
        decision = alv.get_decision(decision_id)
    except NotFound:
        return error_page(404)
    return render_template("alv_decision.html", decision=decision, label=alv.label,
                           schedule_status=_status)


# --- fee schedules ------------------------------------------------------------------------------

@bp.get("/beheer/tarieven/nieuw")
@beheerder_required
def fee_schedule_new():
    """The form for a year's fee schedule, filled in from the latest one."""
    decision = None
    chosen = request.args.get("besluit", "")
    if chosen.isdigit():
        try:
            decision = alv.get_decision(int(chosen))
        except NotFound:
            decision = None
    return _schedule_form(fee_schedules.form_defaults(decision))


def _schedule_form(values: dict, errors: dict | None = None, status: int = 200):
    errors = errors or {}
    catalogue = runtime().reference.solutions
    order = ("decision_id", "year", "surcharge_kind", "surcharge_value",
             *(name for code in catalogue for name in (licence_field(code),
                                                       f"management-{code}")))
    decisions = [(str(d.id), f"{alv.label(d)}: {d.subject}") for d in alv.list_decisions()]
    return render_template("fee_schedule_new.html", values=values, errors=errors,
                           error_list=_ordered(errors, order), decisions=decisions,
                           kinds=list(SURCHARGE_KINDS.items()), catalogue=catalogue,
                           existing=[s.year for s in fee_schedules.list_schedules()]), status


@bp.post("/beheer/tarieven")
@beheerder_required
def fee_schedule_create():
    values = form_values(request.form)
    try:
        schedule = fee_schedules.enter_schedule(values, current_user.email)
    except ScheduleError as exc:
        return _schedule_form(values, exc.errors, 422)
    flash(f"Het tariefschema voor {schedule.year} is opgeslagen ({alv.label(schedule.decision)}). "
          f"Pakketten met een ingangsdatum in {schedule.year} krijgen deze tarieven.", "success")
    return redirect(url_for("web.fee_schedule", year=schedule.year))


@bp.get("/beheer/tarieven/<int:year>")
@beheerder_required
def fee_schedule(year: int):
    """One year's schedule: its decision, the surcharge and every solution's fees."""
    try:
        schedule = fee_schedules.get_schedule(year)
    except NotFound:
        return error_page(404)
    return render_template("fee_schedule.html", schedule=schedule, label=alv.label,
                           catalogue=runtime().reference.solutions,
                           status=_status(schedule.year))


def _ordered(errors: dict, order) -> list[tuple[str, str]]:
    return ordered_errors(errors, tuple(order))

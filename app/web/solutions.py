"""Solution pages (doorontwikkeling): the solutions, and per solution its regiegroep, its
innovatiekas with the history, its verbeterwensen and the yearly overview (PDF/A); the
verbeterwens pages: hand one in on behalf of an organisation, and take it step by step.
"""

from __future__ import annotations

import datetime as dt
import io

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from app.domain.improvements import Funding
from app.domain.improvements import WishAction
from app.domain.states import WishState
from app.runtime import runtime
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.web.views import bp

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_template_filter("wensstatus")
def wish_state(value: str) -> str:
    return WishState(value).label


@bp.app_template_filter("kasregel")
def ledger_kind(value: str) -> str:
    from app.domain.innovatiekas import LedgerKind

    return LedgerKind(value).label


@bp.app_template_filter("bekostiging")
def funding(value: str | None) -> str:
    return Funding(value).label if value else "Nog niet gekozen"


def _solution_or_404(code: str) -> str:
    from app.services.regiegroepen import solution_name

    try:
        return solution_name(code)
    except NotFound:
        abort(404)


@bp.get("/oplossingen")
@login_required
def solutions():
    """Every solution with its regiegroep, innovatiekas balance and open wishes."""
    from app.services import innovatiekas
    from app.services import regiegroepen
    from app.services.improvements import wishes_of

    rows = []
    for code, solution in runtime().reference.solutions.items():
        wishes = wishes_of(code)
        rows.append({"code": code, "name": solution.name, "supplier": solution.supplier,
                     "members": len(regiegroepen.members(code)),
                     "balance": innovatiekas.balance(code),
                     "open": sum(not WishState(w.state).is_final for w in wishes)})
    return render_template("solutions.html", rows=rows)


@bp.get("/oplossingen/<code>")
@login_required
def solution_show(code: str):
    return _solution_page(code)


def _solution_page(code: str, values: dict | None = None, errors: dict | None = None,
                   status: int = 200):
    from app.services import innovatiekas
    from app.services import regiegroepen
    from app.services.improvements import criteria
    from app.services.improvements import criteria_lines
    from app.services.improvements import wishes_of

    name = _solution_or_404(code)
    solution = runtime().reference.solutions[code]
    years = sorted({dt.date.today().year} | {e.booked_on.year
                                             for e in innovatiekas.history(code)}, reverse=True)
    return render_template(
        "solution.html", code=code, name=name, solution=solution,
        members=regiegroepen.members(code),
        person_options=[(c.person.id, f"{c.person.name}, {c.person.function} "
                                      f"({c.organisation.name}, {c.involvement.value})")
                        for c in regiegroepen.candidates(code)],
        users=regiegroepen.users_of(code), balance=innovatiekas.balance(code),
        history=list(reversed(innovatiekas.history(code))), wishes=wishes_of(code),
        criteria=criteria_lines(criteria()), years=years, values=values or {},
        errors=errors or {}), status


@bp.post("/oplossingen/<code>/regiegroep")
@login_required
def regiegroep_add(code: str):
    """Add a contact person of a user of the solution to its regiegroep."""
    from app.services.regiegroepen import add_member

    _solution_or_404(code)
    raw = request.form.get("person", "")
    try:
        member = add_member(code, int(raw) if raw.isdigit() and len(raw) < 10 else 0,
                            current_user.email, request.form.get("chair") == "ja")
    except ServiceError as exc:
        return _solution_page(code, dict(request.form), {"person": exc.message}, 422)
    flash(f"{member.person.name} zit nu in de regiegroep"
          f"{' (voorzitter)' if member.is_chair else ''}.", "success")
    return redirect(url_for("web.solution_show", code=code) + "#regiegroep")


@bp.post("/oplossingen/<code>/regiegroep/<int:member_id>/voorzitter")
@login_required
def regiegroep_chair(code: str, member_id: int):
    from app.services.regiegroepen import make_chair

    _solution_or_404(code)
    try:
        member = make_chair(code, member_id)
    except NotFound:
        abort(404)
    flash(f"{member.person.name} is nu voorzitter van de regiegroep.", "success")
    return redirect(url_for("web.solution_show", code=code) + "#regiegroep")


@bp.post("/oplossingen/<code>/regiegroep/<int:member_id>/verwijderen")
@login_required
def regiegroep_remove(code: str, member_id: int):
    from app.services.regiegroepen import remove_member

    _solution_or_404(code)
    try:
        name = remove_member(code, member_id)
    except NotFound:
        abort(404)
    flash(f"{name} zit niet meer in de regiegroep.", "success")
    return redirect(url_for("web.solution_show", code=code) + "#regiegroep")


@bp.post("/oplossingen/<code>/innovatiekas")
@login_required
def kas_deposit(code: str):
    """A deposit in the solution's innovatiekas."""
    from app.domain.improvements import AmountError
    from app.domain.improvements import parse_amount
    from app.domain.validation import InputError
    from app.domain.validation import clean_date
    from app.domain.validation import clean_text
    from app.services.innovatiekas import deposit
    from app.web.forms import form_values

    _solution_or_404(code)
    values = form_values(request.form)
    errors = {}
    amount = booked_on = description = None
    try:
        amount = parse_amount(values.get("amount"), "Bedrag")
    except AmountError as exc:
        errors["amount"] = exc.message
    try:
        booked_on = clean_date(values.get("booked_on"), "booked_on", "Datum")
    except InputError as exc:
        errors["booked_on"] = exc.message
    try:
        description = clean_text(values.get("description"), "description", "Omschrijving",
                                 max_length=300)
    except InputError as exc:
        errors["description"] = exc.message
    if errors:
        return _solution_page(code, values, errors, 422)
    deposit(code, amount, booked_on, description, current_user.email)
    flash("De storting staat in de innovatiekas.", "success")
    return redirect(url_for("web.solution_show", code=code) + "#innovatiekas")


@bp.get("/oplossingen/<code>/jaaroverzicht")
@login_required
def solution_overview(code: str):
    """The yearly overview of wishes and the innovatiekas, as PDF/A."""
    from app.services.improvements import yearly_overview

    _solution_or_404(code)
    raw = request.args.get("jaar", "")
    if not (raw.isdigit() and 2000 <= int(raw) <= 2100):
        abort(404)
    filename, data = yearly_overview(code, int(raw))
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=filename)


# --- verbeterwensen -----------------------------------------------------------------------------

@bp.get("/verbeterwensen/nieuw")
@login_required
def wish_new():
    code = request.args.get("oplossing", "")
    values = {"solution_code": code, "organisation_id": request.args.get("organisatie", "")}
    return _new_page(values, {})


def _new_page(values: dict, errors: dict, status: int = 200):
    from app.services.regiegroepen import users_of

    solutions = runtime().reference.solutions
    users = {code: users_of(code) for code in solutions}
    organisations = sorted({(o.id, o.name) for found in users.values() for o, _ in found},
                           key=lambda item: item[1].casefold())
    return render_template("wish_new.html", values=values, errors=errors,
                           solutions=[(c, s.name) for c, s in solutions.items()],
                           organisations=organisations, users=users), status


@bp.post("/verbeterwensen/nieuw")
@login_required
def wish_new_post():
    """Hand in a wish on behalf of an organisation that uses the solution."""
    from app.services.improvements import WishInputError
    from app.services.improvements import parse_new_wish
    from app.services.improvements import submit
    from app.web.forms import form_values

    values = form_values(request.form)
    try:
        wish = submit(parse_new_wish(values), current_user.email)
    except WishInputError as exc:
        return _new_page(values, exc.errors, 422)
    except ServiceError as exc:
        return _new_page(values, {exc.field or "organisation_id": exc.message}, 422)
    flash(f"Verbeterwens {wish.reference} is ingediend.", "success")
    return redirect(url_for("web.wish_show", wish_id=wish.id))


@bp.get("/verbeterwensen/<int:wish_id>")
@login_required
def wish_show(wish_id: int):
    return _wish_page(wish_id)


def _wish_page(wish_id: int, action: str | None = None, values: dict | None = None,
               errors: dict | None = None, status: int = 200):
    from app.services import innovatiekas
    from app.services.improvements import actions
    from app.services.improvements import get_wish

    try:
        wish = get_wish(wish_id)
    except NotFound:
        abort(404)
    return render_template(
        "wish.html", wish=wish, solution=runtime().reference.solutions[wish.solution_code],
        decided=actions(wish), Action=WishAction, funding_options=[(f.value, f.label)
                                                                   for f in Funding],
        balance=innovatiekas.balance(wish.solution_code), failed_action=action,
        values=values or {}, errors=errors or {}, today=dt.date.today()), status


@bp.post("/verbeterwensen/<int:wish_id>/<action>")
@login_required
def wish_step(wish_id: int, action: str):
    """Take one step; a refused or wrong step re-shows the page with the reason."""
    from app.services.improvements import WishInputError
    from app.services.improvements import WishRefused
    from app.services.improvements import parse_step
    from app.services.improvements import take_step
    from app.web.forms import form_values

    try:
        chosen = WishAction(action)
    except ValueError:
        abort(404)
    values = form_values(request.form)
    try:
        wish = take_step(wish_id, chosen, parse_step(chosen, values), current_user.email)
    except NotFound:
        abort(404)
    except WishInputError as exc:
        return _wish_page(wish_id, chosen.value, values, exc.errors, 422)
    except (WishRefused, ServiceError) as exc:
        field = getattr(exc, "field", None) or "step"
        return _wish_page(wish_id, chosen.value, values, {field: exc.message}, 409
                          if isinstance(exc, WishRefused) else 422)
    flash(f"{chosen.label}: vastgelegd. Status nu: {WishState(wish.state).label}.", "success")
    return redirect(url_for("web.wish_show", wish_id=wish_id))


@bp.get("/verbeterwensen/<int:wish_id>/documenten/<int:document_id>")
@login_required
def wish_document(wish_id: int, document_id: int):
    from app.services.improvements import document_file

    try:
        filename, data = document_file(wish_id, document_id)
    except NotFound:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=filename)


@bp.app_template_filter("wensstap")
def wish_step_label(value: str) -> str:
    try:
        return WishAction(value).label
    except ValueError:
        return "Ingediend"

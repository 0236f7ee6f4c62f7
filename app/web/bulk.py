"""Bulk pages: make and send a package for each of a set of organisations.

`/bulk` lists the runs so far and has the form: who (gemeenten that are not yet a member,
the users of a solution, or organisations ticked from the list), what they are offered, and
a description. 'Voorbeeld bekijken' shows every organisation chosen with what its package
would be (or why it will fail); only then is 'Starten' offered. `/bulk/<id>` shows the
progress while the run goes on: one job per organisation, so one failure stops no other.
"""

from __future__ import annotations

import hashlib
import json

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from app.domain.rules import PARTICIPANT_WARNING
from app.domain.rules import PackageRequest
from app.domain.rules import RuleError
from app.domain.rules import plan_package
from app.extensions import db
from app.runtime import runtime
from app.services.providers import default_provider
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.services.fee_schedules import priced_reference
from app.services.intake import IntakeError
from app.web import forms
from app.web.views import bp

GENERAL = ""
CHANGED = ("U heeft iets veranderd sinds het voorbeeld. Bekijk het nieuwe voorbeeld hieronder en "
           "kies opnieuw Starten.")


@bp.get("/bulk")
@login_required
def bulk_index():
    """The bulk runs so far, and the form to start one."""
    from app.services.providers import available_providers

    providers = available_providers()
    default = default_provider()
    values = {"provider": default if default in providers else (providers[:1] or [""])[0]}
    return _bulk_page(values)


@bp.post("/bulk")
@login_required
def bulk_post():
    """'Voorbeeld bekijken' lists who gets a package and what; 'Starten' starts the run."""
    from app.domain.organisations import OrgKind
    from app.services.actions import start_bulk_once
    from app.services.bulk import BulkOffer
    from app.services.providers import available_providers
    from app.web.queries import bulk_preview
    from app.web.queries import known_organisations

    values = forms.form_values(request.form)
    ticked = request.form.getlist("organisations")
    known = {o.id for o in known_organisations()}
    reference = runtime().reference
    try:
        form = forms.parse_bulk_form(request.form, set(reference.solutions),
                                     available_providers(), known)
        _check_offer(form)
        ids = _chosen(form)
    except IntakeError as exc:
        return _bulk_page(values, ticked, exc.errors, status=422)

    wanted = PackageRequest(OrgKind.GEMEENTE, form.involvement, form.solutions,
                            form.acknowledged)
    rows = bulk_preview(ids, wanted)
    token = _preview_token(form, ids)
    if values.get("action") != "starten":
        return _bulk_page(values, ticked, preview=rows, token=token)
    if values.get("preview_token") != token:
        return _bulk_page(values, ticked, preview=rows, token=token, notice=CHANGED)

    offer = BulkOffer(form.involvement, form.solutions, form.acknowledged, form.provider,
                      form.send)
    try:
        run, started = start_bulk_once(ids, offer, form.description, current_user.email)
    except ServiceError as exc:
        db.session.rollback()
        return _bulk_page(values, ticked, {exc.field or GENERAL: exc.message}, status=409)
    if started:
        flash(f"De bulkopdracht is gestart voor {run.total} organisaties. Deze pagina toont "
              "de voortgang.", "success")
    else:
        flash("Deze bulkopdracht was al gestart; er is geen tweede gestart.", "info")
    return redirect(url_for("web.bulk_show", bulk_id=run.id))


def _check_offer(form) -> None:
    """Raise IntakeError for an offer no organisation could get: a solution named twice, a
    start date without a fee schedule. The same rules make every package later."""
    from app.domain.organisations import OrgKind
    from app.domain.rules import OnFile

    offer = PackageRequest(OrgKind.GEMEENTE, form.involvement, form.solutions, True)
    try:
        plan_package(offer, OnFile(), priced_reference())
    except RuleError as exc:
        field = forms.solution_row_field(exc.field, forms.form_values(request.form),
                                         set(runtime().reference.solutions))
        raise IntakeError({field or GENERAL: exc.message}) from None


def _chosen(form) -> list[int]:
    """The ids of the organisations the selection names; IntakeError when there are none."""
    from app.services.bulk import select_not_members
    from app.services.bulk import select_users_of

    if form.selection == "niet_leden":
        ids = select_not_members("gemeente")
        if not ids:
            raise IntakeError({"selection": (
                "Organisaties: alle gemeenten in Tekenklaar zijn al lid. Kies een andere groep.")})
    elif form.selection == "gebruikers":
        ids = select_users_of(form.users_of)
        if not ids:
            name = runtime().reference.solutions[form.users_of].name
            raise IntakeError({"users_of": (
                f"Oplossing: {name} heeft nog geen gebruikers met een gebruiksovereenkomst. "
                "Kies een andere oplossing.")})
    else:
        ids = list(form.ticked)
    return ids


def _preview_token(form, ids: list[int]) -> str:
    """A fingerprint of the previewed selection and offer: 'Starten' starts only that."""
    data = {
        "ids": sorted(ids), "involvement": form.involvement.value,
        "solutions": [[s.code, s.start.isoformat()] for s in form.solutions],
        "ack": form.acknowledged, "provider": form.provider, "send": form.send,
        "description": form.description,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _bulk_page(values: dict, ticked: list[str] | None = None, errors: dict | None = None,
               preview=None, token: str | None = None, notice: str | None = None,
               status: int = 200):
    from app.services.providers import available_providers
    from app.web.queries import bulk_runs
    from app.web.queries import known_organisations
    from app.web.queries import page_number

    errors = errors or {}
    organisations = known_organisations()
    first = organisations[0].id if organisations else None
    linkable = set(forms.BULK_FIELD_ORDER)
    if not organisations:
        linkable.discard("organisations")
    return render_template(
        "bulk.html",
        values=values,
        ticked=set(ticked or []),
        errors=errors,
        error_list=forms.ordered_errors(errors, forms.BULK_FIELD_ORDER),
        anchor=lambda field: forms.bulk_anchor(field, first),
        linkable=linkable,
        runs=bulk_runs(page_number(request.args.get("pagina"))),
        organisations=organisations,
        catalogue=runtime().reference.solutions,
        selections=forms.SELECTIONS,
        involvements=forms.INVOLVEMENTS,
        solution_rows=forms.shown_solution_rows(values),
        providers=available_providers(),
        participant_warning=PARTICIPANT_WARNING,
        preview=preview,
        failing=[row for row in preview or [] if row.problem],
        token=token,
        notice=notice,
    ), status


@bp.get("/bulk/<int:bulk_id>")
@login_required
def bulk_show(bulk_id: int):
    """The progress of one bulk run: per organisation its package, state and any reason."""
    from app.services.actions import bulk_offer_args
    from app.web.queries import bulk_run
    from app.web.queries import page_number

    try:
        summary, rows = bulk_run(bulk_id, page_number(request.args.get("pagina")))
    except NotFound:
        abort(404)
    return render_template("bulk_run.html", summary=summary, run=summary.run, rows=rows,
                           offer=_offer_shown(bulk_offer_args(bulk_id)))


def _offer_shown(args: dict | None) -> dict | None:
    """The offer as start_bulk stored it, with solution names and dates, for the page."""
    import datetime as dt

    if not args:
        return None
    catalogue = runtime().reference.solutions
    try:
        solutions = [(catalogue[code].name if code in catalogue else code,
                      dt.date.fromisoformat(start)) for code, start in args.get("solutions", [])]
    except (TypeError, ValueError):
        return None
    return {"involvement": args.get("involvement", ""), "solutions": solutions,
            "provider": args.get("provider"), "send": args.get("send", True)}


@bp.post("/bulk/<int:bulk_id>/opnieuw")
@login_required
def bulk_retry(bulk_id: int):
    """Try the organisations that failed once more."""
    from app.services.actions import retry_failed_items

    try:
        count = retry_failed_items(bulk_id)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("web.bulk_show", bulk_id=bulk_id))
    flash("1 organisatie wordt opnieuw geprobeerd." if count == 1
          else f"{count} organisaties worden opnieuw geprobeerd.", "success")
    return redirect(url_for("web.bulk_show", bulk_id=bulk_id))

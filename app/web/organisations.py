"""Organisation pages: the list, and one organisation with its packages and agreements."""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from app.runtime import runtime
from app.services.errors import NotFound
from app.web.views import bp


@bp.get("/organisaties")
@login_required
def organisations():
    """The organisations (a page at a time), with how many packages and agreements each has."""
    from app.web.queries import organisations as organisations_page
    from app.web.queries import page_number

    page = organisations_page(page_number(request.args.get("pagina")))
    return render_template("organisations.html", organisations=page.items, page=page)


@bp.get("/organisaties/<int:organisation_id>")
@login_required
def organisation_show(organisation_id: int):
    """One organisation: its details, its packages and the agreements on file."""
    from app.web.queries import organisation

    try:
        found = organisation(organisation_id)
    except NotFound:
        abort(404)
    from app.domain.records import OnFileRole
    from app.services.organisations import history
    from app.services.organisations import on_file

    return render_template("organisation.html", organisation=found,
                           catalogue=runtime().reference.solutions,
                           contact=on_file(found, OnFileRole.CONTACT),
                           signatory=on_file(found, OnFileRole.SIGNATORY),
                           history=history(found))


# --- the record: details, address and the people on file -------------------------------------

PERSON_FORMS = {"contactpersoon": "contact", "ondertekenaar": "signatory"}


@bp.get("/organisaties/<int:organisation_id>/wijzigen")
@login_required
def organisation_edit(organisation_id: int):
    """The organisation's details, its contact person and its signer, each as a small form."""
    organisation = _organisation_or_404(organisation_id)
    return _edit_page(organisation, _values(organisation))


@bp.post("/organisaties/<int:organisation_id>/wijzigen")
@login_required
def organisation_edit_post(organisation_id: int):
    """Store the details and address; the change goes into the organisation's history."""
    from app.domain.municipalities import load_municipalities
    from app.services.intake import IntakeError
    from app.services.intake import parse_organisation_details
    from app.services.organisations import edit_details
    from app.web import forms

    organisation = _organisation_or_404(organisation_id)
    values = forms.form_values(request.form)
    data = {**values, "org_kind": organisation.kind, "cbs_code": organisation.cbs_code or ""}
    if organisation.kind == "gemeente":
        data["org_name"] = organisation.name
    try:
        given = parse_organisation_details(data, load_municipalities(
            runtime().settings.data_dir))
    except IntakeError as exc:
        return _edit_page(organisation, _values(organisation) | values, exc.errors, 422)
    changes = edit_details(organisation_id, given, current_user.email)
    flash("De gegevens zijn gewijzigd." if changes else "Er is niets gewijzigd.",
          "success" if changes else "info")
    return redirect(url_for("web.organisation_show", organisation_id=organisation_id))


@bp.post("/organisaties/<int:organisation_id>/<role>")
@login_required
def organisation_person_post(organisation_id: int, role: str):
    """Put a contact person or signer on file; the one before stays in the history."""
    from app.domain.records import OnFileRole
    from app.domain.signatory import SignatoryCapacity
    from app.services.intake import IntakeError
    from app.services.intake import parse_person
    from app.services.organisations import put_on_file
    from app.web import forms

    if role not in PERSON_FORMS:
        abort(404)
    organisation = _organisation_or_404(organisation_id)
    prefix = PERSON_FORMS[role]
    values = forms.form_values(request.form)
    errors = {}
    capacity = None
    try:
        person = parse_person(values, prefix, role, phone_required=prefix == "contact")
    except IntakeError as exc:
        errors |= exc.errors
    if prefix == "signatory":
        try:
            capacity = SignatoryCapacity(values.get("signatory_capacity", ""))
        except ValueError:
            errors["signatory_capacity"] = ("Ondertekenaar: kies de burgemeester, een "
                                            "gemachtigde met volmacht, of wie de statuten "
                                            "aanwijzen.")
    if errors:
        return _edit_page(organisation, _values(organisation) | values, errors, 422)
    line = put_on_file(organisation_id, OnFileRole(role), person, current_user.email,
                       capacity)
    flash(line or "Er is niets gewijzigd.", "success" if line else "info")
    return redirect(url_for("web.organisation_show", organisation_id=organisation_id))


def _organisation_or_404(organisation_id: int):
    from app.services.organisations import get_organisation

    try:
        return get_organisation(organisation_id)
    except NotFound:
        abort(404)


def _values(organisation) -> dict[str, str]:
    """The record as the edit forms' fields."""
    from app.domain.records import OnFileRole
    from app.services.organisations import on_file

    values = {"org_name": organisation.name, "org_kvk": organisation.kvk or "",
              "org_oin": organisation.oin or "", "org_street": organisation.street or "",
              "org_postcode": organisation.postcode or "", "org_city": organisation.city or ""}
    for role, prefix in ((OnFileRole.CONTACT, "contact"), (OnFileRole.SIGNATORY, "signatory")):
        person = on_file(organisation, role)
        if person is not None:
            values |= {f"{prefix}_name": person.name, f"{prefix}_function": person.function,
                       f"{prefix}_email": person.email, f"{prefix}_phone": person.phone or ""}
            if role is OnFileRole.SIGNATORY:
                values["signatory_capacity"] = person.signatory_capacity or ""
    return values


def _edit_page(organisation, values: dict, errors: dict | None = None, status: int = 200):
    from app.domain.signatory import SignatoryCapacity
    from app.web import forms

    errors = errors or {}
    return render_template(
        "organisation_edit.html", organisation=organisation, values=values, errors=errors,
        error_list=forms.ordered_errors(errors), anchor=forms.anchor,
        signatory_capacities=[(c.value, c.label) for c in SignatoryCapacity]), status


# --- the field at a glance ---------------------------------------------------------------------

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "to_csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "to_xlsx"),
}


def _field_selection():
    from app.domain.municipalities import load_municipalities
    from app.web import field

    settings = runtime().settings
    rows = field.field_rows(load_municipalities(settings.data_dir))
    chosen = {"soort": request.args.get("soort", ""), "lidmaatschap":
              request.args.get("lidmaatschap", ""),
              "q": " ".join((request.args.get("q") or "").split())[:200]}
    if chosen["soort"] not in ("gemeente", "overig"):
        chosen["soort"] = ""
    if chosen["lidmaatschap"] not in field.MEMBERSHIP_LABELS:
        chosen["lidmaatschap"] = ""
    solutions = {code: solution.name for code, solution
                 in runtime().reference.solutions.items()}
    selected = field.select(rows, chosen["soort"], chosen["lidmaatschap"], chosen["q"])
    return rows, selected, chosen, solutions


@bp.get("/gemeenten")
@login_required
def field_overview():
    """Every gemeente and other organisation: membership, agreements per solution, open
    packages and their stage, totals (a page at a time), with the export links."""
    from app.web import field
    from app.web.queries import Page
    from app.web.queries import page_number

    rows, selected, chosen, solutions = _field_selection()
    number = page_number(request.args.get("pagina"))
    start = (number - 1) * field.ROWS_PER_PAGE
    page = Page(selected[start:start + field.ROWS_PER_PAGE], number, field.ROWS_PER_PAGE,
                len(selected))
    return render_template("field.html", page=page, chosen=chosen, solutions=solutions,
                           totals=field.totals(rows, list(solutions)),
                           args={k: v for k, v in chosen.items() if v},
                           memberships=field.MEMBERSHIP_LABELS)


@bp.get("/gemeenten.<any(csv, xlsx):extension>")
@login_required
def field_export(extension: str):
    """The rows the page shows (same filters, every page) as CSV or XLSX."""
    import datetime as dt
    import io

    from flask import send_file

    from app.web import field

    _, selected, _, solutions = _field_selection()
    mimetype, writer = EXPORTS[extension]
    data = getattr(field, writer)(selected, solutions)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"tekenklaar-organisaties-{dt.date.today():%Y-%m-%d}."
                                   f"{extension}")

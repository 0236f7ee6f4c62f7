"""Organisation pages: the list, and one organisation with its packages and agreements."""

from __future__ import annotations

from flask import abort
from flask import render_template
from flask import request
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
    return render_template("organisation.html", organisation=found,
                           catalogue=runtime().reference.solutions)

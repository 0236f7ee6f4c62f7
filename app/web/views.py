"""Staff pages: thin views that parse input, check access, call a service and render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from app.extensions import db
from app.store.models import Package
from app.web import auth  # noqa: F401  (registers the user loader)

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")


@bp.get("/inloggen")
def login():
    """The sign-in page."""
    return render_template("login.html", email="", error=None)


@bp.post("/inloggen")
def login_post():
    """Check the credentials; on success go to the page asked for."""
    from app.services.accounts import AccountError
    from app.services.accounts import authenticate

    email = request.form.get("email", "")
    try:
        user = authenticate(email, request.form.get("password", ""))
    except AccountError as exc:
        return render_template("login.html", email=email, error=str(exc)), 401
    login_user(user)
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.index")
    return redirect(target)


@bp.post("/uitloggen")
@login_required
def logout():
    """Sign out."""
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("web.login"))


@bp.get("/")
@login_required
def index():
    """Overzicht: packages by state."""
    packages = db.session.scalars(sa.select(Package).order_by(Package.created_at.desc())).all()
    return render_template("index.html", packages=packages, user=current_user)

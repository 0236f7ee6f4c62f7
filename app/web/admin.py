"""Beheer: staff accounts and API tokens (beheerder only), and one's own password.

What the CLI does (`flask users …`, `flask tokens …`) can be done here too: add, deactivate,
reactivate and give a new password to a user, end their sessions; make and revoke API tokens.
A new token is shown once, on the page that made it (never in a flash message: those live in
the session cookie).
"""

from __future__ import annotations

import functools

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user

from app.domain.staff import StaffRole
from app.domain.validation import InputError
from app.services import accounts
from app.services.errors import NotFound
from app.web.auth import beheerder_required
from app.web.views import bp
from app.web.views import error_page

USER_FIELDS = ("email", "name", "role", "password")


def _me() -> str:
    return current_user.email


# --- users --------------------------------------------------------------------------------------

@bp.get("/beheer/gebruikers")
@beheerder_required
def admin_users():
    """Every staff account, and the form to add one."""
    return _users_page()


def _users_page(values: dict | None = None, errors: dict | None = None, status: int = 200):
    return render_template("admin_users.html", users=accounts.list_users(),
                           roles=[(r.value, r.label) for r in StaffRole],
                           values=values or {"role": StaffRole.MEDEWERKER.value},
                           errors=errors or {}, error_list=list((errors or {}).items())), status


@bp.post("/beheer/gebruikers")
@beheerder_required
def admin_user_create():
    values = {key: (request.form.get(key) or "")[:500] for key in USER_FIELDS}
    try:
        role = StaffRole(values["role"])
    except ValueError:
        return _users_page(values, {"role": "Rol: kies medewerker of beheerder."}, 422)
    try:
        user = accounts.create_user(values["email"], values["name"], values["password"], role)
    except InputError as exc:
        return _users_page(values, {exc.field: exc.message}, 422)
    except accounts.AccountError as exc:
        field = "password" if str(exc).startswith("Wachtwoord") else "email"
        return _users_page(values, {field: str(exc)}, 422)
    flash(f"{user.name} kan nu inloggen als {role.label.lower()}.", "success")
    return redirect(url_for("web.admin_users"))


def _with_user(view):
    """Route a `/beheer/gebruikers/<user_id>/…` action: beheerder only, the user loaded (404
    when there is none) and passed to `view(user)`, which flashes and returns a redirect or
    None (back to the list)."""

    @functools.wraps(view)
    @beheerder_required
    def wrapped(user_id: int):
        try:
            user = accounts.get_user(user_id)
        except NotFound:
            return error_page(404)
        return view(user) or redirect(url_for("web.admin_users"))

    return wrapped


@bp.post("/beheer/gebruikers/<int:user_id>/deactiveren")
@_with_user
def admin_user_deactivate(user):
    if user.id == current_user.id:
        flash("U kunt uw eigen account niet deactiveren; vraag een andere beheerder.", "error")
        return None
    accounts.set_active(user, False)
    flash(f"{user.name} is gedeactiveerd; alle sessies zijn beëindigd.", "success")
    return None


@bp.post("/beheer/gebruikers/<int:user_id>/activeren")
@_with_user
def admin_user_activate(user):
    accounts.set_active(user, True)
    flash(f"{user.name} kan weer inloggen.", "success")
    return None


@bp.post("/beheer/gebruikers/<int:user_id>/sessies-beeindigen")
@_with_user
def admin_user_sign_out(user):
    accounts.end_sessions(user)
    if user.id == current_user.id:
        return redirect(url_for("web.login"))
    flash(f"Alle sessies van {user.name} zijn beëindigd.", "success")
    return None


@bp.post("/beheer/gebruikers/<int:user_id>/wachtwoord")
@_with_user
def admin_user_password(user):
    """A new password set by a beheerder (to pass on in person); ends the user's sessions."""
    try:
        accounts.set_password(user, (request.form.get("password") or "")[:500])
    except accounts.AccountError as exc:
        return _users_page(errors={f"password-{user.id}": str(exc)}, status=422)
    flash(f"{user.name} heeft een nieuw wachtwoord; alle sessies zijn beëindigd.", "success")
    return None


# --- API tokens ---------------------------------------------------------------------------------

@bp.get("/beheer/tokens")
@beheerder_required
def admin_tokens():
    """Every API token (never its secret), and the form to make one."""
    return _tokens_page()


def _tokens_page(values=None, errors=None, secret=None, status: int = 200):
    errors = errors or {}
    return render_template("admin_tokens.html", tokens=accounts.list_tokens(),
                           values=values or {}, errors=errors, error_list=list(errors.items()),
                           secret=secret), status


@bp.post("/beheer/tokens")
@beheerder_required
def admin_token_create():
    name = (request.form.get("name") or "")[:500]
    try:
        secret = accounts.create_token(name, created_by=_me())
    except InputError as exc:
        return _tokens_page({"name": name}, {"name": exc.message.replace("Naam", "Naam van het "
                                                                          "systeem", 1)}, 422)
    return _tokens_page(secret=secret, status=201)


@bp.post("/beheer/tokens/<int:token_id>/intrekken")
@beheerder_required
def admin_token_revoke(token_id: int):
    try:
        token = accounts.revoke_token(token_id)
    except NotFound:
        return error_page(404)
    flash(f"Het token '{token.name}' is ingetrokken; het werkt vanaf nu niet meer.", "success")
    return redirect(url_for("web.admin_tokens"))


# --- one's own password -------------------------------------------------------------------------

@bp.get("/account/wachtwoord")
@login_required
def own_password():
    return render_template("account_password.html", errors={}, error_list=[])


@bp.post("/account/wachtwoord")
@login_required
def own_password_post():
    """Change one's own password: every session ends, this one starts again at once."""
    current = (request.form.get("current") or "")[:1100]
    new = (request.form.get("password") or "")[:1100]
    user = current_user._get_current_object()
    try:
        accounts.change_own_password(user, current, new)
    except accounts.AccountError as exc:
        field = "current" if "huidige" in str(exc) else "password"
        errors = {field: str(exc)}
        return render_template("account_password.html", errors=errors,
                               error_list=list(errors.items())), 422
    login_user(user)  # a fresh session with the new nonce; the others have ended
    flash("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd.", "success")
    return redirect(url_for("web.index"))

"""Staff pages: thin views that parse input, check access, call a service and render.

This module holds the blueprint, sign-in, the overview, the error pages and the security
headers. The package and organisation pages add their routes to the same `bp` in
`app/web/packages.py` and `app/web/organisations.py`; `app/web/__init__.py` imports them.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.domain.organisations import OrgKind
from app.domain.states import PackageState
from app.extensions import limiter
from app.extensions import login as login_manager
from app.ratelimits import login_limit
from app.runtime import runtime
from app.web import auth  # noqa: F401  (registers the user loader)
from app.web.labels import FILTERS

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")

# Endpoints anyone may reach; every other staff page needs sign-in (checked twice: here for
# every route on the blueprint, and by `login_required` on each view).
PUBLIC_ENDPOINTS = frozenset({"web.login", "web.login_post", "web.static"})

MAX_EMAIL_SHOWN = 320

# Paths other blueprints answer in their own format (problem+json, provider replies).
NOT_STAFF_PATHS = ("/api/", "/webhooks/")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

ERROR_TEXTS = {
    400: ("Dit verzoek klopt niet",
          "De server kon dit verzoek niet verwerken. Ga terug en probeer het opnieuw."),
    403: ("Geen toegang",
          "U heeft geen toegang tot deze pagina. Denkt u dat dit niet klopt? Neem contact op "
          "met de beheerder van Tekenklaar."),
    404: ("Pagina niet gevonden",
          "Deze pagina bestaat niet (meer). Controleer het adres, of ga naar het overzicht."),
    405: ("Dit kan niet op deze pagina",
          "Deze pagina kan dit verzoek niet verwerken. Ga terug naar het overzicht."),
    413: ("Bestand te groot",
          "Het bestand is groter dan {max_mb} MB. Scan het document met een lagere resolutie "
          "en probeer het opnieuw."),
    429: ("Even geduld",
          "Er kwamen te veel verzoeken in korte tijd van uw adres. Wacht een paar minuten en "
          "probeer het dan opnieuw."),
    500: ("Er ging iets mis",
          "Er ging aan onze kant iets mis. Uw laatste handeling is mogelijk niet uitgevoerd. "
          "Kijk op de pakketpagina wat de status is en probeer het zo nodig opnieuw."),
}


@bp.before_request
def require_sign_in():
    """Every staff page needs sign-in, also routes added later by other modules."""
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.after_app_request
def security_headers(response):
    """Headers that keep the pages out of frames and away from inline script and sniffing."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if runtime().settings.session_cookie_secure:  # served over HTTPS only
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.blueprint in ("web", "api", "ops", "signers") and request.endpoint != "web.static" \
            and "no-store" not in response.headers.get("Cache-Control", ""):
        # Pages, downloads (send_file says only no-cache) and API answers hold personal data
        # or contracts: never keep them in any cache, the browser's included.
        response.headers["Cache-Control"] = "no-store"
    return response


for _name, _label in FILTERS.items():
    bp.add_app_template_filter(_label, _name)


@bp.app_context_processor
def labels():
    """Texts several pages share."""
    from app.domain.states import JobState
    from app.web.labels import PROVIDER_HINT

    return {"provider_hint": PROVIDER_HINT, "JobState": JobState}


@bp.app_template_filter("procent")
def percentage_filter(value) -> str:
    """A Decimal as a Dutch percentage: 12,5%."""
    from app.domain.formatting import format_percentage

    return format_percentage(value)


@bp.app_template_filter("kort")
def short_hash(value: str | None, length: int = 12) -> str:
    """The first characters of a SHA-256, enough to compare by eye."""
    return (value or "")[:length]


# --- sign-in ---------------------------------------------------------------------------------

@bp.get("/inloggen")
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("web.index"))
    return render_template("login.html", email="", error=None)


@bp.post("/inloggen")
@limiter.limit(login_limit)
def login_post():
    """Check the credentials; on success go to the page asked for (a local one only)."""
    from app.services.accounts import AccountError
    from app.services.accounts import authenticate

    email = request.form.get("email", "")[:MAX_EMAIL_SHOWN]
    try:
        user = authenticate(email, request.form.get("password", ""),
                            client=request.remote_addr or "")
    except AccountError as exc:
        return render_template("login.html", email=email, error=str(exc)), 401
    session.clear()  # a fresh session: nothing carried over from before sign-in
    login_user(user)
    return redirect(local_target(request.args.get("next", "")) or url_for("web.index"))


def local_target(target: str) -> str | None:
    """`target` when it is a path on this site, else None.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    `/%09/evil.example` and `/\\evil.example` lead elsewhere: any control character,
    backslash, or a second slash or a scheme at the start, is refused.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


@bp.post("/uitloggen")
@login_required
def logout():
    """Sign out: every session of this user ends, not only this browser's."""
    from app.services.accounts import sign_out

    sign_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("web.login"))


# --- overview --------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    """Overzicht: what staff must do now, what waits on others, and every package found by
    search and filters (a page at a time)."""
    from app.web.dashboard import dashboard
    from app.web.dashboard import known_providers
    from app.web.dashboard import parse_filters
    from app.web.dashboard import search
    from app.web.queries import page_number

    settings = runtime().settings
    providers = known_providers()
    filters = parse_filters(request.args, providers)
    return render_template(
        "index.html",
        board=dashboard(dt.date.today(), settings.overdue_signature_days),
        filters=filters, providers=providers,
        found=search(filters, page_number(request.args.get("pagina"))),
        states=list(PackageState), kinds=list(OrgKind),
    )


@bp.get("/zo-werkt-het")
@login_required
def help_page():
    """Zo werkt het: the procedure in short, for a new member of staff."""
    return render_template("help.html")


# --- error pages -----------------------------------------------------------------------------

def error_page(status: int, message: str | None = None):
    """A Dutch error page with this status."""
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500] if status >= 500 else ERROR_TEXTS[400])
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    text = text.format(max_mb=max(1, round(limit / (1024 * 1024))))
    return render_template("error.html", status=status, title=title,
                           text=message or text), status


@bp.app_errorhandler(CSRFError)
def csrf_error(exc: CSRFError):
    if request.path.startswith(NOT_STAFF_PATHS):
        return exc
    return error_page(400, "Dit formulier is verlopen of kwam niet van deze site. Ga terug, "
                           "laad de pagina opnieuw en probeer het nog eens.")


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if request.path.startswith(NOT_STAFF_PATHS) or exc.code is None or exc.code < 400:
        return exc
    if exc.code == 413 and request.mimetype != "multipart/form-data":
        return error_page(413, "Dit formulier is te groot of heeft te veel velden. Ga terug, "
                               "maak de teksten korter en probeer het opnieuw.")
    return error_page(exc.code)


@bp.app_errorhandler(500)
def server_error(exc):
    if request.path.startswith(NOT_STAFF_PATHS):
        return exc
    return error_page(500)

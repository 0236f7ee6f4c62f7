"""Signing pages at /ondertekenen/<reference>/<order>/<token>: thin views over
app.services.signing_links.

No sign-in: the link and the code sent to the signer's address are the access. The same
security headers and CSRF as the staff pages; rate limits per client address and per link.
The code, once entered, is remembered in this browser's session for this link only.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint
from flask import Response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from app.extensions import limiter
from app.ratelimits import signing_limit
from app.services.errors import ServiceError
from app.services.signing_links import CODE_MINUTES
from app.services.signing_links import LinkRefused
from app.services.signing_links import Visit
from app.services.signing_links import check_code
from app.services.signing_links import decline
from app.services.signing_links import document_pdf
from app.services.signing_links import mark_viewed
from app.services.signing_links import masked_email
from app.services.signing_links import open_link
from app.services.signing_links import send_code
from app.services.signing_links import sign
from app.services.signing_links import verified

bp = Blueprint("signers", __name__, template_folder="templates")
limiter.limit(signing_limit)(bp)  # per client address

LINK = "/<reference>/<int:order>/<token>"
MAX_FIELD = 2000


def _per_link() -> str:
    token = (request.view_args or {}).get("token", "")
    return "link:" + hashlib.sha256(token.encode()).hexdigest()


per_link = limiter.limit(signing_limit, key_func=_per_link, override_defaults=False)


def _client() -> tuple[str | None, str | None]:
    return request.remote_addr, request.headers.get("User-Agent")


def _nonce(visit: Visit) -> str | None:
    return (session.get("signing") or {}).get(str(visit.link.id))


def _here(reference: str, order: int, token: str, endpoint: str = "signers.page", **extra):
    return url_for(endpoint, reference=reference, order=order, token=token, **extra)


def _refused(exc: LinkRefused):
    status = 404 if exc.reason == "onbekend" else 410 if exc.reason in (
        "verlopen", "vervangen", "gebruikt", "beeindigd") else 403
    return render_template("signers/refused.html", message=exc.message), status


def _visit(reference: str, order: int, token: str, *, code_entered: bool = False):
    """(the link's visit, None), or (None, the response instead): the Dutch refusal page, or
    with `code_entered` back to the link's page while this browser has not entered the code."""
    try:
        visit = open_link(reference, order, token)
    except LinkRefused as exc:
        return None, _refused(exc)
    if code_entered and not verified(visit, _nonce(visit)):
        return None, redirect(_here(reference, order, token))
    return visit, None


@bp.get(LINK)
@per_link
def page(reference: str, order: int, token: str):
    """Ask for the code, or (once the code is in) show the documents to sign."""
    visit, refused = _visit(reference, order, token)
    if refused:
        return refused
    if not verified(visit, _nonce(visit)):
        return _code_page(visit, reference, order, token)
    try:
        mark_viewed(visit)
    except ServiceError:
        pass  # seeing the page is not refused for a failed 'viewed' step
    return _documents_page(visit, reference, order, token)


def _code_page(visit: Visit, reference, order, token, error: str | None = None,
               status: int = 200):
    return render_template("signers/code.html", visit=visit, email=masked_email(visit.signer.email),
                           code_sent=bool(visit.link.code_hmac), minutes=CODE_MINUTES,
                           error=error, reference=reference, order=order, token=token), status


def _documents_page(visit: Visit, reference, order, token, errors: dict | None = None,
                    form: dict | None = None, status: int = 200):
    return render_template("signers/documents.html", visit=visit, errors=errors or {},
                           form=form or {}, reference=reference, order=order,
                           token=token), status


@bp.post(LINK + "/code")
@per_link
def code_send(reference: str, order: int, token: str):
    """Mail a (new) six-digit code to the signer."""
    visit, refused = _visit(reference, order, token)
    if refused:
        return refused
    try:
        send_code(visit, *_client())
    except LinkRefused as exc:
        return _refused(exc)
    except ServiceError as exc:
        return _code_page(visit, reference, order, token, exc.message, 503)
    return redirect(_here(reference, order, token))


@bp.post(LINK + "/code/controleren")
@per_link
def code_check(reference: str, order: int, token: str):
    """Check the code; the right one opens the documents in this browser."""
    visit, refused = _visit(reference, order, token)
    if refused:
        return refused
    try:
        nonce = check_code(visit, request.form.get("code", "")[:20], *_client())
    except ServiceError as exc:
        return _code_page(visit, reference, order, token, exc.message, 422)
    links = dict(session.get("signing") or {})
    links[str(visit.link.id)] = nonce
    session["signing"] = links
    return redirect(_here(reference, order, token))


@bp.get(LINK + "/document/<int:document_id>")
@per_link
def document(reference: str, order: int, token: str, document_id: int):
    """The PDF exactly as sent, to show in the page or (download=1) to keep."""
    visit, refused = _visit(reference, order, token, code_entered=True)
    if refused:
        return refused
    try:
        found, pdf = document_pdf(visit, document_id)
    except LinkRefused as exc:
        return _refused(exc)
    except ServiceError as exc:
        return render_template("signers/refused.html", message=exc.message), 404
    how = "attachment" if request.args.get("download") else "inline"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = \
        f'{how}; filename="{found.filename or found.kind}.pdf"'
    # Shown in a frame of the signing page (same origin only).
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


@bp.post(LINK + "/ondertekenen")
@per_link
def sign_post(reference: str, order: int, token: str):
    """Sign: name typed and the statement accepted."""
    visit, refused = _visit(reference, order, token, code_entered=True)
    if refused:
        return refused
    form = {"name": request.form.get("name", "")[:200],
            "statement": request.form.get("statement") == "ja"}
    try:
        sign(visit, form["name"], form["statement"], *_client())
    except LinkRefused as exc:
        return _refused(exc)
    except ServiceError as exc:
        return _documents_page(visit, reference, order, token, {exc.field or "name": exc.message},
                               form, 422)
    return render_template("signers/done.html", signed=True, visit=visit)


@bp.post(LINK + "/weigeren")
@per_link
def decline_post(reference: str, order: int, token: str):
    """Decline with a reason: the package ends."""
    visit, refused = _visit(reference, order, token, code_entered=True)
    if refused:
        return refused
    form = {"reason": request.form.get("reason", "")[:MAX_FIELD]}
    try:
        decline(visit, form["reason"], *_client())
    except LinkRefused as exc:
        return _refused(exc)
    except ServiceError as exc:
        return _documents_page(visit, reference, order, token,
                               {exc.field or "reason": exc.message}, form, 422)
    return render_template("signers/done.html", signed=False, visit=visit)

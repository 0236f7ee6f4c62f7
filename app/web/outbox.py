"""Staff page 'Uitgaande mail': the mail queue (waiting, sent, failed with the reason), one
mail with its text, 'opnieuw proberen', 'nu verzenden' and, in outbox mode, the .eml file.

Routes are added to the staff blueprint `bp` (app/web/views.py); app/web/__init__.py imports
this module. Everything here needs sign-in (login_required, and the blueprint's own check).
"""

from __future__ import annotations

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

from app.runtime import runtime
from app.web.views import bp

PAGE_SIZE = 200


@bp.get("/uitgaande-mail")
@login_required
def outbox():
    """The mail queue, newest first, optionally one state only."""
    from app.services import mailing

    state = request.args.get("status") or None
    if state is not None and state not in mailing.STATE_LABELS:
        state = None
    return render_template(
        "outbox.html",
        mails=mailing.list_mail(state, limit=PAGE_SIZE),
        counts=mailing.count_by_state(),
        state=state,
        states=mailing.STATE_LABELS,
        kinds=mailing.KIND_LABELS,
        backend=runtime().settings.mail_backend,
        outbox_path=runtime().settings.outbox_path,
        page_size=PAGE_SIZE,
        max_attempts=mailing.MAX_ATTEMPTS,
    )


@bp.get("/uitgaande-mail/<int:mail_id>")
@login_required
def outbox_mail(mail_id: int):
    """One queued mail: recipients, state, attempts, error, attachments and its text."""
    from app.services import mailing
    from app.services.errors import NotFound

    try:
        mail = mailing.get_mail(mail_id)
    except NotFound:
        abort(404)
    eml = mailing.outbox_file(mail)
    return render_template(
        "outbox_mail.html",
        mail=mail,
        states=mailing.STATE_LABELS,
        kinds=mailing.KIND_LABELS,
        eml=eml,
        eml_text=_eml_headers(eml) if eml else None,
        max_attempts=mailing.MAX_ATTEMPTS,
    )


@bp.get("/uitgaande-mail/<int:mail_id>/eml")
@login_required
def outbox_eml(mail_id: int):
    """The .eml file of a sent mail (outbox mode only), to open in a mail program."""
    from app.services import mailing
    from app.services.errors import NotFound

    try:
        path = mailing.outbox_file(mailing.get_mail(mail_id))
    except NotFound:
        path = None
    if path is None:
        abort(404)
    return send_file(io.BytesIO(path.read_bytes()), mimetype="message/rfc822",
                     as_attachment=True, download_name=f"mail-{mail_id}.eml")


@bp.post("/uitgaande-mail/<int:mail_id>/opnieuw")
@login_required
def outbox_retry(mail_id: int):
    """Put a failed mail back in the queue and try to send what is due."""
    from app.services import mailing
    from app.services.errors import NotFound
    from app.services.errors import ServiceError

    try:
        mailing.retry_mail(mail_id, actor=current_user.email)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        flash(exc.message, "warning")
        return redirect(url_for("web.outbox_mail", mail_id=mail_id))
    _deliver()
    mail = mailing.get_mail(mail_id)
    if mail.state == mailing.SENT:
        flash("De e-mail is verzonden.", "success")
    else:
        flash("De e-mail staat weer in de wachtrij. "
              + (f"Laatste fout: {mail.last_error}" if mail.last_error else ""), "warning")
    return redirect(url_for("web.outbox_mail", mail_id=mail_id))


@bp.post("/uitgaande-mail/verzenden")
@login_required
def outbox_deliver():
    """Send every waiting mail that is due now."""
    counts = _deliver()
    if counts is None:
        flash("Het verzenden is als achtergrondtaak gestart.", "info")
    else:
        flash(f"Verzonden: {counts['sent']}. Nog wachtend na een fout: {counts['retrying']}. "
              f"Mislukt: {counts['failed']}.",
              "success" if not (counts["retrying"] or counts["failed"]) else "warning")
    return redirect(url_for("web.outbox"))


def _deliver() -> dict | None:
    """Deliver now (inline mode, returning the counts) or queue the job (returning None);
    either way a mail that fails gets its next attempt planned."""
    from app.services.mailing import deliver_mail_job

    if runtime().settings.jobs == "inline":
        return deliver_mail_job()
    from app.jobs import enqueue

    enqueue(deliver_mail_job, key="mail")
    return None


def _eml_headers(path) -> str:
    """The header block of an .eml file (the body and attachments are shown elsewhere)."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    return head.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").replace("\r\n", "\n")

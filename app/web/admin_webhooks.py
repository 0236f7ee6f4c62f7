"""Beheer: outgoing webhooks (beheerder only). Register an address of another NVSI system
and the package events it wants (its signing secret is shown once, on the page that made it;
never in a flash message, which lives in the session cookie), switch it off, and read its
delivery log: every event with its attempts, and "Opnieuw versturen"."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from app.domain.events import PackageEvent
from app.domain.validation import InputError
from app.services import outgoing_webhooks
from app.services import webhook_endpoints
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.web.auth import beheerder_required
from app.web.views import bp
from app.web.views import error_page

ALL_EVENTS = [event.value for event in PackageEvent]


@bp.get("/beheer/webhooks")
@beheerder_required
def admin_webhooks():
    """Every registered receiver, and the form to add one."""
    return _webhooks_page()


def _webhooks_page(values=None, errors=None, created=None, secret=None, status: int = 200):
    errors = errors or {}
    return render_template("admin_webhooks.html", endpoints=webhook_endpoints.list_endpoints(),
                           events=list(PackageEvent),
                           values=values or {"name": "", "url": "", "events": ALL_EVENTS},
                           errors=errors, error_list=list(errors.items()),
                           created=created, secret=secret), status


@bp.post("/beheer/webhooks")
@beheerder_required
def admin_webhook_create():
    values = {"name": (request.form.get("name") or "")[:500],
              "url": (request.form.get("url") or "")[:2100],
              "events": [e[:40] for e in request.form.getlist("events")][:20]}
    try:
        endpoint, secret = webhook_endpoints.register_endpoint(
            values["name"], values["url"], values["events"], created_by=current_user.email)
    except InputError as exc:
        return _webhooks_page(values, {exc.field: exc.message}, status=422)
    return _webhooks_page(created=endpoint, secret=secret, status=201)


@bp.get("/beheer/webhooks/<int:endpoint_id>")
@beheerder_required
def admin_webhook_log(endpoint_id: int):
    """The receiver's delivery log: each event with its attempts and what comes next."""
    try:
        endpoint = webhook_endpoints.get_endpoint(endpoint_id)
    except NotFound:
        return error_page(404)
    return render_template("admin_webhook_log.html", endpoint=endpoint,
                           deliveries=webhook_endpoints.delivery_log(endpoint_id),
                           delivery_state=outgoing_webhooks.delivery_state)


@bp.post("/beheer/webhooks/<int:endpoint_id>/uitschakelen")
@beheerder_required
def admin_webhook_disable(endpoint_id: int):
    try:
        endpoint = webhook_endpoints.disable_endpoint(endpoint_id)
    except NotFound:
        return error_page(404)
    flash(f"Er gaan geen berichten meer naar '{endpoint.name}'. Het logboek blijft bewaard.",
          "success")
    return redirect(url_for("web.admin_webhooks"))


@bp.post("/beheer/webhooks/leveringen/<int:delivery_id>/opnieuw")
@beheerder_required
def admin_webhook_redeliver(delivery_id: int):
    """Send one event to its receiver again now (the same webhook-id)."""
    try:
        delivery = outgoing_webhooks.redeliver(delivery_id, actor=current_user.email)
    except NotFound:
        return error_page(404)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("web.admin_webhooks"))
    flash(f"Het bericht {delivery.event.webhook_id} wordt opnieuw verstuurd.", "success")
    return redirect(url_for("web.admin_webhook_log", endpoint_id=delivery.endpoint_id))

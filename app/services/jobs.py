"""Which service functions may run as background jobs, and the periodic tasks.

`create_app` calls `register_jobs()` once; app.jobs knows no service and runs only what is
registered here. A periodic task is one line below, e.g.
``periodic(council.send_due_council_reminders, dt.timedelta(days=1), "…")``.
"""

from __future__ import annotations

import datetime as dt


def register_jobs(settings) -> None:
    """Register every job function and periodic task (safe to call more than once)."""
    from app.domain.rules import RuleError
    from app.domain.states import TransitionError
    from app.jobs import periodic
    from app.jobs import register
    from app.jobs.runner import refuse_on
    from app.services import archive
    from app.services import bulk
    from app.services import callbacks
    from app.services import correcting
    from app.services import council
    from app.services import documents
    from app.services import mailing
    from app.services import outgoing_webhooks
    from app.services import reminders
    from app.services import sending
    from app.services.errors import ServiceError
    from signing import ConfigurationError
    from signing import ProviderRejected

    refuse_on(ServiceError, RuleError, TransitionError, ConfigurationError, ProviderRejected)
    register(documents.make_documents, "Documenten maken")
    register(sending.send_package, "Verzenden voor ondertekening")
    register(callbacks.sync_package, "Status ophalen bij de ondertekendienst")
    register(archive.archive_package, "Ondertekende documenten ophalen en archiveren",
             max_attempts=12)
    register(mailing.deliver_pending, "E-mail versturen")
    register(mailing.deliver_mail_job, "E-mail versturen")
    register(correcting.resend_correction,
             "Gecorrigeerd pakket: documenten maken en verzenden")
    register(bulk.make_bulk_item, "Pakket maken en verzenden (bulk)")
    register(outgoing_webhooks.deliver, "Gebeurtenis naar een ander systeem sturen (webhook)",
             max_attempts=settings.outgoing_webhooks_max_attempts)
    periodic(council.send_due_council_reminders, dt.timedelta(days=1),
             "Herinneringen raadsprocedure versturen")
    periodic(reminders.send_due_reminders, dt.timedelta(hours=1),
             "Herinneringen aan ondertekenaars versturen")
    periodic(callbacks.poll_quiet_packages,
             dt.timedelta(minutes=settings.poll_sweep_minutes),
             "Vangnet: status opvragen van pakketten zonder nieuws")

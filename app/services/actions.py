"""Staff and API actions that run as jobs: check now, then make documents or send as a job.

`request_documents` and `request_send` check at once that the action fits the package (the
same Dutch messages as the services), then hand the work to `app.jobs.enqueue` with the
package id. Inline (the default) the job runs before they return, so a page or an API call
sees the result as before; with `jobs = "rq"` it is queued, and the package page shows it
under "Achtergrondtaken" as waiting, running, done or failed (with the reason).

`start_bulk_once` and `retry_failed_items` are the bulk pages' two actions.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.domain.lifecycle import Action
from app.domain.states import BulkItemState
from app.domain.states import JobState
from app.domain.states import PackageState
from app.extensions import db
from app.jobs import enqueue
from app.jobs import job_name
from app.runtime import runtime
from app.services.providers import default_provider
from app.services.errors import ServiceError
from app.services.lifecycle import require
from app.services.packages import get_package
from app.store.models import BulkItem
from app.store.models import BulkRun
from app.store.models import JobRun
from app.store.models import Package
from app.store.models import utcnow

# A queued job younger than this blocks the same action on the package (a double click, a
# second tab); an older one is taken to be lost (Redis emptied) and no longer blocks.
PENDING_FOR = dt.timedelta(hours=1)
# A start of the same bulk run (same person, description and organisations) this soon after
# the first is taken to be a repeat (a double click, the browser sending the form again).
REPEAT_WINDOW = dt.timedelta(minutes=10)
BULK_START_LOCK = 7_304_202_612  # PostgreSQL advisory lock key (migrations use ...611)


def queued() -> bool:
    """True when jobs go to a queue (rq) and an action's result comes later."""
    return runtime().settings.jobs != "inline"


def request_documents(package_id: int, actor: str) -> Package:
    """Make the package's documents as a job; return the package (made, or as it is now).

    Raises NotFound, ActionRefused when the one rule refuses (the package was sent), or
    ServiceError when they are already queued. Inline, a job that raised is raised here as a
    ServiceError; a failed conversion leaves the package `mislukt` with the reason.
    """
    from app.services.documents import make_documents

    package = get_package(package_id)
    require(package, Action.DOCUMENTS)
    _refuse_if_pending(package_id, make_documents,
                       "De documenten van dit pakket staan al in de wachtrij om te worden "
                       "gemaakt. Vernieuw de pagina over een ogenblik om het resultaat te zien.")
    return _run(make_documents, package_id, actor)


def request_send(package_id: int, provider_name: str | None, actor: str,
                 confirm_new: bool = False) -> Package:
    """Send the package for signature as a job; return the package (sent, or as it is now).

    `confirm_new`: staff checked at the provider that an earlier send with an unknown
    outcome made no envelope (see send_package).

    `provider_name` None means the package's provider, or else the configured default.
    Raises NotFound, or ServiceError when the package cannot be sent now with that provider
    (the same checks and messages as send_package; `field` "provider" for a provider that is
    unknown or not set up) or a send is already queued.
    """
    from app.services.providers import provider
    from app.services.sending import _check_sendable
    from app.services.sending import send_package
    from signing import SigningError

    package = get_package(package_id)
    name = provider_name or package.provider or default_provider()
    _check_sendable(package, PackageState(package.state), name)
    try:
        provider(name)
    except SigningError as exc:
        raise ServiceError(exc.message, "provider") from None
    _refuse_if_pending(package_id, send_package,
                       "Dit pakket staat al in de wachtrij om te worden verzonden. Vernieuw de "
                       "pagina over een ogenblik om het resultaat te zien.")
    if confirm_new:
        return _run(send_package, package_id, name, actor, True)
    return _run(send_package, package_id, name, actor)


def _run(func, package_id: int, *args) -> Package:
    run = enqueue(func, package_id, *args, package_id=package_id)
    package = get_package(package_id)
    if not queued():
        run = db.session.get(JobRun, run.id)
        # a package that ended `mislukt` shows its own reason; anything else (a refusal of
        # a package that was `mislukt` already, too) is raised here
        if run.state == JobState.MISLUKT and (package.state != PackageState.MISLUKT.value
                                       or run.error != package.last_error):
            raise ServiceError(run.error or "Dit is niet gelukt.")
    return package


def _refuse_if_pending(package_id: int, func, message: str) -> None:
    """Raise ServiceError when the same job for the package waits or runs on the queue."""
    if not queued():
        return  # inline, a job runs within the request; nothing waits
    pending = db.session.scalar(
        sa.select(sa.func.count(JobRun.id)).where(
            JobRun.package_id == package_id, JobRun.name == job_name(func),
            JobRun.state.in_([s for s in JobState if s.is_pending]),
            JobRun.created_at > utcnow() - PENDING_FOR))
    if pending:
        raise ServiceError(message)


# --- bulk ------------------------------------------------------------------------------------

def start_bulk_once(organisation_ids: list[int], offer, description: str,
                    actor: str) -> tuple[BulkRun, bool]:
    """Start a bulk run, unless the same person started the same run a moment ago.

    Returns the run and True when it was started now, or the earlier run and False for a
    repeat (same person, description and organisations within REPEAT_WINDOW). Starts are
    serialised, so two requests at once cannot both start. Raises ServiceError as start_bulk.
    """
    from app.services.bulk import start_bulk

    _lock_bulk_starts()
    try:
        earlier = _recent_same_run(organisation_ids, description[:300], actor)
        if earlier is not None:
            db.session.commit()  # release the lock
            return earlier, False
        return start_bulk(organisation_ids, offer, description, actor), True
    except BaseException:
        db.session.rollback()
        raise


def _lock_bulk_starts() -> None:
    """Hold a lock until the next commit: an advisory lock on PostgreSQL, SQLite's write lock."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": BULK_START_LOCK})
    else:  # a write that changes nothing takes the database's write lock
        db.session.execute(sa.update(BulkRun).where(BulkRun.id < 0)
                           .values(total=BulkRun.total)
                           .execution_options(synchronize_session=False))


def _recent_same_run(organisation_ids: list[int], description: str,
                     actor: str) -> BulkRun | None:
    wanted = sorted(organisation_ids)
    candidates = db.session.scalars(
        sa.select(BulkRun).where(BulkRun.created_by == actor, BulkRun.description == description,
                                 BulkRun.total == len(wanted),
                                 BulkRun.created_at > utcnow() - REPEAT_WINDOW)
        .order_by(BulkRun.id.desc())).all()
    for run in candidates:
        if sorted(item.organisation_id for item in run.items) == wanted:
            return run
    return None


def retry_failed_items(bulk_id: int) -> int:
    """Queue the failed items of the run again (make_bulk_item is safe to run twice).

    Returns how many were queued. Raises NotFound for an unknown run and ServiceError when
    no item failed.
    """
    from app.services.bulk import make_bulk_item
    from app.services.errors import NotFound

    run = db.session.get(BulkRun, bulk_id)
    if run is None:
        raise NotFound("Deze bulkopdracht bestaat niet.")
    failed = [item for item in run.items if item.state == BulkItemState.MISLUKT]
    if not failed:
        raise ServiceError("Er zijn geen mislukte organisaties om opnieuw te proberen.")
    offer = bulk_offer_args(bulk_id)
    if offer is None:
        raise ServiceError("Het aanbod van deze bulkopdracht is niet meer bekend; start een "
                           "nieuwe bulkopdracht.")
    ids = [item.id for item in failed]
    db.session.execute(sa.update(BulkItem).where(BulkItem.id.in_(ids))
                       .values(state=BulkItemState.WACHTEND.value, error=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    for item_id in ids:
        enqueue(make_bulk_item, item_id, offer, bulk_id=bulk_id, background=True)
    return len(ids)


def bulk_offer_args(bulk_id: int) -> dict | None:
    """The offer a bulk run's jobs were given (as start_bulk stored it), or None."""
    from app.services.bulk import make_bulk_item

    run = db.session.scalar(
        sa.select(JobRun).where(JobRun.bulk_id == bulk_id,
                                JobRun.name == job_name(make_bulk_item))
        .order_by(JobRun.id).limit(1))
    if run is None or len(run.args) < 2 or not isinstance(run.args[1], dict):
        return None
    return run.args[1]

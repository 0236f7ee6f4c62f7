"""Apply a provider's normalised events to a package: idempotent, and never backwards.

`apply_events` is the one place signing events change signers and packages. Each event is
claimed by its dedupe key (an AppliedEvent row) under a lock on the package row; an event seen
before changes nothing. A late event (a 'viewed' after 'completed', anything after an end
state) is claimed but changes nothing. An event that comes *before* the package is out (the
provider answers while our send is still running) is not claimed, so a later callback or
re-poll can still apply it.

A package that is `mislukt` while the provider reports its envelope as out for signing (a send
whose last step failed ambiguously but did arrive) is taken back to `verzonden` first.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from app.domain.lifecycle import OUT_FOR_SIGNING
from app.domain.states import FINAL
from app.domain.states import TRANSITIONS
from app.domain.states import PackageState
from app.domain.states import SignerState
from app.domain.states import is_stale
from app.extensions import db
from app.services import mailing
from app.services import timeline
from app.store.database import dialect_insert
from app.store.models import AppliedEvent
from app.store.models import Document
from app.store.models import Package
from app.store.models import Signer
from app.store.models import utcnow
from signing import EventKind
from signing import SigningEvent

log = logging.getLogger(__name__)

S = PackageState
NOT_YET_OUT = frozenset({S.CONCEPT, S.KLAAR, S.WACHT_OP_RAAD, S.BESLUIT_GENOMEN})
SIGNED_OR_ENDED = FINAL | {S.ONDERTEKEND}
# Tables for the Core statements of the callback path (cheaper than the ORM's bulk machinery)
PACKAGE = Package.__table__
APPLIED_EVENT = AppliedEvent.__table__

SIGNER_STATES = {  # our signer state for each signer event
    EventKind.SIGNER_NOTIFIED: SignerState.UITGENODIGD,
    EventKind.SIGNER_VIEWED: SignerState.BEKEKEN,
    EventKind.SIGNER_SIGNED: SignerState.ONDERTEKEND,
    EventKind.SIGNER_DECLINED: SignerState.GEWEIGERD,
}
SIGNER_PHRASES = {  # how the timeline says it: "Burgemeester (organisatie) heeft ondertekend."
    SignerState.WACHTEND: "wacht op zijn beurt", SignerState.UITGENODIGD: "uitgenodigd",
    SignerState.BEKEKEN: "heeft de documenten bekeken",
    SignerState.ONDERTEKEND: "heeft ondertekend", SignerState.GEWEIGERD: "heeft geweigerd"}
END_STATES = {
    EventKind.DECLINED: (S.GEWEIGERD, "De ondertekening is geweigerd"),
    EventKind.EXPIRED: (S.VERLOPEN, "De ondertekentermijn is verlopen"),
    EventKind.CANCELLED: (S.INGETROKKEN, "Het pakket is ingetrokken bij de ondertekendienst"),
}


def provider_label(name: str | None) -> str:
    """The provider as a sentence names it (its adapter's label)."""
    from app.services.providers import provider_label as label

    return label(name)


def signer_key(signer: Signer) -> str:
    return f"signer-{signer.id}"


def document_key(document_id: int) -> str:
    return f"doc-{document_id}"


def document_label(document) -> str:
    """A stable name of a document within its package: kind, plus the solution if any."""
    return document.kind + (f":{document.solution_code}" if document.solution_code else "")


def lock_package(package_id: int) -> Package | None:
    """Load the package fresh for an update, holding a lock on its row until commit.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks: a no-op UPDATE of the row
    takes the database's write lock first, so the reads that follow cannot go stale. Whatever
    the session held is flushed first and every loaded object is expired, so the package, its
    signers and documents are read after the lock.
    """
    return _lock(PACKAGE.c.id == package_id)


def lock_package_for_envelope(provider: str, envelope_id: str) -> Package | None:
    """`lock_package` for the package that has this provider's envelope, in one round trip."""
    return _lock(sa.and_(PACKAGE.c.provider == provider, PACKAGE.c.envelope_id == envelope_id))


def _lock(where) -> Package | None:
    db.session.flush()
    statement = sa.select(Package).where(where)
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.update(PACKAGE).where(where)
                           .values(updated_at=PACKAGE.c.updated_at))
    else:
        statement = statement.with_for_update()
    db.session.expire_all()
    return db.session.scalars(statement).first()


@dataclass
class Outcome:
    """What applying a batch of events did."""

    applied: int = 0
    deferred: int = 0  # came before the send finished: left for a later callback or poll
    mail_queued: bool = False
    signed_now: bool = False  # this batch moved the package to `ondertekend`


def apply_events(package_id: int, provider: str, events: list[SigningEvent],
                 actor: str) -> int:
    """Apply new events to the package in order; return how many were new.

    Commits. Safe to call twice with the same events, and from two processes at once.
    Records the archiving job (with the change) when the package is signed.
    """
    package = lock_package(package_id)
    if package is None:
        db.session.rollback()
        return 0
    return apply_and_commit(package, provider, events, actor).applied


def apply_and_commit(package: Package, provider: str, events: list[SigningEvent],
                     actor: str) -> Outcome:
    """`apply_locked`, with what follows (archiving whenever the package is (still) signed:
    a poll of a package stuck in `ondertekend` retries its archiving; mail) recorded as jobs
    in the same transaction; commits."""
    outcome = apply_locked(package, provider, events, actor)
    follow_up(package.id, package.state, outcome, retry_archive=True)
    db.session.commit()
    return outcome


def apply_locked(package: Package, provider: str, events: list[SigningEvent],
                 actor: str) -> Outcome:
    """Apply events to a package locked with `lock_package`; the caller calls `follow_up`
    and commits."""
    outcome = Outcome()
    events = [e for e in events
              if e.envelope_id == package.envelope_id and provider == package.provider]
    if not events:
        log.warning("signing events for another envelope ignored (package %s)", package.id)
        return outcome
    if PackageState(package.state) in NOT_YET_OUT:
        # Not claimed: a later callback or poll applies them once the send has finished.
        keys = {e.dedupe_key[:300] for e in events}
        seen = set(db.session.scalars(sa.select(AppliedEvent.dedupe_key).where(
            AppliedEvent.provider == provider, AppliedEvent.dedupe_key.in_(keys))))
        for event in events:
            if event.dedupe_key[:300] not in seen:
                log.info("signing event %s before the send finished; left for later "
                         "(package %s)", event.kind.value, package.id)
                outcome.deferred += 1
        return outcome
    claimed = claim_events(package.id, provider, events)
    for event in events:
        key = event.dedupe_key[:300]
        if key not in claimed:
            continue  # applied before: changes nothing
        claimed.discard(key)
        outcome.applied += 1
        _apply(package, event, actor, outcome)
    return outcome


def claim_events(package_id: int, provider: str, events: list[SigningEvent]) -> set[str]:
    """Claim the events by their dedupe keys (AppliedEvent rows, no commit); return the keys
    that were new. One statement: the unique constraint on (provider, dedupe_key) decides, so
    an event seen before, or claimed by another process at the same moment, is not claimed
    again. The caller holds the package's lock."""
    now = utcnow()
    rows = {e.dedupe_key[:300]: dict(provider=provider, dedupe_key=e.dedupe_key[:300],
                                     package_id=package_id, kind=e.kind.value, applied_at=now)
            for e in events}
    return set(db.session.scalars(_claim_statement(db.session.get_bind().dialect.name),
                                  list(rows.values())))


@functools.cache
def _claim_statement(dialect: str):
    return (dialect_insert(APPLIED_EVENT, dialect)
            .on_conflict_do_nothing(index_elements=["provider", "dedupe_key"])
            .returning(APPLIED_EVENT.c.dedupe_key))


def follow_up(package_id: int, state: str, outcome: Outcome, *,
              retry_archive: bool = False) -> None:
    """Record the jobs that follow a change, in its transaction (the caller commits):
    archiving a package that was just signed (or, with `retry_archive`, one still waiting
    in `ondertekend`), sending the mail it queued."""
    if outcome.mail_queued:
        queue_mail_delivery(package_id)
    if state == S.ONDERTEKEND.value and (outcome.signed_now or retry_archive):
        queue_archiving(package_id)


def queue_mail_delivery(package_id: int | None = None) -> None:
    """Record a job that sends the queued mail (one waits at a time); no commit."""
    from app.jobs import enqueue

    enqueue(mailing.deliver_mail_job, package_id=package_id, key="mail", commit=False)


def queue_archiving(package_id: int) -> None:
    """Record a job that archives a signed package (one waits per package); no commit."""
    from app.jobs import enqueue
    from app.services.archive import archive_package

    enqueue(archive_package, package_id, package_id=package_id, key=f"archive:{package_id}",
            commit=False)


def mark_sent(package: Package, actor: str, message: str, **details) -> None:
    """Record that the package is out for signing (no commit): the SHA-256 of each document
    as sent, the first signer invited, the move to `verzonden`, and the mail to the
    organisation queued."""
    now = utcnow()
    from app.services.documents import note_sent
    from app.services.documents import version_label

    for document in package.documents:  # to the provider, or (letters) with the mail
        if document.pdf_sha256:
            document.sent_sha256 = document.pdf_sha256  # send_package checked the bytes
            document.sent_at = now
            note_sent(document, now, "ondertekendienst" if document.signed_required
                      else "organisatie (e-mail)")
    if any(len(d.versions) > 1 for d in package.documents):  # say which version went out
        message += " Versies: " + "; ".join(version_label(d) for d in package.documents
                                            if d.sent_sha256 and d.versions) + "."
    package.sent_at = now
    package.last_error = None
    first = min((s.order for s in package.signers), default=None)
    for signer in package.signers:
        if signer.order == first and signer.state == SignerState.WACHTEND:
            signer.state, signer.state_at = SignerState.UITGENODIGD.value, now
    timeline.transition(package, S.VERZONDEN, actor, message, provider=package.provider,
                        documents={document_label(d): d.sent_sha256 for d in package.documents
                                   if d.sent_sha256}, **details)
    mailing.queue_package_sent(package)


def _apply(package: Package, event: SigningEvent, actor: str, outcome: Outcome) -> None:
    state = PackageState(package.state)
    if state is S.MISLUKT and event.kind not in (EventKind.FAILED, EventKind.CANCELLED):
        # The provider has the envelope out although our send ended in an error.
        mark_sent(package, actor, f"{provider_label(package.provider)} meldt dat het pakket "
                  "toch is verstuurd; de eerdere fout is vervallen.", recovered=True)
        outcome.mail_queued = True
        state = S.VERZONDEN
    if event.kind in SIGNER_STATES:
        if state not in SIGNED_OR_ENDED:  # a late signer event changes nothing
            _apply_signer(package, event, actor, outcome)
    elif event.kind is EventKind.COMPLETED:
        _complete(package, event, actor, outcome)
    elif event.kind in END_STATES:
        target, text = END_STATES[event.kind]
        reason = (event.reason or "").strip()
        _move(package, target, actor, f"{text}{': ' + reason if reason else '.'}",
              reason=reason or text + ".")
    elif event.kind is EventKind.FAILED:
        _failed(package, event, actor)
    elif event.kind is EventKind.SENT and state in OUT_FOR_SIGNING:
        timeline.record(package, actor, "provider",
                        f"{provider_label(package.provider)} heeft het pakket verstuurd.")


def _apply_signer(package: Package, event: SigningEvent, actor: str,
                  outcome: Outcome) -> None:
    if event.document_key and event.kind is EventKind.SIGNER_SIGNED:
        # A signed scan of one document (signing on paper): the package is partly signed;
        # the signers count as signed once every document is in (see _complete).
        document = _document(package, event.document_key)
        title = document.title if document else "een document"
        timeline.record(package, actor, "ondertekening",
                        f"Ondertekend exemplaar ontvangen: {title}.",
                        document=document_label(document) if document else None,
                        sha256=document.signed_sha256 if document else None)
        _move(package, S.DEELS_ONDERTEKEND, actor, "Het pakket is deels ondertekend.")
        return
    signer = next((s for s in package.signers if signer_key(s) == event.signer_key), None)
    if signer is None:
        log.warning("signing event for an unknown signer ignored (package %s)", package.id)
        return
    state = SIGNER_STATES[event.kind]
    if SignerState(signer.state).rank >= state.rank:
        return
    signer.state = state.value
    signer.state_at = _naive(event.occurred_at) or utcnow()
    if event.reason:
        signer.reason = event.reason
    party = "NVSI" if signer.party == "nvsi" else "organisatie"
    timeline.record(package, actor, "ondertekenaar",
                    f"{signer.role.capitalize()} ({party}) {SIGNER_PHRASES[state]}.",
                    signer=signer.order, signer_state=state.value)
    if event.kind is EventKind.SIGNER_SIGNED:
        _move(package, S.DEELS_ONDERTEKEND, actor, "Het pakket is deels ondertekend.")
        if signer.party == "organisatie" and package.provider == "manual":
            _board_turn_on_paper(package, actor, outcome)


def _board_turn_on_paper(package: Package, actor: str, outcome: Outcome) -> None:
    """On paper nobody but us tells NVSI's board that it is their turn: once the
    organisation's last signer has signed, mail the board signers (in this transaction)."""
    organisation = [s for s in package.signers if s.party == "organisatie"]
    board = [s for s in package.signers if s.party == "nvsi"]
    if not board or any(s.state != SignerState.ONDERTEKEND for s in organisation):
        return
    now = utcnow()
    for member in board:
        if member.state == SignerState.WACHTEND:
            member.state, member.state_at = SignerState.UITGENODIGD.value, now
    timeline.record(package, actor, "ondertekenaar",
                    "De organisatie heeft getekend; het NVSI-bestuur is aan de beurt en krijgt "
                    "daarover een e-mail.")
    if mailing.queue_board_turn(package):
        outcome.mail_queued = True


def _document(package: Package, key: str):
    """The package's document with this event key (`document_key`), or None; loaded alone,
    not with the package's other documents."""
    prefix, _, number = key.partition("-")
    if prefix != "doc" or not (number.isascii() and number.isdigit()) or len(number) > 9:
        return None
    document = db.session.get(Document, int(number))
    return document if document is not None and document.package_id == package.id else None


def _complete(package: Package, event: SigningEvent, actor: str, outcome: Outcome) -> None:
    if PackageState(package.state) not in OUT_FOR_SIGNING:
        return  # late (already signed or ended): nothing changes
    at = _naive(event.occurred_at) or utcnow()
    for signer in package.signers:
        if not SignerState(signer.state).is_done:
            signer.state, signer.state_at = SignerState.ONDERTEKEND.value, at
    package.signed_at = at
    outcome.signed_now = True
    _move(package, S.ONDERTEKEND, actor,
          "Alle handtekeningen zijn binnen; de overeenkomsten staan nu op naam van de organisatie.")
    from app.services.archive import record_agreements

    record_agreements(package, at.date())


def _failed(package: Package, event: SigningEvent, actor: str) -> None:
    """The provider gave up on the envelope: the package is `mislukt` and a new send makes a
    new envelope (the old one is kept in the timeline)."""
    reason = (event.reason or "").strip()
    text = ("De ondertekendienst meldt een fout met het ondertekenverzoek"
            + (f": {reason}" if reason else "."))
    current = PackageState(package.state)
    if S.MISLUKT not in TRANSITIONS[current]:
        timeline.record(package, actor, "fout", text)
        return
    old = package.envelope_id
    package.last_error = text + " Verzend het pakket opnieuw."
    package.envelope_id = None
    package.send_key = None
    timeline.transition(package, S.MISLUKT, actor, text, envelope=old)


def _move(package: Package, target: PackageState, actor: str, message: str, **details) -> None:
    """Transition unless the event comes too late or the move is not possible from here."""
    current = PackageState(package.state)
    if current is target or is_stale(current, target):
        return
    if target not in TRANSITIONS[current]:
        log.info("package %s: %s ignored in state %s", package.id, target.value, current.value)
        return
    if details.get("reason"):
        package.state_reason = details["reason"]
    timeline.transition(package, target, actor, message, **details)


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)

"""Correcting a package after it was sent: withdraw it, and send a corrected new version.

`correct_package` takes a reason and the same checked input as an edit (a NewPackage for
the package's own organisation). Everything that can refuse is checked first: the one rule
(Action.CORRECT), the reason, the signer, the planning rules and the start dates. Only then
is the envelope withdrawn at the provider, with the reason, through the withdraw path of
app.services.sending (the provider's HTTP retries; a provider that no longer knows the
envelope is taken as withdrawn). A provider that cannot withdraw refuses the correction and
nothing has changed: staff try again with the same input.

After the withdrawal, one transaction holds the rest: the old package `ingetrokken`, the new
version (linked to it: `replaces_id`) with the raad step and volmacht it already had, the one
mail that tells the organisation the earlier request is void, both timelines, and the job
that makes the new version's documents and sends it with the same provider
(`resend_correction`). The old package keeps its documents and their SHA-256.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from app.domain.edits import PackageTerms
from app.domain.edits import check_start_dates
from app.domain.edits import describe_changes
from app.domain.lifecycle import Action
from app.domain.organisations import OrgKind
from app.domain.states import PackageState
from app.extensions import db
from app.jobs import enqueue
from app.runtime import runtime
from app.services import mailing
from app.services import timeline
from app.services.editing import terms_of
from app.services.errors import ServiceError
from app.services.intake import NewPackage
from app.services.lifecycle import require
from app.services.packages import add_package
from app.services.packages import get_package
from app.services.packages import preview
from app.services.packages import signatory_capacity_for
from app.services.tracking import queue_mail_delivery
from app.store.models import Package

NOTHING_CHANGED = ("Er is niets gewijzigd. Pas de gegevens aan die moeten worden "
                   "gecorrigeerd; wilt u de ondertekenaars alleen aan het verzoek herinneren, "
                   "kies dan 'Herinnering sturen'.")
# What the new version takes over from the old: the raad step (Gemeentewet art. 160) and
# the collegebesluit stay valid for a corrected request, as does an uploaded volmacht.
COUNCIL_FIELDS = ("council_started_on", "council_sent_on", "council_deadline",
                  "council_reaction", "council_reaction_on", "council_reaction_text",
                  "council_letter_key", "council_letter_sha256", "council_letter_filename",
                  "council_reminder_sent_on", "college_decision_on",
                  "college_decision_reference")
VOLMACHT_FILE = ("volmacht_key", "volmacht_sha256", "volmacht_filename")


@dataclasses.dataclass(frozen=True)
class CorrectionResult:
    old: Package  # now `ingetrokken`
    new: Package  # the corrected version, sent (or `mislukt` with the reason)
    changes: list[str]  # Dutch, one sentence per change


def correct_package(package_id: int, new: NewPackage, reason: str, actor: str,
                    today: dt.date | None = None) -> CorrectionResult:
    """Withdraw the sent package `package_id` with `reason` and send a corrected version
    made from `new`; return both.

    Raises Refused (409: the one rule's reason), ServiceError (no reason, nothing changed,
    the provider could not withdraw), RuleError or IntakeError (the correction breaks a
    rule, with the field); then nothing has changed, here or at the provider.
    """
    old = get_package(package_id)
    require(old, Action.CORRECT)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError("Geef een reden op voor de correctie; de organisatie leest die in "
                           "de e-mail.", "reason")
    organisation = old.organisation
    new = dataclasses.replace(new, organisation_id=organisation.id, organisation=None,
                              replaces=old.id, replace_reason=reason)
    capacity = signatory_capacity_for(new, OrgKind(organisation.kind))  # RuleError
    before = terms_of(old)
    after = PackageTerms(new.involvement, new.contact, new.signatory, tuple(new.solutions),
                         new.participant_warning_acknowledged, capacity, new.volmacht,
                         new.second_signatory)
    changes = describe_changes(before, after, runtime().reference)
    if not changes:
        raise ServiceError(NOTHING_CHANGED)
    check_start_dates(before, after, today or dt.date.today())  # RuleError
    plan = preview(new)  # RuleError, IntakeError: the old package's documents left out

    from app.services.sending import record_withdrawal
    from app.services.sending import withdraw_at_provider

    gone = withdraw_at_provider(old, reason)  # ServiceError: nothing changed
    try:
        old = record_withdrawal(package_id, reason, actor,
                                f"Ingetrokken voor correctie: {reason}", gone,
                                correction=True)
        corrected = add_package(new, old.organisation, plan, capacity, actor)
        db.session.flush()
        _take_over(old, corrected, before.volmacht == after.volmacht)
        summary = " ".join(changes)
        timeline.record(old, actor, "correctie",
                        f"Gecorrigeerd: vervangen door de nieuwe versie "
                        f"{corrected.reference_number}. {summary}",
                        reason=reason, changes=changes, replaced_by=corrected.id)
        timeline.record(corrected, actor, "correctie",
                        f"Nieuwe versie van pakket {old.reference_number}, dat na verzending "
                        f"is gecorrigeerd en ingetrokken. Reden: {reason} {summary} De "
                        "organisatie krijgt bericht dat het eerdere verzoek vervalt.",
                        reason=reason, changes=changes, replaces=old.id)
        mailing.queue_correction(old, corrected, reason, changes)
        queue_mail_delivery(old.id)
        provider = old.provider
        corrected_id = corrected.id
        enqueue(resend_correction, corrected_id, provider, actor, package_id=corrected_id)
    except BaseException:
        db.session.rollback()
        raise
    return CorrectionResult(get_package(package_id), get_package(corrected_id), changes)


def _take_over(old: Package, corrected: Package, same_volmacht: bool) -> None:
    """Give the new version the raad step and the volmacht file the old one had."""
    if corrected.needs_council and old.needs_council:
        for name in COUNCIL_FIELDS:
            setattr(corrected, name, getattr(old, name))
    if same_volmacht and corrected.volmacht_on is not None:
        for name in VOLMACHT_FILE:
            setattr(corrected, name, getattr(old, name))


def resend_correction(package_id: int, provider_name: str | None, actor: str) -> Package:
    """Make the corrected version's documents and send it with `provider_name` (a job; safe
    to run again: it goes on from where the package is). A failed step leaves the package
    `mislukt` with the reason, for staff to try again on its page."""
    from app.services.documents import make_documents
    from app.services.sending import send_package

    package = get_package(package_id)
    if package.state == PackageState.CONCEPT.value:
        package = make_documents(package_id, actor)
    if package.state != PackageState.KLAAR.value:
        return package
    return send_package(package_id, provider_name, actor)

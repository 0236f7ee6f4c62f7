"""The one rule for what may happen next (app.domain.lifecycle), asked about a stored package.

Pages, API and services call `allowed_actions`, `refusals` or `require`; none keeps its own
list of states.
"""

from __future__ import annotations

from app.domain.lifecycle import Action
from app.domain.lifecycle import ActionRefused
from app.domain.lifecycle import Situation
from app.domain.lifecycle import allowed
from app.domain.lifecycle import decide
from app.domain.lifecycle import refusal
from app.domain.states import PackageState
from app.domain.states import SignerState
from app.services.errors import ServiceError
from app.store.models import Package


class Refused(ServiceError, ActionRefused):
    """The one rule's refusal as services raise it: a ServiceError (no field) and a
    TransitionError at once, so every page and API handler answers it with 409."""

    def __init__(self, action: Action, message: str):
        ActionRefused.__init__(self, action, message)
        self.field = None


def situation_of(package: Package) -> Situation:
    """What the rule needs to know of `package`, read from the store and the provider."""
    from app.services.orphans import had_unclear_send
    from app.services.packages import council_record
    from app.services.providers import provider
    from app.services.tracking import provider_label
    from signing import SigningError
    from signing import provider_class

    can_remind = can_poll = False
    if package.provider:
        try:  # what the provider can do by its kind; asking it says when it is not set up
            can_poll = bool(provider_class(package.provider).can_poll)
            # a reminder would only fail without the provider's keys: not offered then
            can_remind = bool(provider(package.provider).can_remind)
        except SigningError:
            pass
    signed = [d for d in package.documents if d.signed_required]
    return Situation(
        state=PackageState(package.state),
        needs_council=bool(package.needs_council),
        council=council_record(package),
        documents_made=bool(signed) and all(d.pdf_key for d in signed),
        sent_before=bool(package.envelope_id),
        provider=package.provider,
        provider_label=provider_label(package.provider) if package.provider else
        "de ondertekendienst",
        provider_can_remind=can_remind,
        provider_can_poll=can_poll,
        volmacht_asked=package.volmacht_on is not None,
        audit_trail=bool(package.audit_trail_key),
        unclear_send=had_unclear_send(package),
        organisation_signed=all(s.state == SignerState.ONDERTEKEND
                                for s in package.signers if s.party == "organisatie"),
    )


def allowed_actions(package: Package) -> frozenset[Action]:
    """The actions that may be taken on `package` now."""
    return allowed(situation_of(package))


def refusals(package: Package) -> dict[Action, str]:
    """Every action refused now, with its Dutch reason."""
    return {a: reason for a, reason in decide(situation_of(package)).items() if reason}


def require(package: Package, action: Action) -> None:
    """Raise Refused (409 by page and API, with the rule's reason) unless `action` may be
    taken on `package` now."""
    reason = refusal(situation_of(package), action)
    if reason is not None:
        raise Refused(action, reason)

"""An envelope that a send with an unclear outcome made after all.

After a create whose answer was lost (a time-out, a 500 after the provider may have made the
envelope), a provider that cannot be searched (Signhost) leaves staff to check at the provider
and resend (app/services/sending.py); the package keeps a timeline entry of kind
UNCLEAR_SEND. When staff find an envelope with the package's key there, they enter its id on
the package page (or through the API): `take_found_envelope` asks the provider for it, checks
that it was made with this package's idempotency key (its reference), and then

* the package has no envelope yet and waits to be resent: the envelope becomes the
  package's, and the next send resumes it, so no second one is made;
* the package has another envelope (resent meanwhile) or was withdrawn: the found envelope is
  unused and is cancelled at the provider, as long as nobody has signed in it (a create
  invites nobody before the start, so nobody has received it).

Each outcome is in the package's timeline.
"""

from __future__ import annotations

import logging

from app.domain.lifecycle import Action
from app.domain.states import PackageState
from app.extensions import db
from app.services import timeline
from app.services.errors import ServiceError
from app.services.lifecycle import require
from app.services.packages import get_package
from app.services.providers import provider as get_provider
from app.services.tracking import provider_label
from app.store.models import Package
from signing import EnvelopeGone
from signing import EnvelopeState
from signing import SigningError

log = logging.getLogger(__name__)

UNCLEAR_SEND = "onduidelijke_verzending"  # the timeline kind sending.py records
UNUSED = frozenset({EnvelopeState.DRAFT, EnvelopeState.SENT})
RESUMED, CANCELLED = "hervat", "geannuleerd"


def had_unclear_send(package: Package) -> bool:
    """True when a send of this package had an unclear outcome."""
    return any(event.kind == UNCLEAR_SEND for event in package.events)


def take_found_envelope(package_id: int, envelope_id: str, actor: str) -> str:
    """Resume or cancel the envelope staff found at the provider (see the module docstring);
    return RESUMED or CANCELLED. Raises ServiceError (Dutch; nothing changed) for an envelope
    the provider does not know, one made for another package, or one already signed in."""
    envelope_id = (envelope_id or "").strip()
    if not envelope_id or len(envelope_id) > 200 or not envelope_id.isprintable():
        raise ServiceError("Vul het id van de envelop in zoals de ondertekendienst het toont.",
                           "envelope_id")
    package = get_package(package_id)
    require(package, Action.FOUND_ENVELOPE)
    if envelope_id == package.envelope_id:
        raise ServiceError("Dit is de envelop die het pakket al gebruikt.", "envelope_id")
    label = provider_label(package.provider)
    key = (package.send_key or "").split("@")[0]
    try:
        status = get_provider(package.provider).status(envelope_id)
    except EnvelopeGone:
        raise ServiceError(f"{label} kent geen envelop met dit id.", "envelope_id") from None
    except SigningError as exc:
        raise ServiceError(f"{label} is nu niet te raadplegen: {exc.message}") from None
    if not key or status.reference != key:
        raise ServiceError(f"Deze envelop hoort niet bij dit pakket: hij heeft niet het "
                           f"kenmerk {key}.", "envelope_id")
    if package.envelope_id is None and package.state == PackageState.MISLUKT:
        package.envelope_id = envelope_id
        package.send_unknown_at = None
        timeline.record(package, actor, "envelop",
                        f"De envelop van de onduidelijke verzending is bij {label} gevonden; "
                        "bij opnieuw verzenden wordt die hervat.", envelope=envelope_id)
        db.session.commit()
        return RESUMED
    if status.state not in UNUSED or any(s.state.value == "signed" for s in status.signers):
        raise ServiceError(f"In deze envelop is al ondertekend of hij is afgesloten "
                           f"({status.state.value}); Tekenklaar annuleert hem niet. Handel "
                           f"dit af bij {label}.", "envelope_id")
    try:
        get_provider(package.provider).cancel(
            envelope_id, "Ongebruikte envelop: vervangen door een nieuwe verzending.")
    except EnvelopeGone:
        pass
    except SigningError as exc:
        raise ServiceError(f"Annuleren bij {label} is niet gelukt: {exc.message}") from None
    timeline.record(package, actor, "envelop",
                    f"De ongebruikte tweede envelop van de onduidelijke verzending is bij "
                    f"{label} geannuleerd; niemand had die ontvangen.", envelope=envelope_id)
    db.session.commit()
    log.info("unused envelope cancelled at %s (package %s)", package.provider, package.id)
    return CANCELLED

"""Package events for NVSI's other systems (outgoing webhooks): which there are, which state
change is which event, what a message says, and which receiver addresses are acceptable.

A message follows the Standard Webhooks payload shape: ``{"type", "timestamp", "data"}``.
It names the package, never a person (no names, no e-mail addresses).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from urllib.parse import urlsplit

from app.domain.states import PackageState
from app.domain.validation import InputError

MAX_URL_LENGTH = 2000


class PackageEvent(enum.StrEnum):
    CREATED = "package.created"
    SENT = "package.sent"
    SIGNED = "package.signed"
    ARCHIVED = "package.archived"
    DECLINED = "package.declined"
    WITHDRAWN = "package.withdrawn"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    PackageEvent.CREATED: "Pakket aangemaakt",
    PackageEvent.SENT: "Pakket verzonden voor ondertekening",
    PackageEvent.SIGNED: "Pakket ondertekend",
    PackageEvent.ARCHIVED: "Pakket gearchiveerd",
    PackageEvent.DECLINED: "Pakket geweigerd",
    PackageEvent.WITHDRAWN: "Pakket ingetrokken",
}

# The state a package moves to, as the event other systems hear of; other moves are quiet.
EVENT_OF_STATE = {
    PackageState.VERZONDEN: PackageEvent.SENT,
    PackageState.ONDERTEKEND: PackageEvent.SIGNED,
    PackageState.GEARCHIVEERD: PackageEvent.ARCHIVED,
    PackageState.GEWEIGERD: PackageEvent.DECLINED,
    PackageState.INGETROKKEN: PackageEvent.WITHDRAWN,
}


def event_for(kind: str, state_to: str | None) -> PackageEvent | None:
    """The event a timeline entry of `kind` (moving the package to `state_to`) announces,
    or None."""
    if kind == "aangemaakt":
        return PackageEvent.CREATED
    if state_to is None:
        return None
    return EVENT_OF_STATE.get(PackageState(state_to))


def message_body(event: PackageEvent, at: dt.datetime, *, package_id: int, reference: str,
                 organisation: str, state: str) -> str:
    """The JSON body of one event (compact, UTF-8 text): exactly these bytes are signed and
    sent on every attempt. `at` is naive UTC."""
    return json.dumps({
        "type": event.value,
        "timestamp": at.replace(microsecond=0).isoformat() + "Z",
        "data": {"package_id": package_id, "reference": reference,
                 "organisation": organisation, "state": state},
    }, ensure_ascii=False, separators=(",", ":"))


def parse_events(values: list[str]) -> list[PackageEvent]:
    """The chosen events, in their own order; raise InputError when none (or an unknown one)
    is chosen."""
    try:
        chosen = {PackageEvent(value) for value in values}
    except ValueError:
        raise InputError("events", "Gebeurtenissen", "kies uit de lijst.") from None
    if not chosen:
        raise InputError("events", "Gebeurtenissen", "kies ten minste één gebeurtenis.")
    return [event for event in PackageEvent if event in chosen]


def check_receiver_url(url: str, *, allow_plain_http: bool) -> str:
    """The receiver address, trimmed; raise InputError (Dutch) unless it is an absolute
    https:// address (http:// only when allowed) with a host and no user name or password."""
    url = (url or "").strip()
    label = "Adres (URL)"
    if not url:
        raise InputError("url", label, "vul het adres in waarop het systeem de berichten "
                         "ontvangt.")
    if len(url) > MAX_URL_LENGTH:
        raise InputError("url", label, f"gebruik ten hoogste {MAX_URL_LENGTH} tekens.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        raise InputError("url", label, "dit is geen geldig webadres.") from None
    schemes = ("https", "http") if allow_plain_http else ("https",)
    if parts.scheme.lower() not in schemes:
        raise InputError("url", label, "het adres moet met https:// beginnen (versleuteld).")
    if not parts.hostname:
        raise InputError("url", label, "er ontbreekt een servernaam, bijvoorbeeld "
                         "https://crm.nvsi.nl/webhooks.")
    if parts.username or parts.password:
        raise InputError("url", label, "zet geen gebruikersnaam of wachtwoord in het adres; "
                         "de berichten zijn ondertekend met het geheim.")
    if parts.fragment:
        raise InputError("url", label, "laat het deel na # weg.")
    if any(ord(c) < 33 for c in url):
        raise InputError("url", label, "een webadres bevat geen spaties of stuurtekens.")
    return url

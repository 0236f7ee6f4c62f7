"""Who signs for an organisation, and on what authority (Gemeentewet art. 171; statuten).

For a gemeente the burgemeester represents the gemeente (art. 171 lid 1) and may authorise
someone else to do so (lid 2): such a gemachtigde needs a volmacht, whose date and reference
are printed beside the signature. For another organisation the person its statuten name
signs, with a second signer where the statuten ask for two.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from app.domain.formatting import format_date
from app.domain.organisations import OrgKind


class SignatoryCapacity(enum.StrEnum):
    BURGEMEESTER = "burgemeester"
    GEMACHTIGDE = "gemachtigde"  # authorised by the burgemeester (volmacht)
    STATUTAIR = "statutair"  # named by the organisation's statuten

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SignatoryCapacity.BURGEMEESTER: "De burgemeester",
    SignatoryCapacity.GEMACHTIGDE: "Een gemachtigde met volmacht van de burgemeester",
    SignatoryCapacity.STATUTAIR: "Volgens de statuten bevoegd",
}
GEMEENTE_CAPACITIES = (SignatoryCapacity.BURGEMEESTER, SignatoryCapacity.GEMACHTIGDE)
BURGEMEESTER_FUNCTION = "burgemeester"


@dataclass(frozen=True)
class Volmacht:
    granted_on: dt.date
    reference: str


class SignatoryError(ValueError):
    """The signer does not fit the organisation; `message` is Dutch, `field` the input."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def resolve_capacity(kind: OrgKind, capacity: SignatoryCapacity | None,
                     function: str | None) -> SignatoryCapacity:
    """The capacity a signer signs in: as given, or the default for the organisation.

    A gemeente's signer without a capacity is the burgemeester when the function says so;
    another organisation's signer signs under its statuten. Raises SignatoryError.
    """
    if kind is OrgKind.GEMEENTE:
        if capacity is None:
            if (function or "").strip().lower() in ("", BURGEMEESTER_FUNCTION):
                return SignatoryCapacity.BURGEMEESTER
            raise SignatoryError(
                "Ondertekenaar: voor een gemeente tekent de burgemeester, of een gemachtigde "
                "met een volmacht van de burgemeester (artikel 171 Gemeentewet). Kies wie "
                "tekent.", "signatory_capacity")
        if capacity not in GEMEENTE_CAPACITIES:
            raise SignatoryError(
                "Ondertekenaar: voor een gemeente tekent de burgemeester, of een gemachtigde "
                "met een volmacht van de burgemeester (artikel 171 Gemeentewet).",
                "signatory_capacity")
        return capacity
    if capacity not in (None, SignatoryCapacity.STATUTAIR):
        raise SignatoryError(
            "Ondertekenaar: alleen voor een gemeente tekent de burgemeester of zijn "
            "gemachtigde; voor deze organisatie tekent wie de statuten aanwijzen.",
            "signatory_capacity")
    return SignatoryCapacity.STATUTAIR


def check_signatory(kind: OrgKind, capacity: SignatoryCapacity, function: str | None,
                    volmacht: Volmacht | None, has_second: bool, today: dt.date) -> None:
    """Raise SignatoryError when the signer's details do not fit `capacity` and `kind`."""
    if capacity is SignatoryCapacity.GEMACHTIGDE:
        if volmacht is None:
            raise SignatoryError(
                "Volmacht: een gemachtigde tekent alleen met een volmacht van de burgemeester "
                "(artikel 171, tweede lid, Gemeentewet). Vul de datum en het kenmerk van de "
                "volmacht in.", "volmacht_on")
        if volmacht.granted_on > today:
            raise SignatoryError("Datum volmacht: deze datum ligt in de toekomst.", "volmacht_on")
    elif volmacht is not None:
        raise SignatoryError("Volmacht: alleen een gemachtigde van de burgemeester tekent met "
                             "een volmacht; laat datum en kenmerk leeg.", "volmacht_on")
    if capacity is not SignatoryCapacity.BURGEMEESTER and not (function or "").strip():
        raise SignatoryError("Functie ondertekenaar: vul dit veld in.", "signatory_function")
    if has_second and kind is OrgKind.GEMEENTE:
        raise SignatoryError("Tweede ondertekenaar: voor een gemeente tekent één persoon "
                             "(artikel 171 Gemeentewet); laat deze velden leeg.",
                             "second_signatory_name")


def function_for(capacity: SignatoryCapacity, function: str | None) -> str:
    """The function printed for the signer: 'burgemeester' for the burgemeester."""
    if capacity is SignatoryCapacity.BURGEMEESTER:
        return BURGEMEESTER_FUNCTION
    return (function or "").strip()


def authority_text(capacity: SignatoryCapacity | None, organisation: str, kind: OrgKind,
                   volmacht: Volmacht | None) -> str:
    """The Dutch text printed beside the signature; "" when there is nothing to add."""
    if kind is not OrgKind.GEMEENTE:
        return ""
    if capacity is SignatoryCapacity.GEMACHTIGDE and volmacht is not None:
        return (f"namens de burgemeester van de gemeente {organisation}, krachtens volmacht "
                f"van {format_date(volmacht.granted_on)}, kenmerk {volmacht.reference}")
    if capacity is SignatoryCapacity.BURGEMEESTER:
        return f"Burgemeester van de gemeente {organisation}"
    return ""

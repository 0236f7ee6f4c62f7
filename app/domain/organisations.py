"""Organisation kinds, the two ways of involvement, and the people a package names."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class OrgKind(enum.StrEnum):
    GEMEENTE = "gemeente"
    PUBLIEKE_ORGANISATIE = "publieke_organisatie"
    MAATSCHAPPELIJKE_ORGANISATIE = "maatschappelijke_organisatie"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    OrgKind.GEMEENTE: "gemeente",
    OrgKind.PUBLIEKE_ORGANISATIE: "publieke organisatie",
    OrgKind.MAATSCHAPPELIJKE_ORGANISATIE: "maatschappelijke organisatie",
}


class Involvement(enum.StrEnum):
    """How an organisation is involved: as a member, or through a participant."""

    LID = "lid"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        return "lid" if self is Involvement.LID else "participant"


@dataclass(frozen=True)
class Person:
    """A contact person or signatory, as typed by staff."""

    name: str
    function: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    city: str


@dataclass(frozen=True)
class Organisation:
    """An organisation as the documents name it."""

    name: str
    kind: OrgKind
    cbs_code: str | None = None  # GMxxxx, gemeenten only
    kvk: str | None = None
    oin: str | None = None
    address: Address | None = None
    privacy_officer: Person | None = None  # functionaris gegevensbescherming (FG)
    breach_contact: Person | None = None  # for data breaches, reachable at any hour

    @property
    def controller_name(self) -> str:
        """The verwerkingsverantwoordelijke: the legal person, with the organ that acts for it.

        A gemeente acts through its College (Gemeentewet art. 160); a stichting, vereniging or
        other body through its bestuur. GDPR art. 4(7): the controller is the legal person.
        """
        if self.kind is OrgKind.GEMEENTE:
            return (f"de gemeente {self.name}, vertegenwoordigd door het college van "
                    "burgemeester en wethouders")
        return f"{self.name}, vertegenwoordigd door haar bestuur"

"""The general assembly (Algemene Ledenvergadering, ALV): its meetings and decisions.

The ALV decides on the regiegroepen's (financial) proposals and sets, every year, the fees and
the surcharge for office costs/general services (bureaukosten/algemene diensten). A decision is
named in the documents as `decision_label(number, decided_on)`:
"ALV-besluit 2025-07 van 20 november 2025".

Plain checks of what a beheerder types, with Dutch messages (`InputError`); no database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.domain.formatting import format_date
from app.domain.validation import InputError
from app.domain.validation import clean_date
from app.domain.validation import clean_text

DECISION_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$")
MAX_SUBJECT = 200
MAX_DECISION_TEXT = 5000


def decision_label(number: str, decided_on: dt.date) -> str:
    """How a contract names the decision: `ALV-besluit 2025-07 van 20 november 2025`."""
    return f"ALV-besluit {number} van {format_date(decided_on)}"


@dataclass(frozen=True)
class MeetingInput:
    """A meeting of the ALV: when, and where (a place, online, or both)."""

    held_on: dt.date
    place: str
    online: bool

    @property
    def where(self) -> str:
        if self.place and self.online:
            return f"{self.place} en online"
        return self.place or "online"


@dataclass(frozen=True)
class DecisionInput:
    """One decision of a meeting: its number, date, subject and text."""

    number: str
    decided_on: dt.date
    subject: str
    text: str


def parse_meeting(form: dict[str, str]) -> MeetingInput:
    """Check a meeting as typed (`held_on`, `place`, `online`); raise InputError."""
    held_on = clean_date(form.get("held_on"), "held_on", "Datum van de vergadering")
    place = clean_text(form.get("place"), "place", "Plaats", required=False)
    online = (form.get("online") or "") in {"1", "on", "ja", "true"}
    if not place and not online:
        raise InputError("place", "Plaats", "vul de plaats in, of kruis aan dat de vergadering "
                                             "online was.")
    return MeetingInput(held_on, place, online)


def parse_decision(form: dict[str, str], meeting_held_on: dt.date,
                   today: dt.date) -> DecisionInput:
    """Check a decision as typed (`number`, `decided_on`, `subject`, `text`) for a meeting
    held on `meeting_held_on`; an empty date is the meeting's. A decision is recorded once it
    is taken: not dated after `today`. Raise InputError."""
    number = " ".join((form.get("number") or "").split())
    if not number:
        raise InputError("number", "Besluitnummer", "vul het nummer in, bijvoorbeeld 2026-09.")
    if not DECISION_NUMBER.match(number):
        raise InputError("number", "Besluitnummer", "gebruik cijfers, letters, punten, "
                                                    "streepjes of schuine strepen (hoogstens "
                                                    "40 tekens), bijvoorbeeld 2026-09.")
    if (form.get("decided_on") or "").strip():
        decided_on = clean_date(form.get("decided_on"), "decided_on", "Datum van het besluit")
    else:
        decided_on = meeting_held_on
    if decided_on < meeting_held_on:
        raise InputError("decided_on", "Datum van het besluit",
                         f"kan niet vóór de vergadering liggen ({format_date(meeting_held_on)}).")
    if decided_on > today:
        raise InputError("decided_on", "Datum van het besluit",
                         f"ligt na vandaag ({format_date(decided_on)}); leg een besluit vast "
                         "nadat de ALV het heeft genomen.")
    subject = clean_text(form.get("subject"), "subject", "Onderwerp", max_length=MAX_SUBJECT)
    text = _long_text(form.get("text"))
    return DecisionInput(number, decided_on, subject, text)


def _long_text(value: str | None) -> str:
    """The decision's text: paragraphs kept, at most MAX_DECISION_TEXT characters."""
    paragraphs = [clean_text(part, "text", "Tekst van het besluit", required=False,
                             max_length=MAX_DECISION_TEXT)
                  for part in re.split(r"\r?\n\s*\r?\n", value or "")]
    text = "\n\n".join(part for part in paragraphs if part)
    if not text:
        raise InputError("text", "Tekst van het besluit", "vul de tekst van het besluit in.")
    if len(text) > MAX_DECISION_TEXT:
        raise InputError("text", "Tekst van het besluit",
                         f"gebruik hoogstens {MAX_DECISION_TEXT} tekens.")
    return text

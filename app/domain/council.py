"""The raad step of a gemeente joining as lid (Gemeentewet art. 160 lid 2), as plain rules.

The College decides to join a vereniging only after the raad has received the ontwerpbesluit
and has had the chance to make its wensen en bedenkingen known. The law sets no term; the
service gives the raad a term (a setting, default six weeks) that runs from the day the
ontwerpbesluit was sent to the raad. The steps, in order:

1. started      NVSI sends the gemeente the raadsbrief and ontwerpbesluit (editable drafts);
2. sent         the College sends them to the raad; the raad's deadline follows from that day;
3. reaction     the raad reacts: no wensen en bedenkingen, or wensen en bedenkingen (optional:
                without a reaction the College may decide once the term has ended);
4. decided      the College decides (date and kenmerk), after the term or after the reaction.

`next_steps` is the one rule for which step may be recorded next; the `check_*` functions
refuse a step with a Dutch message (CouncilError) and say which field is wrong.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.formatting import format_date

ART_160 = "artikel 160, tweede lid, Gemeentewet"


class CouncilReaction(enum.StrEnum):
    GEEN = "geen_wensen_en_bedenkingen"
    WENSEN_EN_BEDENKINGEN = "wensen_en_bedenkingen"

    @property
    def label(self) -> str:
        return ("geen wensen en bedenkingen" if self is CouncilReaction.GEEN
                else "wensen en bedenkingen")


class CouncilStep(enum.StrEnum):
    START = "start"
    SENT = "naar_raad"
    REACTION = "reactie"
    DECISION = "collegebesluit"


class CouncilError(ValueError):
    """A step that cannot be recorded; `message` is Dutch, `field` names the input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CouncilRecord:
    """What has been recorded of the procedure so far."""

    started_on: dt.date | None = None
    sent_on: dt.date | None = None  # the day the ontwerpbesluit went to the raad
    deadline: dt.date | None = None  # the last day the raad may react (tot en met)
    reaction: CouncilReaction | None = None
    reaction_on: dt.date | None = None
    reaction_text: str = ""
    decided_on: dt.date | None = None
    decision_reference: str | None = None


def raad_deadline(sent_on: dt.date, weeks: int) -> dt.date:
    """The last day (tot en met) of the raad's term of `weeks` weeks from `sent_on`."""
    return sent_on + dt.timedelta(weeks=weeks)


def reminder_due_on(record: CouncilRecord, days: int) -> dt.date | None:
    """The day a reminder to the gemeente is due: `days` after the deadline, while no
    collegebesluit is recorded; None when no reminder is due at all."""
    if record.deadline is None or record.decided_on is not None:
        return None
    return record.deadline + dt.timedelta(days=days)


def next_steps(record: CouncilRecord, waiting: bool) -> frozenset[CouncilStep]:
    """The steps that may be recorded now. `waiting`: the package waits for the raad."""
    if record.started_on is None:
        return frozenset({CouncilStep.START})
    if not waiting or record.decided_on is not None:
        return frozenset()
    if record.sent_on is None:
        return frozenset({CouncilStep.SENT})
    steps = {CouncilStep.DECISION}
    if record.reaction is None:
        steps.add(CouncilStep.REACTION)
    return frozenset(steps)


def check_sent(record: CouncilRecord, sent_on: dt.date, today: dt.date) -> None:
    """Raise CouncilError unless `sent_on` can be the day the ontwerpbesluit went to the raad."""
    if record.started_on is None:
        raise CouncilError("Start eerst de raadsprocedure.")
    if sent_on > today:
        raise CouncilError("De datum waarop het ontwerpbesluit naar de raad ging, ligt in de "
                           "toekomst. Leg deze datum vast als het ontwerpbesluit is verzonden.",
                           "sent_on")
    if sent_on < record.started_on:
        raise CouncilError(
            "Het ontwerpbesluit kan niet naar de raad zijn gegaan vóór het begin van de "
            f"raadsprocedure op {format_date(record.started_on)}. Controleer de datum.",
            "sent_on")


def check_reaction(record: CouncilRecord, reaction: CouncilReaction, reaction_on: dt.date,
                   text: str, today: dt.date) -> None:
    """Raise CouncilError unless the raad's reaction can be recorded like this."""
    if record.sent_on is None:
        raise CouncilError("Leg eerst vast op welke datum het ontwerpbesluit naar de raad ging.")
    if reaction_on > today:
        raise CouncilError("De datum van de reactie van de raad ligt in de toekomst.",
                           "reaction_on")
    if reaction_on < record.sent_on:
        raise CouncilError(
            "De raad kan niet hebben gereageerd vóór hij het ontwerpbesluit ontving op "
            f"{format_date(record.sent_on)}. Controleer de datum.", "reaction_on")
    if reaction is CouncilReaction.WENSEN_EN_BEDENKINGEN and not text.strip():
        raise CouncilError("Wensen en bedenkingen: vul in wat de raad naar voren heeft "
                           "gebracht.", "reaction_text")


def check_decision(record: CouncilRecord, decided_on: dt.date, today: dt.date,
                   starts: Iterable[tuple[str, dt.date]] = ()) -> None:
    """Raise CouncilError unless the College may have decided on `decided_on` (art. 160 lid 2).

    `starts`: (solution name, start date) of the solutions in the package; none may start
    before the collegebesluit.
    """
    if record.sent_on is None:
        raise CouncilError(
            "Het college kan pas besluiten nadat de raad het ontwerpbesluit heeft ontvangen "
            f"({ART_160}). Leg eerst vast op welke datum het ontwerpbesluit naar de raad ging.",
            "decided_on")
    if decided_on > today:
        raise CouncilError("De datum van het collegebesluit ligt in de toekomst.", "decided_on")
    if decided_on < record.sent_on:
        raise CouncilError(
            "Het college kan pas besluiten nadat de raad het ontwerpbesluit heeft ontvangen "
            f"op {format_date(record.sent_on)} ({ART_160}).", "decided_on")
    if record.reaction is None and record.deadline and decided_on <= record.deadline:
        raise CouncilError(
            "Het college mag pas besluiten nadat de raad zijn wensen en bedenkingen kenbaar "
            f"heeft kunnen maken ({ART_160}). De termijn van de raad loopt tot en met "
            f"{format_date(record.deadline)} en er is geen reactie van de raad vastgelegd. "
            "Leg eerst de reactie van de raad vast, of een collegebesluit van na "
            f"{format_date(record.deadline)}.", "decided_on")
    if record.reaction_on and decided_on < record.reaction_on:
        raise CouncilError(
            "Het college kan niet besluiten vóór de reactie van de raad op "
            f"{format_date(record.reaction_on)} ({ART_160}).", "decided_on")
    for name, start in starts:
        if start < decided_on:
            raise CouncilError(
                f"{name} gaat in op {format_date(start)}, vóór het collegebesluit van "
                f"{format_date(decided_on)}. Een gemeente kan een oplossing als lid pas "
                "gebruiken vanaf het collegebesluit. Trek dit pakket in en maak een nieuw "
                "pakket met een latere ingangsdatum.", "decided_on")


def unchanged_or_refuse(what: str, recorded, given) -> bool:
    """True when a step is recorded again with the same values (harmless: nothing happens);
    False when it was not recorded yet. Raise CouncilError for other values than recorded."""
    if all(value is None or value == "" for value in _tuple(recorded)):
        return False
    if _tuple(recorded) == _tuple(given):
        return True
    raise CouncilError(f"{what} is al vastgelegd met andere gegevens; dat kan niet opnieuw.")


def _tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)

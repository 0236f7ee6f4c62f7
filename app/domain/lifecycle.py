"""The one rule for what may happen next to a package.

`decide(situation)` answers, for a package in its state and with its facts, every action:
allowed (None) or refused, with the reason in Dutch. The pages show the allowed actions, the
API answers a refused one with 409 and the reason, and the services refuse with the same
reason (`check`). The raad steps follow `app.domain.council.next_steps`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import field

from app.domain.council import CouncilRecord
from app.domain.council import CouncilStep
from app.domain.council import next_steps
from app.domain.states import FINAL
from app.domain.states import PackageState
from app.domain.states import TransitionError

S = PackageState


class Action(enum.StrEnum):
    """What staff (or the API) can do with a package; the values are the page's names."""

    DOCUMENTS = "documenten"
    EDIT = "wijzigen"
    COUNCIL_START = "raadsprocedure"
    COUNCIL_SENT = "naar_raad"
    COUNCIL_REACTION = "reactie_raad"
    COUNCIL_DECISION = "collegebesluit"
    VOLMACHT = "volmacht"
    SEND = "verzenden"
    REMIND = "herinneren"
    REFRESH = "status"
    SCANS = "scans"
    ORGANISATION_SIGNED = "organisatie_getekend"
    FOUND_ENVELOPE = "envelop_gevonden"
    CANCEL = "intrekken"
    CORRECT = "corrigeren"  # withdraw a sent package and send a corrected new version
    ARCHIVE = "archief"


COUNCIL_ACTIONS = {
    CouncilStep.START: Action.COUNCIL_START,
    CouncilStep.SENT: Action.COUNCIL_SENT,
    CouncilStep.REACTION: Action.COUNCIL_REACTION,
    CouncilStep.DECISION: Action.COUNCIL_DECISION,
}
OUT_FOR_SIGNING = frozenset({S.VERZONDEN, S.DEELS_ONDERTEKEND})
SIGNED = frozenset({S.ONDERTEKEND, S.GEARCHIVEERD})
EDITABLE = frozenset({S.CONCEPT, S.KLAAR})
MAKEABLE = frozenset({S.CONCEPT, S.KLAAR, S.MISLUKT})
SENDABLE = frozenset({S.KLAAR, S.BESLUIT_GENOMEN, S.MISLUKT})


class ActionRefused(TransitionError):
    """An action the one rule refuses now; `message` is Dutch and says why."""

    def __init__(self, action: Action, message: str):
        super().__init__(message)
        self.action = action
        self.message = message


@dataclass(frozen=True)
class Situation:
    """What the rule needs to know of one package."""

    state: PackageState
    needs_council: bool = False
    council: CouncilRecord = field(default_factory=CouncilRecord)
    documents_made: bool = False  # every document to be signed has its PDF
    sent_before: bool = False  # an envelope exists at a provider
    provider: str | None = None  # the provider's name once chosen
    provider_label: str = "de ondertekendienst"
    provider_can_remind: bool = False  # the provider reminds on request
    provider_can_poll: bool = False  # the provider can be asked for the envelope's state
    volmacht_asked: bool = False  # the signer is a gemachtigde with a volmacht
    audit_trail: bool = False  # the signed archive (audit trail) is stored
    organisation_signed: bool = False  # every signer of the organisation has signed
    unclear_send: bool = False  # a send had an unclear outcome (an envelope may exist)

    @property
    def on_paper(self) -> bool:
        return self.provider == "manual"

    @property
    def own_pages(self) -> bool:
        """Signed on Tekenklaar's own signing pages (the built-in provider)."""
        return self.provider == "builtin"


def decide(situation: Situation) -> dict[Action, str | None]:
    """Every action with None (allowed) or the Dutch reason it is refused now."""
    return {action: _refusal(situation, action) for action in Action}


def allowed(situation: Situation) -> frozenset[Action]:
    """The actions that may be taken now."""
    return frozenset(action for action, reason in decide(situation).items() if reason is None)


def refusal(situation: Situation, action: Action) -> str | None:
    """None when `action` may be taken now, else why not (Dutch)."""
    return _refusal(situation, action)


def check(situation: Situation, action: Action) -> None:
    """Raise ActionRefused (a TransitionError) unless `action` may be taken now."""
    reason = _refusal(situation, action)
    if reason is not None:
        raise ActionRefused(action, reason)


def _status(state: PackageState) -> str:
    return f"Een pakket met de status '{state.label}'"


def _refusal(s: Situation, action: Action) -> str | None:
    state = s.state
    if action is Action.DOCUMENTS:
        if s.sent_before or state in OUT_FOR_SIGNING | SIGNED:
            return "De documenten van een verzonden pakket kunnen niet opnieuw worden gemaakt."
        if state in {S.WACHT_OP_RAAD, S.BESLUIT_GENOMEN}:
            return ("De raadsprocedure loopt: de documenten worden bij elke stap van de raad "
                    "zelf opnieuw gemaakt.")
        if state not in MAKEABLE:
            return f"{_status(state)} krijgt geen nieuwe documenten."
        return None
    if action is Action.EDIT:
        if state not in EDITABLE or s.sent_before:
            return (f"{_status(state)} kan niet meer worden gewijzigd. Alleen een pakket met "
                    f"de status '{S.CONCEPT.label}' of '{S.KLAAR.label}' kan worden gewijzigd.")
        return None
    if action in COUNCIL_ACTIONS.values():
        return _council_refusal(s, action)
    if action is Action.VOLMACHT:
        if not s.volmacht_asked:
            return "Dit pakket heeft geen ondertekenaar met een volmacht."
        if state in FINAL:
            return f"{_status(state)} krijgt geen volmacht meer."
        return None
    if action is Action.SEND:
        return _send_refusal(s)
    if action is Action.REMIND:
        if state not in OUT_FOR_SIGNING:
            return "Alleen een verzonden pakket kan een herinnering krijgen."
        if not (s.on_paper or s.own_pages or s.provider_can_remind):
            return (f"{s.provider_label} herinnert de ondertekenaars automatisch; een losse "
                    "herinnering is daar niet mogelijk.")
        return None
    if action is Action.REFRESH:
        if not s.sent_before:
            return "Dit pakket is nog niet verzonden."
        if s.own_pages:
            return ("Bij ondertekenen op de pagina's van Tekenklaar is de status altijd "
                    "actueel; er is niets op te vragen.")
        if s.on_paper or not s.provider_can_poll:
            return ("Bij ondertekenen op papier is er geen status op te vragen; upload de "
                    "ondertekende scans.")
        return None  # also after the end: asking again is harmless and shows nothing new
    if action is Action.SCANS:
        if not s.on_paper or state not in OUT_FOR_SIGNING:
            return ("Scans kunnen alleen worden toegevoegd aan een pakket dat op papier wordt "
                    "ondertekend en is verzonden.")
        return None
    if action is Action.ORGANISATION_SIGNED:
        if not s.on_paper or state not in OUT_FOR_SIGNING:
            return ("Alleen bij een verzonden pakket dat op papier wordt ondertekend, legt u "
                    "vast dat de organisatie heeft getekend.")
        if s.organisation_signed:
            return ("De organisatie heeft al getekend; nu is het NVSI-bestuur aan de beurt. "
                    "Upload de scans met alle handtekeningen.")
        return None
    if action is Action.FOUND_ENVELOPE:
        if not s.unclear_send:
            return "Dit pakket had geen verzending met een onduidelijke uitkomst."
        return None  # in any state: an unused envelope can always be cancelled
    if action is Action.CANCEL:
        if state in FINAL or state is S.ONDERTEKEND:
            return f"{_status(state)} kan niet meer worden ingetrokken."
        return None
    if action is Action.CORRECT:
        return _correct_refusal(s)
    if action is Action.ARCHIVE:
        if state not in SIGNED or not s.audit_trail:
            return "Het ondertekende archief is er nog niet."
        return None
    raise AssertionError(action)  # pragma: no cover - every action is answered above


def _council_refusal(s: Situation, action: Action) -> str | None:
    if not s.needs_council:
        return "Dit pakket heeft geen raadsprocedure nodig."
    waiting = s.state is S.WACHT_OP_RAAD
    steps = next_steps(s.council, waiting)
    if action is Action.COUNCIL_START:
        if s.council.started_on is not None:
            return "De raadsprocedure is al gestart."
        if s.state is not S.KLAAR:
            if s.state in {S.CONCEPT, S.MISLUKT}:
                return "Maak eerst de documenten; daarna kan de raadsprocedure beginnen."
            return f"{_status(s.state)} krijgt geen raadsprocedure meer."
        return None
    if s.council.started_on is None:
        return "Start eerst de raadsprocedure."
    if not waiting:
        return f"{_status(s.state)} wacht niet (meer) op de raad."
    step = next(step for step, act in COUNCIL_ACTIONS.items() if act is action)
    if step in steps:
        return None
    if action is Action.COUNCIL_SENT:
        return "De datum waarop het ontwerpbesluit naar de raad ging, is al vastgelegd."
    if s.council.sent_on is None:
        if action is Action.COUNCIL_DECISION:
            return ("Het college kan pas besluiten nadat de raad het ontwerpbesluit heeft "
                    "ontvangen (artikel 160, tweede lid, Gemeentewet). Leg eerst vast op welke "
                    "datum het ontwerpbesluit naar de raad ging.")
        return "Leg eerst vast op welke datum het ontwerpbesluit naar de raad ging."
    return "De reactie van de raad is al vastgelegd."


def _correct_refusal(s: Situation) -> str | None:
    state = s.state
    if state in OUT_FOR_SIGNING:
        return None
    if state in EDITABLE and not s.sent_before:
        return ("Dit pakket is nog niet verzonden: corrigeren is niet nodig. Wijzig het met "
                "'Pakket wijzigen'.")
    if state in {S.WACHT_OP_RAAD, S.BESLUIT_GENOMEN}:
        return (f"{_status(state)} is nog niet verzonden en kan niet worden gecorrigeerd. "
                "Trek het in en maak een nieuw pakket als er iets moet veranderen.")
    if state in SIGNED:
        return (f"{_status(state)} is al ondertekend en kan niet meer worden gecorrigeerd. "
                "Maak een nieuw pakket als er iets moet veranderen.")
    if state is S.MISLUKT:
        return ("Een pakket met een mislukte stap kan niet worden gecorrigeerd. Verzend het "
                "opnieuw of trek het in.")
    return (f"{_status(state)} is beëindigd en kan niet meer worden gecorrigeerd. Maak een "
            "nieuw pakket.")


def _send_refusal(s: Situation) -> str | None:
    state = s.state
    if state not in SENDABLE:
        if state is S.WACHT_OP_RAAD:
            return _COUNCIL_FIRST
        return f"{_status(state)} kan niet worden verzonden."
    if not s.documents_made:
        if state is S.MISLUKT:
            return "Maak eerst de documenten opnieuw."
        return "Maak eerst de documenten (pdf) voordat u het pakket verzendt."
    if s.needs_council and s.council.decided_on is None:
        return _COUNCIL_FIRST
    return None


_COUNCIL_FIRST = ("Het college moet eerst besluiten, nadat de raad zijn wensen en bedenkingen "
                  "kenbaar heeft kunnen maken (artikel 160 Gemeentewet). Leg het collegebesluit "
                  "vast voordat u verzendt.")

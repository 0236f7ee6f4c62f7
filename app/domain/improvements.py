"""The one rule for what may happen next to a verbeterwens (improvement wish).

From the source text ("Doorontwikkeling Innovatieve Oplossingen"): a wish is handed to the
solution's regiegroep, validated with the supplier (who estimates it) and prioritised; the
regiegroep decides whether it is paid from the innovatiekas or is new functionality that needs
funding; the proposal with its financial cover goes to the bestuur, which approves or rejects
it; the ALV decides on financial proposals; then the bestuur commissions the supplier, who
delivers.

    ingediend → gevalideerd → geprioriteerd → bekostiging_gekozen → voorstel_bestuur
      → goedgekeurd → [alv_besloten] → opdracht_verstrekt → opgeleverd
    afgewezen: before the proposal (regiegroep), by the bestuur, or by the ALV (its decision
    'verworpen')

`decide(situation)` answers every action with None (allowed) or the Dutch reason it is refused;
pages, API and services all ask it. `next_state` says where an allowed action leads.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

from app.domain.states import TransitionError
from app.domain.states import WishState

W = WishState


class WishAction(enum.StrEnum):
    """What the regiegroep, the bestuur or the ALV does with a wish (values: page names)."""

    VALIDATE = "valideren"
    PRIORITISE = "prioriteren"
    FUND = "bekostiging"
    PROPOSE = "voorstel"
    APPROVE = "goedkeuren"
    REJECT = "afwijzen"
    ALV_DECISION = "alv_besluit"
    COMMISSION = "opdracht"
    DELIVER = "opleveren"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    WishAction.VALIDATE: "Valideren (met de schatting van de leverancier)",
    WishAction.PRIORITISE: "Prioriteren",
    WishAction.FUND: "Bekostiging kiezen",
    WishAction.PROPOSE: "Voorstel aan het bestuur",
    WishAction.APPROVE: "Goedkeuren (bestuur)",
    WishAction.REJECT: "Afwijzen",
    WishAction.ALV_DECISION: "ALV-besluit vastleggen",
    WishAction.COMMISSION: "Opdracht aan de leverancier",
    WishAction.DELIVER: "Opgeleverd",
}


class Funding(enum.StrEnum):
    """How the regiegroep pays for a wish."""

    INNOVATIEKAS = "innovatiekas"
    NIEUWE_FUNCTIONALITEIT = "nieuwe_functionaliteit"

    @property
    def label(self) -> str:
        return ("Uit de innovatiekas" if self is Funding.INNOVATIEKAS
                else "Nieuwe functionaliteit (financiering nodig)")


# The one state each action starts from (REJECT and COMMISSION are answered on their own).
FROM = {
    WishAction.VALIDATE: W.INGEDIEND,
    WishAction.PRIORITISE: W.GEVALIDEERD,
    WishAction.FUND: W.GEPRIORITEERD,
    WishAction.PROPOSE: W.BEKOSTIGING_GEKOZEN,
    WishAction.APPROVE: W.VOORSTEL_BESTUUR,
    WishAction.DELIVER: W.OPDRACHT_VERSTREKT,
}
TO = {
    WishAction.VALIDATE: W.GEVALIDEERD,
    WishAction.PRIORITISE: W.GEPRIORITEERD,
    WishAction.FUND: W.BEKOSTIGING_GEKOZEN,
    WishAction.PROPOSE: W.VOORSTEL_BESTUUR,
    WishAction.APPROVE: W.GOEDGEKEURD,
    WishAction.REJECT: W.AFGEWEZEN,
    WishAction.ALV_DECISION: W.ALV_BESLOTEN,
    WishAction.COMMISSION: W.OPDRACHT_VERSTREKT,
    WishAction.DELIVER: W.OPGELEVERD,
}
# Before the proposal the regiegroep may reject a wish; the bestuur rejects a proposal. The
# ALV rejects an approved financial proposal with its decision (ALV_DECISION, 'verworpen').
REJECTABLE = frozenset({W.INGEDIEND, W.GEVALIDEERD, W.GEPRIORITEERD, W.BEKOSTIGING_GEKOZEN,
                        W.VOORSTEL_BESTUUR})


class WishRefused(TransitionError):
    """An action the rule refuses now; `message` is Dutch and says why."""

    def __init__(self, action: WishAction, message: str):
        super().__init__(message)
        self.action = action
        self.message = message


@dataclass(frozen=True)
class WishSituation:
    """What the rule needs to know of one wish."""

    state: WishState
    needs_alv: bool = False  # a financial proposal: the ALV decides after the bestuur


def decide(situation: WishSituation) -> dict[WishAction, str | None]:
    """Every action with None (allowed) or the Dutch reason it is refused now."""
    return {action: _refusal(situation, action) for action in WishAction}


def allowed(situation: WishSituation) -> list[WishAction]:
    """The actions that may be taken now, in the order of the lifecycle."""
    return [action for action, reason in decide(situation).items() if reason is None]


def check(situation: WishSituation, action: WishAction) -> WishState:
    """The state `action` leads to; WishRefused (Dutch reason) when it may not happen now."""
    reason = _refusal(situation, action)
    if reason is not None:
        raise WishRefused(action, reason)
    return TO[action]


def _status(state: WishState) -> str:
    return f"Een verbeterwens met de status '{state.label}'"


def _refusal(s: WishSituation, action: WishAction) -> str | None:
    state = s.state
    if state is W.OPGELEVERD:
        return "Deze verbeterwens is opgeleverd; er volgt geen stap meer."
    if state is W.AFGEWEZEN:
        return "Deze verbeterwens is afgewezen; er volgt geen stap meer."
    if action in FROM:
        if state is FROM[action]:
            return None
        return (f"{_status(state)} kan niet worden {_DONE[action]}: dat kan alleen bij de "
                f"status '{FROM[action].label}'.")
    if action is WishAction.REJECT:
        if state in REJECTABLE:
            return None
        if state is W.GOEDGEKEURD and s.needs_alv:
            return ("Het bestuur heeft dit voorstel goedgekeurd; nu besluit de ALV. Verwerpt "
                    "de ALV het, leg dan het ALV-besluit vast met de uitkomst 'verworpen'.")
        if state is W.GOEDGEKEURD:
            return ("Het bestuur heeft dit voorstel goedgekeurd en er is geen ALV-besluit "
                    "nodig; het kan niet meer worden afgewezen.")
        return f"{_status(state)} kan niet meer worden afgewezen."
    if action is WishAction.ALV_DECISION:
        if state is not W.GOEDGEKEURD:
            return ("De ALV besluit over een voorstel nadat het bestuur het heeft "
                    f"goedgekeurd; {_status(state).lower()} wacht niet op de ALV.")
        if not s.needs_alv:
            return ("Dit voorstel is niet financieel (betaald uit de innovatiekas, binnen de "
                    "criteria van het bestuur): een ALV-besluit is niet nodig.")
        return None
    if action is WishAction.COMMISSION:
        if state is W.ALV_BESLOTEN or (state is W.GOEDGEKEURD and not s.needs_alv):
            return None
        if state is W.GOEDGEKEURD:
            return ("Dit is een financieel voorstel: de ALV moet eerst besluiten voordat het "
                    "bestuur de leverancier opdracht geeft.")
        return (f"{_status(state)} kan nog geen opdracht krijgen: het bestuur moet het "
                "voorstel eerst goedkeuren.")
    raise AssertionError(action)  # pragma: no cover - every action is answered above


_DONE = {
    WishAction.VALIDATE: "gevalideerd",
    WishAction.PRIORITISE: "geprioriteerd",
    WishAction.FUND: "van een bekostiging voorzien",
    WishAction.PROPOSE: "aan het bestuur voorgelegd",
    WishAction.APPROVE: "goedgekeurd",
    WishAction.DELIVER: "opgeleverd",
}


# --- amounts ------------------------------------------------------------------------------------

class AmountError(ValueError):
    """An amount that cannot be read; `message` is Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$|^\d+(\.\d{1,2})?$")
MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)


def parse_amount(text: str | None, label: str = "Bedrag", *, positive: bool = True) -> Decimal:
    """An amount in euros as people type it (`1.234,56`, `1234,56`, `€ 1234`, or `1234.56`
    as the API sends it), as a Decimal with cents. Raises AmountError (Dutch)."""
    raw = (text or "").replace("€", "").replace("\u00a0", " ").strip().replace(" ", "")
    if not raw:
        raise AmountError(f"{label}: vul een bedrag in, bijvoorbeeld 1.250,00.")
    if not _AMOUNT.match(raw):
        raise AmountError(f"{label}: '{text}' is geen bedrag; schrijf bijvoorbeeld 1.250,00.")
    if "," in raw or re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):  # Dutch: dots group thousands
        raw = raw.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
        raise AmountError(f"{label}: '{text}' is geen bedrag.") from None
    if positive and amount <= 0:
        raise AmountError(f"{label}: het bedrag moet groter zijn dan € 0,00.")
    if amount > MAX_AMOUNT:
        raise AmountError(f"{label}: dit bedrag is te groot.")
    return amount

"""The one rule for what may happen next: every state × every action, for the kinds of package
the service makes (plain, on paper, with the raad step, with a volmacht)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.council import CouncilReaction
from app.domain.council import CouncilRecord
from app.domain.lifecycle import Action
from app.domain.lifecycle import ActionRefused
from app.domain.lifecycle import Situation
from app.domain.lifecycle import allowed
from app.domain.lifecycle import check
from app.domain.lifecycle import decide
from app.domain.lifecycle import refusal
from app.domain.states import PackageState
from app.domain.states import TransitionError

S = PackageState
A = Action
DAY = dt.date(2026, 9, 1)
SENT = {S.VERZONDEN, S.DEELS_ONDERTEKEND, S.ONDERTEKEND, S.GEARCHIVEERD, S.GEWEIGERD,
        S.VERLOPEN}
PROVIDERS = {  # name -> (can_remind, can_poll), as the adapters say
    "signhost": (False, True),
    "validsign": (True, True),
    "manual": (False, False),
    "builtin": (False, False),
}


def situation(state: PackageState, *, council: bool = False, provider: str = "signhost",
              volmacht: bool = False, organisation_signed: bool = False,
              unclear_send: bool = False) -> Situation:
    """A package in `state` with the facts it has when it got there the ordinary way."""
    record = CouncilRecord()
    if council and state is not S.CONCEPT and state is not S.KLAAR:
        record = CouncilRecord(started_on=DAY)
        if state is not S.WACHT_OP_RAAD:
            record = CouncilRecord(started_on=DAY, sent_on=DAY, deadline=DAY,
                                   decided_on=DAY + dt.timedelta(weeks=7),
                                   decision_reference="B&W 1")
    can_remind, can_poll = PROVIDERS[provider]
    chosen = state in SENT
    return Situation(
        state=state, needs_council=council, council=record,
        documents_made=state is not S.CONCEPT, sent_before=chosen,
        provider=provider if chosen else None, provider_label=provider.capitalize(),
        provider_can_remind=can_remind and chosen, provider_can_poll=can_poll and chosen,
        volmacht_asked=volmacht, audit_trail=state is S.GEARCHIVEERD, unclear_send=unclear_send,
        organisation_signed=organisation_signed or state in SENT - {S.VERZONDEN,
                                                                   S.DEELS_ONDERTEKEND})


NOTHING: frozenset[Action] = frozenset()
PLAIN = {
    S.CONCEPT: {A.DOCUMENTS, A.EDIT, A.CANCEL},
    S.KLAAR: {A.DOCUMENTS, A.EDIT, A.SEND, A.CANCEL},
    S.WACHT_OP_RAAD: {A.CANCEL},
    S.BESLUIT_GENOMEN: {A.SEND, A.CANCEL},
    S.VERZONDEN: {A.REFRESH, A.CANCEL, A.CORRECT},
    S.DEELS_ONDERTEKEND: {A.REFRESH, A.CANCEL, A.CORRECT},
    S.ONDERTEKEND: {A.REFRESH},
    S.GEARCHIVEERD: {A.ARCHIVE, A.REFRESH},
    S.GEWEIGERD: {A.REFRESH},
    S.VERLOPEN: {A.REFRESH},
    S.INGETROKKEN: NOTHING,
    S.MISLUKT: {A.DOCUMENTS, A.SEND, A.CANCEL},
}
REMINDS = PLAIN | {
    S.VERZONDEN: {A.REMIND, A.REFRESH, A.CANCEL, A.CORRECT},
    S.DEELS_ONDERTEKEND: {A.REMIND, A.REFRESH, A.CANCEL, A.CORRECT},
}
ON_PAPER = PLAIN | {
    S.VERZONDEN: {A.REMIND, A.SCANS, A.ORGANISATION_SIGNED, A.CANCEL, A.CORRECT},
    S.DEELS_ONDERTEKEND: {A.REMIND, A.SCANS, A.ORGANISATION_SIGNED, A.CANCEL, A.CORRECT},
    S.ONDERTEKEND: NOTHING,
    S.GEARCHIVEERD: {A.ARCHIVE},
    S.GEWEIGERD: NOTHING,
    S.VERLOPEN: NOTHING,
}
BOARD_ON_PAPER = ON_PAPER | {  # the organisation has signed: NVSI's board is next
    S.DEELS_ONDERTEKEND: {A.REMIND, A.SCANS, A.CANCEL, A.CORRECT},
}
COUNCIL = PLAIN | {
    S.KLAAR: {A.DOCUMENTS, A.EDIT, A.COUNCIL_START, A.CANCEL},
    S.WACHT_OP_RAAD: {A.COUNCIL_SENT, A.CANCEL},
}
VOLMACHT = {state: actions | ({A.VOLMACHT} if not state.is_final else set())
            for state, actions in PLAIN.items()}
KINDS = {
    "plain": ({}, PLAIN),
    "reminding provider": ({"provider": "validsign"}, REMINDS),
    "on paper": ({"provider": "manual"}, ON_PAPER),
    "on paper, board next": ({"provider": "manual", "organisation_signed": True},
                             BOARD_ON_PAPER | {S.VERZONDEN: ON_PAPER[S.VERZONDEN] - {
                                 A.ORGANISATION_SIGNED}}),
    "raad": ({"council": True}, COUNCIL),
    "volmacht": ({"volmacht": True}, VOLMACHT),
    "unclear send": ({"unclear_send": True},
                     {state: actions | {A.FOUND_ENVELOPE} for state, actions in PLAIN.items()}),
}
CASES = [(kind, state, action) for kind in KINDS for state in S for action in A]


@pytest.mark.parametrize(("kind", "state", "action"), CASES,
                         ids=[f"{k}-{s.value}-{a.value}" for k, s, a in CASES])
def test_every_state_and_action(kind: str, state: PackageState, action: Action) -> None:
    options, table = KINDS[kind]
    given = situation(state, **options)
    reason = refusal(given, action)
    if action in table[state]:
        assert reason is None
        check(given, action)  # does not raise
    else:
        assert reason and reason.endswith(".") and reason[0].isupper()
        with pytest.raises(ActionRefused) as refused:
            check(given, action)
        assert refused.value.message == reason and refused.value.action is action
    assert decide(given)[action] == reason


def test_the_tables_name_every_state() -> None:
    for _options, table in KINDS.values():
        assert set(table) == set(S)


def test_refused_is_a_transition_error() -> None:
    """Pages and API answer a TransitionError with 409; the rule's refusal is one."""
    with pytest.raises(TransitionError, match="kan niet worden verzonden"):
        check(situation(S.GEWEIGERD), A.SEND)


def test_raad_steps_follow_the_council_rule() -> None:
    """While the package waits, the steps are council.next_steps' answer."""
    started = CouncilRecord(started_on=DAY)
    sent = CouncilRecord(started_on=DAY, sent_on=DAY, deadline=DAY + dt.timedelta(weeks=6))
    reacted = CouncilRecord(started_on=DAY, sent_on=DAY, deadline=sent.deadline,
                            reaction=CouncilReaction.GEEN, reaction_on=DAY)
    waiting = {"state": S.WACHT_OP_RAAD, "needs_council": True, "documents_made": True}
    steps = {A.COUNCIL_START, A.COUNCIL_SENT, A.COUNCIL_REACTION, A.COUNCIL_DECISION}
    assert allowed(Situation(council=started, **waiting)) & steps == {A.COUNCIL_SENT}
    assert allowed(Situation(council=sent, **waiting)) & steps == {A.COUNCIL_REACTION,
                                                                   A.COUNCIL_DECISION}
    assert allowed(Situation(council=reacted, **waiting)) & steps == {A.COUNCIL_DECISION}
    assert refusal(Situation(council=reacted, **waiting), A.COUNCIL_REACTION) == (
        "De reactie van de raad is al vastgelegd.")
    assert "artikel 160" in refusal(Situation(council=started, **waiting), A.COUNCIL_DECISION)
    assert refusal(Situation(state=S.KLAAR, needs_council=True, council=started),
                   A.COUNCIL_START) == "De raadsprocedure is al gestart."
    assert refusal(situation(S.KLAAR), A.COUNCIL_START) == (
        "Dit pakket heeft geen raadsprocedure nodig.")


def test_reasons_say_what_to_do() -> None:
    failed_conversion = Situation(state=S.MISLUKT, documents_made=False)
    assert refusal(failed_conversion, A.SEND) == "Maak eerst de documenten opnieuw."
    assert refusal(situation(S.CONCEPT), A.SEND) == (
        "Een pakket met de status 'Concept' kan niet worden verzonden.")
    assert refusal(Situation(state=S.KLAAR), A.SEND) == (
        "Maak eerst de documenten (pdf) voordat u het pakket verzendt.")
    assert "collegebesluit" in refusal(situation(S.KLAAR, council=True), A.SEND)
    assert refusal(situation(S.VERZONDEN), A.REMIND) == (
        "Signhost herinnert de ondertekenaars automatisch; een losse herinnering is daar "
        "niet mogelijk.")
    assert refusal(situation(S.VERZONDEN), A.EDIT).startswith(
        "Een pakket met de status 'Verzonden' kan niet meer worden gewijzigd.")
    # a send that failed after the envelope was made: the documents are out, no edit either
    resumed = Situation(state=S.MISLUKT, documents_made=True, sent_before=True,
                        provider="signhost", provider_can_poll=True)
    assert allowed(resumed) == {A.SEND, A.REFRESH, A.CANCEL}
    assert refusal(resumed, A.DOCUMENTS) == (
        "De documenten van een verzonden pakket kunnen niet opnieuw worden gemaakt.")


def test_correcting_is_for_a_package_out_for_signing() -> None:
    """Before sending a package is edited; once signed or ended it is not corrected."""
    assert refusal(situation(S.KLAAR), A.CORRECT).endswith("Wijzig het met 'Pakket wijzigen'.")
    assert "al ondertekend" in refusal(situation(S.ONDERTEKEND), A.CORRECT)
    assert "beëindigd" in refusal(situation(S.INGETROKKEN), A.CORRECT)
    assert "nog niet verzonden" in refusal(situation(S.BESLUIT_GENOMEN, council=True),
                                           A.CORRECT)
    resumed = Situation(state=S.MISLUKT, documents_made=True, sent_before=True,
                        provider="signhost")
    assert "mislukte stap" in refusal(resumed, A.CORRECT)
    assert refusal(situation(S.DEELS_ONDERTEKEND, provider="manual"), A.CORRECT) is None


def test_on_the_built_in_pages_staff_can_remind_but_not_ask_for_a_status():
    """A reminder sends a new link; there is no outside state to ask for."""
    out = situation(S.VERZONDEN, provider="builtin")
    assert refusal(out, A.REMIND) is None
    assert "altijd actueel" in refusal(out, A.REFRESH)
    assert refusal(out, A.SCANS) is not None and refusal(out, A.ORGANISATION_SIGNED) is not None

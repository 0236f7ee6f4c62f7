"""The package state machine and the check for late signing events."""

from __future__ import annotations

import itertools

import pytest

from app.domain.states import PackageState as S
from app.domain.states import TransitionError
from app.domain.states import check_transition
from app.domain.states import is_stale

# The allowed transitions, written out from the design:
# concept → klaar → [wacht_op_raad → besluit_genomen] → verzonden → deels_ondertekend →
# ondertekend → gearchiveerd; or geweigerd, verlopen, ingetrokken, mislukt.
ALLOWED = {
    (S.CONCEPT, S.KLAAR),
    (S.CONCEPT, S.MISLUKT),
    (S.CONCEPT, S.INGETROKKEN),
    (S.KLAAR, S.WACHT_OP_RAAD),
    (S.KLAAR, S.VERZONDEN),
    (S.KLAAR, S.MISLUKT),
    (S.KLAAR, S.INGETROKKEN),
    (S.WACHT_OP_RAAD, S.BESLUIT_GENOMEN),
    (S.WACHT_OP_RAAD, S.INGETROKKEN),
    (S.BESLUIT_GENOMEN, S.VERZONDEN),
    (S.BESLUIT_GENOMEN, S.MISLUKT),
    (S.BESLUIT_GENOMEN, S.INGETROKKEN),
    (S.VERZONDEN, S.DEELS_ONDERTEKEND),
    (S.VERZONDEN, S.ONDERTEKEND),
    (S.VERZONDEN, S.GEWEIGERD),
    (S.VERZONDEN, S.VERLOPEN),
    (S.VERZONDEN, S.INGETROKKEN),
    (S.VERZONDEN, S.MISLUKT),
    (S.DEELS_ONDERTEKEND, S.ONDERTEKEND),
    (S.DEELS_ONDERTEKEND, S.GEWEIGERD),
    (S.DEELS_ONDERTEKEND, S.VERLOPEN),
    (S.DEELS_ONDERTEKEND, S.INGETROKKEN),
    (S.ONDERTEKEND, S.GEARCHIVEERD),
    (S.MISLUKT, S.KLAAR),  # documents made again
    (S.MISLUKT, S.VERZONDEN),  # sending tried again
    (S.MISLUKT, S.INGETROKKEN),
}
FINAL = [S.GEARCHIVEERD, S.GEWEIGERD, S.VERLOPEN, S.INGETROKKEN]
NOT_ALLOWED = sorted(set(itertools.product(S, S)) - ALLOWED)


@pytest.mark.parametrize("current, target", sorted(ALLOWED))
def test_allowed_transition(current, target):
    check_transition(current, target)  # does not raise


@pytest.mark.parametrize(
    "current, target, message",
    [
        (S.CONCEPT, S.VERZONDEN, "Een pakket in de status 'Concept' kan niet naar 'Verzonden'."),
        (S.KLAAR, S.ONDERTEKEND,
         "Een pakket in de status 'Documenten klaar' kan niet naar 'Ondertekend'."),
        (S.WACHT_OP_RAAD, S.VERZONDEN,
         "Een pakket in de status 'Wacht op de raad' kan niet naar 'Verzonden'."),
        (S.KLAAR, S.BESLUIT_GENOMEN,
         "Een pakket in de status 'Documenten klaar' kan niet naar 'Collegebesluit genomen'."),
        (S.ONDERTEKEND, S.VERZONDEN,
         "Een pakket in de status 'Ondertekend' kan niet naar 'Verzonden'."),
        (S.ONDERTEKEND, S.DEELS_ONDERTEKEND,
         "Een pakket in de status 'Ondertekend' kan niet naar 'Deels ondertekend'."),
        (S.DEELS_ONDERTEKEND, S.VERZONDEN,
         "Een pakket in de status 'Deels ondertekend' kan niet naar 'Verzonden'."),
        (S.GEARCHIVEERD, S.CONCEPT,
         "Een pakket in de status 'Gearchiveerd' kan niet naar 'Concept'."),
        (S.GEWEIGERD, S.VERZONDEN,
         "Een pakket in de status 'Geweigerd' kan niet naar 'Verzonden'."),
        (S.INGETROKKEN, S.KLAAR,
         "Een pakket in de status 'Ingetrokken' kan niet naar 'Documenten klaar'."),
        (S.VERLOPEN, S.ONDERTEKEND,
         "Een pakket in de status 'Verlopen' kan niet naar 'Ondertekend'."),
        (S.VERZONDEN, S.KLAAR,
         "Een pakket in de status 'Verzonden' kan niet naar 'Documenten klaar'."),
        (S.CONCEPT, S.CONCEPT, "Een pakket in de status 'Concept' kan niet naar 'Concept'."),
        (S.MISLUKT, S.GEARCHIVEERD,
         "Een pakket in de status 'Mislukt' kan niet naar 'Gearchiveerd'."),
    ],
)
def test_disallowed_transition_says_so_in_dutch(current, target, message):
    with pytest.raises(TransitionError) as caught:
        check_transition(current, target)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("current, target", NOT_ALLOWED)
def test_every_other_transition_is_refused(current, target):
    with pytest.raises(TransitionError):
        check_transition(current, target)


@pytest.mark.parametrize("state", FINAL)
def test_final_states_have_no_way_out(state):
    assert state.is_final
    for target in S:
        with pytest.raises(TransitionError):
            check_transition(state, target)


def test_final_states():
    assert {state for state in S if state.is_final} == set(FINAL)


def test_every_state_has_a_dutch_label():
    labels = [state.label for state in S]
    assert all(labels)
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize(
    "current, event, stale",
    [
        # A late 'verzonden' (delivered) after everything was signed changes nothing.
        (S.ONDERTEKEND, S.VERZONDEN, True),
        (S.ONDERTEKEND, S.DEELS_ONDERTEKEND, True),
        (S.DEELS_ONDERTEKEND, S.VERZONDEN, True),
        # The same event twice (a provider retries its callback).
        (S.VERZONDEN, S.VERZONDEN, True),
        (S.DEELS_ONDERTEKEND, S.DEELS_ONDERTEKEND, True),
        (S.ONDERTEKEND, S.ONDERTEKEND, True),
        # Progress forward is not stale.
        (S.VERZONDEN, S.DEELS_ONDERTEKEND, False),
        (S.VERZONDEN, S.ONDERTEKEND, False),
        (S.DEELS_ONDERTEKEND, S.ONDERTEKEND, False),
        (S.ONDERTEKEND, S.GEARCHIVEERD, False),
        # Ending events while signing is under way are not stale.
        (S.VERZONDEN, S.GEWEIGERD, False),
        (S.DEELS_ONDERTEKEND, S.GEWEIGERD, False),
        (S.DEELS_ONDERTEKEND, S.VERLOPEN, False),
        # Before sending, signing events have no order to compare.
        (S.KLAAR, S.VERZONDEN, False),
        (S.BESLUIT_GENOMEN, S.VERZONDEN, False),
        (S.MISLUKT, S.VERZONDEN, False),
    ],
)
def test_is_stale(current, event, stale):
    assert is_stale(current, event) is stale


@pytest.mark.parametrize("current, event", list(itertools.product(FINAL, S)))
def test_anything_after_a_final_state_is_stale(current, event):
    assert is_stale(current, event) is True

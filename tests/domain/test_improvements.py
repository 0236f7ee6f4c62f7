"""The one rule for a verbeterwens: every state × every action, for a financial proposal and
one that is not; the cover against the bestuur's criteria; amounts as people type them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.improvements import AmountError
from app.domain.improvements import Funding
from app.domain.improvements import WishAction
from app.domain.improvements import WishRefused
from app.domain.improvements import WishSituation
from app.domain.improvements import allowed
from app.domain.improvements import check
from app.domain.improvements import decide
from app.domain.improvements import parse_amount
from app.domain.innovatiekas import LedgerKind
from app.domain.innovatiekas import Overspend
from app.domain.innovatiekas import apply
from app.domain.innovatiekas import cover_problems
from app.domain.innovatiekas import load_criteria
from app.domain.innovatiekas import needs_alv
from app.domain.states import WishState

W, A = WishState, WishAction
DATA = Path(__file__).resolve().parents[2] / "config" / "data"

# What may happen in each state: (not financial, financial).
EXPECTED = {
    W.INGEDIEND: ({A.VALIDATE, A.REJECT},) * 2,
    W.GEVALIDEERD: ({A.PRIORITISE, A.REJECT},) * 2,
    W.GEPRIORITEERD: ({A.FUND, A.REJECT},) * 2,
    W.BEKOSTIGING_GEKOZEN: ({A.PROPOSE, A.REJECT},) * 2,
    W.VOORSTEL_BESTUUR: ({A.APPROVE, A.REJECT},) * 2,
    W.GOEDGEKEURD: ({A.COMMISSION}, {A.ALV_DECISION}),
    W.ALV_BESLOTEN: ({A.COMMISSION},) * 2,
    W.OPDRACHT_VERSTREKT: ({A.DELIVER},) * 2,
    W.OPGELEVERD: (set(), set()),
    W.AFGEWEZEN: (set(), set()),
}


def test_every_state_is_covered():
    assert set(EXPECTED) == set(WishState)


@pytest.mark.parametrize("financial", [False, True], ids=["kas", "financieel"])
@pytest.mark.parametrize("state", list(WishState))
def test_every_state_and_action(state, financial):
    situation = WishSituation(state, needs_alv=financial)
    answers = decide(situation)
    assert set(answers) == set(WishAction)
    assert {a for a, reason in answers.items() if reason is None} == EXPECTED[state][financial]
    for action, reason in answers.items():
        if reason is None:
            assert check(situation, action) in WishState
            continue
        assert reason.endswith(".") and reason[0].isupper()
        with pytest.raises(WishRefused) as refused:
            check(situation, action)
        assert refused.value.message == reason


def test_allowed_follows_the_lifecycle_from_ingediend_to_opgeleverd():
    state, path = W.INGEDIEND, []
    while allowed(WishSituation(state, needs_alv=True)):
        action = next(a for a in allowed(WishSituation(state, needs_alv=True))
                      if a is not A.REJECT)
        state = check(WishSituation(state, needs_alv=True), action)
        path.append(state)
    assert path == [W.GEVALIDEERD, W.GEPRIORITEERD, W.BEKOSTIGING_GEKOZEN, W.VOORSTEL_BESTUUR,
                    W.GOEDGEKEURD, W.ALV_BESLOTEN, W.OPDRACHT_VERSTREKT, W.OPGELEVERD]


def test_the_reasons_say_why_in_dutch():
    assert decide(WishSituation(W.GOEDGEKEURD, needs_alv=True))[A.COMMISSION] == (
        "Dit is een financieel voorstel: de ALV moet eerst besluiten voordat het bestuur de "
        "leverancier opdracht geeft.")
    assert "niet financieel" in decide(WishSituation(W.GOEDGEKEURD))[A.ALV_DECISION]
    assert "afgewezen" in decide(WishSituation(W.AFGEWEZEN))[A.VALIDATE]


@pytest.mark.parametrize("text,amount", [("1.234,56", "1234.56"), ("1234,5", "1234.50"),
                                         ("€ 10.000", "10000.00"), ("4250.00", "4250.00"),
                                         ("7", "7.00")])
def test_amounts_as_people_type_them(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "-5", "0", "1.2345,00"])
def test_wrong_amounts_are_refused_in_dutch(text):
    with pytest.raises(AmountError) as refused:
        parse_amount(text, "Schatting")
    assert refused.value.message.startswith("Schatting: ")


def test_the_ledger_never_goes_below_zero():
    assert apply(Decimal("100.00"), LedgerKind.VASTLEGGING, Decimal("100.00"), "X") == 0
    assert apply(Decimal("0.00"), LedgerKind.VRIJVAL, Decimal("5.00"), "X") == Decimal("5.00")
    with pytest.raises(Overspend) as refused:
        apply(Decimal("100.00"), LedgerKind.VASTLEGGING, Decimal("100.01"), "Wijkteamdossier")
    assert refused.value.message.startswith(
        "De innovatiekas van Wijkteamdossier heeft € 100,00; € 100,01 vastleggen kan niet "
        "(er komt € 0,01 tekort).")


def test_the_shipped_criteria_decide_the_alv_and_the_cover():
    criteria = load_criteria(DATA)
    assert not needs_alv(criteria, Funding.INNOVATIEKAS, criteria.innovatiekas.alv_above)
    assert needs_alv(criteria, Funding.INNOVATIEKAS, criteria.innovatiekas.alv_above + 1)
    assert needs_alv(criteria, Funding.NIEUWE_FUNCTIONALITEIT, Decimal("1.00"))
    assert cover_problems(criteria, Funding.INNOVATIEKAS, Decimal("4000.00"), None,
                          criteria.innovatiekas.reserve) == []
    low = cover_problems(criteria, Funding.INNOVATIEKAS, Decimal("4000.00"), None,
                         criteria.innovatiekas.reserve - 1)
    assert len(low) == 1 and "reserve" in low[0]
    short = cover_problems(criteria, Funding.NIEUWE_FUNCTIONALITEIT, Decimal("60000.00"),
                           Decimal("50000.00"), Decimal("0"))
    assert short == ["De gevonden dekking (€ 50.000,00) is minder dan 100% van de schatting "
                     "(€ 60.000,00)."]


def test_broken_criteria_stop_start_up_naming_the_field(tmp_path):
    from app import create_app
    from app.domain.reference import ReferenceDataError
    from tests.conftest import base_settings

    data = tmp_path / "data"
    data.mkdir()
    for source in DATA.iterdir():
        (data / source.name).write_bytes(source.read_bytes())
    text = (data / "cover_criteria.toml").read_text()
    (data / "cover_criteria.toml").write_text(text.replace('reserve = "1000.00"',
                                                           'reserve = "veel"'))
    with pytest.raises(ReferenceDataError, match=r"cover_criteria.toml: innovatiekas.reserve"):
        create_app(base_settings(tmp_path, data_dir=data))

"""Every combination of organisation kind × involvement × solutions asked × agreements on file.

The expected plan is worked out by `expected_plan` below, written straight from the rules in
the design (not from app/domain/rules.py):

- aanbiedingsbrief always first;
- the registration form unless the organisation is already registered with that involvement
  (or is already a member): Bijlage 1 for a gemeente as lid, Bijlage 2 for any participant,
  Bijlage 3 for a publieke or maatschappelijke organisatie as lid;
- raadsbrief + ontwerpbesluit (art. 160 Gemeentewet) only for a gemeente that joins as lid,
  and then the package waits for the council (needs_council);
- a verwerkersovereenkomst once per organisation, only when a new solution is asked;
- one gebruiksovereenkomst per asked solution not yet contracted;
- the NVSI Voorwaarden after them, with the first gebruiksovereenkomst (none of these on-file
  situations records a Voorwaarden version, so whenever a gebruiksovereenkomst is planned);
- a participant (not already a member) that asks for a solution gets the warning;
- nothing to sign → RuleError.

A few rows are also spelled out by hand in `test_spelled_out_rows`, so that a mistake shared by
the expected function and the code would still show.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from decimal import Decimal

import pytest

from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.rules import PARTICIPANT_WARNING
from app.domain.rules import DocumentKind
from app.domain.rules import OnFile
from app.domain.rules import PackageRequest
from app.domain.rules import RuleError
from app.domain.rules import SolutionRequest
from app.domain.rules import plan_package

G = OrgKind.GEMEENTE
P = OrgKind.PUBLIEKE_ORGANISATIE
M = OrgKind.MAATSCHAPPELIJKE_ORGANISATIE
LID = Involvement.LID
PART = Involvement.PARTICIPANT

D = DocumentKind
BRIEF = D.AANBIEDINGSBRIEF
BIJLAGE_1 = D.AANMELDING_GEMEENTE_LID
BIJLAGE_2 = D.AANMELDING_PARTICIPANT
BIJLAGE_3 = D.AANMELDING_ORGANISATIE_LID
RAADSBRIEF = D.RAADSBRIEF
ONTWERPBESLUIT = D.ONTWERPBESLUIT
VWO = D.VERWERKERSOVEREENKOMST
GO = D.GEBRUIKSOVEREENKOMST
VW = D.VOORWAARDEN

REGISTERED_ON = dt.date(2024, 5, 14)  # "14 mei 2024"
VWO_ON = dt.date(2025, 3, 3)  # "3 maart 2025"
CONTRACTED_ON = dt.date(2026, 2, 2)  # "2 februari 2026"

WIJKTEAM = SolutionRequest("wijkteamdossier", dt.date(2026, 3, 1))
SCHULDEN = SolutionRequest("schuldenradar", dt.date(2027, 1, 1))
ASKED = {
    "geen": (),
    "een": (WIJKTEAM,),
    "twee": (WIJKTEAM, SCHULDEN),
}
NAMES = {"wijkteamdossier": "Wijkteamdossier", "schuldenradar": "Schuldenradar"}
# Yearly totals worked out by hand in test_fees.py, and the first year's invoice (pro rata per
# started month, the shipped policy):
#   wijkteamdossier 2026: 6850.00 + 2140.00 + 12.5% of 8990.00 (1123.75)  = 10113.75;
#                         from 1 March: 10/12 → 8428.125 → 8428.13
#   schuldenradar 2027:   4377.50 + 1313.75 + fixed 695.00                 =  6386.25;
#                         from 1 January: the whole year
# The plan's total is the first calendar year's invoices only (never two years added up).
FIRST_YEAR = {"wijkteamdossier": (2026, Decimal("8428.13")),
              "schuldenradar": (2027, Decimal("6386.25"))}

# What is on file: (registered as, verwerkersovereenkomst on file, which asked solutions are
# contracted). "zelfde" = registered with the involvement the request asks for.
SCENARIOS = {
    "niets": (None, False, "geen"),
    "geregistreerd": ("zelfde", False, "geen"),
    "participant_vraagt_lid": (PART, False, "geen"),  # registered as participant, asks again
    "registratie_en_vwo": ("zelfde", True, "geen"),
    "registratie_vwo_een_oplossing": ("zelfde", True, "eerste"),
    "alles_afgesloten": ("zelfde", True, "alle"),
    # Beyond the brief's list: a member asks a participant package.
    "lid_vraagt_participant": (LID, False, "geen"),
}


def make_on_file(scenario: str, involvement: Involvement, asked) -> OnFile:
    registered, vwo, contracted = SCENARIOS[scenario]
    if registered == "zelfde":
        registered = involvement
    codes = [item.code for item in asked]
    chosen = {"geen": [], "eerste": codes[:1], "alle": codes}[contracted]
    return OnFile(
        registered_as=registered,
        registered_on=REGISTERED_ON if registered else None,
        verwerkersovereenkomst_on=VWO_ON if vwo else None,
        contracted={code: CONTRACTED_ON for code in chosen},
    )


FORM = {
    (G, LID): BIJLAGE_1,
    (P, LID): BIJLAGE_3,
    (M, LID): BIJLAGE_3,
    (G, PART): BIJLAGE_2,
    (P, PART): BIJLAGE_2,
    (M, PART): BIJLAGE_2,
}


def expected_plan(kind, involvement, asked, on_file: OnFile) -> dict:
    """The plan as the design describes it, in the plainest code."""
    documents = [(BRIEF, None)]
    skipped = []
    form = FORM[(kind, involvement)]
    form_on_file = on_file.registered_as in (involvement, LID)
    if form_on_file:
        skipped.append(
            (form, None, f"De organisatie is al {on_file.registered_as.value} sinds 14 mei 2024.")
        )
    else:
        documents.append((form, None))
        if kind == G and involvement == LID:
            documents.append((RAADSBRIEF, None))
            documents.append((ONTWERPBESLUIT, None))

    new = []
    for item in asked:
        if item.code in on_file.contracted:
            skipped.append(
                (GO, item.code,
                 f"De gebruiksovereenkomst voor {NAMES[item.code]} van 2 februari 2026 "
                 "blijft van kracht.")
            )
        else:
            new.append(item.code)
    if new:
        if on_file.verwerkersovereenkomst_on:
            skipped.append(
                (VWO, None, "De verwerkersovereenkomst van 3 maart 2025 blijft van kracht.")
            )
        else:
            documents.append((VWO, None))
    for code in new:
        documents.append((GO, code))
    if new:
        documents.append((VW, None))
    first_year = min((FIRST_YEAR[code][0] for code in new), default=None)

    return {
        "documents": documents,
        "skipped": skipped,
        "nothing_to_sign": form_on_file and not new,
        "warning": involvement == PART and on_file.registered_as != LID and len(asked) > 0,
        "needs_council": kind == G and involvement == LID and not form_on_file,
        "fee_codes": new,
        "total": sum((FIRST_YEAR[code][1] for code in new if FIRST_YEAR[code][0] == first_year),
                     Decimal("0.00")),
    }


COMBINATIONS = list(itertools.product([G, P, M], [LID, PART], ASKED, SCENARIOS))


def _id(combo) -> str:
    kind, involvement, asked, scenario = combo
    return f"{kind.value}-{involvement.value}-{asked}-{scenario}"


def _plan(kind, involvement, asked, on_file, reference, acknowledged):
    request = PackageRequest(kind, involvement, asked, acknowledged)
    return plan_package(request, on_file, reference)


@pytest.mark.parametrize("combo", COMBINATIONS, ids=[_id(c) for c in COMBINATIONS])
def test_every_combination(combo, reference):
    kind, involvement, asked_key, scenario = combo
    asked = ASKED[asked_key]
    on_file = make_on_file(scenario, involvement, asked)
    expected = expected_plan(kind, involvement, asked, on_file)

    if expected["nothing_to_sign"]:
        for acknowledged in (False, True):
            with pytest.raises(RuleError) as caught:
                _plan(kind, involvement, asked, on_file, reference, acknowledged)
            assert caught.value.field == "solutions"
            assert "niets te ondertekenen" in caught.value.message
        return

    if expected["warning"]:
        with pytest.raises(RuleError) as caught:
            _plan(kind, involvement, asked, on_file, reference, acknowledged=False)
        assert caught.value.field == "participant_warning_acknowledged"
        assert "inbesteding" in caught.value.message
        plan = _plan(kind, involvement, asked, on_file, reference, acknowledged=True)
        assert plan.warnings == (PARTICIPANT_WARNING,)
    else:
        plan = _plan(kind, involvement, asked, on_file, reference, acknowledged=False)
        assert plan.warnings == ()

    assert [(doc.kind, doc.solution_code) for doc in plan.documents] == expected["documents"]
    assert Counter((s.kind, s.solution_code, s.reason) for s in plan.skipped) == Counter(
        expected["skipped"]
    )
    assert plan.needs_council is expected["needs_council"]
    assert [fee.solution_code for fee in plan.fees] == expected["fee_codes"]
    assert plan.total == expected["total"]
    assert isinstance(plan.total, Decimal)
    # Each gebruiksovereenkomst carries the start date asked for it.
    starts = {item.code: item.start for item in asked}
    for doc in plan.documents:
        assert doc.reason.strip()
        if doc.kind is GO:
            assert doc.start == starts[doc.solution_code]


# Hand-written rows: (kind, involvement, asked, scenario, documents in order, needs_council,
# warning). The skipped documents for these rows are checked in the tests further down.
SPELLED_OUT = [
    (G, LID, "twee", "niets",
     [(BRIEF, None), (BIJLAGE_1, None), (RAADSBRIEF, None), (ONTWERPBESLUIT, None), (VWO, None),
      (GO, "wijkteamdossier"), (GO, "schuldenradar"), (VW, None)], True, False),
    (G, LID, "geen", "niets",
     [(BRIEF, None), (BIJLAGE_1, None), (RAADSBRIEF, None), (ONTWERPBESLUIT, None)], True, False),
    (G, LID, "een", "participant_vraagt_lid",
     [(BRIEF, None), (BIJLAGE_1, None), (RAADSBRIEF, None), (ONTWERPBESLUIT, None), (VWO, None),
      (GO, "wijkteamdossier"), (VW, None)], True, False),
    (P, LID, "een", "niets",
     [(BRIEF, None), (BIJLAGE_3, None), (VWO, None), (GO, "wijkteamdossier"), (VW, None)], False, False),
    (M, LID, "geen", "niets", [(BRIEF, None), (BIJLAGE_3, None)], False, False),
    (M, LID, "een", "participant_vraagt_lid",
     [(BRIEF, None), (BIJLAGE_3, None), (VWO, None), (GO, "wijkteamdossier"), (VW, None)], False, False),
    (G, PART, "een", "niets",
     [(BRIEF, None), (BIJLAGE_2, None), (VWO, None), (GO, "wijkteamdossier"), (VW, None)], False, True),
    (M, PART, "geen", "niets", [(BRIEF, None), (BIJLAGE_2, None)], False, False),
    (P, PART, "twee", "geregistreerd",
     [(BRIEF, None), (VWO, None), (GO, "wijkteamdossier"), (GO, "schuldenradar"), (VW, None)], False, True),
    (G, LID, "twee", "registratie_en_vwo",
     [(BRIEF, None), (GO, "wijkteamdossier"), (GO, "schuldenradar"), (VW, None)], False, False),
    (G, LID, "twee", "registratie_vwo_een_oplossing",
     [(BRIEF, None), (GO, "schuldenradar"), (VW, None)], False, False),
    (M, PART, "twee", "registratie_vwo_een_oplossing",
     [(BRIEF, None), (GO, "schuldenradar"), (VW, None)], False, True),
    (G, PART, "een", "lid_vraagt_participant",
     [(BRIEF, None), (VWO, None), (GO, "wijkteamdossier"), (VW, None)], False, False),
]


@pytest.mark.parametrize(
    "kind, involvement, asked_key, scenario, documents, needs_council, warning", SPELLED_OUT
)
def test_spelled_out_rows(kind, involvement, asked_key, scenario, documents, needs_council,
                          warning, reference):
    asked = ASKED[asked_key]
    on_file = make_on_file(scenario, involvement, asked)
    plan = _plan(kind, involvement, asked, on_file, reference, acknowledged=True)
    assert [(doc.kind, doc.solution_code) for doc in plan.documents] == documents
    assert plan.needs_council is needs_council
    assert bool(plan.warnings) is warning


@pytest.mark.parametrize(
    "kind, involvement, asked_key, scenario",
    [
        (G, LID, "geen", "geregistreerd"),
        (P, PART, "geen", "registratie_en_vwo"),
        (M, LID, "een", "alles_afgesloten"),
        (G, PART, "twee", "alles_afgesloten"),
        (G, PART, "geen", "lid_vraagt_participant"),
    ],
)
def test_nothing_to_sign_spelled_out(kind, involvement, asked_key, scenario, reference):
    asked = ASKED[asked_key]
    with pytest.raises(RuleError) as caught:
        _plan(kind, involvement, asked, make_on_file(scenario, involvement, asked), reference,
              acknowledged=True)
    assert caught.value.field == "solutions"
    assert caught.value.message.startswith("Er is niets te ondertekenen")


def test_skipped_reasons_spelled_out(reference):
    on_file = OnFile(
        registered_as=LID,
        registered_on=dt.date(2024, 5, 14),
        verwerkersovereenkomst_on=dt.date(2025, 3, 3),
        contracted={"wijkteamdossier": dt.date(2026, 2, 2)},
    )
    plan = _plan(G, LID, (WIJKTEAM, SCHULDEN), on_file, reference, acknowledged=False)
    reasons = {(s.kind, s.solution_code): s.reason for s in plan.skipped}
    assert reasons == {
        (BIJLAGE_1, None): "De organisatie is al lid sinds 14 mei 2024.",
        (VWO, None): "De verwerkersovereenkomst van 3 maart 2025 blijft van kracht.",
        (GO, "wijkteamdossier"):
            "De gebruiksovereenkomst voor Wijkteamdossier van 2 februari 2026 blijft van kracht.",
    }
    assert plan.kinds == [BRIEF, GO, VW]


def test_registered_without_a_date_says_so_without_a_date(reference):
    on_file = OnFile(registered_as=PART)
    plan = _plan(M, PART, (WIJKTEAM,), on_file, reference, acknowledged=True)
    assert [(s.kind, s.reason) for s in plan.skipped] == [
        (BIJLAGE_2, "De organisatie is al participant.")
    ]


def test_a_contracted_solution_that_is_not_asked_changes_nothing(reference):
    on_file = OnFile(registered_as=LID, registered_on=REGISTERED_ON,
                     contracted={"mantelzorgwaardering": CONTRACTED_ON})
    plan = _plan(P, LID, (WIJKTEAM,), on_file, reference, acknowledged=False)
    assert [(doc.kind, doc.solution_code) for doc in plan.documents] == [
        (BRIEF, None), (VWO, None), (GO, "wijkteamdossier"), (VW, None)
    ]
    assert [s.kind for s in plan.skipped] == [BIJLAGE_3]


def test_the_verwerkersovereenkomst_is_not_skipped_when_no_new_solution_is_asked(reference):
    # Registration only: the VWO on file is not mentioned at all, there is no solution.
    on_file = OnFile(verwerkersovereenkomst_on=VWO_ON)
    plan = _plan(M, LID, (), on_file, reference, acknowledged=False)
    assert plan.kinds == [BRIEF, BIJLAGE_3]
    assert plan.skipped == ()


def test_the_warning_names_inbesteding_and_membership(reference):
    plan = _plan(G, PART, (WIJKTEAM,), OnFile(), reference, acknowledged=True)
    (warning,) = plan.warnings
    assert "geen lid" in warning
    assert "inbesteding" in warning
    assert "lidmaatschap" in warning


def test_only_the_forms_and_agreements_are_signed():
    assert {kind for kind in DocumentKind if kind.is_signed} == {
        BIJLAGE_1, BIJLAGE_2, BIJLAGE_3, VWO, GO
    }
    for kind in DocumentKind:
        assert kind.title


def test_the_combination_table_is_complete():
    # 3 kinds × 2 involvements × 3 ways of asking × 7 on-file situations.
    assert len(COMBINATIONS) == 3 * 2 * 3 * 7
    assert len(set(COMBINATIONS)) == len(COMBINATIONS)


def test_no_verwerkersovereenkomst_when_every_asked_solution_is_contracted(reference):
    # A participant becomes lid and asks again for a solution it already has: the package holds
    # the registration, but no verwerkersovereenkomst (none on file, and none needed: no new
    # solution), and the VWO is not listed as skipped either.
    on_file = OnFile(registered_as=PART, registered_on=REGISTERED_ON,
                     contracted={"wijkteamdossier": CONTRACTED_ON})
    plan = _plan(M, LID, (WIJKTEAM,), on_file, reference, acknowledged=False)
    assert plan.kinds == [BRIEF, BIJLAGE_3]
    assert [(s.kind, s.solution_code) for s in plan.skipped] == [(GO, "wijkteamdossier")]
    assert plan.fees == ()
    assert plan.warnings == ()

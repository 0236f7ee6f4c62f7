"""Once per organisation, open packages included; the Voorwaarden; no start date in the past."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.rules import DocumentKind as D
from app.domain.rules import OnFile
from app.domain.rules import PackageRequest
from app.domain.rules import Pending
from app.domain.rules import RuleError
from app.domain.rules import SolutionRequest
from app.domain.rules import plan_package

WIJKTEAM = SolutionRequest("wijkteamdossier", dt.date(2026, 3, 1))
SCHULDEN = SolutionRequest("schuldenradar", dt.date(2026, 6, 1))
MEMBER = dict(registered_as=Involvement.LID, registered_on=dt.date(2024, 5, 14))


def plan(*solutions, on_file=OnFile(), today=None, reference):
    request = PackageRequest(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, Involvement.LID, solutions)
    return plan_package(request, on_file, reference, today=today)


def test_an_open_package_holding_the_verwerkersovereenkomst_is_named(reference):
    on_file = OnFile(**MEMBER, pending=(
        Pending("NVSI-2026-0007", verwerkersovereenkomst=True,
                solutions=frozenset({"wijkteamdossier"}), voorwaarden_version="2.1"),))
    result = plan(WIJKTEAM, SCHULDEN, on_file=on_file, reference=reference)
    assert [(d.kind, d.solution_code) for d in result.documents] == [
        (D.AANBIEDINGSBRIEF, None), (D.GEBRUIKSOVEREENKOMST, "schuldenradar")]
    reasons = {(s.kind, s.solution_code): s.reason for s in result.skipped}
    assert "open pakket NVSI-2026-0007" in reasons[(D.VERWERKERSOVEREENKOMST, None)]
    assert "geen persoonsgegevens" in reasons[(D.VERWERKERSOVEREENKOMST, None)]
    assert reasons[(D.GEBRUIKSOVEREENKOMST, "wijkteamdossier")] == (
        "De gebruiksovereenkomst voor Wijkteamdossier zit al in het open pakket NVSI-2026-0007.")
    assert "open pakket NVSI-2026-0007" in reasons[(D.VOORWAARDEN, None)]
    assert [fee.solution_code for fee in result.fees] == ["schuldenradar"]


def test_an_open_package_with_every_solution_leaves_nothing_to_sign(reference):
    on_file = OnFile(**MEMBER, pending=(
        Pending("NVSI-2026-0007", True, frozenset({"wijkteamdossier"}), "2.1"),))
    with pytest.raises(RuleError) as caught:
        plan(WIJKTEAM, on_file=on_file, reference=reference)
    assert "niets te ondertekenen" in caught.value.message


def test_signed_agreements_win_over_an_open_package(reference):
    on_file = OnFile(**MEMBER, verwerkersovereenkomst_on=dt.date(2025, 3, 3),
                     pending=(Pending("NVSI-2026-0007", True),))
    result = plan(WIJKTEAM, on_file=on_file, reference=reference)
    reasons = {s.kind: s.reason for s in result.skipped}
    assert reasons[D.VERWERKERSOVEREENKOMST] == (
        "De verwerkersovereenkomst van 3 maart 2025 blijft van kracht.")


def test_the_voorwaarden_go_with_the_first_gebruiksovereenkomst(reference):
    result = plan(WIJKTEAM, on_file=OnFile(**MEMBER), reference=reference)
    assert result.kinds[-1] is D.VOORWAARDEN
    (doc,) = [d for d in result.documents if d.kind is D.VOORWAARDEN]
    assert "versie 2.1" in doc.reason and "20 november 2025" in doc.reason
    assert "eerste gebruiksovereenkomst" in doc.reason
    assert not D.VOORWAARDEN.is_signed  # accepted by signing the gebruiksovereenkomst


def test_no_voorwaarden_again_for_the_same_version(reference):
    on_file = OnFile(**MEMBER, contracted={"schuldenradar": dt.date(2025, 3, 3)},
                     voorwaarden_version="2.1")
    result = plan(WIJKTEAM, on_file=on_file, reference=reference)
    assert D.VOORWAARDEN not in result.kinds
    assert [s.kind for s in result.skipped if s.kind is D.VOORWAARDEN] == [D.VOORWAARDEN]


def test_the_voorwaarden_again_when_their_version_changed(reference):
    on_file = OnFile(**MEMBER, contracted={"schuldenradar": dt.date(2025, 3, 3)},
                     voorwaarden_version="2.0")
    result = plan(WIJKTEAM, on_file=on_file, reference=reference)
    (doc,) = [d for d in result.documents if d.kind is D.VOORWAARDEN]
    assert "gewijzigd sinds versie 2.0" in doc.reason


def test_no_voorwaarden_without_a_gebruiksovereenkomst(reference):
    result = plan(on_file=OnFile(), reference=reference)
    assert D.VOORWAARDEN not in result.kinds


def test_a_start_date_before_today_is_refused_in_dutch(reference):
    with pytest.raises(RuleError) as caught:
        plan(SolutionRequest("wijkteamdossier", dt.date(2026, 1, 1)),
             today=dt.date(2026, 11, 30), reference=reference)
    assert caught.value.field == "solutions-0-start"
    assert caught.value.message == (
        "Ingangsdatum: 1 januari 2026 ligt in het verleden. Kies vandaag (30 november 2026) of "
        "een latere datum.")


def test_a_start_date_of_today_is_fine(reference):
    result = plan(SolutionRequest("wijkteamdossier", dt.date(2026, 11, 30)),
                  today=dt.date(2026, 11, 30), reference=reference)
    assert [fee.solution_code for fee in result.fees] == ["wijkteamdossier"]
    # 30 November per started month: November and December, 2/12 of 10113.75 = 1685.625
    # → 1685.63
    assert str(result.total) == "1685.63"

"""Requests that cannot become a package: each a Dutch RuleError naming the input field."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.rules import DocumentKind
from app.domain.rules import OnFile
from app.domain.rules import PackageRequest
from app.domain.rules import RuleError
from app.domain.rules import SolutionRequest
from app.domain.rules import plan_package
from app.domain.rules import registration_form

GOOD = SolutionRequest("wijkteamdossier", dt.date(2026, 3, 1))


def _request(*solutions, kind=OrgKind.GEMEENTE, involvement=Involvement.LID):
    return PackageRequest(kind, involvement, tuple(solutions), participant_warning_acknowledged=True)


@pytest.mark.parametrize(
    "solutions, field, message",
    [
        ((SolutionRequest("tovertafel", dt.date(2026, 3, 1)),),
         "solutions-0-code", "Onbekende oplossing 'tovertafel'."),
        ((GOOD, SolutionRequest("Wijkteamdossier", dt.date(2026, 3, 1))),
         "solutions-1-code", "Onbekende oplossing 'Wijkteamdossier'."),
        ((GOOD, SolutionRequest("wijkteamdossier", dt.date(2027, 1, 1))),
         "solutions-1-code", "Wijkteamdossier staat twee keer in de aanvraag."),
        ((SolutionRequest("schuldenradar", dt.date(2026, 1, 1)), GOOD,
          SolutionRequest("schuldenradar", dt.date(2026, 1, 1))),
         "solutions-2-code", "Schuldenradar staat twee keer in de aanvraag."),
    ],
    ids=["onbekend", "hoofdletter", "dubbel", "dubbel-op-derde-plaats"],
)
def test_unknown_or_repeated_solution(solutions, field, message, reference):
    with pytest.raises(RuleError) as caught:
        plan_package(_request(*solutions), OnFile(), reference)
    assert caught.value.field == field
    assert caught.value.message == message
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "solutions, field, year",
    [
        ((SolutionRequest("wijkteamdossier", dt.date(2025, 12, 31)),), "solutions-0-start", 2025),
        ((SolutionRequest("wijkteamdossier", dt.date(2028, 1, 1)),), "solutions-0-start", 2028),
        ((GOOD, SolutionRequest("schuldenradar", dt.date(2028, 6, 1))), "solutions-1-start", 2028),
    ],
    ids=["2025", "2028", "2028-tweede"],
)
def test_start_date_in_a_year_without_a_schedule(solutions, field, year, reference):
    for involvement in Involvement:
        with pytest.raises(RuleError) as caught:
            plan_package(_request(*solutions, involvement=involvement), OnFile(), reference)
        assert caught.value.field == field
        message = caught.value.message
        assert message.startswith(f"Voor {year} is nog geen tarief vastgesteld")
        assert "2026" in message and "2027" in message  # the years that do have one
        assert "ingangsdatum" in message  # what to change


def test_a_start_date_without_schedule_is_no_error_for_a_solution_already_contracted(reference):
    # The contracted solution gets no new gebruiksovereenkomst, so no fee is worked out.
    on_file = OnFile(registered_as=Involvement.LID, verwerkersovereenkomst_on=dt.date(2025, 3, 3),
                     contracted={"wijkteamdossier": dt.date(2025, 6, 1)})
    plan = plan_package(
        _request(SolutionRequest("wijkteamdossier", dt.date(2028, 1, 1)),
                 SolutionRequest("schuldenradar", dt.date(2026, 5, 1))),
        on_file,
        reference,
    )
    assert [(d.kind, d.solution_code) for d in plan.documents][1:] == [
        (DocumentKind.GEBRUIKSOVEREENKOMST, "schuldenradar"), (DocumentKind.VOORWAARDEN, None)
    ]


def test_rule_error_is_a_value_error_with_field():
    error = RuleError("Iets klopt niet.", field="solutions")
    assert isinstance(error, ValueError)
    assert (error.message, error.field) == ("Iets klopt niet.", "solutions")
    assert RuleError("Zonder veld.").field is None


@pytest.mark.parametrize(
    "kind, involvement, form",
    [
        (OrgKind.GEMEENTE, Involvement.LID, DocumentKind.AANMELDING_GEMEENTE_LID),
        (OrgKind.PUBLIEKE_ORGANISATIE, Involvement.LID, DocumentKind.AANMELDING_ORGANISATIE_LID),
        (OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, Involvement.LID,
         DocumentKind.AANMELDING_ORGANISATIE_LID),
        (OrgKind.GEMEENTE, Involvement.PARTICIPANT, DocumentKind.AANMELDING_PARTICIPANT),
        (OrgKind.PUBLIEKE_ORGANISATIE, Involvement.PARTICIPANT,
         DocumentKind.AANMELDING_PARTICIPANT),
        (OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, Involvement.PARTICIPANT,
         DocumentKind.AANMELDING_PARTICIPANT),
    ],
)
def test_registration_form(kind, involvement, form):
    assert registration_form(kind, involvement) is form

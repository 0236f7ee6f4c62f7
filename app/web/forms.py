"""Reading the staff forms: the 'Nieuw pakket' form and the small action forms.

The 'Nieuw pakket' form uses the field names `parse_new_package` reads (see
app/services/intake.py), plus one of its own: `org_source` says which of the three ways to
name the organisation counts (an organisation already known, a gemeente from the CBS list, or
another organisation), so the fields of the other two are left out and never block the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain import validation as v
from app.services.intake import IntakeError
from app.services.intake import NewPackage
from app.services.intake import parse_new_package

SOLUTION_ROWS = 4

ORG_SOURCES = {
    "bestaand": "Een organisatie die al in Tekenklaar staat",
    "gemeente": "Een gemeente",
    "anders": "Een andere organisatie (publiek of maatschappelijk)",
}
OTHER_KINDS = {
    "publieke_organisatie": "Publieke organisatie (bijvoorbeeld een gemeenschappelijke "
                            "regeling, provincie of waterschap)",
    "maatschappelijke_organisatie": "Maatschappelijke organisatie",
}
ADDRESS_FIELDS = ("org_street", "org_postcode", "org_city")
OTHER_FIELDS = ("org_kind", "org_name", "org_kvk", "org_oin")
ORG_FIELDS = ("organisation_id", "cbs_code", *OTHER_FIELDS, *ADDRESS_FIELDS)
SOURCE_FIELDS = {
    "bestaand": ("organisation_id",),
    "gemeente": ("cbs_code", *ADDRESS_FIELDS),
    "anders": (*OTHER_FIELDS, *ADDRESS_FIELDS),
}

# The order of the fields on the page, for the error summary.
FIELD_ORDER = (
    "org_source", *ORG_FIELDS, "involvement",
    "contact_name", "contact_function", "contact_email", "contact_phone",
    "signatory_name", "signatory_function", "signatory_email",
    "solutions",
    *(f"solutions-{n}-{part}" for n in range(SOLUTION_ROWS) for part in ("code", "start")),
    "participant_warning_acknowledged",
)

# The first input of a group, for links from the error summary.
FIELD_ANCHORS = {
    "org_kind": "org_kind-publieke_organisatie",
    "involvement": "involvement-lid",
    "solutions": "solutions-0-code",
}


def org_sources(any_known: bool) -> dict[str, str]:
    """The ways to name the organisation; 'already known' only when there are any."""
    if any_known:
        return ORG_SOURCES
    return {key: label for key, label in ORG_SOURCES.items() if key != "bestaand"}


def anchor(field: str, sources=ORG_SOURCES) -> str:
    """The id of the input an error about `field` links to."""
    if field == "org_source":
        return f"org_source-{next(iter(sources))}"
    return FIELD_ANCHORS.get(field, field)


def ordered_errors(errors: Mapping[str, str]) -> list[tuple[str, str]]:
    """The errors in the order of the fields on the page; unknown fields last."""
    position = {name: index for index, name in enumerate(FIELD_ORDER)}
    return sorted(errors.items(), key=lambda item: position.get(item[0], len(position)))


def form_values(form: Mapping[str, str]) -> dict[str, str]:
    """What was typed, as flat strings (to show again)."""
    return {key: form.get(key, "") for key in form.keys() if key != "csrf_token"}


def parse_package_form(form: Mapping[str, str], municipalities, solution_codes) -> NewPackage:
    """Return the checked NewPackage, or raise IntakeError with every wrong field."""
    values = form_values(form)
    source = values.get("org_source", "")
    errors: dict[str, str] = {}
    data = {key: value for key, value in values.items() if key not in ORG_FIELDS}
    if source in ORG_SOURCES:
        for key in SOURCE_FIELDS[source]:
            data[key] = values.get(key, "")
    if source == "gemeente":
        data["org_kind"] = "gemeente"
    elif source == "anders" and data.get("org_kind") not in OTHER_KINDS:
        errors["org_kind"] = ("Soort organisatie: kies publieke organisatie of maatschappelijke "
                              "organisatie.")
        data["org_kind"] = "publieke_organisatie"  # check the other fields as well
    elif source == "bestaand" and not data.get("organisation_id", "").strip():
        errors["organisation_id"] = "Organisatie: kies een organisatie uit de lijst."
        data["organisation_id"] = "0"  # check the other fields as well
    elif source not in ORG_SOURCES:
        errors["org_source"] = ("Organisatie: kies of het gaat om een organisatie die al in "
                                "Tekenklaar staat, een gemeente of een andere organisatie.")
        data["organisation_id"] = "0"  # check the other fields as well

    try:
        new = parse_new_package(data, municipalities, solution_codes)
    except IntakeError as exc:
        relevant = SOURCE_FIELDS.get(source, ())
        for field, message in exc.errors.items():
            if field in ORG_FIELDS and field not in relevant:
                continue  # a field of a way not chosen
            if field == "cbs_code" and not data.get("cbs_code", "").strip():
                message = "Gemeente: kies een gemeente uit de lijst."
            errors.setdefault(field, message)
        raise IntakeError(errors) from None
    if errors:
        raise IntakeError(errors)
    return new


def shown_solution_rows(values: Mapping[str, str]) -> int:
    """How many solution rows to show: at least SOLUTION_ROWS, more if more were posted."""
    highest = -1
    for key in values:
        if key.startswith("solutions-"):
            part = key.split("-")
            if len(part) == 3 and part[1].isdigit():
                highest = max(highest, int(part[1]))
    return max(SOLUTION_ROWS, highest + 1)


@dataclass(frozen=True)
class CollegeDecision:
    decided_on: dt.date
    reference: str


def parse_college_decision(form: Mapping[str, str]) -> CollegeDecision:
    """The College decision's date and reference; raise IntakeError for each wrong field."""
    errors = {}
    decided_on = reference = None
    try:
        decided_on = v.clean_date(form.get("decided_on"), "decided_on", "Datum collegebesluit")
    except v.InputError as exc:
        errors["decided_on"] = exc.message
    try:
        reference = v.clean_text(form.get("decision_reference"), "decision_reference",
                                 "Kenmerk collegebesluit")
    except v.InputError as exc:
        errors["decision_reference"] = exc.message
    if errors:
        raise IntakeError(errors)
    return CollegeDecision(decided_on, reference)


def parse_reason(form: Mapping[str, str]) -> str:
    """The reason for withdrawing a package; raise IntakeError when there is none."""
    reason = (form.get("reason") or "").strip()
    if not reason:
        raise IntakeError({"reason": "Reden: vul in waarom het pakket wordt ingetrokken."})
    if len(reason) > 2000:
        raise IntakeError({"reason": "Reden: gebruik hoogstens 2000 tekens."})
    return reason

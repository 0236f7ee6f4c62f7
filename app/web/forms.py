"""Reading the staff forms: the 'Nieuw pakket' form and the small action forms.

The 'Nieuw pakket' form uses the field names `parse_new_package` reads (see
app/services/intake.py), plus one of its own: `org_source` says which of the three ways to
name the organisation counts (an organisation already known, a gemeente from the CBS list, or
another organisation), so the fields of the other two are left out and never block the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
import re
from dataclasses import dataclass

from app.domain import validation as v
from app.domain.organisations import Involvement
from app.domain.rules import SolutionRequest
from app.services.intake import MAX_SOLUTION_ROWS
from app.services.intake import SOLUTION_FIELD
from app.services.intake import IntakeError
from app.services.intake import NewPackage
from app.services.intake import parse_new_package
from app.services.intake import solution_fields

SOLUTION_ROWS = 4
FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

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
    "signatory_capacity", "signatory_name", "signatory_function", "signatory_email",
    "volmacht_on", "volmacht_reference",
    "second_signatory_name", "second_signatory_function", "second_signatory_email",
    "fg_name", "fg_email", "fg_phone", "breach_name", "breach_email", "breach_phone",
    "solutions",
    *(f"solutions-{n}-{part}" for n in range(SOLUTION_ROWS) for part in ("code", "start")),
    "participant_warning_acknowledged", "replaces", "replace_reason",
)

# The first input of a group, for links from the error summary.
FIELD_ANCHORS = {
    "org_kind": "org_kind-publieke_organisatie",
    "involvement": "involvement-lid",
    "signatory_capacity": "signatory_capacity-burgemeester",
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


def ordered_errors(errors: Mapping[str, str],
                   order: tuple[str, ...] = FIELD_ORDER) -> list[tuple[str, str]]:
    """The errors in the order of the fields on the page; unknown fields last."""
    position = {name: index for index, name in enumerate(order)}
    return sorted(errors.items(), key=lambda item: position.get(item[0], len(position)))


MAX_FIELDS = 200  # the forms have about 40 fields
MAX_SHOWN = 2000  # a value is shown again up to this many characters


def form_values(form: Mapping[str, str]) -> dict[str, str]:
    """What was typed, as flat strings (to show again): the first MAX_FIELDS fields, each cut
    to MAX_SHOWN characters, so a huge post is never echoed back whole."""
    values = {}
    for key in form.keys():
        if key == "csrf_token" or len(key) > 100:
            continue
        if len(values) >= MAX_FIELDS:
            break
        values[key] = (form.get(key, "") or "")[:MAX_SHOWN]
    return values


def new_form_key() -> str:
    """A random key for one filled-in form, so sending it twice makes one package."""
    import secrets

    return secrets.token_urlsafe(18)


def form_key(values: Mapping[str, str]) -> str | None:
    """The form's key as posted, or None when it is missing or not one of ours."""
    key = (values.get("form_key") or "").strip()
    return key if FORM_KEY.match(key) else None


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
    """How many solution rows to show: at least SOLUTION_ROWS, more if more were posted, never
    more than MAX_SOLUTION_ROWS."""
    rows = solution_fields(values, {})
    return max(SOLUTION_ROWS, max(rows, default=-1) + 1)


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
        reference = v.clean_reference(form.get("decision_reference"), "decision_reference",
                                      "Kenmerk collegebesluit")
    except v.InputError as exc:
        errors["decision_reference"] = exc.message
    if errors:
        raise IntakeError(errors)
    return CollegeDecision(decided_on, reference)


MAX_REASON = 2000


def parse_sent_to_raad(form: Mapping[str, str]) -> dt.date:
    """The day the ontwerpbesluit went to the raad; raise IntakeError when it is wrong."""
    try:
        return v.clean_date(form.get("sent_on"), "sent_on",
                            "Datum waarop het ontwerpbesluit naar de raad ging")
    except v.InputError as exc:
        raise IntakeError({"sent_on": exc.message}) from None


@dataclass(frozen=True)
class CouncilReactionInput:
    reaction: object  # CouncilReaction
    reaction_on: dt.date
    text: str


def parse_council_reaction(form: Mapping[str, str]) -> CouncilReactionInput:
    """The raad's reaction, its date and (for wensen en bedenkingen) their text; raise
    IntakeError for each wrong field."""
    from app.domain.council import CouncilReaction

    errors = {}
    reaction = reaction_on = None
    try:
        reaction = CouncilReaction(form.get("reaction", ""))
    except ValueError:
        errors["reaction"] = ("Reactie van de raad: kies geen wensen en bedenkingen, of wensen "
                              "en bedenkingen.")
    try:
        reaction_on = v.clean_date(form.get("reaction_on"), "reaction_on",
                                   "Datum van de reactie")
    except v.InputError as exc:
        errors["reaction_on"] = exc.message
    if errors:
        raise IntakeError(errors)
    return CouncilReactionInput(reaction, reaction_on, (form.get("reaction_text") or "").strip())


def parse_reason(form: Mapping[str, str]) -> str:
    """The reason for withdrawing a package; raise IntakeError when there is none."""
    reason = (form.get("reason") or "").strip()
    if not reason:
        raise IntakeError({"reason": "Reden: vul in waarom het pakket wordt ingetrokken."})
    if len(reason) > MAX_REASON:
        raise IntakeError({"reason": f"Reden: gebruik hoogstens {MAX_REASON} tekens."})
    return reason


# --- Bulk ------------------------------------------------------------------------------------

SELECTIONS = {
    "niet_leden": "Gemeenten die nog geen lid zijn",
    "gebruikers": "Gebruikers van een oplossing",
    "kiezen": "Organisaties die ik zelf aanvink",
}
INVOLVEMENTS = {"lid": "Als lid", "participant": "Als participant"}
BULK_FIELD_ORDER = (
    "selection", "users_of", "organisations", "involvement", "solutions",
    *(f"solutions-{n}-{part}" for n in range(SOLUTION_ROWS) for part in ("code", "start")),
    "participant_warning_acknowledged", "provider", "description",
)
PARTICIPANT_NOT_ACKNOWLEDGED = ("Participant met oplossingen: vink aan dat u de organisaties op "
                                "de waarschuwing heeft gewezen.")


@dataclass(frozen=True)
class BulkForm:
    """The bulk form, read: who (the selection) and what they are offered."""

    selection: str
    users_of: str | None  # the solution whose users are chosen ("gebruikers")
    ticked: tuple[int, ...]  # the organisations ticked ("kiezen")
    involvement: Involvement
    solutions: tuple[SolutionRequest, ...]
    acknowledged: bool
    provider: str | None
    send: bool
    description: str


def parse_bulk_form(form, solution_codes, providers, known_ids) -> BulkForm:
    """Return the checked BulkForm, or raise IntakeError with every wrong field (Dutch).

    `form` is the posted MultiDict (the ticked organisations are a list); `providers` the
    providers that may be chosen; `known_ids` the ids of the organisations on file.
    """
    values = form_values(form)
    errors: dict[str, str] = {}
    selection = values.get("selection", "")
    users_of = None
    ticked: tuple[int, ...] = ()
    if selection not in SELECTIONS:
        errors["selection"] = ("Organisaties: kies gemeenten die nog geen lid zijn, gebruikers "
                               "van een oplossing, of organisaties uit de lijst.")
    elif selection == "gebruikers":
        users_of = values.get("users_of", "")
        if users_of not in solution_codes:
            errors["users_of"] = ("Oplossing: kies de oplossing van wie de gebruikers een "
                                  "pakket krijgen.")
    elif selection == "kiezen":
        raw = form.getlist("organisations") if hasattr(form, "getlist") else []
        ticked = tuple(dict.fromkeys(int(r) for r in raw if r.isdigit() and int(r) in known_ids))
        if not ticked:
            errors["organisations"] = "Organisaties: vink ten minste één organisatie aan."

    involvement = None
    try:
        involvement = Involvement(values.get("involvement", ""))
    except ValueError:
        errors["involvement"] = "Betrokkenheid: kies lid of participant."

    solutions, _rows = solution_rows(values, solution_codes, errors)
    acknowledged = bool(values.get("participant_warning_acknowledged"))
    if involvement is Involvement.PARTICIPANT and solutions and not acknowledged:
        errors["participant_warning_acknowledged"] = PARTICIPANT_NOT_ACKNOWLEDGED

    send = not values.get("documents_only")
    provider = values.get("provider", "") or None
    if send and provider not in providers:
        errors["provider"] = "Ondertekendienst: kies een dienst uit de lijst."
    if not send:
        provider = None

    description = ""
    try:
        description = v.clean_text(values.get("description"), "description", "Omschrijving",
                                   max_length=300)
    except v.InputError as exc:
        errors["description"] = exc.message
    if errors:
        raise IntakeError(errors)
    return BulkForm(selection, users_of, ticked, involvement, solutions, acknowledged, provider,
                    send, description)


def solution_rows(values: Mapping[str, str], solution_codes,
                  errors: dict[str, str]) -> tuple[tuple[SolutionRequest, ...], tuple[int, ...]]:
    """The solutions typed in rows solutions-N-code/-start (a row left empty is skipped), with
    the row of each; a wrong row adds its error (the same messages as the package intake)."""
    found = solution_fields(values, errors)
    solutions, rows = [], []
    for index in sorted(found):
        code, start = found[index].get("code", ""), found[index].get("start", "")
        if not code and not start:
            continue
        if code not in solution_codes:
            errors[f"solutions-{index}-code"] = "Oplossing: kies een oplossing uit de lijst."
            continue
        try:
            day = v.clean_date(start, f"solutions-{index}-start", "Ingangsdatum")
        except v.InputError as exc:
            errors[exc.field] = exc.message
            continue
        solutions.append(SolutionRequest(code, day))
        rows.append(index)
    return tuple(solutions), tuple(rows)


def solution_row_field(field: str | None, values: Mapping[str, str],
                       solution_codes) -> str | None:
    """The form field for a rule's `solutions-N-…` field, where N counts the solutions given:
    the rows left empty are skipped, so the N-th solution may sit in a later row."""
    match = SOLUTION_FIELD.match(field or "")
    if not match:
        return field
    _solutions, rows = solution_rows(values, solution_codes, {})
    index = int(match[1])
    return f"solutions-{rows[index]}-{match[2]}" if index < len(rows) else field


def bulk_anchor(field: str, first_organisation: int | None = None) -> str:
    """The id of the input an error about `field` on the bulk form links to."""
    if field == "selection":
        return "selection-niet_leden"
    if field == "organisations" and first_organisation is not None:
        return f"organisations-{first_organisation}"
    return FIELD_ANCHORS.get(field, field)

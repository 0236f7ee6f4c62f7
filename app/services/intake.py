"""Turn what staff typed (a web form or an API body) into a checked `NewPackage`.

`parse_new_package(data)` takes flat string fields, the same names for the form and the API,
and either returns a NewPackage or raises IntakeError with every wrong field and its Dutch
message, so a form can show each beside its field with what was typed kept.

Fields: organisation_id (an existing organisation), or org_kind plus for a gemeente cbs_code,
for another organisation org_name and optionally org_kvk / org_oin; org_street, org_postcode,
org_city; involvement; contact_name, contact_function, contact_email, contact_phone;
signatory_name, signatory_function, signatory_email; solutions-N-code and solutions-N-start
(N = 0, 1, …; a row with neither is ignored); participant_warning_acknowledged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain import validation as v
from app.domain.municipalities import Municipality
from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import SolutionRequest

SOLUTION_FIELD = re.compile(r"^solutions-(\d{1,6})-(code|start)$")
# More rows than there are solutions in any catalogue: one small POST naming row 99999999999
# must not make the server build (or show) that many.
MAX_SOLUTION_ROWS = 40
TOO_MANY_ROWS = f"Oplossingen: gebruik hoogstens {MAX_SOLUTION_ROWS} regels."
TRUE = {"1", "true", "on", "yes", "ja", "y"}


class IntakeError(ValueError):
    """The input has mistakes: `errors` maps each field name to its Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class OrganisationInput:
    kind: OrgKind
    name: str
    cbs_code: str | None
    kvk: str | None
    oin: str | None
    address: Address


@dataclass(frozen=True)
class NewPackage:
    organisation_id: int | None  # an organisation already known
    organisation: OrganisationInput | None  # or the details of one to find or add
    involvement: Involvement
    contact: Person
    signatory: Person
    solutions: tuple[SolutionRequest, ...]
    participant_warning_acknowledged: bool


def parse_new_package(data: Mapping[str, str], municipalities: Mapping[str, Municipality],
                      solution_codes: set[str]) -> NewPackage:
    """Check every field; return a NewPackage or raise IntakeError listing all mistakes."""
    errors: dict[str, str] = {}

    def check(field, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except v.InputError as exc:
            errors.setdefault(exc.field or field, exc.message)
            return None

    organisation_id = None
    organisation = None
    raw_id = (data.get("organisation_id") or "").strip()
    if raw_id:
        if raw_id.isdigit():
            organisation_id = int(raw_id)
        else:
            errors["organisation_id"] = "Organisatie: kies een organisatie uit de lijst."
    else:
        organisation = _organisation(data, municipalities, check, errors)

    involvement = None
    try:
        involvement = Involvement((data.get("involvement") or "").strip())
    except ValueError:
        errors["involvement"] = "Betrokkenheid: kies lid of participant."

    contact = Person(
        name=check("contact_name", v.clean_text, data.get("contact_name"), "contact_name",
                   "Naam contactpersoon"),
        function=check("contact_function", v.clean_text, data.get("contact_function"),
                       "contact_function", "Functie contactpersoon"),
        email=check("contact_email", v.clean_email, data.get("contact_email"), "contact_email",
                    "E-mailadres contactpersoon"),
        phone=check("contact_phone", v.clean_phone, data.get("contact_phone"), "contact_phone",
                    "Telefoon contactpersoon"),
    )
    signatory = Person(
        name=check("signatory_name", v.clean_text, data.get("signatory_name"), "signatory_name",
                   "Naam ondertekenaar"),
        function=check("signatory_function", v.clean_text, data.get("signatory_function"),
                       "signatory_function", "Functie ondertekenaar"),
        email=check("signatory_email", v.clean_email, data.get("signatory_email"),
                    "signatory_email", "E-mailadres ondertekenaar"),
    )
    solutions = _solutions(data, solution_codes, errors)
    acknowledged = (data.get("participant_warning_acknowledged") or "").strip().lower() in TRUE

    if errors:
        raise IntakeError(errors)
    return NewPackage(organisation_id, organisation, involvement, contact, signatory,
                      solutions, acknowledged)


def _organisation(data, municipalities, check, errors) -> OrganisationInput | None:
    try:
        kind = OrgKind((data.get("org_kind") or "").strip())
    except ValueError:
        errors["org_kind"] = "Soort organisatie: kies gemeente, publieke of maatschappelijke organisatie."
        return None
    cbs_code = None
    if kind is OrgKind.GEMEENTE:
        cbs_code = check("cbs_code", v.clean_cbs_code, data.get("cbs_code"))
        if cbs_code and cbs_code not in municipalities:
            errors["cbs_code"] = (f"CBS-gemeentecode: {cbs_code} is geen bestaande gemeente; "
                                  "kies de gemeente uit de lijst.")
            cbs_code = None
        name = municipalities[cbs_code].name if cbs_code else None
    else:
        name = check("org_name", v.clean_text, data.get("org_name"), "org_name",
                     "Naam organisatie")
    kvk = oin = None
    if (data.get("org_kvk") or "").strip():
        kvk = check("org_kvk", v.clean_kvk, data.get("org_kvk"), "org_kvk")
    if (data.get("org_oin") or "").strip():
        oin = check("org_oin", v.clean_oin, data.get("org_oin"), "org_oin")
    address = Address(
        street=check("org_street", v.clean_text, data.get("org_street"), "org_street",
                     "Adres"),
        postcode=check("org_postcode", v.clean_postcode, data.get("org_postcode"),
                       "org_postcode"),
        city=check("org_city", v.clean_text, data.get("org_city"), "org_city", "Plaats"),
    )
    if not name:
        return None
    return OrganisationInput(kind, name, cbs_code, kvk, oin, address)


def solution_fields(data: Mapping[str, str],
                    errors: dict[str, str]) -> dict[int, dict[str, str]]:
    """The typed solution rows {index: {"code", "start"}}; a row at or past
    MAX_SOLUTION_ROWS (or a name that is not a row) adds one error and is left out."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in data.items():
        if not key.startswith("solutions-"):
            continue
        match = SOLUTION_FIELD.match(key)
        if not match or int(match[1]) >= MAX_SOLUTION_ROWS:
            errors["solutions"] = TOO_MANY_ROWS
            continue
        rows.setdefault(int(match[1]), {})[match[2]] = (value or "").strip()
    return rows


def _solutions(data, solution_codes, errors) -> tuple[SolutionRequest, ...]:
    rows = solution_fields(data, errors)
    result = []
    for index in sorted(rows):
        row = rows[index]
        code, start = row.get("code", ""), row.get("start", "")
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
        result.append(SolutionRequest(code, day))
    return tuple(result)

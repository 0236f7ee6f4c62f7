"""Turn what staff typed (a web form or an API body) into a checked `NewPackage`.

`parse_new_package(data)` takes flat string fields, the same names for the form and the API,
and either returns a NewPackage or raises IntakeError with every wrong field and its Dutch
message, so a form can show each beside its field with what was typed kept.

Fields: organisation_id (an existing organisation), or org_kind plus for a gemeente cbs_code,
for another organisation org_name and optionally org_kvk / org_oin; org_street, org_postcode,
org_city; involvement; contact_name, contact_function, contact_email, contact_phone;
signatory_capacity (burgemeester, gemachtigde or statutair; for a gemeente the
burgemeester by default), signatory_name, signatory_function (not for the burgemeester),
signatory_email, volmacht_on and volmacht_reference (a gemachtigde's volmacht),
second_signatory_name/_function/_email (where the statuten ask for two); solutions-N-code and solutions-N-start
(N = 0, 1, …; a row with neither is ignored); participant_warning_acknowledged;
fg_name, fg_email, fg_phone (the privacy officer, FG) and breach_name, breach_email, breach_phone
(the contact for data breaches, reachable at any hour): optional here, but a package with a
verwerkersovereenkomst needs both (the service checks that, as it knows the plan); replaces and
replace_reason (an open package of the organisation to withdraw on purpose, and why).
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
from app.domain.signatory import BURGEMEESTER_FUNCTION
from app.domain.signatory import SignatoryCapacity
from app.domain.signatory import Volmacht

SOLUTION_FIELD = re.compile(r"^solutions-(\d{1,6})-(code|start)$")
# More rows than there are solutions in any catalogue: one small POST naming row 99999999999
# must not make the server build (or show) that many.
MAX_SOLUTION_ROWS = 40
TOO_MANY_ROWS = f"Oplossingen: gebruik hoogstens {MAX_SOLUTION_ROWS} regels."
TRUE = {"1", "true", "on", "yes", "ja", "y"}
# The fields that name the organisation: set when a package is made, never changed by an edit.
ORGANISATION_FIELDS = ("organisation_id", "org_kind", "cbs_code", "org_name", "org_kvk",
                       "org_oin", "org_street", "org_postcode", "org_city")


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
    signatory_capacity: SignatoryCapacity | None = None  # None: the default for the kind
    volmacht: Volmacht | None = None
    second_signatory: Person | None = None
    privacy_officer: Person | None = None  # the FG, when typed
    breach_contact: Person | None = None  # reachable at any hour, when typed
    replaces: int | None = None  # an open package to withdraw on purpose
    replace_reason: str = ""


FG_LABELS = {"name": "Naam functionaris gegevensbescherming",
             "email": "E-mailadres functionaris gegevensbescherming",
             "phone": "Telefoon functionaris gegevensbescherming"}
BREACH_LABELS = {"name": "Naam contact bij datalekken",
                 "email": "E-mailadres contact bij datalekken",
                 "phone": "Telefoon contact bij datalekken (dag en nacht bereikbaar)"}


def parse_new_package(data: Mapping[str, str], municipalities: Mapping[str, Municipality],
                      solution_codes: set[str]) -> NewPackage:
    """Check every field; return a NewPackage or raise IntakeError listing all mistakes."""
    errors: dict[str, str] = {}
    check = _checker(errors)

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
    capacity = None
    raw_capacity = (data.get("signatory_capacity") or "").strip()
    if raw_capacity:
        try:
            capacity = SignatoryCapacity(raw_capacity)
        except ValueError:
            errors["signatory_capacity"] = ("Ondertekenaar: kies de burgemeester, een "
                                            "gemachtigde met volmacht, of wie de statuten "
                                            "aanwijzen.")
    function_required = capacity is not SignatoryCapacity.BURGEMEESTER
    signatory = Person(
        name=check("signatory_name", v.clean_text, data.get("signatory_name"), "signatory_name",
                   "Naam ondertekenaar"),
        function=check("signatory_function", v.clean_text, data.get("signatory_function"),
                       "signatory_function", "Functie ondertekenaar",
                       required=function_required) or (
                           BURGEMEESTER_FUNCTION if not function_required else None),
        email=check("signatory_email", v.clean_email, data.get("signatory_email"),
                    "signatory_email", "E-mailadres ondertekenaar"),
    )
    volmacht = _volmacht(data, check, errors)
    second = None
    if any((data.get(f"second_signatory_{part}") or "").strip()
           for part in ("name", "function", "email")):
        second = Person(
            name=check("second_signatory_name", v.clean_text, data.get("second_signatory_name"),
                       "second_signatory_name", "Naam tweede ondertekenaar"),
            function=check("second_signatory_function", v.clean_text,
                           data.get("second_signatory_function"), "second_signatory_function",
                           "Functie tweede ondertekenaar"),
            email=check("second_signatory_email", v.clean_email,
                        data.get("second_signatory_email"), "second_signatory_email",
                        "E-mailadres tweede ondertekenaar"),
        )
    solutions = _solutions(data, solution_codes, errors)
    acknowledged = (data.get("participant_warning_acknowledged") or "").strip().lower() in TRUE
    privacy_officer = _optional_person(data, "fg", FG_LABELS, check, errors, phone_required=False)
    breach_contact = _optional_person(data, "breach", BREACH_LABELS, check, errors,
                                      phone_required=True)
    replaces = None
    raw_replaces = (data.get("replaces") or "").strip()
    replace_reason = ""
    if raw_replaces:
        if raw_replaces.isdigit():
            replaces = int(raw_replaces)
            replace_reason = check("replace_reason", v.clean_text, data.get("replace_reason"),
                                   "replace_reason", "Reden voor het vervangen") or ""
        else:
            errors["replaces"] = "Te vervangen pakket: kies een open pakket uit de lijst."

    if errors:
        raise IntakeError(errors)
    return NewPackage(organisation_id, organisation, involvement, contact, signatory,
                      solutions, acknowledged, capacity, volmacht, second,
                      privacy_officer=privacy_officer, breach_contact=breach_contact,
                      replaces=replaces, replace_reason=replace_reason)


def parse_organisation_details(data: Mapping[str, str],
                               municipalities: Mapping[str, Municipality]) -> OrganisationInput:
    """The organisation's own fields (org_kind, cbs_code or org_name, org_kvk, org_oin and the
    address), checked as for a new package; raise IntakeError listing every wrong field."""
    errors: dict[str, str] = {}
    check = _checker(errors)

    organisation = _organisation(data, municipalities, check, errors)
    if errors or organisation is None:
        raise IntakeError(errors or {"org_name": "Naam organisatie: vul dit veld in."})
    return organisation


def parse_person(data: Mapping[str, str], prefix: str, label: str,
                 phone_required: bool = False) -> Person:
    """One person from `<prefix>_name`, `_function`, `_email` and `_phone`;
    raise IntakeError listing every wrong field. `label`: "contactpersoon", "ondertekenaar"."""
    errors: dict[str, str] = {}
    check = _checker(errors)

    person = Person(
        name=check(f"{prefix}_name", v.clean_text, data.get(f"{prefix}_name"),
                   f"{prefix}_name", f"Naam {label}"),
        function=check(f"{prefix}_function", v.clean_text, data.get(f"{prefix}_function"),
                       f"{prefix}_function", f"Functie {label}"),
        email=check(f"{prefix}_email", v.clean_email, data.get(f"{prefix}_email"),
                    f"{prefix}_email", f"E-mailadres {label}"),
        phone=(check(f"{prefix}_phone", v.clean_phone, data.get(f"{prefix}_phone"),
                     f"{prefix}_phone", f"Telefoon {label}") or ""
               if phone_required or (data.get(f"{prefix}_phone") or "").strip() else ""),
    )
    if errors:
        raise IntakeError(errors)
    return person


def _checker(errors: dict[str, str]):
    """A `check(field, fn, *args)`: fn's result, or None with its InputError in `errors`."""

    def check(field, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except v.InputError as exc:
            errors.setdefault(exc.field or field, exc.message)
            return None

    return check


def _volmacht(data, check, errors) -> Volmacht | None:
    """The volmacht's date and reference: both or neither."""
    raw_on = (data.get("volmacht_on") or "").strip()
    raw_reference = (data.get("volmacht_reference") or "").strip()
    if not raw_on and not raw_reference:
        return None
    granted_on = check("volmacht_on", v.clean_date, raw_on, "volmacht_on", "Datum volmacht")
    reference = check("volmacht_reference", v.clean_reference, raw_reference,
                      "volmacht_reference", "Kenmerk volmacht")
    if granted_on is None or reference is None:
        return None
    return Volmacht(granted_on, reference)


def _optional_person(data, prefix, labels, check, errors, *, phone_required: bool):
    """A person given by `<prefix>_name/_email/_phone`: None when all are empty; once one is
    typed, name and e-mail (and the phone when required) must be there too."""
    raw = {part: (data.get(f"{prefix}_{part}") or "").strip() for part in labels}
    if not any(raw.values()):
        return None
    name = check(f"{prefix}_name", v.clean_text, raw["name"], f"{prefix}_name", labels["name"])
    email = check(f"{prefix}_email", v.clean_email, raw["email"], f"{prefix}_email",
                  labels["email"])
    phone = ""
    if raw["phone"] or phone_required:
        phone = check(f"{prefix}_phone", v.clean_phone, raw["phone"], f"{prefix}_phone",
                      labels["phone"])
    if name and email and (phone or not phone_required):
        function = "functionaris gegevensbescherming" if prefix == "fg" else "contact bij datalekken"
        return Person(name, function, email, phone or "")
    return None


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

"""Reference data kept by NVSI staff in TOML files: catalogue, fee schedule, association.

`load_reference(folder)` reads and checks the three files at start. A broken file raises
`ReferenceDataError` with one message naming the file, the entry and the field, so that the
person who edited it can find the mistake.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import tomllib
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints
from pydantic import ValidationError
from pydantic import field_validator

CATALOGUE_FILE = "catalogue.toml"
FEES_FILE = "fees.toml"
ASSOCIATION_FILE = "association.toml"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Amount = Annotated[Decimal, Field(ge=0, decimal_places=2)]
SOLUTION_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ReferenceDataError(Exception):
    """A reference data file is missing or wrong; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcessingSpec(_Strict):
    """What a solution does with personal data (GDPR art. 28(3)), for the DPA annex."""

    data_subjects: list[Text] = Field(min_length=1)
    personal_data: list[Text] = Field(min_length=1)
    special_categories: bool
    bsn: bool
    purposes: list[Text] = Field(min_length=1)
    retention: Text
    sub_processors: list[Text]
    security: list[Text] = Field(min_length=1)


class Solution(_Strict):
    code: str
    name: Text
    description: Text
    supplier: Text
    processing: ProcessingSpec


class SurchargeKind(enum.StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"


class Surcharge(_Strict):
    """The ALV's surcharge for office costs/general services (bureaukosten/algemene diensten)."""

    kind: SurchargeKind
    value: Amount


class SolutionFees(_Strict):
    licence: Amount
    management: Amount


class FeeYear(_Strict):
    alv_decision: Text  # as contracts name it: "ALV-besluit 2025-07 van 20 november 2025"
    surcharge: Surcharge
    solutions: dict[str, SolutionFees]


class SeedDecision(_Strict):
    """The ALV decision behind a year of the seed schedule (fees.toml), and its meeting."""

    number: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$")]
    date: dt.date
    meeting_place: Text  # a place, or "online"
    subject: Text
    text: Text


class SeedFeeYear(_Strict):
    """One year of fees.toml: the first schedules of a new installation."""

    alv_decision: SeedDecision
    surcharge: Surcharge
    solutions: dict[str, SolutionFees]

    def fee_year(self) -> FeeYear:
        from app.domain.alv import decision_label

        return FeeYear(alv_decision=decision_label(self.alv_decision.number,
                                                   self.alv_decision.date),
                       surcharge=self.surcharge, solutions=self.solutions)


class BoardMember(_Strict):
    name: Text
    role: Text
    email: Text


class Voorwaarden(_Strict):
    version: Text
    adopted: dt.date


class VatPosition(enum.StrEnum):
    """How NVSI's fees are treated for VAT (omzetbelasting): NVSI's own tax position."""

    BELAST = "belast"  # VAT at `vat_rate` on top of the amounts
    VRIJGESTELD = "vrijgesteld"  # exempt: the exemption text is printed
    NIET_BELAST = "niet_belast"  # outside the scope of VAT: the text is printed


class ProRata(enum.StrEnum):
    """How the first, incomplete calendar year is charged."""

    MAAND = "maand"  # per started month: (13 - start month) / 12
    DAG = "dag"  # per day: days from the start date to 31 December / days in that year


class Contract(_Strict):
    """NVSI's policy values printed in every gebruiksovereenkomst.

    Each has an explicit default here, repeated in association.toml; whatever applies is
    printed in the contract itself, so nothing is left implicit.
    """

    notice_months: int = Field(default=3, ge=1, le=24)
    liability_cap: Amount = Decimal("50000.00")
    payment_days: int = Field(default=30, ge=8, le=120)
    forum: Text = "Midden-Nederland"  # the court (rechtbank) for disputes
    vat_position: VatPosition = VatPosition.BELAST
    vat_rate: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Decimal("21")
    vat_text: Text = (
        "De NVSI brengt over deze vergoeding geen omzetbelasting (btw) in rekening."
    )
    pro_rata: ProRata = ProRata.MAAND


class BreachContact(_Strict):
    """Where the NVSI itself can be reached about a data breach, at any hour."""

    name: Text
    email: Text
    phone: Text


class Association(_Strict):
    name: Text
    short_name: Text
    street: Text
    postcode: Text
    city: Text
    kvk: Annotated[str, StringConstraints(pattern=r"^\d{8}$")]
    email: Text
    website: Text
    iban: Text
    board: list[BoardMember] = Field(min_length=1)
    voorwaarden: Voorwaarden
    breach_contact: BreachContact
    contract: Contract = Contract()

    @field_validator("name")
    @classmethod
    def _full_name(cls, value: str) -> str:
        if value != "Nederlandse Vereniging voor Sociale Innovatie":
            raise ValueError("de naam moet 'Nederlandse Vereniging voor Sociale Innovatie' zijn")
        return value


class _CatalogueFile(_Strict):
    solutions: dict[str, Solution]


class _FeesFile(_Strict):
    years: dict[int, SeedFeeYear]


@dataclass(frozen=True)
class ReferenceData:
    """Everything the rules and the documents need from config/.

    `fee_years` are the fee schedules the rules price with. As loaded here they are the seed
    of fees.toml (also kept whole in `fee_seed`); the running service prices with the
    schedules in its database instead (app/services/fee_schedules.py).
    """

    solutions: dict[str, Solution]
    fee_years: dict[int, FeeYear]
    association: Association
    fee_seed: dict[int, SeedFeeYear] = field(default_factory=dict)

    def solution(self, code: str) -> Solution:
        """Return the solution with this code; raise KeyError for an unknown one."""
        return self.solutions[code]

    def with_seed_fees(self) -> ReferenceData:
        """These data priced with the seed schedules of fees.toml (template samples)."""
        from dataclasses import replace

        return replace(self, fee_years={year: seed.fee_year()
                                        for year, seed in self.fee_seed.items()})


def load_reference(folder: Path) -> ReferenceData:
    """Read and check the three reference files in `folder`.

    Raises ReferenceDataError naming the file, the entry and the field that is wrong.
    """
    raw_catalogue = _read(folder / CATALOGUE_FILE)
    for code, entry in (raw_catalogue.get("solutions") or {}).items():
        if isinstance(entry, dict):
            entry.setdefault("code", code)
    catalogue = _parse(_CatalogueFile, raw_catalogue, folder / CATALOGUE_FILE)
    fees = _parse(_FeesFile, _read(folder / FEES_FILE), folder / FEES_FILE)
    association = _parse(Association, _read(folder / ASSOCIATION_FILE), folder / ASSOCIATION_FILE)

    for code in catalogue.solutions:
        if not SOLUTION_CODE.match(code):
            raise ReferenceDataError(
                f"{CATALOGUE_FILE}: solutions.{code}: de code mag alleen kleine letters, "
                "cijfers en streepjes bevatten"
            )
    for year, fee_year in fees.years.items():
        for code in fee_year.solutions:
            if code not in catalogue.solutions:
                raise ReferenceDataError(
                    f"{FEES_FILE}: years.{year}.solutions.{code}: onbekende oplossing "
                    f"(bekend zijn: {', '.join(sorted(catalogue.solutions))})"
                )
        for code in catalogue.solutions:
            if code not in fee_year.solutions:
                raise ReferenceDataError(
                    f"{FEES_FILE}: years.{year}.solutions: het tarief van {code} ontbreekt "
                    "(elke oplossing heeft elk jaar een tarief)")
    years = sorted(fees.years)
    if years and years != list(range(years[0], years[-1] + 1)):
        raise ReferenceDataError(f"{FEES_FILE}: years: de jaren lopen niet aaneen "
                                 f"({', '.join(map(str, years))})")
    fee_years = {year: seed.fee_year() for year, seed in fees.years.items()}
    return ReferenceData(catalogue.solutions, fee_years, association, fees.years)


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ReferenceDataError(f"{path.name}: bestand ontbreekt in {path.parent}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path.name}: geen geldige TOML ({exc})") from None


def _parse(model: type[BaseModel], data: dict, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ReferenceDataError(f"{path.name}: {where}: {_dutch(first)}") from None


# Pydantic's messages are English; the staff who edit these files read Dutch.
_DUTCH_ERRORS = {
    "missing": "dit veld ontbreekt",
    "extra_forbidden": "onbekend veld (een tikfout in de naam?)",
    "greater_than_equal": "moet {ge} of meer zijn",
    "less_than_equal": "moet {le} of minder zijn",
    "decimal_max_places": "gebruik hoogstens {decimal_places} cijfers achter de punt",
    "decimal_parsing": 'geen geldig bedrag; schrijf het als tekst, bijvoorbeeld "1234.50"',
    "decimal_type": 'geen geldig bedrag; schrijf het als tekst, bijvoorbeeld "1234.50"',
    "string_too_short": "mag niet leeg zijn",
    "string_type": "moet tekst zijn",
    "string_pattern_mismatch": "heeft niet de juiste vorm ({pattern})",
    "too_short": "moet ten minste {min_length} regel bevatten",
    "list_type": 'moet een lijst zijn, bijvoorbeeld ["..."]',
    "bool_parsing": "moet true of false zijn",
    "bool_type": "moet true of false zijn",
    "enum": "kies uit {expected}",
    "int_parsing": "moet een geheel getal zijn (bij een jaar: bijvoorbeeld 2026)",
    "date_parsing": "moet een datum zijn, bijvoorbeeld 2025-11-20",
    "date_from_datetime_parsing": "moet een datum zijn, bijvoorbeeld 2025-11-20",
    "date_type": "moet een datum zijn, bijvoorbeeld 2025-11-20",
    "dict_type": "moet een tabel zijn",
    "model_type": "moet een tabel zijn",
}


def _dutch(error: dict) -> str:
    """The message of one pydantic error in Dutch; an unknown kind keeps pydantic's text."""
    context = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in context:
        return str(context["error"])  # our own validators already speak Dutch
    template = _DUTCH_ERRORS.get(error["type"])
    if template is None:
        return error["msg"]
    values = {key: str(value).replace(" or ", " of ") for key, value in context.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return error["msg"]

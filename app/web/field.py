"""The field at a glance: every gemeente (all of them, from the CBS list, also those not yet in
Tekenklaar) and every other organisation, with membership, the agreements on file per
solution and the open packages; with totals, and as CSV or XLSX.

Reads only; nothing here changes a record.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from dataclasses import field as dc_field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.domain.formatting import format_date
from app.domain.municipalities import Municipality
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.states import PackageState
from app.extensions import db
from app.store.models import Organisation
from app.store.models import Package

OPEN_STATES = frozenset(s.value for s in PackageState
                        if s not in (PackageState.ONDERTEKEND, PackageState.GEARCHIVEERD)
                        and not s.is_final)
MEMBERSHIP_LABELS = {"lid": "Lid", "participant": "Participant", "geen": "Nog niet"}
ROWS_PER_PAGE = 100


@dataclass(frozen=True)
class OpenPackage:
    id: int
    reference: str
    state: PackageState


@dataclass
class FieldRow:
    """One organisation of the field, in Tekenklaar or not (organisation_id None)."""

    name: str
    kind: OrgKind
    cbs_code: str = ""
    province: str = ""
    organisation_id: int | None = None
    membership: str = "geen"  # lid, participant or geen
    member_since: dt.date | None = None
    vwo_on: dt.date | None = None
    contracted: dict[str, dt.date] = dc_field(default_factory=dict)  # solution code -> date
    open_packages: list[OpenPackage] = dc_field(default_factory=list)

    @property
    def membership_label(self) -> str:
        return MEMBERSHIP_LABELS[self.membership]


@dataclass(frozen=True)
class Totals:
    gemeenten: int
    others: int
    by_membership: dict[str, int]  # over the gemeenten
    vwo: int
    by_solution: dict[str, int]  # organisations with a gebruiksovereenkomst on file
    open_packages: int
    by_stage: dict[PackageState, int]


def _fill(row: FieldRow, organisation: Organisation) -> None:
    from app.services.packages import on_file_for

    on_file = on_file_for(organisation.agreements)
    row.organisation_id = organisation.id
    if on_file.registered_as is Involvement.LID:
        row.membership = "lid"
    elif on_file.registered_as is Involvement.PARTICIPANT:
        row.membership = "participant"
    row.member_since = on_file.registered_on
    row.vwo_on = on_file.verwerkersovereenkomst_on
    row.contracted = dict(on_file.contracted)
    row.open_packages = [OpenPackage(p.id, p.reference_number, PackageState(p.state))
                         for p in sorted(organisation.packages, key=lambda p: p.id)
                         if p.state in OPEN_STATES]


def field_rows(municipalities: dict[str, Municipality]) -> list[FieldRow]:
    """Every gemeente of the CBS list (by name), then the other organisations (by name)."""
    organisations = db.session.scalars(
        sa.select(Organisation).options(selectinload(Organisation.agreements),
                                        selectinload(Organisation.packages))
        .order_by(Organisation.name, Organisation.id)).all()
    by_code = {o.cbs_code: o for o in organisations if o.cbs_code}
    rows = []
    for municipality in municipalities.values():  # the CBS list is in the order of names
        row = FieldRow(municipality.name, OrgKind.GEMEENTE, municipality.code,
                       municipality.province)
        if municipality.code in by_code:
            _fill(row, by_code[municipality.code])
        rows.append(row)
    for organisation in organisations:
        if organisation.cbs_code in municipalities:
            continue
        row = FieldRow(organisation.name, OrgKind(organisation.kind),
                       organisation.cbs_code or "")
        _fill(row, organisation)
        rows.append(row)
    return rows


def totals(rows: list[FieldRow], solutions: list[str]) -> Totals:
    gemeenten = [r for r in rows if r.kind is OrgKind.GEMEENTE]
    by_stage: dict[PackageState, int] = {}
    for row in rows:
        for package in row.open_packages:
            by_stage[package.state] = by_stage.get(package.state, 0) + 1
    return Totals(
        len(gemeenten), len(rows) - len(gemeenten),
        {m: sum(1 for r in gemeenten if r.membership == m) for m in MEMBERSHIP_LABELS},
        sum(1 for r in rows if r.vwo_on),
        {code: sum(1 for r in rows if code in r.contracted) for code in solutions},
        sum(by_stage.values()),
        {state: by_stage[state] for state in PackageState if state in by_stage})


def select(rows: list[FieldRow], kind: str = "", membership: str = "",
           q: str = "") -> list[FieldRow]:
    """The rows of this kind ("gemeente" or "overig"), membership and name (part)."""
    if kind == "gemeente":
        rows = [r for r in rows if r.kind is OrgKind.GEMEENTE]
    elif kind == "overig":
        rows = [r for r in rows if r.kind is not OrgKind.GEMEENTE]
    if membership in MEMBERSHIP_LABELS:
        rows = [r for r in rows if r.membership == membership]
    if q:
        needle = q.casefold()
        rows = [r for r in rows if needle in r.name.casefold() or needle in r.cbs_code.casefold()
                or needle in r.province.casefold()]
    return rows


# --- export ----------------------------------------------------------------------------------

def _table(rows: list[FieldRow], solutions: dict[str, str]) -> tuple[list[str], list[list]]:
    """Header and values (dates as dates, for the spreadsheet; the CSV writes them Dutch)."""
    header = (["Naam", "Soort", "CBS-code", "Provincie", "Lidmaatschap", "Lid of participant sinds",
               "Verwerkersovereenkomst"]
              + [f"Gebruiksovereenkomst {name}" for name in solutions.values()]
              + ["Open pakketten", "Fase"])
    values = []
    for row in rows:
        values.append([row.name, row.kind.label, row.cbs_code, row.province,
                       row.membership_label, row.member_since, row.vwo_on]
                      + [row.contracted.get(code) for code in solutions]
                      + [", ".join(p.reference for p in row.open_packages),
                         ", ".join(p.state.label for p in row.open_packages)])
    return header, values


def to_csv(rows: list[FieldRow], solutions: dict[str, str]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as Dutch Excel opens it."""
    header, values = _table(rows, solutions)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for line in values:
        writer.writerow([format_date(v) if isinstance(v, dt.date) else ("" if v is None else v)
                         for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[FieldRow], solutions: dict[str, str]) -> bytes:
    """One sheet with a bold, frozen header, real dates and a filter on every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, values = _table(rows, solutions)
    book = Workbook()
    sheet = book.active
    sheet.title = "Organisaties"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in values:
        sheet.append(line)
    for column in range(1, len(header) + 1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 18 if column > 1 else 32
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD-MM-YYYY"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

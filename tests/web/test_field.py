"""Gemeenten in één oogopslag: all 342 gemeenten and the other organisations, with membership,
agreements per solution, open packages and totals; exported as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from tests.web.support import GEMEENTE_LID
from tests.web.support import make_package
from tests.web.support import set_state
from tests.web.support import text


def load_field(runner, app):
    """The demo data (Utrecht lid with a gebruiksovereenkomst for Schuldenradar, Groningen
    participant, two other organisations) and one more open package for Utrecht."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # Utrecht's open demo package holds wijkteamdossier: this one asks for another solution
    sent = make_package(app, {**GEMEENTE_LID, "solutions-0-code": "mantelzorgwaardering",
                              "solutions-1-code": "", "solutions-1-start": ""})
    set_state(app, sent, "verzonden", sent_at=dt.datetime(2026, 11, 1, 9, 0))
    return sent


def test_every_gemeente_with_membership_agreements_packages_and_totals(runner, app, staff):
    sent = load_field(runner, app)
    page = text(staff.get("/gemeenten"))
    assert 'aria-current="page">Gemeenten' in page
    assert "Alle 342 gemeenten en de 2 andere organisaties" in page
    totals = page.split('id="totalen"')[1].split("</section>")[0]
    assert re.search(r"Gemeenten lid</dt><dd>1<", totals)
    assert re.search(r"Gemeenten participant</dt><dd>1<", totals)
    assert re.search(r"Gemeenten nog niet aangemeld</dt><dd>340<", totals)
    assert re.search(r"Gebruiksovereenkomst Schuldenradar</dt><dd>1<", totals)
    # four open demo packages (the fifth is withdrawn) and `sent`
    assert re.search(r"Open pakketten</dt><dd>5 ", totals)
    assert "344 organisaties, op naam" in page
    assert "Pagina 1 van 4 (344 in totaal)" in page
    rows = page.split('id="veld"')[1].split("</tbody>")[0].split("<tr>")[2:]
    assert len(rows) == 100
    assert "Aa en Hunze" in rows[0] and "GM1680, Drenthe" in rows[0]  # not in Tekenklaar

    utrecht = text(staff.get("/gemeenten?q=GM0344"))
    row = utrecht.split('id="veld"')[1].split("</tbody>")[0]
    assert "Lid" in row and "sinds 15 april 2024" in row
    assert "3 maart 2025" in row  # verwerkersovereenkomst and Schuldenradar on file
    assert f'href="/pakketten/{sent}"' in row and "Verzonden" in row and "Mislukt" in row


def test_filters_by_kind_membership_and_name(runner, app, staff):
    load_field(runner, app)

    def names(query):
        page = text(staff.get("/gemeenten" + query))
        if 'id="veld"' not in page:
            return []
        body = page.split('id="veld"')[1].split("</tbody>")[0]
        return [re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<tr>\s*<td>(.*?)<span", body, re.S)]

    assert names("?lidmaatschap=lid") == ["Utrecht", "Stichting Zorg & Welzijn \"De Brug\""]
    assert names("?lidmaatschap=lid&soort=gemeente") == ["Utrecht"]
    assert names("?soort=overig") == ["GR Sociaal Domein Midden-Holland",
                                      "Stichting Zorg & Welzijn \"De Brug\""]
    assert names("?lidmaatschap=participant") == ["Groningen"]
    assert names("?q=súdwest") == ["Súdwest-Fryslân"]
    assert names("?q=bestaat-niet") == []
    assert len(names("?soort=onzin&lidmaatschap=onzin")) == 100  # ignored, not an error


def test_export_csv_has_every_row_with_dutch_dates(runner, app, staff):
    sent = load_field(runner, app)
    response = staff.get("/gemeenten.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Naam", "Soort", "CBS-code", "Provincie", "Lidmaatschap"]
    assert "Gebruiksovereenkomst Schuldenradar" in header
    assert len(body) == 344
    utrecht = dict(zip(header, next(r for r in body if r[2] == "GM0344"), strict=True))
    assert utrecht["Lidmaatschap"] == "Lid"
    assert utrecht["Lid of participant sinds"] == "15 april 2024"
    assert utrecht["Gebruiksovereenkomst Schuldenradar"] == "3 maart 2025"
    assert utrecht["Gebruiksovereenkomst Wijkteamdossier"] == ""
    with app.app_context():
        from app.extensions import db
        from app.store.models import Package

        assert db.session.get(Package, sent).reference_number in utrecht["Open pakketten"]
    assert "Verzonden" in utrecht["Fase"]
    # the filters apply to the export as well
    only = staff.get("/gemeenten.csv?lidmaatschap=participant").data.decode("utf-8-sig")
    assert len(only.strip().splitlines()) == 2 and "Groningen" in only


def test_export_xlsx_opens_with_real_dates(runner, app, staff):
    from openpyxl import load_workbook

    load_field(runner, app)
    response = staff.get("/gemeenten.xlsx?soort=gemeente")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Organisaties"
    assert sheet.max_row == 1 + 342
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Naam" and sheet.freeze_panes == "A2"
    utrecht = next(row for row in sheet.iter_rows(min_row=2, values_only=True)
                   if row[2] == "GM0344")
    since = utrecht[header.index("Lid of participant sinds")]
    assert since.date() == dt.date(2024, 4, 15)
    assert utrecht[header.index("Lidmaatschap")] == "Lid"

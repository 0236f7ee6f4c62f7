"""Loading config/data: the shipped files load; a broken copy names file, entry and field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.reference import ReferenceDataError
from app.domain.reference import SurchargeKind
from app.domain.reference import load_reference


def test_shipped_reference_data_loads(reference):
    assert {"wijkteamdossier", "schuldenradar", "participatiematch",
            "mantelzorgwaardering"} <= set(reference.solutions)
    assert {2026, 2027} <= set(reference.fee_years)
    assert reference.fee_years[2026].surcharge.kind is SurchargeKind.PERCENTAGE
    assert reference.fee_years[2027].surcharge.kind is SurchargeKind.FIXED
    assert reference.association.name == "Nederlandse Vereniging voor Sociale Innovatie"
    assert reference.association.short_name == "NVSI"
    assert len(reference.association.board) >= 1
    assert isinstance(reference.association.voorwaarden.adopted, dt.date)


def test_every_amount_is_a_decimal(reference):
    for fee_year in reference.fee_years.values():
        assert type(fee_year.surcharge.value) is Decimal
        for line in fee_year.solutions.values():
            assert type(line.licence) is Decimal
            assert type(line.management) is Decimal


def test_every_solution_has_a_processing_specification(reference):
    for code, solution in reference.solutions.items():
        assert solution.code == code
        spec = solution.processing
        assert spec.data_subjects and spec.personal_data and spec.purposes and spec.security
        assert spec.retention


def test_unknown_solution_lookup_is_a_key_error(reference):
    assert reference.solution("wijkteamdossier").name == "Wijkteamdossier"
    with pytest.raises(KeyError):
        reference.solution("tovertafel")


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not exactly once in {name}: update the test"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _load_error(folder: Path) -> str:
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(folder)
    return str(caught.value)


@pytest.mark.parametrize("name", ["catalogue.toml", "fees.toml", "association.toml"])
def test_missing_file(name, data_copy):
    (data_copy / name).unlink()
    message = _load_error(data_copy)
    assert message == f"{name}: bestand ontbreekt in {data_copy}"


def test_missing_folder(tmp_path):
    message = _load_error(tmp_path / "bestaat-niet")
    assert message.startswith("catalogue.toml: bestand ontbreekt")


def test_bad_toml_names_the_file_and_the_line(data_copy):
    path = data_copy / "fees.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken_line = next(i for i, line in enumerate(lines) if line.startswith("[years.2027]")) + 1
    lines[broken_line - 1] = "[years.2027"  # unclosed table header
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _load_error(data_copy)
    assert message.startswith("fees.toml: geen geldige TOML")
    assert re.search(rf"\b{broken_line}\b", message)  # the line to look at


@pytest.mark.parametrize(
    "name, old, new, expected_start",
    [
        pytest.param(
            "fees.toml", 'schuldenradar = { licence = "4250.00"',
            'schuldenradar = { licence = "-4250.00"',
            "fees.toml: years.2026.solutions.schuldenradar.licence: moet 0 of meer zijn",
            id="negatief-bedrag",
        ),
        pytest.param(
            "fees.toml", 'management = "1313.75"', 'management = "-0.01"',
            "fees.toml: years.2027.solutions.schuldenradar.management: moet 0 of meer zijn",
            id="negatief-beheer",
        ),
        pytest.param(
            "fees.toml", 'surcharge = { kind = "fixed", value = "695.00" }',
            'surcharge = { kind = "fixed", value = "-695.00" }',
            "fees.toml: years.2027.surcharge.value: moet 0 of meer zijn",
            id="negatieve-opslag",
        ),
        pytest.param(
            "fees.toml", '"6850.00"', '"6850.005"',
            "fees.toml: years.2026.solutions.wijkteamdossier.licence: "
            "gebruik hoogstens 2 cijfers achter de punt",
            id="meer-dan-twee-decimalen",
        ),
        pytest.param(
            "fees.toml", '"6850.00"', '"zesduizend"',
            "fees.toml: years.2026.solutions.wijkteamdossier.licence: geen geldig bedrag; "
            'schrijf het als tekst, bijvoorbeeld "1234.50"',
            id="geen-bedrag",
        ),
        pytest.param(
            "fees.toml", 'wijkteamdossier = { licence = "6850.00"',
            'wijkteamdossier = { license = "6850.00"',
            "fees.toml: years.2026.solutions.wijkteamdossier.licence: dit veld ontbreekt",
            id="tikfout-in-veldnaam",
        ),
        pytest.param(
            "fees.toml", 'surcharge = { kind = "percentage"', 'surcharge = { kind = "procent"',
            "fees.toml: years.2026.surcharge.kind: kies uit 'percentage' of 'fixed'",
            id="onbekende-opslagsoort",
        ),
        pytest.param(
            "fees.toml", "[years.2027.solutions]\n",
            '[years.2027.solutions]\ntovertafel = { licence = "1.00", management = "1.00" }\n',
            "fees.toml: years.2027.solutions.tovertafel: onbekende oplossing",
            id="onbekende-oplossing-in-tarieven",
        ),
        pytest.param(
            "catalogue.toml",
            'retention = "15 jaar na afsluiting van het dossier',
            'bewaren = "15 jaar na afsluiting van het dossier',
            "catalogue.toml: solutions.wijkteamdossier.processing.retention: dit veld ontbreekt",
            id="verwerkingsveld-ontbreekt",
        ),
        pytest.param(
            "catalogue.toml", "special_categories = false\nbsn = true\n", "bsn = true\n",
            "catalogue.toml: solutions.schuldenradar.processing.special_categories: "
            "dit veld ontbreekt",
            id="bijzondere-categorieen-ontbreekt",
        ),
        pytest.param(
            "catalogue.toml", 'supplier = "Radar Sociaal B.V."', 'supplier = "   "',
            "catalogue.toml: solutions.schuldenradar.supplier: mag niet leeg zijn",
            id="lege-leverancier",
        ),
        pytest.param(
            "association.toml",
            'name = "Nederlandse Vereniging voor Sociale Innovatie"',
            'name = "Nederlandse Vereniging van Sociale Innovatie"',
            "association.toml: name: de naam moet 'Nederlandse Vereniging voor Sociale Innovatie' "
            "zijn",
            id="verkeerde-naam-vereniging",
        ),
        pytest.param(
            "association.toml", 'kvk = "74123458"', 'kvk = "7412345"',
            "association.toml: kvk: heeft niet de juiste vorm",
            id="kvk-vereniging",
        ),
        pytest.param(
            "association.toml", 'role = "penningmeester"\n', "",
            "association.toml: board.1.role: dit veld ontbreekt",
            id="bestuurslid-zonder-rol",
        ),
        pytest.param(
            "association.toml", "adopted = 2025-11-20", 'adopted = "gisteren"',
            "association.toml: voorwaarden.adopted: moet een datum zijn, bijvoorbeeld 2025-11-20",
            id="geen-datum",
        ),
        pytest.param(
            "catalogue.toml", "special_categories = false\nbsn = true",
            'special_categories = "nee"\nbsn = true',
            "catalogue.toml: solutions.schuldenradar.processing.special_categories: "
            "moet true of false zijn",
            id="geen-ja-nee",
        ),
        pytest.param(
            "catalogue.toml", 'data_subjects = ["inwoners met een betalingsachterstand',
            'bewaartermijn = "1 jaar"\ndata_subjects = ["inwoners met een betalingsachterstand',
            "catalogue.toml: solutions.schuldenradar.processing.bewaartermijn: onbekend veld "
            "(een tikfout in de naam?)",
            id="onbekend-veld",
        ),
    ],
)
def test_broken_entry_names_file_entry_and_field(name, old, new, expected_start, data_copy):
    _edit(data_copy, name, old, new)
    message = _load_error(data_copy)
    assert message.startswith(expected_start), message
    # Dutch for the staff who edit the files, not pydantic's English.
    for english in ("Input should", "Field required", "Value error", "Extra inputs", "String "):
        assert english not in message


def test_missing_processing_field_names_the_field(data_copy):
    _edit(data_copy, "catalogue.toml", 'retention = "15 jaar na afsluiting van het dossier',
          'bewaren = "15 jaar na afsluiting van het dossier')
    # The missing field is named, under the right solution (pydantic reports it before the
    # unknown "bewaren").
    assert _load_error(data_copy) == (
        "catalogue.toml: solutions.wijkteamdossier.processing.retention: dit veld ontbreekt"
    )


def test_missing_processing_table(data_copy):
    path = data_copy / "catalogue.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[solutions.participatiematch.processing]")
    end = text.index("[solutions.mantelzorgwaardering]")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert _load_error(data_copy).startswith(
        "catalogue.toml: solutions.participatiematch.processing: "
    )


def test_wrong_association_name_says_what_it_must_be(data_copy):
    _edit(data_copy, "association.toml",
          'name = "Nederlandse Vereniging voor Sociale Innovatie"',
          'name = "Nederlandse Vereniging van Sociale Innovatie"')
    assert "Nederlandse Vereniging voor Sociale Innovatie" in _load_error(data_copy)


def test_unknown_solution_in_fees_lists_the_known_ones(data_copy):
    _edit(data_copy, "fees.toml", "[years.2026.solutions]\n",
          '[years.2026.solutions]\ntovertafel = { licence = "1.00", management = "1.00" }\n')
    message = _load_error(data_copy)
    assert message == (
        "fees.toml: years.2026.solutions.tovertafel: onbekende oplossing (bekend zijn: "
        "mantelzorgwaardering, participatiematch, schuldenradar, wijkteamdossier)"
    )


def test_a_year_that_is_not_a_year(data_copy):
    _edit(data_copy, "fees.toml", "[years.2027]", "[years.volgend]")
    _edit(data_copy, "fees.toml", "[years.2027.solutions]", "[years.volgend.solutions]")
    assert _load_error(data_copy).startswith("fees.toml: years.volgend")


def _replace_line(folder: Path, name: str, starts_with: str, new_line: str) -> None:
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, line in enumerate(lines) if line.startswith(starts_with)]
    assert len(hits) == 1, f"{starts_with!r} not exactly once in {name}: update the test"
    lines[hits[0]] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_empty_list_in_processing(data_copy):
    _replace_line(data_copy, "catalogue.toml", 'data_subjects = ["inwoners met een betalings',
                  "data_subjects = []")
    assert _load_error(data_copy) == (
        "catalogue.toml: solutions.schuldenradar.processing.data_subjects: "
        "moet ten minste 1 regel bevatten"
    )


def test_solution_code_with_capitals(data_copy):
    path = data_copy / "catalogue.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("[solutions.mantelzorgwaardering", "[solutions.Mantelzorg_Waardering"),
        encoding="utf-8",
    )
    assert _load_error(data_copy) == (
        "catalogue.toml: solutions.Mantelzorg_Waardering: de code mag alleen kleine letters, "
        "cijfers en streepjes bevatten"
    )

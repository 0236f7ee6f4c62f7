"""`flask templates check` and its engine: every shipped template passes; a typo, a broken
block or an unguarded empty value fails, naming the tag in Dutch."""

from __future__ import annotations

import datetime as dt

import pytest

from app import create_app
from app.documents.check import BROKEN
from app.documents.check import MISSING
from app.documents.check import UNKNOWN
from app.documents.check import check_template
from app.documents.check import check_templates
from app.documents.samples import sample_packages
from app.domain.rules import IMPROVEMENT_KINDS
from app.domain.rules import DocumentKind as K
from tests.conftest import base_settings
from tests.documents.builders import REFERENCE
from tests.documents.edit import edit_docx
from tests.documents.edit import shipped

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def samples():
    return sample_packages(REFERENCE, TODAY)


def test_the_samples_make_every_kind_of_document_for_every_kind_of_package(samples):
    made = {planned.kind for facts in samples.values() for planned in facts.plan.documents}
    # the certificates are made on archiving, the doorontwikkeling's documents per wish or
    # solution: never planned in a package
    assert made == set(K) - {K.VOLTOOIINGSCERTIFICAAT, K.ONDERTEKENBEWIJS} - IMPROVEMENT_KINDS
    labels = " ".join(samples)
    for kind_of_package in ("gemeente als lid", "participant", "stichting als lid",
                            "overeenkomsten in het archief"):
        assert kind_of_package in labels


def test_every_shipped_template_passes(renderer, samples):
    reports = check_templates(renderer, samples)
    assert [r.template for r in reports] == [f"{k.value}.docx" for k in K]
    assert all(r.samples > 0 for r in reports)
    assert {r.template: [str(p) for p in r.problems] for r in reports if r.problems} == {}


def check(renderer, samples, kind, old, new):
    data = edit_docx(shipped(kind.value), old, new)
    return check_template(renderer, kind, samples, data, "bewerkt.docx").problems


def test_a_typo_in_a_name_is_an_unknown_tag_with_a_suggestion(renderer, samples):
    problems = check(renderer, samples, K.GEBRUIKSOVEREENKOMST, "{{ organisation.party }}",
                     "{{ organisation.partij }}")
    assert [p.category for p in problems] == [UNKNOWN]
    assert problems[0].tag == "{{ organisation.partij }}"
    assert "‘organisation.partij’" in str(problems[0])
    assert "Bedoelt u ‘organisation.party’?" in str(problems[0])


def test_a_typo_inside_a_loop_and_an_unknown_top_level_name(renderer, samples):
    problems = check(renderer, samples, K.GEBRUIKSOVEREENKOMST, "{{ member.name }}",
                     "{{ member.naam }}")
    assert [(p.category, p.tag) for p in problems] == [(UNKNOWN, "{{ member.naam }}")]
    problems = check(renderer, samples, K.RAADSBRIEF, "{{ council.weeks_text }}",
                     "{{ raadsdatum }}")
    assert [(p.category, p.tag) for p in problems] == [(UNKNOWN, "{{ raadsdatum }}")]


def test_a_typo_in_a_branch_no_sample_takes_is_found_too(renderer, samples):
    """Read from the template, not only rendered: a name in any branch is checked."""
    problems = check(renderer, samples, K.GEBRUIKSOVEREENKOMST, "Partijen komen",
                     "{% if false %}{{ solution.naam }}{% endif %}Partijen komen")
    assert [(p.category, p.tag) for p in problems] == [(UNKNOWN, "{{ solution.naam }}")]


@pytest.mark.parametrize("old, new, tag, words", [
    ("{%p endif %}", "{%p endfi %}", "{% endfi %}", "onbekende tag ‘endfi’"),
    ("{%p endfor %}", "", "{% for member in board %}", "wordt nergens afgesloten"),
    ("{{ member.name }}", "{{ member.name | hoofdletters }}", "{{ member.name | hoofdletters }}",
     "onbekend filter ‘hoofdletters’"),
    ("<w:t>{%p endfor %}</w:t>", "<w:t>{% endfor %}</w:t>", "{% endfor %}",
     "midden in een alinea"),
], ids=["endfi", "unclosed-for", "unknown-filter", "block-inside-a-paragraph"])
def test_a_broken_block_names_the_tag(renderer, samples, old, new, tag, words):
    problems = check(renderer, samples, K.GEBRUIKSOVEREENKOMST, old, new)
    assert [p.category for p in problems] == [BROKEN], problems
    assert problems[0].tag == tag
    assert words in str(problems[0]) and tag in str(problems[0])


def test_printing_a_value_that_can_be_empty_is_a_missing_value(renderer, samples):
    problems = check(renderer, samples, K.RAADSBRIEF, "{{ council.weeks_text }}",
                     "{{ council_deadline }}")
    assert [(p.category, p.tag) for p in problems] == [(MISSING, "{{ council_deadline }}")]
    assert "zonder raadstermijn" in str(problems[0]) and "None" in str(problems[0])


# -- the commands ------------------------------------------------------------------------------
@pytest.fixture
def cli(tmp_path):
    app = create_app(base_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'cli.db'}"))
    yield app.test_cli_runner()
    app.extensions["tekenklaar"].close()


def test_flask_templates_check_passes_on_the_shipped_templates(cli):
    result = cli.invoke(args=["templates", "check"])
    assert result.exit_code == 0, result.output
    assert f"Alle {len(K)} sjablonen zijn in orde." in result.output


def test_flask_templates_check_fails_naming_the_tag(cli, tmp_path):
    path = tmp_path / "gebruiksovereenkomst.docx"
    path.write_bytes(edit_docx(shipped("gebruiksovereenkomst"), "{{ solution.supplier }}",
                               "{{ solution.suplier }}"))
    result = cli.invoke(args=["templates", "check", str(path)])
    assert result.exit_code == 1
    assert "gebruiksovereenkomst.docx: 1 probleem" in result.output
    assert "{{ solution.suplier }}" in result.output
    assert "Bedoelt u ‘solution.supplier’?" in result.output


def test_flask_templates_check_of_an_unknown_kind_says_which_exist(cli, tmp_path):
    path = tmp_path / "contract.docx"
    path.write_bytes(shipped("raadsbrief"))
    result = cli.invoke(args=["templates", "check", str(path)])
    assert result.exit_code == 1 and "Er is geen sjabloon ‘contract.docx’" in result.output
    assert cli.invoke(args=["templates", "check", "--kind", "raadsbrief",
                            str(path)]).exit_code == 0


def test_flask_templates_text_shows_the_text_with_its_tags(cli, tmp_path):
    result = cli.invoke(args=["templates", "text", "gebruiksovereenkomst"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "=== Tekst (word/document.xml) ===" in lines
    assert "[Subtitle] {{ solution.name }}" in lines
    assert "| [Ondertekening] {%p for member in board %}" in lines
    path = tmp_path / "nieuw.docx"
    path.write_bytes(edit_docx(shipped("gebruiksovereenkomst"), "Partijen komen",
                               "Partijen spreken af en komen"))
    changed = cli.invoke(args=["templates", "text", str(path)]).output.splitlines()
    assert [line for line in changed if line not in lines] == [
        "Partijen spreken af en komen het volgende overeen."]

"""The legal checklist (issue 10, Done when): every element in the generated text of every
document that needs it, for a gemeente lid, a participant, a stichting lid and an organisation
with agreements on file. The elements and their meaning markers live in tests/documents/
expected.py; templates_docx/LEESMIJ.md shows the same table."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.documents.context import build_context
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.rules import DocumentKind

from tests.documents.builders import ROOT
from tests.documents.builders import THREE
from tests.documents.builders import docx_text
from tests.documents.builders import facts
from tests.documents.builders import scenarios
from tests.documents.expected import CHECKLIST
from tests.documents.expected import GO
from tests.documents.expected import VWO
from tests.documents.expected import leesmij_row
from tests.documents.expected import missing_markers

PACKAGES = {
    "gemeente lid": lambda: facts(),
    "participant": lambda: facts(involvement=Involvement.PARTICIPANT, solutions=THREE[:1]),
    "stichting lid": lambda: facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE,
                                   name="Stichting Welzijn & Zorg De Brug",
                                   solutions=(("mantelzorgwaardering", dt.date(2026, 4, 1)),)),
    "overeenkomsten in het dossier": lambda: scenarios()["lid-met-vwo-en-contract"],
}


def generated(renderer, package):
    """(kind, solution, text) of every document the package's plan makes."""
    for planned in package.plan.documents:
        data = renderer.render(planned.kind, build_context(package, planned))
        yield planned.kind, planned.solution_code, docx_text(data)


@pytest.mark.parametrize("name", PACKAGES)
def test_every_element_is_in_every_document_that_needs_it(renderer, name):
    package = PACKAGES[name]()
    values = {"hours": str(package.breach_notice_hours),
              "version": package.reference.association.voorwaarden.version}
    documents = list(generated(renderer, package))
    checked, problems = 0, []
    for element in CHECKLIST:
        for kind, solution, text in documents:
            if kind.value not in element.kinds:
                continue
            checked += 1
            missing = missing_markers(element, text, **values)
            if missing:
                problems.append(f"{kind.value}{'/' + solution if solution else ''}: "
                                f"{element.label} ({element.source}) mist {missing}")
    assert not problems, "\n".join(problems)
    kinds = {kind.value for kind, _, _ in documents}
    assert GO in kinds  # each of these packages makes a gebruiksovereenkomst
    if name == "overeenkomsten in het dossier":
        assert VWO not in kinds  # the one on file holds; it is not made again
    else:
        assert VWO in kinds
    assert checked >= len([e for e in CHECKLIST if GO in e.kinds])


def test_the_checklist_finds_a_missing_element(renderer):
    """The check can fail: without the sentence on third countries, (a) is missing; and a letter
    holds no processing clauses at all."""
    package = facts()
    texts = {kind: text for kind, _, text in generated(renderer, package)}
    vwo = texts[DocumentKind.VERWERKERSOVEREENKOMST]
    (instructions,) = [e for e in CHECKLIST if e.source == "AVG 28(3)(a)"]
    assert missing_markers(instructions, vwo) == []
    cut = re.sub(r"[^.]*derde land[^.]*\.", "", vwo)
    assert missing_markers(instructions, cut) == [("instructies", "derde land")]
    letter = texts[DocumentKind.AANBIEDINGSBRIEF]
    assert all(missing_markers(e, letter, hours="24", version="2.1")
               for e in CHECKLIST if e.kinds == (VWO,))


def test_the_breach_hours_are_the_setting(renderer):
    package = facts(hours=36)
    (element,) = [e for e in CHECKLIST if e.source == "AVG 33(2)"]
    vwo = next(text for kind, _, text in generated(renderer, package)
               if kind is DocumentKind.VERWERKERSOVEREENKOMST)
    assert missing_markers(element, vwo, hours="36") == []
    assert missing_markers(element, vwo, hours="24") != []


def test_the_staff_guide_shows_the_checklist():
    guide = (ROOT / "templates_docx" / "LEESMIJ.md").read_text(encoding="utf-8")
    for element in CHECKLIST:
        assert leesmij_row(element) in guide, element.label

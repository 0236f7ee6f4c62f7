"""The templates themselves: one real .docx per kind, and every name they use is provided."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import jinja2
import pytest
from docx import Document
from docxtpl import DocxTemplate

from app.documents.certificate import CERTIFICATE_KEYS
from app.documents.improvements import OVERVIEW_KEYS
from app.documents.improvements import PROPOSAL_KEYS
from app.documents.context import CONTEXT_KEYS
from app.documents.context import SOLUTION_KEYS
from app.documents.context import build_context
from app.documents.render import DocxRenderer
from app.documents.render import RenderError
from app.documents.render import template_filename
from app.documents.evidence import EVIDENCE_KEYS
from app.documents.samples import sample_certificates
from app.documents.samples import sample_improvement_documents
from app.domain.rules import IMPROVEMENT_KINDS
from app.documents.samples import sample_evidence
from app.domain.rules import DocumentKind

from tests.documents.builders import ROOT
from tests.documents.builders import scenarios

KINDS = list(DocumentKind)


def keys_for(kind: DocumentKind) -> set[str]:
    if kind is DocumentKind.VOLTOOIINGSCERTIFICAAT:
        return set(CERTIFICATE_KEYS)
    if kind is DocumentKind.JAAROVERZICHT_OPLOSSING:
        return set(OVERVIEW_KEYS)
    if kind in IMPROVEMENT_KINDS:
        return set(PROPOSAL_KEYS)
    if kind is DocumentKind.ONDERTEKENBEWIJS:
        return set(EVIDENCE_KEYS)
    keys = set(CONTEXT_KEYS)
    if kind is DocumentKind.GEBRUIKSOVEREENKOMST:
        keys |= SOLUTION_KEYS
    return keys


def contexts_for(kind: DocumentKind):
    """(scenario name, context) for every planned document of this kind in every scenario
    (the completion certificate, never planned: its own samples)."""
    if kind is DocumentKind.VOLTOOIINGSCERTIFICAAT:
        yield from sample_certificates(dt.date.today()).items()
        return
    if kind in IMPROVEMENT_KINDS:  # per verbeterwens or solution: their own samples
        yield from sample_improvement_documents(dt.date.today())[kind].items()
    if kind is DocumentKind.ONDERTEKENBEWIJS:
        yield from sample_evidence(dt.date.today()).items()
        return
    for name, facts in scenarios().items():
        for planned in facts.plan.documents:
            if planned.kind is kind:
                yield name, build_context(facts, planned)


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_every_kind_has_a_template_that_word_can_open(kind):
    """Each kind has a real .docx: styles, a header with the association's name (the College's
    own documents to its raad: the gemeente's name, no NVSI letterhead), page numbers."""
    path = ROOT / "templates_docx" / template_filename(kind)
    document = Document(str(path))
    header = "".join(p.text for p in document.sections[0].header.paragraphs)
    if kind in (DocumentKind.RAADSBRIEF, DocumentKind.ONTWERPBESLUIT):
        assert "Gemeente {{ organisation.name }}" in header and "nvsi" not in header
    else:
        assert "{{ nvsi.name }}" in header
    with zipfile.ZipFile(path) as zf:
        footer = "".join(zf.read(n).decode() for n in zf.namelist() if "footer" in n)
        styles = zf.read("word/styles.xml").decode()
        numbering = zf.read("word/numbering.xml").decode()
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert 'w:val="nl-NL"' in styles and 'w:styleId="Artikel"' in styles
    assert 'w:val="Artikel %1"' in numbering
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (11906 * 635, 16838 * 635)  # A4


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_core_properties_hold_no_tags(kind):
    """Document properties are not rendered, so they must not contain template tags."""
    document = Document(str(ROOT / "templates_docx" / template_filename(kind)))
    props = document.core_properties
    for value in (props.title, props.subject, props.author, props.comments, props.keywords):
        assert "{" not in (value or "")


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_every_placeholder_is_provided(kind, renderer):
    """docxtpl's own analysis and ours both find only names the context provides."""
    provided = keys_for(kind)
    docxtpl_names = DocxTemplate(str(renderer.template_path(kind))) \
        .get_undeclared_template_variables()
    assert docxtpl_names, "template uses no variables at all?"
    assert docxtpl_names <= provided, docxtpl_names - provided
    assert renderer.undeclared_variables(kind) == docxtpl_names
    for _, context in contexts_for(kind):
        assert set(context) == provided


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_every_name_renders_under_strict_undefined(kind):
    """Every scenario renders with StrictUndefined, in plain docxtpl and in our renderer."""
    strict = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    ours = DocxRenderer(strict=True)
    seen = 0
    for name, context in contexts_for(kind):
        template = DocxTemplate(str(ours.template_path(kind)))
        template.render(context, jinja_env=strict)  # raises UndefinedError on an unknown name
        ours.render(kind, context)
        seen += 1
    assert seen, f"no scenario plans a {kind}"


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_missing_attribute_is_an_error_not_an_empty_line(kind, renderer):
    """The renderer is strict: a context without a value the template uses raises RenderError."""
    _, context = next(contexts_for(kind))
    broken = dict(context, organisation={}, nvsi={}, package={})
    with pytest.raises(RenderError, match="gebruikt een gegeven dat ontbreekt"):
        renderer.render(kind, broken)


def test_templates_use_only_paragraph_and_row_tags_alone_in_their_paragraph():
    """`{%p ...%}` and `{%tr ...%}` tags stand alone (docxtpl drops their whole paragraph/row)."""
    for kind in KINDS:
        document = Document(str(ROOT / "templates_docx" / template_filename(kind)))
        paragraphs = list(document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    paragraphs += cell.paragraphs
        for paragraph in paragraphs:
            text = paragraph.text
            if re.search(r"{%(p|tr) ", text):
                assert re.fullmatch(r"{%(p|tr) [^%]*%}", text), (kind, text)


def test_template_version_is_the_short_sha256_of_the_file(renderer):
    import hashlib

    for kind in KINDS:
        data = renderer.template_path(kind).read_bytes()
        assert renderer.template_version(kind) == hashlib.sha256(data).hexdigest()[:12]


def test_a_missing_template_is_a_clear_error(tmp_path):
    renderer = DocxRenderer(tmp_path)
    with pytest.raises(RenderError, match="ontbreekt"):
        renderer.render(DocumentKind.RAADSBRIEF, {})


def test_a_broken_tag_names_the_template_and_the_text(tmp_path):
    """A tag Word split or a staff typo gives a Dutch message with the text around it."""
    document = Document(str(ROOT / "templates_docx" / "raadsbrief.docx"))
    document.add_paragraph("Zie {% if council_deadline %}hier")
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "raadsbrief.docx").write_bytes(buffer.getvalue())
    with pytest.raises(RenderError, match="raadsbrief.docx .* fout in een sjabloontag"):
        DocxRenderer(tmp_path).template(DocumentKind.RAADSBRIEF)


def test_the_staff_guide_lists_every_context_key():
    guide = (ROOT / "templates_docx" / "LEESMIJ.md").read_text(encoding="utf-8")
    for key in CONTEXT_KEYS | SOLUTION_KEYS:
        assert f"`{key}`" in guide, key
    for kind in KINDS:
        assert f"`{template_filename(kind)}`" in guide

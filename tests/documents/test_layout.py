"""Layout and fidelity with the real LibreOffice, over three generated packages whose names
are adversarial: no page whose only text is a signature block, no table row split across two
pages, every character of every name in the PDF, and each PDF's own title, author, language."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from docx import Document as Docx
from lxml import etree
from pypdf import PdfReader

from app.documents import layout
from app.documents import make_package_documents
from app.documents.layout import keep_unbroken
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import DocumentKind as K

from tests.documents.builders import THREE
from tests.documents.builders import facts

W = layout.W
NAMES = {
    "emoji": "Zorg 😀 & Welzijn 👩‍👩‍👧 🇳🇱 👍🏽 ✓ ♥",
    "combining": "Stichting Ŧĳ q̃ ä̧ Zoë Nguyễn Ɓ ǅ",
    "cjk": "東京都社会革新 서울특별시 カタカナ협회",
    "rtl": "جمعية الابتكار الاجتماعي עמותת חדשנות",
    "scripts": "नमस्ते ไทย ქართული ሰላም Հայերեն Ελλάδα 𝔄",
}
PACKAGES = {
    "gemeente-lid": dict(kind=OrgKind.GEMEENTE, involvement=Involvement.LID,
                         name=NAMES["combining"], solutions=THREE,
                         contact=Person(NAMES["cjk"], "adviseur", "a@example.nl"),
                         signatory=Person(NAMES["rtl"], "burgemeester", "b@example.nl")),
    "stichting-lid": dict(kind=OrgKind.MAATSCHAPPELIJKE_ORGANISATIE,
                          involvement=Involvement.LID, name=NAMES["emoji"], solutions=THREE[:1],
                          contact=Person(NAMES["scripts"], "coördinator", "c@example.nl"),
                          signatory=Person(NAMES["combining"], "voorzitter", "d@example.nl")),
    "participant": dict(kind=OrgKind.PUBLIEKE_ORGANISATIE, involvement=Involvement.PARTICIPANT,
                        name=NAMES["cjk"] + " " + NAMES["rtl"], solutions=THREE[:2],
                        contact=Person(NAMES["emoji"], "adviseur", "e@example.nl"),
                        signatory=Person(NAMES["scripts"], "directeur", "f@example.nl")),
}


def pages(pdf: bytes) -> list[str]:
    """The text of each page, as pdftotext reads it (reading order, no layout)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed; scripts/setup.sh installs it")
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-enc", "UTF-8", "-", "-"],
                           input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
            for n in range(1, count + 1)]


def flat(text: str) -> str:
    """White space collapsed and hyphens dropped: pdftotext joins a word hyphenated at a line
    end ("Súdwest-" + "Fryslân" gives "SúdwestFryslân"), so a comparison ignores hyphens."""
    return " ".join(text.replace("\xa0", " ").replace("-", "").split())


def _paragraph_text(paragraph) -> str:
    return "".join(node.text or "" for node in paragraph.iter(f"{W}t"))


def signature_text(docx: bytes) -> str:
    """All text of the signature blocks, with the lines that lead to them (heading, lead-in)."""
    body = etree.fromstring(_part(docx, "word/document.xml")).find(f"{W}body")
    children = [c for c in body if c.tag in (f"{W}p", f"{W}tbl")]
    texts = []
    for index, child in enumerate(children):
        if layout._is_signature(child):
            texts += [_paragraph_text(p) for p in child.iter(f"{W}p")]
            before = index - 1
            while before >= 0 and layout._is_lead_in(children[before]):
                texts.append(_paragraph_text(children[before]))
                before -= 1
    return flat(" ".join(texts))


def _part(docx: bytes, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return zf.read(name)


def body_lines(page: str, header: str) -> list[str]:
    """The lines of a page without its running header and footer."""
    lines = [flat(line) for line in page.splitlines() if flat(line)]
    return [line for line in lines if header not in line
            and not re.match(r"^(Kenmerk \S+ )?Pagina \d+ van \d+$", line)
            and not re.match(r"^Kenmerk \S+$", line)]


def signature_only_pages(made) -> list[int]:
    """Pages of a document whose only text (besides header and footer) is its signature block."""
    blob = signature_text(made.docx)
    if not blob:
        return []
    lonely = []
    for number, page in enumerate(pages(made.pdf), start=1):
        lines = body_lines(page, made.title.split(":")[0][:20])
        lines = [line for line in lines if "Nederlandse Vereniging voor Sociale Innovatie" != line]
        if lines and all(line in blob for line in lines):
            lonely.append(number)
    return lonely


def latin(text: str) -> str:
    """`text` in Latin script only, white space collapsed: pdftotext gives right-to-left
    script in visual order, which a substring test cannot match."""
    return flat("".join(c if ord(c) < 0x250 or c in "…€–—‘’“”" else " " for c in text))


def split_rows(made) -> list[str]:
    """Rows of the document's tables whose text is not whole on a single page."""
    page_texts = [latin(page) for page in pages(made.pdf)]
    document = Docx(io.BytesIO(made.docx))
    split = []

    def rows(tables):
        for table in tables:
            for row in table.rows:
                yield row
                for cell in row.cells:
                    yield from rows(cell.tables)

    for row in rows(document.tables):
        paragraphs = [latin(p.text) for cell in row.cells for p in cell.paragraphs]
        paragraphs = [p for p in dict.fromkeys(paragraphs) if len(p) > 2]
        if paragraphs and not any(all(p in text for p in paragraphs) for text in page_texts):
            split.append(" | ".join(paragraphs)[:120])
    return split


@pytest.fixture(scope="module")
def packages(converter, renderer):
    made = {}
    for label, spec in PACKAGES.items():
        spec = dict(spec)
        package = facts(spec.pop("kind"), spec.pop("involvement"), **spec)
        made[label] = (package, make_package_documents(package, renderer, converter))
    return made


@pytest.mark.libreoffice
def test_no_page_holds_only_a_signature_block(packages):
    signed = 0
    for label, (_, documents) in packages.items():
        for made in documents:
            assert signature_only_pages(made) == [], (label, made.filename)
            signed += bool(signature_text(made.docx))
    assert signed >= 10  # the check did look at signature blocks


FILLER = ('<w:p><w:r><w:t>Regel {n} die de tekst een regel naar beneden schuift, zodat het '
          'ondertekenblok en de tabellen op een andere plaats van de pagina vallen.</w:t></w:r>'
          '</w:p>')


def shifted(renderer, package, kind, lines: int, *, rules: bool, monkeypatch):
    """The document of `kind` with `lines` extra paragraphs at the top of its template (for
    a verwerkersovereenkomst: before its last table, the processing specification in the
    annex, which starts on a page of its own), rendered with or without the layout rules."""
    from app.documents import render
    from app.documents.make import render_document
    from tests.documents.edit import edit_docx
    from tests.documents.edit import shipped

    filler = "".join(FILLER.format(n=n) for n in range(lines))
    if kind is K.VERWERKERSOVEREENKOMST:
        data = edit_docx(shipped(kind.value), "<w:tbl>", filler + "<w:tbl>", last=True)
    else:
        data = edit_docx(shipped(kind.value), "<w:body>", "<w:body>" + filler)
    planned = next(d for d in package.plan.documents if d.kind is kind)
    with monkeypatch.context() as patch:
        if not rules:
            patch.setattr(render, "apply_layout", lambda body: None)
        template = render.DocxRenderer().compile_bytes(kind, data)
        return render_document(package, planned, renderer, template)


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind, fault", [
    (K.GEBRUIKSOVEREENKOMST, signature_only_pages),
    (K.VERWERKERSOVEREENKOMST, split_rows),
], ids=["signature-block", "table-row"])
def test_wherever_the_page_breaks_fall_the_rules_hold_and_without_them_they_do_not(
        renderer, converter, monkeypatch, kind, fault):
    """Shift the text down a line at a time: without the layout rules, at some shift a
    signature block ends up alone on its page (or a table row splits), which shows the checks
    above can fail; with the rules, at no shift tried."""
    from dataclasses import replace

    package = facts(solutions=THREE[:1])
    found_without = None
    for lines in range(0, 48):  # one line at a time: a break between two lines is enough
        bare = shifted(renderer, package, kind, lines, rules=False, monkeypatch=monkeypatch)
        ruled = shifted(renderer, package, kind, lines, rules=True, monkeypatch=monkeypatch)
        bare = replace(bare, pdf=converter.convert(bare.docx))
        ruled = replace(ruled, pdf=converter.convert(ruled.docx))
        assert fault(ruled) == [], (lines, fault(ruled))
        if fault(bare):
            found_without = lines
            break
    assert found_without is not None, "without the rules no shift put a fault on a page"


@pytest.mark.libreoffice
def test_no_table_row_splits_across_pages(packages):
    rows = 0
    for label, (_, documents) in packages.items():
        for made in documents:
            assert split_rows(made) == [], (label, made.filename)
            rows += len(Docx(io.BytesIO(made.docx)).tables)
    assert rows > 20


@pytest.mark.libreoffice
def test_every_character_of_every_name_is_in_the_pdf(packages):
    for label, (package, documents) in packages.items():
        names = {package.organisation.name, package.contact.name, package.signatory.name}
        for made in documents:
            docx_text = unicodedata.normalize("NFKD", " ".join(
                _paragraph_text(p) for p in etree.fromstring(
                    _part(made.docx, "word/document.xml")).iter(f"{W}p")))
            pdf_text = unicodedata.normalize("NFKD", "".join(pages(made.pdf)))
            for name in names:
                wanted = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", name))
                if wanted.split()[0] not in docx_text:
                    continue  # this document does not name this person
                missing = sorted({c for c in wanted if not c.isspace() and c not in pdf_text})
                assert missing == [], (label, made.filename, [f"U+{ord(c):04X}" for c in missing])


@pytest.mark.libreoffice
def test_each_pdf_has_its_own_title_author_and_language(packages):
    titles = set()
    for _, (package, documents) in packages.items():
        for made in documents:
            reader = PdfReader(io.BytesIO(made.pdf))
            name = unicodedata.normalize("NFC", package.organisation.name).replace("&", "en")
            title = f"{made.title} – {name}"
            assert reader.metadata.title == title
            assert reader.metadata.author == "Nederlandse Vereniging voor Sociale Innovatie"
            assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
            xmp = reader.xmp_metadata
            assert xmp.dc_title["x-default"] == title
            assert xmp.get_element("", "http://www.aiim.org/pdfa/ns/id/", "part")  # PDF/A
            titles.add(title)
    assert len(titles) == sum(len(documents) for _, documents in packages.values())


def test_ibans_amounts_dates_and_postcodes_do_not_break():
    text = ("betaal € 1.234,56 op NL91 ABNA 0417 1643 00 vóór 28 november 2026 "
            "aan 3511 GC Utrecht, kenmerk 2026 en 12 stuks")
    assert keep_unbroken(text) == (
        "betaal €\xa01.234,56 op NL91\xa0ABNA\xa00417\xa01643\xa000 vóór 28\xa0november\xa02026 "
        "aan 3511\xa0GC Utrecht, kenmerk 2026 en 12 stuks")


# -- the rules on the XML, without LibreOffice -------------------------------------------------
def body(xml: str):
    return etree.fromstring(f'<w:body xmlns:w="{layout.W_NS}">{xml}</w:body>')


def p(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="left"/></w:pPr>' if style else ""
    return f"<w:p>{props}<w:r><w:t>{text}</w:t></w:r></w:p>"


def flags(paragraph) -> list[str]:
    props = paragraph.find(f"{W}pPr")
    return [] if props is None else [etree.QName(c).localname for c in props]


def test_the_lines_leading_to_a_signature_block_are_kept_with_it():
    tree = body(p("Eerder artikel.") + p("Laatste artikel.") + p("Ondertekening", "Heading1")
                + p("Aldus overeengekomen:") + p("Naam: A", "Ondertekening")
                + p("Handtekening: ……", "Ondertekening") + "<w:sectPr/>")
    layout.apply_layout(tree)
    paragraphs = tree.findall(f"{W}p")
    assert flags(paragraphs[0]) == []  # the text before the last paragraph moves freely
    assert flags(paragraphs[1]) == ["keepNext", "keepLines"]
    assert flags(paragraphs[2]) == ["pStyle", "keepNext", "keepLines", "jc"]  # schema order
    assert flags(paragraphs[3]) == ["keepNext", "keepLines"]
    assert flags(paragraphs[4]) == ["pStyle", "keepNext", "keepLines", "jc"]
    assert flags(paragraphs[5]) == ["pStyle", "keepLines", "jc"]  # the block's last line


def test_a_signature_block_without_the_style_is_found_by_its_handtekening_line():
    tree = body(p("Tekst.") + "<w:tbl><w:tr><w:tc>" + p("Naam:") + p("Handtekening:")
                + "</w:tc></w:tr></w:tbl>")
    layout.apply_layout(tree)
    assert flags(tree.find(f"{W}p")) == ["keepNext", "keepLines"]
    row = tree.find(f"{W}tbl/{W}tr")
    assert [etree.QName(c).localname for c in row.find(f"{W}trPr")] == ["cantSplit"]


def test_rows_never_split_and_a_bold_first_row_repeats_as_header():
    bold = '<w:tc><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Kop</w:t></w:r></w:p></w:tc>'
    cell = "<w:tc>" + p("x") + "</w:tc>"
    tree = body(f"<w:tbl><w:tr>{bold}</w:tr><w:tr>{cell}</w:tr><w:tr>{cell}</w:tr></w:tbl>"
                f"<w:tbl><w:tr>{cell}</w:tr><w:tr>{cell}</w:tr><w:tr>{cell}</w:tr></w:tbl>")
    layout.apply_layout(tree)
    first, second = tree.findall(f"{W}tbl")
    names = [[etree.QName(c).localname for c in row.find(f"{W}trPr")]
             for row in first.findall(f"{W}tr")]
    assert names == [["cantSplit", "tblHeader"], ["cantSplit"], ["cantSplit"]]
    assert second.find(f".//{W}tblHeader") is None


def test_an_uploaded_template_in_another_language_is_dutch_in_the_pdf():
    styles = (f'<w:styles xmlns:w="{layout.W_NS}"><w:docDefaults><w:rPrDefault><w:rPr>'
              '<w:lang w:val="en-US"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>')
    assert b'w:val="nl-NL"' in layout.default_language(styles.encode())
    bare = f'<w:styles xmlns:w="{layout.W_NS}"/>'.encode()
    assert b'<w:lang w:val="nl-NL"/>' in layout.default_language(bare)


def test_the_installed_fonts_print_every_symbol_that_input_accepts():
    """validation.PRINTABLE_SYMBOLS matches the fonts scripts/setup.sh installs: fontconfig
    finds a font for the first, middle and last character of every range."""
    from app.domain.validation import PRINTABLE_SYMBOLS

    if shutil.which("fc-list") is None:
        pytest.fail("fc-list (fontconfig) is not installed; LibreOffice brings it")
    for low, high in PRINTABLE_SYMBOLS:
        for code in {low, (low + high) // 2, high}:
            fonts = subprocess.run(["fc-list", f":charset={code:x}", "family"],
                                   capture_output=True, text=True, check=True).stdout
            assert fonts.strip(), f"no installed font prints U+{code:04X}"

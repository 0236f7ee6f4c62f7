"""Build the .docx templates in templates_docx/ (one per DocumentKind) with python-docx.

    .venv/bin/python scripts/make_templates.py [--out templates_docx]

The templates are the product: NVSI staff open and edit them in Word or LibreOffice. This script
made their first version and documents how they are built (a lean package with our own styles,
numbered articles, a header with the association's name, page numbers in the footer, signature
blocks). Once staff have edited a template by hand, do not run this script over it blindly: it
would overwrite their edits.

Template rules (app.documents.render explains the renderer):
- `{{ name }}` prints a value; every value is escaped on output.
- `{%p if ... %}`, `{%p for ... %}`, `{%p endfor %}` stand alone in their own paragraph,
  `{%tr for ... %}` alone in a table row; type each tag in one go.
The output is deterministic: the same script gives byte-identical files.
"""

from __future__ import annotations

import argparse
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Twips

ROOT = Path(__file__).resolve().parents[1]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)
DOTS = "…………………………………"

# ---------------------------------------------------------------------------------------------
# The lean base package: our own styles and numbering instead of python-docx's 440 kB default.
# ---------------------------------------------------------------------------------------------

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
</Relationships>"""

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<w:body><w:sectPr><w:pgSz w:w="11906" w:h="16838"/>
<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/>
</w:sectPr></w:body></w:document>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="709"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
<w:themeFontLang w:val="nl-NL"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>
</w:settings>"""

FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}"><w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/>
<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>NVSI</dc:title><dc:creator>Nederlandse Vereniging voor Sociale Innovatie</dc:creator><dc:language>nl-NL</dc:language>
</cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Tekenklaar</Application></Properties>"""


def _style(kind, style_id, name, body, *, based_on=None, next_=None, default=False, custom=False,
           ui=None):
    attrs = f'w:type="{kind}" w:styleId="{style_id}"'
    if default:
        attrs += ' w:default="1"'
    if custom:
        attrs += ' w:customStyle="1"'
    parts = [f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_:
        parts.append(f'<w:next w:val="{next_}"/>')
    if ui is not None:
        parts.append(f'<w:uiPriority w:val="{ui}"/>')
    parts.append("<w:qFormat/>")
    return f"<w:style {attrs}>{''.join(parts)}{body}</w:style>"


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/>
<w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="nl-NL" w:eastAsia="nl-NL" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
{_style("paragraph", "Normal", "Normal", "", default=True)}
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
{_style("paragraph", "Title", "Title", '<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="80"/></w:pPr><w:rPr><w:b/><w:color w:val="1F3864"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>', based_on="Normal", next_="Normal", ui=10)}
{_style("paragraph", "Subtitle", "Subtitle", '<w:pPr><w:keepNext/><w:spacing w:after="240"/></w:pPr><w:rPr><w:color w:val="404040"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>', based_on="Normal", next_="Normal", ui=11)}
{_style("paragraph", "Heading1", "heading 1", '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:color w:val="1F3864"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>', based_on="Normal", next_="Normal", ui=9)}
{_style("paragraph", "Heading2", "heading 2", '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr>', based_on="Normal", next_="Normal", ui=9)}
{_style("paragraph", "Artikel", "Artikel", '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr>', based_on="Heading1", next_="Artikellid", custom=True)}
{_style("paragraph", "Artikellid", "Artikellid", '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr><w:ind w:left="567" w:hanging="567"/></w:pPr>', based_on="Normal", next_="Artikellid", custom=True)}
{_style("paragraph", "Artikelonderdeel", "Artikelonderdeel", '<w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr><w:spacing w:after="60"/><w:ind w:left="1134" w:hanging="567"/></w:pPr>', based_on="Normal", next_="Artikelonderdeel", custom=True)}
{_style("paragraph", "Overweging", "Overweging", '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr><w:ind w:left="567" w:hanging="567"/></w:pPr>', based_on="Normal", next_="Overweging", custom=True)}
{_style("paragraph", "ListBullet", "List Bullet", '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr><w:spacing w:after="60"/><w:ind w:left="567" w:hanging="283"/></w:pPr>', based_on="Normal", next_="ListBullet", ui=99)}
{_style("paragraph", "Quote", "Quote", '<w:pPr><w:ind w:left="567" w:right="567"/></w:pPr><w:rPr><w:i/><w:color w:val="404040"/></w:rPr>', based_on="Normal", next_="Normal", ui=29)}
{_style("paragraph", "Header", "header", '<w:pPr><w:tabs><w:tab w:val="right" w:pos="9070"/></w:tabs><w:spacing w:after="0"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>', based_on="Normal", ui=99)}
{_style("paragraph", "Footer", "footer", '<w:pPr><w:tabs><w:tab w:val="right" w:pos="9070"/></w:tabs><w:spacing w:after="0"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>', based_on="Normal", ui=99)}
{_style("paragraph", "Tabeltekst", "Tabeltekst", '<w:pPr><w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>', based_on="Normal", custom=True)}
{_style("paragraph", "Ondertekening", "Ondertekening", '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:after="60"/></w:pPr>', based_on="Normal", custom=True)}
{_style("paragraph", "Klein", "Klein", '<w:rPr><w:color w:val="595959"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>', based_on="Normal", custom=True)}
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:left w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:right w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/></w:tblBorders></w:tblPr></w:style>
</w:styles>"""


def _lvl(ilvl, fmt, text, *, left, hanging, style=None, suff=None, bullet_font=False):
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    suff_xml = f'<w:suff w:val="{suff}"/>' if suff else ""
    rpr = '<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:hint="default"/></w:rPr>' if bullet_font else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{style_xml}{suff_xml}'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{rpr}</w:lvl>'
    )


NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
{_lvl(0, "decimal", "Artikel %1", left=0, hanging=0, style="Artikel", suff="space")}
{_lvl(1, "decimal", "%1.%2", left=567, hanging=567, style="Artikellid")}
{_lvl(2, "lowerLetter", "%3.", left=1134, hanging=567, style="Artikelonderdeel")}
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>
{_lvl(0, "bullet", "•", left=567, hanging=283, bullet_font=True)}
</w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="singleLevel"/>
{_lvl(0, "upperLetter", "%1.", left=567, hanging=567, style="Overweging")}
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""


def base_package() -> bytes:
    """The empty, styled .docx every template starts from."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
        "word/document.xml": DOCUMENT,
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/styles.xml": STYLES,
        "word/numbering.xml": NUMBERING,
        "word/settings.xml": SETTINGS,
        "word/fontTable.xml": FONT_TABLE,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_TIME), text.encode("utf-8"),
                        compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# A small builder on top of python-docx
# ---------------------------------------------------------------------------------------------

BOLD = re.compile(r"\*\*(.+?)\*\*")


class Builder:
    """Adds styled paragraphs, tables and signature blocks to one template."""

    def __init__(self, title_property: str, header_title: str):
        self.doc = Document(io.BytesIO(base_package()))
        self.doc.core_properties.title = title_property
        self.doc.core_properties.author = "Nederlandse Vereniging voor Sociale Innovatie"
        self.doc.core_properties.language = "nl-NL"
        self._header_footer(header_title)

    # -- page furniture ------------------------------------------------------------------------
    def _header_footer(self, header_title: str) -> None:
        section = self.doc.sections[0]
        header = section.header
        header.is_linked_to_previous = False
        para = header.paragraphs[0]
        para.style = self.doc.styles["Header"]
        para.add_run("{{ nvsi.name }}")
        para.add_run("\t" + header_title)
        footer = section.footer
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.style = self.doc.styles["Footer"]
        para.add_run("Kenmerk {{ package.reference }}\tPagina ")
        _field(para, "PAGE")
        para.add_run(" van ")
        _field(para, "NUMPAGES")

    # -- text -----------------------------------------------------------------------------------
    def para(self, text: str = "", style: str | None = None, *, keep_next=False,
             page_break_before=False, space_before=None):
        para = self.doc.add_paragraph(style=style)
        _add_text(para, text)
        fmt = para.paragraph_format
        if keep_next:
            fmt.keep_with_next = True
        if page_break_before:
            fmt.page_break_before = True
        if space_before is not None:
            fmt.space_before = Twips(space_before)
        return para

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.para(text, "Title")
        if subtitle:
            self.para(subtitle, "Subtitle")

    def heading(self, text: str, level: int = 1, **kw) -> None:
        self.para(text, f"Heading {level}", **kw)

    def article(self, text: str) -> None:
        self.para(text, "Artikel")

    def lid(self, text: str) -> None:
        self.para(text, "Artikellid")

    def item(self, text: str) -> None:
        self.para(text, "Artikelonderdeel")

    def recital(self, text: str) -> None:
        self.para(text, "Overweging")

    def bullet(self, text: str) -> None:
        self.para(text, "List Bullet")

    def tag(self, jinja: str) -> None:
        """A paragraph-level tag such as `{%p if x %}`; the paragraph disappears on render."""
        self.para(jinja)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # -- tables ---------------------------------------------------------------------------------
    def table(self, rows, widths, *, header: bool = True, grid: bool = True, bold_last=False,
              right: tuple[int, ...] = ()):
        """rows: lists of cell texts; a cell may be a list of (style, text) paragraphs.

        A row given as the string "{%tr ... %}" becomes a row-level loop tag. Columns in
        `right` (amounts) are right-aligned.
        """
        table = self.doc.add_table(rows=0, cols=len(widths))
        if grid:
            table.style = self.doc.styles["Table Grid"]
        for index, row in enumerate(rows):
            cells = table.add_row().cells
            if isinstance(row, str):
                _set_cell(cells[0], [("Tabeltekst", row)])
                for cell in cells[1:]:
                    _set_cell(cell, [("Tabeltekst", "")])
                continue
            for cell, content in zip(cells, row):
                paragraphs = content if isinstance(content, list) else [("Tabeltekst", content)]
                _set_cell(cell, paragraphs)
                if (header and index == 0) or (bold_last and index == len(rows) - 1):
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        for row in table.rows:
            for index, (cell, width) in enumerate(zip(row.cells, widths)):
                cell.width = Twips(width)
                if index in right and "{%tr" not in cell.text:
                    for para in cell.paragraphs:
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if header:
            _repeat_header(table.rows[0])
        _table_widths(table, widths)
        self.doc.add_paragraph().paragraph_format.space_after = Twips(0)
        return table

    def signature_table(self, left, right) -> None:
        """Two columns of signature paragraphs (lists of (style, text)), no borders."""
        table = self.doc.add_table(rows=1, cols=2)
        _set_cell(table.rows[0].cells[0], left)
        _set_cell(table.rows[0].cells[1], right)
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:cantSplit xmlns:w="{W_NS}"/>'))
        _table_widths(table, [4535, 4535])

    def save(self, path: Path) -> None:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        path.write_bytes(_deterministic(buffer.getvalue()))


def _add_text(para, text: str) -> None:
    position = 0
    for match in BOLD.finditer(text):
        if match.start() > position:
            para.add_run(text[position:match.start()])
        para.add_run(match.group(1)).bold = True
        position = match.end()
    if position < len(text):
        para.add_run(text[position:])


def _set_cell(cell, paragraphs) -> None:
    first = True
    for style, text in paragraphs:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        para.style = cell.part.document.styles[style] if style else None
        _add_text(para, text)


def _field(para, instruction: str) -> None:
    para._p.append(parse_xml(
        f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" {instruction} "><w:r><w:t>1</w:t></w:r>'
        "</w:fldSimple>"
    ))


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader xmlns:w="{W_NS}"/>'))


def _table_widths(table, widths) -> None:
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblW xmlns:w="{W_NS}" w:w="{sum(widths)}" w:type="dxa"/>'))
    layout = parse_xml(f'<w:tblLayout xmlns:w="{W_NS}" w:type="fixed"/>')
    tbl_pr.append(layout)
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    _sort_tbl_pr(tbl_pr)


TBL_PR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook"]


def _sort_tbl_pr(tbl_pr) -> None:
    children = list(tbl_pr)
    for child in children:
        tbl_pr.remove(child)
    children.sort(key=lambda el: TBL_PR_ORDER.index(el.tag.split("}")[1])
                  if el.tag.split("}")[1] in TBL_PR_ORDER else 99)
    for child in children:
        tbl_pr.append(child)


def _deterministic(docx: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps so that a rebuild gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), zin.read(info.filename),
                          compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Shared blocks
# ---------------------------------------------------------------------------------------------

def contact_table(b: Builder, heading: str) -> None:
    b.heading(heading, 2)
    b.table(
        [
            ["Naam", "{{ contact.name }}"],
            ["Functie", "{{ contact.function }}"],
            ["E-mailadres", "{{ contact.email }}"],
            ["Telefoon", "{{ contact.phone }}"],
            ["Adres", "{{ organisation.street }}"],
            ["Postcode en plaats", "{{ organisation.postcode }} {{ organisation.city }}"],
        ],
        [2835, 6235],
        header=False,
    )


def signer_lines(name: str, function: str) -> list[tuple[str, str]]:
    return [
        ("Ondertekening", f"Naam: {name}"),
        ("Ondertekening", f"Functie: {function}"),
        ("Ondertekening", f"Plaats: {DOTS}"),
        ("Ondertekening", f"Datum: {DOTS}"),
        ("Ondertekening", ""),
        ("Ondertekening", f"Handtekening: {DOTS}"),
    ]


def board_lines() -> list[tuple[str, str]]:
    return (
        [("Ondertekening", "{%p for member in board %}")]
        + signer_lines("{{ member.name }}", "{{ member.role }}")
        + [("Ondertekening", ""), ("Ondertekening", "{%p endfor %}")]
    )


def signatures(b: Builder, left_heading: str, right_heading: str, intro: str) -> None:
    b.heading("Ondertekening", 1)
    b.para(intro, keep_next=True)
    b.signature_table(
        [("Ondertekening", f"**{left_heading}**")]
        + signer_lines("{{ signatory.name }}", "{{ signatory.function }}"),
        [("Ondertekening", f"**{right_heading}**")] + board_lines(),
    )


def spec_table(b: Builder, var: str) -> None:
    """The processing specification of one solution (a dict named `var`) as a table."""

    def listed(field: str, empty: str | None = None) -> list[tuple[str, str]]:
        rows = [
            ("Tabeltekst", f"{{%p for line in {var}.{field} %}}"),
            ("List Bullet", "{{ line }}"),
            ("Tabeltekst", "{%p endfor %}"),
        ]
        if empty is None:
            return rows
        return (
            [("Tabeltekst", f"{{%p if {var}.{field} %}}")]
            + rows
            + [("Tabeltekst", "{%p else %}"), ("Tabeltekst", empty),
               ("Tabeltekst", "{%p endif %}")]
        )

    b.table(
        [
            ["Onderdeel", "Specificatie"],
            ["Doeleinden van de verwerking", listed("purposes")],
            ["Categorieën van betrokkenen", listed("data_subjects")],
            ["Soorten persoonsgegevens", listed("personal_data")],
            ["Bijzondere categorieën van persoonsgegevens (artikel 9 AVG)",
             f"{{{{ {var}.special_categories }}}}"],
            ["Burgerservicenummer (BSN)", f"{{{{ {var}.bsn }}}}"],
            ["Bewaartermijn", f"{{{{ {var}.retention }}}}"],
            ["Subverwerkers waarvoor toestemming is gegeven", listed("sub_processors", "geen")],
            ["Beveiligingsmaatregelen (artikel 32 AVG)", listed("security")],
        ],
        [3118, 5952],
    )


# ---------------------------------------------------------------------------------------------
# The templates
# ---------------------------------------------------------------------------------------------

def aanbiedingsbrief() -> Builder:
    b = Builder("Aanbiedingsbrief NVSI", "Aanbiedingsbrief")
    b.para("**{{ nvsi.name }}**", "Klein")
    b.para("{{ nvsi.street }}, {{ nvsi.postcode }} {{ nvsi.city }} · {{ nvsi.email }} · "
           "{{ nvsi.website }}", "Klein")
    b.para("")
    b.para("{{ organisation.name }}", "Tabeltekst")
    b.para("t.a.v. {{ contact.name }}, {{ contact.function }}", "Tabeltekst")
    b.tag("{%p if organisation.has_address %}")
    b.para("{{ organisation.street }}", "Tabeltekst")
    b.para("{{ organisation.postcode }} {{ organisation.city }}", "Tabeltekst")
    b.tag("{%p endif %}")
    b.para("")
    b.table(
        [
            ["Datum", "{{ package.date }}"],
            ["Kenmerk", "{{ package.reference }}"],
            ["Onderwerp", "{{ package.subject }}"],
        ],
        [1701, 7369], header=False, grid=False,
    )
    b.para("Geachte {{ contact.name }},")
    b.para("Hierbij ontvangt u de documenten voor {{ package.purpose }}. In deze brief leest u "
           "wat er in het pakket zit en waarom, wat er niet in zit, en wat wij van u vragen.")

    b.heading("Wat zit er in dit pakket")
    b.table(
        [
            ["Document", "Waarom het erbij zit"],
            "{%tr for doc in documents %}",
            ["{{ doc.title }}", "{{ doc.reason }}"],
            "{%tr endfor %}",
        ],
        [3402, 5668],
    )
    b.tag("{%p if skipped %}")
    b.heading("Wat zit er niet in dit pakket")
    b.tag("{%p for doc in skipped %}")
    b.bullet("**{{ doc.title }}**: {{ doc.reason }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    b.tag("{%p if fees %}")
    b.heading("Wat het gebruik kost")
    b.tag("{%p if package.is_lid %}")
    b.para("Het lidmaatschap zelf kost niets. Zodra uw organisatie een innovatieve oplossing "
           "gebruikt, betaalt zij per oplossing per jaar licentie- en beheerkosten en een opslag "
           "voor de bureaukosten en algemene diensten van de NVSI. De algemene ledenvergadering "
           "stelt die opslag elk jaar vast.")
    b.tag("{%p else %}")
    b.para("Per innovatieve oplossing betaalt uw organisatie per jaar licentie- en beheerkosten "
           "en een opslag voor de bureaukosten en algemene diensten van de NVSI. De algemene "
           "ledenvergadering stelt die opslag elk jaar vast.")
    b.tag("{%p endif %}")
    b.table(
        [
            ["Oplossing", "Ingangsdatum", "Bedrag per jaar"],
            "{%tr for fee in fees %}",
            ["{{ fee.solution }}", "{{ fee.start }}", "{{ fee.total }}"],
            "{%tr endfor %}",
            ["Totaal per jaar", "", "{{ fees_total }}"],
        ],
        [3969, 2551, 2550], bold_last=True, right=(2,),
    )
    b.para("De opbouw van elk bedrag staat in de gebruiksovereenkomst van die oplossing.")
    b.tag("{%p endif %}")

    b.tag("{%p if participant_warning %}")
    b.heading("Let op: participant, geen lid")
    b.para("Uw organisatie is participant van de NVSI en geen lid. Daardoor kan zij bij de afname "
           "van innovatieve oplossingen geen beroep doen op inbesteding: de uitzondering voor "
           "publiek-publieke samenwerking geldt dan niet, en uw organisatie beoordeelt zelf of "
           "zij de opdracht moet aanbesteden. Leden kunnen wel een beroep doen op inbesteding; de "
           "algemene ledenvergadering geeft daarom de voorkeur aan lidmaatschap.")
    b.tag("{%p endif %}")

    b.heading("Wat wij van u vragen")
    b.tag("{%p if needs_council %}")
    b.bullet("Het college stuurt de raadsbrief met het ontwerpbesluit aan de gemeenteraad. De "
             "raad kan tot en met {{ council_deadline_text }} zijn wensen en bedenkingen ter "
             "kennis van het college brengen (artikel 160, tweede lid, Gemeentewet).")
    b.bullet("Daarna besluit het college over het lidmaatschap. Laat u ons de datum van het "
             "collegebesluit weten? Pas dan sturen wij de documenten ter ondertekening.")
    b.tag("{%p endif %}")
    b.bullet("Controleer de gegevens in de documenten, zoals de namen, de contactgegevens en de "
             "ingangsdata. Klopt er iets niet, laat het ons dan weten vóór de ondertekening.")
    b.bullet("U ontvangt de documenten ter ondertekening per e-mail. Eerst ondertekent "
             "{{ signatory.name }} ({{ signatory.function }}) namens {{ organisation.name }}, "
             "daarna ondertekenen de bestuursleden van de NVSI. Na de laatste handtekening "
             "ontvangt u de ondertekende documenten als PDF/A voor uw archief.")
    b.para("Hebt u vragen? Mail ons op {{ nvsi.email }} en noem daarbij kenmerk "
           "{{ package.reference }}.")
    b.para("Met vriendelijke groet,", space_before=120)
    b.para("namens het bestuur van de {{ nvsi.name }},", "Ondertekening")
    b.para("")
    b.para("{{ board[0].name }}", "Ondertekening")
    b.para("{{ board[0].role }}", "Ondertekening")
    return b


def _registration_intro(b: Builder, title: str, bijlage: str) -> None:
    b.title(title, bijlage)
    b.para("Kenmerk: {{ package.reference }}", "Klein")
    b.heading("De ondergetekende", 2)


def aanmelding_gemeente_lid() -> Builder:
    b = Builder("Aanmelding gemeente als lid van de NVSI", "Aanmelding gemeente als lid")
    _registration_intro(
        b, "Aanmelding gemeente als lid van de Nederlandse Vereniging voor Sociale Innovatie",
        "Bijlage 1",
    )
    b.para("Het college van burgemeester en wethouders van de gemeente "
           "**{{ organisation.name }}**,")
    b.para("te dezen rechtsgeldig vertegenwoordigd door {{ signatory.name }}, "
           "{{ signatory.function }}, als burgemeester of als door de burgemeester aangewezen "
           "gemachtigde (artikel 171 Gemeentewet),")
    b.para("hierna te noemen: “het College”, verklaart dat het College heeft besloten dat de "
           "gemeente {{ organisation.name }} als lid toetreedt tot de Nederlandse Vereniging "
           "voor Sociale Innovatie (NVSI), gevestigd te {{ nvsi.city }}.")
    b.para("Het College heeft dit besluit genomen nadat de raad een ontwerpbesluit is "
           "toegezonden en in de gelegenheid is gesteld zijn wensen en bedenkingen ter kennis van "
           "het College te brengen (artikel 160, tweede lid, Gemeentewet).")
    b.tag("{%p if organisation.cbs_code %}")
    b.para("Gemeentecode (CBS): {{ organisation.cbs_code }}", "Klein")
    b.tag("{%p endif %}")
    contact_table(b, "Gegevens contactpersoon gemeente voor de NVSI")
    signatures(
        b, "Het College", "Voor de NVSI: het bestuur laat de gemeente als lid toe",
        "Aldus ingevuld en ondertekend:",
    )
    return b


def aanmelding_participant() -> Builder:
    b = Builder("Aanmelding als participant van de NVSI", "Aanmelding als participant")
    _registration_intro(
        b, "Aanmelding als participant van de Nederlandse Vereniging voor Sociale Innovatie",
        "Bijlage 2",
    )
    b.para("{{ signatory.name }}, {{ signatory.function }}, bevoegd om "
           "{{ organisation.designation }} te vertegenwoordigen,")
    b.para("verklaart dat {{ organisation.designation }} als participant toetreedt tot de "
           "Nederlandse Vereniging voor Sociale Innovatie (NVSI), gevestigd te {{ nvsi.city }}, "
           "met de contactpersoon hieronder als participant die namens de organisatie bij de "
           "NVSI betrokken is.")
    b.heading("Wat participatie betekent", 2)
    b.para("Een participant is als contactpersoon namens de organisatie betrokken bij de NVSI. "
           "De organisatie zelf wordt geen lid van de vereniging en gaat geen "
           "lidmaatschapsovereenkomst aan, met de rechten en plichten die daarbij horen. Via de "
           "participant kan de organisatie een rol vervullen in en invloed uitoefenen op de "
           "uitvoerende werkzaamheden van de NVSI.")
    b.para("Als participant kan de organisatie bij de afname van innovatieve oplossingen geen "
           "beroep doen op inbesteding; als lid kan zij dat wel. De algemene ledenvergadering "
           "geeft daarom de voorkeur aan lidmaatschap.")
    contact_table(b, "Gegevens contactpersoon organisatie voor de NVSI")
    signatures(
        b, "Namens de organisatie",
        "Voor de NVSI: het bestuur aanvaardt de aanmelding",
        "Aldus ingevuld en ondertekend:",
    )
    return b


def aanmelding_organisatie_lid() -> Builder:
    b = Builder("Aanmelding organisatie als lid van de NVSI", "Aanmelding organisatie als lid")
    _registration_intro(
        b, "Aanmelding {{ organisation.kind }} als lid van de Nederlandse Vereniging voor "
           "Sociale Innovatie",
        "Bijlage 3",
    )
    b.para("{{ signatory.name }}, {{ signatory.function }}, bevoegd om "
           "{{ organisation.designation }} te vertegenwoordigen,")
    b.para("verklaart dat {{ organisation.designation }} als lid toetreedt tot de Nederlandse "
           "Vereniging voor Sociale Innovatie (NVSI), gevestigd te {{ nvsi.city }}.")
    b.tag("{%p if organisation.is_publiek %}")
    b.para("De ondergetekende verklaart dat het bevoegde bestuursorgaan van de publieke "
           "organisatie tot deze toetreding heeft besloten, met inachtneming van de regels die "
           "voor de organisatie gelden, zoals de gemeenschappelijke regeling of de wet waarop zij "
           "berust. Met het lidmaatschap krijgt de organisatie stemrecht in de algemene "
           "ledenvergadering en daarmee, samen met de andere leden, invloed op de strategische "
           "doelstellingen en belangrijke beslissingen van de NVSI.")
    b.tag("{%p else %}")
    b.para("De ondergetekende verklaart dat het bestuur van de maatschappelijke organisatie tot "
           "deze toetreding heeft besloten, zoals de statuten van de organisatie dat vragen.")
    b.tag("{%p endif %}")
    contact_table(b, "Gegevens contactpersoon organisatie voor de NVSI")
    signatures(
        b, "Namens de organisatie", "Voor de NVSI: het bestuur laat de organisatie als lid toe",
        "Aldus ingevuld en ondertekend:",
    )
    return b


ART_160_2 = (
    "“Het college besluit slechts tot de oprichting van en de deelneming in stichtingen, "
    "maatschappen, vennootschappen, verenigingen, coöperaties en onderlinge "
    "waarborgmaatschappijen, indien dat in het bijzonder aangewezen moet worden geacht voor de "
    "behartiging van het daarmee te dienen openbaar belang. Het besluit wordt niet genomen dan "
    "nadat de raad een ontwerpbesluit is toegezonden en in de gelegenheid is gesteld zijn wensen "
    "en bedenkingen ter kennis van het college te brengen.”"
)


def raadsbrief() -> Builder:
    b = Builder("Raadsbrief toetreding NVSI", "Raadsbrief (model)")
    b.para("Aan de gemeenteraad van {{ organisation.name }}", "Tabeltekst")
    b.para("")
    b.table(
        [
            ["Datum", DOTS],
            ["Kenmerk NVSI", "{{ package.reference }}"],
            ["Onderwerp", "Voorgenomen toetreding tot de Nederlandse Vereniging voor Sociale "
                          "Innovatie; gelegenheid tot wensen en bedenkingen"],
            ["Bijlage", "Ontwerpbesluit tot toetreding"],
        ],
        [1701, 7369], header=False, grid=False,
    )
    b.para("Geachte leden van de raad,")
    b.para("Ons college is voornemens te besluiten dat de gemeente {{ organisation.name }} lid "
           "wordt van de Nederlandse Vereniging voor Sociale Innovatie (NVSI). Voordat wij dat "
           "besluit nemen, stellen wij u in de gelegenheid uw wensen en bedenkingen ter kennis "
           "van ons college te brengen. Het ontwerpbesluit sturen wij u als bijlage bij deze "
           "brief.")

    b.heading("Wettelijk kader")
    b.para("Artikel 160, tweede lid, van de Gemeentewet luidt:")
    b.para(ART_160_2, "Quote")
    b.para("Goedkeuring door gedeputeerde staten is sinds 1 februari 2016 niet meer nodig. Na "
           "het besluit vertegenwoordigt de burgemeester, of de door de burgemeester aangewezen "
           "gemachtigde, de gemeente bij de toetreding (artikel 171 Gemeentewet).")

    b.heading("Wat is de NVSI")
    b.para("De NVSI is opgericht door Divosa en enkele gemeenten. De vereniging bestaat uit "
           "gemeenten en andere publieke organisaties die een rol vervullen in het sociaal "
           "domein. Zij deelt kennis en innovatieve oplossingen met haar leden en met andere "
           "organisaties die zich inzetten voor vernieuwing in het sociaal domein. Het doel is de "
           "dienstverlening van gemeenten samenhangender, klantgerichter en (kosten)effectiever "
           "te maken.")

    b.heading("Waarom wij lid willen worden")
    b.bullet("Leden kunnen de innovatieve oplossingen die de NVSI beheert direct gebruiken, "
             "denken mee over de kaders en de doorontwikkeling ervan, en wisselen kennis en "
             "ervaring uit. Via de algemene ledenvergadering hebben de leden samen de regie en de "
             "zeggenschap over de inzet en de verdere ontwikkeling van de oplossingen.")
    b.bullet("Een gemeente die lid is, kan oplossingen van de NVSI afnemen zonder aanbesteding "
             "(inbesteding), als aan de voorwaarden voor publiek-publieke samenwerking is "
             "voldaan. Een van die voorwaarden is het toezichtcriterium: de gemeente moet, samen "
             "met de andere leden, invloed kunnen uitoefenen op de strategische doelstellingen "
             "en op belangrijke beslissingen van de NVSI. Daarvoor is lidmaatschap van de "
             "gemeente zelf nodig, op grond van een besluit van ons college. Een participant heeft "
             "die positie niet.")
    b.para("Ons college is daarom van oordeel dat deelneming in de vereniging in het bijzonder "
           "aangewezen is voor de behartiging van het openbaar belang van een goede, "
           "samenhangende en doelmatige dienstverlening in het sociaal domein.")

    b.heading("Financiële gevolgen")
    b.para("Het lidmaatschap zelf kost niets. Een lid betaalt pas een bijdrage in de "
           "bureaukosten en algemene diensten van de NVSI zodra het een innovatieve oplossing "
           "afneemt. De algemene ledenvergadering stelt die bijdrage elk jaar vast.")
    b.tag("{%p if fees %}")
    b.para("Ons college wil tegelijk met het lidmaatschap de volgende oplossingen afnemen. De "
           "bedragen zijn jaarbedragen voor het jaar van ingang, met de opslag voor "
           "bureaukosten en algemene diensten:")
    b.table(
        [
            ["Oplossing", "Ingangsdatum", "Bedrag per jaar"],
            "{%tr for fee in fees %}",
            ["{{ fee.solution }}", "{{ fee.start }}", "{{ fee.total }}"],
            "{%tr endfor %}",
            ["Totaal per jaar", "", "{{ fees_total }}"],
        ],
        [3969, 2551, 2550], bold_last=True, right=(2,),
    )
    b.para("Voor latere jaren gelden de bedragen die de algemene ledenvergadering voor dat jaar "
           "vaststelt. Het aangaan van deze overeenkomsten is een bevoegdheid van ons college "
           "(artikel 160, eerste lid, onder e, Gemeentewet); wij noemen ze hier voor een "
           "volledig beeld van de financiële gevolgen.")
    b.heading("Persoonsgegevens")
    b.para("Bij het gebruik van de oplossingen verwerkt de NVSI persoonsgegevens in opdracht van "
           "ons college. Daarvoor sluiten wij met de NVSI een verwerkersovereenkomst als bedoeld "
           "in artikel 28 van de Algemene verordening gegevensbescherming, met afspraken over "
           "beveiliging en over het melden van datalekken.")
    b.tag("{%p endif %}")

    b.heading("Procedure")
    b.para("Wij stellen u in de gelegenheid tot en met **{{ council_deadline_text }}** uw wensen "
           "en bedenkingen ter kennis van ons college te brengen. Daarna neemt ons college het "
           "besluit, waarbij wij uw wensen en bedenkingen betrekken. Over het besluit "
           "informeren wij u.")
    b.para("Hoogachtend,", space_before=120)
    college_signature(b)
    return b


def college_signature(b: Builder) -> None:
    """The College signs raadsbrief and ontwerpbesluit: the secretaris and the burgemeester."""
    b.para("het college van burgemeester en wethouders van {{ organisation.name }},",
           "Ondertekening")
    b.signature_table(
        [("Ondertekening", "de secretaris,"), ("Ondertekening", ""),
         ("Ondertekening", DOTS)],
        [("Ondertekening", "de burgemeester,"), ("Ondertekening", ""),
         ("Ondertekening", DOTS)],
    )


def ontwerpbesluit() -> Builder:
    b = Builder("Ontwerpbesluit toetreding NVSI", "Ontwerpbesluit")
    b.title("Ontwerpbesluit",
            "Toetreding van de gemeente {{ organisation.name }} tot de Nederlandse Vereniging "
            "voor Sociale Innovatie")
    b.para("Kenmerk NVSI: {{ package.reference }}", "Klein")
    b.para("Het college van burgemeester en wethouders van de gemeente {{ organisation.name }};")
    b.para("overwegende dat:")
    b.recital("de Nederlandse Vereniging voor Sociale Innovatie (NVSI) kennis en innovatieve "
              "oplossingen in het sociaal domein deelt met haar leden, met als doel de "
              "dienstverlening van gemeenten samenhangender, klantgerichter en "
              "(kosten)effectiever te maken;")
    b.recital("de leden via de algemene ledenvergadering samen zeggenschap hebben over de inzet "
              "en de doorontwikkeling van de innovatieve oplossingen, en deze oplossingen, als "
              "aan de voorwaarden voor inbesteding is voldaan, zonder aanbesteding kunnen "
              "afnemen;")
    b.recital("deelneming van de gemeente in de vereniging daarom in het bijzonder aangewezen "
              "moet worden geacht voor de behartiging van het daarmee te dienen openbaar belang: "
              "een goede, samenhangende en doelmatige dienstverlening in het sociaal domein;")
    b.recital("het lidmaatschap zelf geen contributie kost en een bijdrage in de bureaukosten en "
              "algemene diensten pas verschuldigd is zodra de gemeente een innovatieve oplossing "
              "afneemt;")
    b.recital("de raad een ontwerp van dit besluit is toegezonden en tot en met "
              "{{ council_deadline_text }} in de gelegenheid is gesteld zijn wensen en "
              "bedenkingen ter kennis van het college te brengen, en het college de wensen en "
              "bedenkingen die de raad naar voren heeft gebracht, bij dit besluit heeft "
              "betrokken;")
    b.para("gelet op artikel 160, eerste lid, onder e, en tweede lid, en artikel 171 van de "
           "Gemeentewet;")
    b.para("**besluit:**", space_before=120)
    b.article("Toetreding")
    b.lid("De gemeente {{ organisation.name }} treedt als lid toe tot de vereniging Nederlandse "
          "Vereniging voor Sociale Innovatie, gevestigd te {{ nvsi.city }}, ingeschreven in het "
          "Handelsregister onder nummer {{ nvsi.kvk }}.")
    b.article("Vertegenwoordiging")
    b.lid("De burgemeester, of de door de burgemeester aangewezen gemachtigde, ondertekent "
          "namens de gemeente het formulier ‘Aanmelding gemeente als lid van de Nederlandse "
          "Vereniging voor Sociale Innovatie’ (artikel 171 Gemeentewet). Voor de ondertekening "
          "is voorzien in {{ signatory.name }}, {{ signatory.function }}.")
    b.article("Contactpersoon")
    b.lid("{{ contact.name }}, {{ contact.function }}, is de contactpersoon van de gemeente voor "
          "de NVSI.")
    b.tag("{%p if fees %}")
    b.article("Afname van innovatieve oplossingen")
    b.lid("Het college besluit tot het aangaan van een gebruiksovereenkomst met de NVSI voor "
          "elk van de volgende innovatieve oplossingen:")
    b.tag("{%p for fee in fees %}")
    b.item("{{ fee.solution }}, met ingang van {{ fee.start }}, voor {{ fee.total }} per jaar "
           "in {{ fee.year }}{% if loop.last %}.{% else %};{% endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p if has_verwerkersovereenkomst %}")
    b.lid("Het college sluit daartoe met de NVSI een verwerkersovereenkomst als bedoeld in "
          "artikel 28 van de Algemene verordening gegevensbescherming.")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")
    b.article("Inwerkingtreding")
    b.lid("Dit besluit treedt in werking op de dag na die waarop het is genomen.")
    b.para("Aldus besloten in de vergadering van " + DOTS + ",", space_before=240)
    college_signature(b)
    return b


def verwerkersovereenkomst() -> Builder:
    b = Builder("Verwerkersovereenkomst NVSI", "Verwerkersovereenkomst")
    b.title("Verwerkersovereenkomst",
            "als bedoeld in artikel 28, derde lid, van de Algemene verordening "
            "gegevensbescherming")
    b.para("Kenmerk: {{ package.reference }}", "Klein")
    b.heading("Partijen", 2)
    b.para("**1.** {{ organisation.controller_start }}, namens deze ondertekend door "
              "{{ signatory.name }}, {{ signatory.function }}, hierna: "
              "“de verwerkingsverantwoordelijke”;")
    b.para("**2.** Het bestuur van de vereniging Nederlandse Vereniging voor Sociale Innovatie "
              "(NVSI), gevestigd te {{ nvsi.city }}, {{ nvsi.street }}, ingeschreven in het "
              "Handelsregister onder nummer {{ nvsi.kvk }}, handelend namens de vereniging, "
              "hierna: “de verwerker”;")
    b.heading("Overwegingen", 2)
    b.recital("De verwerkingsverantwoordelijke gebruikt innovatieve oplossingen van de NVSI "
           "op grond van een of meer Gebruiksovereenkomsten Innovatieve Oplossingen NVSI "
           "(hierna: “de gebruiksovereenkomst”).")
    b.recital("Bij het leveren van die oplossingen verwerkt de verwerker persoonsgegevens in "
           "opdracht van de verwerkingsverantwoordelijke.")
    b.recital("Artikel 28, derde lid, van de Algemene verordening gegevensbescherming "
           "schrijft voor dat die verwerking wordt geregeld in een overeenkomst die de verwerker "
           "bindt. Partijen leggen hierin ook vast hoe zij omgaan met inbreuken in verband met "
           "persoonsgegevens (datalekken).")
    b.para("**Partijen komen het volgende overeen.**", space_before=120)

    b.article("Begrippen")
    b.lid("In deze overeenkomst wordt verstaan onder:")
    b.item("AVG: Verordening (EU) 2016/679 van het Europees Parlement en de Raad van 27 april "
           "2016 (Algemene verordening gegevensbescherming);")
    b.item("Autoriteit Persoonsgegevens: de Nederlandse toezichthoudende autoriteit als bedoeld "
           "in artikel 51 AVG;")
    b.item("datalek: een inbreuk in verband met persoonsgegevens als bedoeld in artikel 4, "
           "onderdeel 12, AVG;")
    b.item("oplossing: een innovatieve oplossing van de NVSI die de verwerkingsverantwoordelijke "
           "op grond van een gebruiksovereenkomst gebruikt;")
    b.item("subverwerker: een andere verwerker die de verwerker inschakelt voor de verwerking "
           "van persoonsgegevens in opdracht van de verwerkingsverantwoordelijke;")
    b.item("bijlage: de bijlage bij deze overeenkomst, met de specificatie van de verwerking per "
           "oplossing.")
    b.lid("Andere begrippen in deze overeenkomst, zoals persoonsgegevens, verwerking en "
          "betrokkene, hebben de betekenis die de AVG eraan geeft.")

    b.article("Onderwerp, aard en doel van de verwerking")
    b.lid("De verwerker verwerkt persoonsgegevens in opdracht van de "
          "verwerkingsverantwoordelijke bij het beschikbaar stellen, beheren en ondersteunen van "
          "de oplossingen. Dat is het onderwerp van de verwerking.")
    b.lid("De aard van de verwerking is het opslaan, ordenen, raadplegen, bijwerken, "
          "beschikbaar stellen aan de gebruikers van de verwerkingsverantwoordelijke en wissen "
          "van persoonsgegevens, voor zover de oplossing dat vraagt.")
    b.lid("De doeleinden van de verwerking, de soorten persoonsgegevens en de categorieën van "
          "betrokkenen staan per oplossing in de bijlage. De verwerker verwerkt de "
          "persoonsgegevens uitsluitend voor die doeleinden en niet voor eigen doeleinden.")
    b.lid("De verwerkingsverantwoordelijke bepaalt het doel van en de middelen voor de "
          "verwerking. De persoonsgegevens blijven onder zijn zeggenschap.")

    b.article("Duur")
    b.lid("Deze overeenkomst gaat in op de dag waarop beide partijen haar hebben ondertekend. "
          "Zij geldt zolang de verwerker persoonsgegevens verwerkt in opdracht van de "
          "verwerkingsverantwoordelijke.")
    b.lid("Neemt de verwerkingsverantwoordelijke later een andere oplossing af, dan geldt deze "
          "overeenkomst ook voor de verwerking bij die oplossing. De specificatie van die "
          "verwerking wordt dan schriftelijk aan de bijlage toegevoegd, in de "
          "gebruiksovereenkomst van die oplossing of in een aanvulling op de bijlage.")
    b.lid("Bepalingen die naar hun aard bedoeld zijn om ook na het einde van deze overeenkomst "
          "te gelden, zoals die over geheimhouding, datalekken en het wissen of teruggeven van "
          "persoonsgegevens, blijven daarna van kracht.")

    b.article("Rechten en plichten van de verwerkingsverantwoordelijke")
    b.lid("De verwerkingsverantwoordelijke staat ervoor in dat de verwerking rechtmatig is, dat "
          "er een grondslag voor is en dat de betrokkenen zijn geïnformeerd.")
    b.lid("De verwerkingsverantwoordelijke geeft de verwerker zijn instructies schriftelijk. "
          "Deze overeenkomst en de bijlage zijn de eerste instructies.")
    b.lid("Verwerkt een oplossing het burgerservicenummer, dan gebruikt de "
          "verwerkingsverantwoordelijke het alleen waar de wet dat toestaat. Verwerkt een "
          "oplossing bijzondere categorieën van persoonsgegevens, dan staat de "
          "verwerkingsverantwoordelijke ervoor in dat een uitzondering uit artikel 9 AVG van "
          "toepassing is.")
    b.lid("De verwerkingsverantwoordelijke mag nagaan of de verwerker deze overeenkomst naleeft, "
          "zoals geregeld in het artikel over informatie en audits.")

    b.article("Instructies")
    b.lid("De verwerker verwerkt de persoonsgegevens uitsluitend op basis van schriftelijke "
          "instructies van de verwerkingsverantwoordelijke, ook wat betreft de doorgifte van "
          "persoonsgegevens aan een derde land of een internationale organisatie, tenzij een "
          "bepaling van Unierecht of Nederlands recht die op de verwerker van toepassing is, hem "
          "tot verwerking verplicht. In dat geval stelt de verwerker de "
          "verwerkingsverantwoordelijke vóór de verwerking in kennis van dat wettelijk "
          "voorschrift, tenzij die wetgeving deze kennisgeving om gewichtige redenen van "
          "algemeen belang verbiedt.")
    b.lid("Is de verwerker van mening dat een instructie inbreuk maakt op de AVG of op andere "
          "regels over gegevensbescherming, dan stelt hij de verwerkingsverantwoordelijke daarvan "
          "onmiddellijk in kennis.")
    b.lid("De verwerker geeft geen persoonsgegevens door naar een land buiten de Europese "
          "Economische Ruimte of aan een internationale organisatie zonder voorafgaande "
          "schriftelijke toestemming van de verwerkingsverantwoordelijke en zonder dat aan de "
          "voorwaarden van hoofdstuk V AVG is voldaan.")

    b.article("Geheimhouding")
    b.lid("De verwerker zorgt ervoor dat de personen die gemachtigd zijn om de persoonsgegevens "
          "te verwerken, zich tot geheimhouding hebben verbonden of door een passende wettelijke "
          "verplichting tot geheimhouding gebonden zijn.")
    b.lid("Die personen verwerken de persoonsgegevens alleen voor zover dat voor hun taak nodig "
          "is.")
    b.lid("De geheimhouding geldt niet voor zover een wettelijk voorschrift of een rechterlijke "
          "uitspraak de verwerker tot verstrekking verplicht. De verwerker meldt zo’n verplichting "
          "vooraf aan de verwerkingsverantwoordelijke, tenzij de wet dat verbiedt.")

    b.article("Beveiliging")
    b.lid("De verwerker neemt alle maatregelen die artikel 32 AVG vraagt: passende technische en "
          "organisatorische maatregelen om een op het risico afgestemd beveiligingsniveau te "
          "waarborgen, rekening houdend met de stand van de techniek, de uitvoeringskosten, de "
          "aard, de omvang, de context en de doeleinden van de verwerking, en de risico’s voor "
          "de rechten en vrijheden van personen.")
    b.lid("De maatregelen per oplossing staan in de bijlage. De verwerker test, beoordeelt en "
          "evalueert de doeltreffendheid van de maatregelen regelmatig en past ze zo nodig aan. "
          "Hij verlaagt het beveiligingsniveau niet zonder schriftelijke toestemming van de "
          "verwerkingsverantwoordelijke.")

    b.article("Subverwerkers")
    b.lid("De verwerker schakelt geen subverwerker in zonder voorafgaande schriftelijke "
          "toestemming van de verwerkingsverantwoordelijke.")
    b.lid("Met de ondertekening van deze overeenkomst geeft de verwerkingsverantwoordelijke "
          "toestemming voor de subverwerkers die per oplossing in de bijlage staan.")
    b.lid("Voor een nieuwe of andere subverwerker vraagt de verwerker vooraf schriftelijk "
          "toestemming aan de verwerkingsverantwoordelijke, met de naam, de vestigingsplaats en "
          "de taak van die subverwerker. De verwerkingsverantwoordelijke weigert de toestemming "
          "niet op onredelijke gronden.")
    b.lid("De verwerker legt elke subverwerker bij overeenkomst dezelfde verplichtingen inzake "
          "gegevensbescherming op als die in deze overeenkomst, in het bijzonder de plicht om "
          "passende technische en organisatorische maatregelen te nemen.")
    b.lid("Komt een subverwerker zijn verplichtingen niet na, dan blijft de verwerker tegenover "
          "de verwerkingsverantwoordelijke volledig aansprakelijk voor het nakomen van de "
          "verplichtingen van die subverwerker.")

    b.article("Rechten van betrokkenen")
    b.lid("De verwerker helpt de verwerkingsverantwoordelijke, door passende technische en "
          "organisatorische maatregelen en voor zover dat mogelijk is, bij het beantwoorden van "
          "verzoeken van betrokkenen die hun rechten uitoefenen (hoofdstuk III AVG), zoals het "
          "recht op inzage, rectificatie, wissing, beperking, overdraagbaarheid en bezwaar.")
    b.lid("Krijgt de verwerker zelf zo’n verzoek, dan stuurt hij het onverwijld door aan de "
          "verwerkingsverantwoordelijke. Hij beantwoordt het niet zelf, tenzij de "
          "verwerkingsverantwoordelijke hem daartoe opdraagt.")

    b.article("Bijstand bij de artikelen 32 tot en met 36 AVG")
    b.lid("De verwerker helpt de verwerkingsverantwoordelijke, rekening houdend met de aard van "
          "de verwerking en de informatie waarover hij beschikt, bij het nakomen van de "
          "verplichtingen uit de artikelen 32 tot en met 36 AVG: de beveiliging van de "
          "verwerking, het melden van datalekken aan de Autoriteit Persoonsgegevens en aan "
          "betrokkenen, het uitvoeren van een gegevensbeschermingseffectbeoordeling (DPIA) en "
          "een eventuele voorafgaande raadpleging van de Autoriteit Persoonsgegevens.")

    b.article("Datalekken")
    b.lid("De verwerker informeert de verwerkingsverantwoordelijke zonder onredelijke "
          "vertraging, en in elk geval binnen **{{ breach_notice_hours }} uur** nadat hij er "
          "kennis van heeft genomen, over elk datalek en elk vermoeden van een datalek bij de "
          "persoonsgegevens die hij voor de verwerkingsverantwoordelijke verwerkt.")
    b.lid("De verwerker geeft daarbij alle informatie die de verwerkingsverantwoordelijke nodig "
          "heeft om het datalek zo nodig zonder onredelijke vertraging en zo mogelijk uiterlijk "
          "72 uur nadat hij er kennis van heeft genomen, te melden aan de Autoriteit "
          "Persoonsgegevens (artikel 33 AVG), en om het datalek zo nodig mee te delen aan de "
          "betrokkenen (artikel 34 AVG). Het gaat ten minste om:")
    b.item("de aard van het datalek, met, waar mogelijk, de categorieën van betrokkenen en van "
           "persoonsgegevensregisters in kwestie en, bij benadering, het aantal betrokkenen en "
           "registers;")
    b.item("de naam en de contactgegevens van de functionaris voor gegevensbescherming of van "
           "een ander contactpunt waar meer informatie kan worden verkregen;")
    b.item("de waarschijnlijke gevolgen van het datalek;")
    b.item("de maatregelen die de verwerker heeft genomen of voorstelt om het datalek aan te "
           "pakken en de mogelijke nadelige gevolgen ervan te beperken;")
    b.item("het moment waarop het datalek plaatsvond en het moment waarop de verwerker het "
           "ontdekte.")
    b.lid("Is niet alle informatie direct beschikbaar, dan verstrekt de verwerker haar in "
          "stappen, zonder verdere onredelijke vertraging, en houdt hij de "
          "verwerkingsverantwoordelijke op de hoogte van nieuwe ontwikkelingen.")
    b.lid("De verwerkingsverantwoordelijke beslist of het datalek wordt gemeld aan de Autoriteit "
          "Persoonsgegevens en aan betrokkenen. De verwerker meldt een datalek niet zelf aan de "
          "Autoriteit Persoonsgegevens of aan betrokkenen, tenzij de verwerkingsverantwoordelijke "
          "hem daartoe schriftelijk opdraagt of de wet hem daartoe verplicht.")
    b.lid("De verwerker neemt direct de maatregelen die redelijkerwijs van hem verwacht kunnen "
          "worden om het datalek te beëindigen en de gevolgen ervan te beperken. Hij legt elk "
          "datalek vast met de feiten, de gevolgen en de genomen maatregelen, zodat de "
          "verwerkingsverantwoordelijke aan artikel 33, vijfde lid, AVG kan voldoen.")
    b.lid("De verwerker meldt een datalek aan {{ contact.name }} ({{ contact.email }}"
          "{% if contact.phone %}, {{ contact.phone }}{% endif %}) of aan een andere "
          "contactpersoon die de verwerkingsverantwoordelijke schriftelijk opgeeft.")

    b.article("Einde van de verwerking")
    b.lid("Na afloop van de dienstverlening bij een oplossing wist de verwerker, naar keuze van "
          "de verwerkingsverantwoordelijke, alle persoonsgegevens of geeft hij ze terug aan de "
          "verwerkingsverantwoordelijke, en verwijdert hij bestaande kopieën, tenzij opslag van "
          "de persoonsgegevens door het Unierecht of het Nederlandse recht is voorgeschreven.")
    b.lid("Teruggave gebeurt in een gangbaar, gestructureerd en machineleesbaar formaat. De "
          "verwerker bevestigt schriftelijk dat hij de persoonsgegevens heeft gewist en legt "
          "dezelfde plicht op aan zijn subverwerkers.")
    b.lid("Tijdens de dienstverlening gelden de bewaartermijnen die per oplossing in de bijlage "
          "staan.")

    b.article("Informatie en audits")
    b.lid("De verwerker stelt alle informatie ter beschikking die nodig is om aan te tonen dat "
          "hij de verplichtingen uit artikel 28 AVG en uit deze overeenkomst nakomt.")
    b.lid("De verwerker maakt audits, waaronder inspecties, door de verwerkingsverantwoordelijke "
          "of door een controleur die de verwerkingsverantwoordelijke daartoe heeft gemachtigd, "
          "mogelijk en draagt eraan bij. De verwerkingsverantwoordelijke kondigt een audit "
          "tijdig aan, tenzij een concrete aanleiding, zoals een datalek, een snellere audit "
          "rechtvaardigt.")
    b.lid("De verwerker houdt een register bij van de verwerkingen die hij voor de "
          "verwerkingsverantwoordelijke verricht (artikel 30, tweede lid, AVG).")

    b.article("Slotbepalingen")
    b.lid("Voor de aansprakelijkheid van partijen geldt wat de gebruiksovereenkomst en de NVSI "
          "Voorwaarden Innovatieve Oplossingen daarover bepalen, onverminderd artikel 82 AVG.")
    b.lid("Bij strijd tussen deze overeenkomst en de gebruiksovereenkomst of de NVSI Voorwaarden "
          "Innovatieve Oplossingen gaat deze overeenkomst voor, voor zover het de verwerking van "
          "persoonsgegevens betreft.")
    b.lid("Wijzigingen van deze overeenkomst en van de bijlage gelden alleen als partijen ze "
          "schriftelijk zijn overeengekomen. Een elektronische vastlegging geldt als schriftelijk "
          "(artikel 28, negende lid, AVG).")
    b.lid("Op deze overeenkomst is Nederlands recht van toepassing.")

    signatures(
        b, "De verwerkingsverantwoordelijke, {{ organisation.controller }}",
        "De verwerker, het bestuur van de {{ nvsi.name }}",
        "Aldus overeengekomen en ondertekend:",
    )

    b.heading("Bijlage – Specificatie van de verwerking per oplossing", page_break_before=True)
    b.para("Deze bijlage hoort bij de verwerkersovereenkomst met kenmerk {{ package.reference }}. "
           "Zij beschrijft per oplossing de doeleinden van de verwerking, de categorieën van "
           "betrokkenen, de soorten persoonsgegevens, de bewaartermijn, de subverwerkers en de "
           "beveiligingsmaatregelen. Het onderwerp, de aard en de duur van de verwerking staan in "
           "de overeenkomst zelf.")
    b.para("Contact bij datalekken: voor de verwerker {{ nvsi.email }}; voor de "
           "verwerkingsverantwoordelijke {{ contact.name }}, {{ contact.email }}.")
    b.tag("{%p for solution in solutions %}")
    b.heading("{{ solution.name }}", 2)
    b.para("{{ solution.description }}")
    b.para("Leverende partij en beheerder: {{ solution.supplier }}")
    spec_table(b, "solution")
    b.tag("{%p endfor %}")
    return b


def gebruiksovereenkomst() -> Builder:
    b = Builder("Gebruiksovereenkomst Innovatieve Oplossingen NVSI", "Gebruiksovereenkomst")
    b.title("Gebruiksovereenkomst Innovatieve Oplossingen NVSI", "{{ solution.name }}")
    b.para("Kenmerk: {{ package.reference }}", "Klein")
    b.heading("Partijen", 2)
    b.para("**1.** {{ organisation.party_start }}, te dezen rechtsgeldig vertegenwoordigd door "
              "{{ signatory.name }}, {{ signatory.function }}"
              "{% if organisation.is_gemeente %} (artikel 171 Gemeentewet){% endif %}, hierna: "
              "“de afnemer”;")
    b.para("**2.** De vereniging Nederlandse Vereniging voor Sociale Innovatie, gevestigd te "
              "{{ nvsi.city }}, {{ nvsi.street }}, ingeschreven in het Handelsregister onder "
              "nummer {{ nvsi.kvk }}, te dezen rechtsgeldig vertegenwoordigd door haar bestuur, "
              "hierna: “de NVSI”;")
    b.para("**Partijen komen het volgende overeen.**", space_before=120)

    b.article("Het product")
    b.lid("De NVSI stelt de afnemer de innovatieve oplossing **{{ solution.name }}** ter "
          "beschikking. {{ solution.description }}")
    b.lid("Het beheer van de oplossing berust bij {{ solution.supplier }}, de leverende partij. "
          "De NVSI blijft tegenover de afnemer verantwoordelijk voor de nakoming van deze "
          "overeenkomst.")

    b.article("Ingangsdatum en duur")
    b.lid("Het gebruik van de oplossing gaat in op **{{ start }}** (de ingangsdatum).")
    b.lid("Deze overeenkomst geldt voor onbepaalde tijd. Opzegging en beëindiging zijn geregeld "
          "in de NVSI Voorwaarden Innovatieve Oplossingen.")

    b.article("Vergoeding")
    b.lid("De afnemer betaalt de NVSI voor het gebruik van de oplossing een vergoeding per "
          "kalenderjaar. Voor {{ fee.year }} bestaat die uit:")
    b.table(
        [
            ["Onderdeel", "Bedrag per jaar"],
            ["Licentiekosten", "{{ fee.licence }}"],
            ["Beheerkosten", "{{ fee.management }}"],
            ["Opslag voor bureaukosten/algemene diensten NVSI ({{ fee.surcharge_basis }})",
             "{{ fee.surcharge }}"],
            ["Totaal", "{{ fee.total }}"],
        ],
        [6520, 2550], bold_last=True, right=(1,),
    )
    b.lid("De algemene ledenvergadering stelt de opslag voor bureaukosten en algemene diensten "
          "elk jaar vast. De opslag voor {{ fee.year }} is vastgesteld bij {{ fee.alv_decision }}.")
    b.lid("Voor de jaren na {{ fee.year }} gelden de licentie- en beheerkosten en de opslag die "
          "voor dat jaar zijn vastgesteld. De NVSI maakt die bedragen bekend voordat het jaar "
          "begint.")
    b.lid("De opslag is verschuldigd vanaf de ingangsdatum: een bijdrage in de bureaukosten en "
          "algemene diensten gaat pas in zodra een innovatieve oplossing wordt gebruikt.")

    b.article("Betaling")
    b.lid("De NVSI stuurt voor elk kalenderjaar een factuur: voor {{ fee.year }} na de "
          "ingangsdatum, voor latere jaren in januari van dat jaar.")
    b.lid("De afnemer betaalt binnen dertig dagen na de factuurdatum op rekening {{ nvsi.iban }} "
          "ten name van de NVSI, onder vermelding van het factuurnummer.")
    b.lid("Heeft de afnemer bezwaar tegen een factuur, dan meldt hij dat binnen die termijn "
          "schriftelijk en met redenen aan de NVSI.")

    b.article("NVSI Voorwaarden Innovatieve Oplossingen")
    b.lid("Op deze overeenkomst zijn de NVSI Voorwaarden Innovatieve Oplossingen van toepassing, "
          "**versie {{ voorwaarden.version }}**, vastgesteld op {{ voorwaarden.adopted }}. De "
          "voorwaarden staan op {{ nvsi.website }}; de NVSI stuurt ze op verzoek kosteloos toe.")
    b.lid("Bij strijd tussen deze overeenkomst en de voorwaarden gaat deze overeenkomst voor.")

    b.article("Persoonsgegevens")
    b.tag("{%p if verwerkersovereenkomst_on %}")
    b.lid("Voor de verwerking van persoonsgegevens bij het gebruik van de oplossing geldt de "
          "verwerkersovereenkomst tussen partijen van {{ verwerkersovereenkomst_on }}. De "
          "specificatie van de verwerking bij deze oplossing staat in de bijlage bij deze "
          "overeenkomst en vult de bijlage bij die verwerkersovereenkomst aan.")
    b.tag("{%p else %}")
    b.lid("Voor de verwerking van persoonsgegevens bij het gebruik van de oplossing geldt de "
          "verwerkersovereenkomst die partijen tegelijk met deze overeenkomst sluiten, met "
          "kenmerk {{ package.reference }}.")
    b.tag("{%p endif %}")

    b.article("Doorontwikkeling")
    b.lid("Voor de oplossing bestaat een regiegroep van vertegenwoordigers van de leden en "
          "participanten. De afnemer kan verbeterwensen bij de regiegroep indienen; de "
          "regiegroep valideert en prioriteert ze samen met de leverende partij.")
    b.lid("Voorstellen voor doorontwikkeling, met hun financiële dekking, legt de regiegroep ter "
          "accordering voor aan het bestuur. De algemene ledenvergadering besluit over de "
          "financiële voorstellen.")

    b.tag("{%p if participant_warning %}")
    b.article("Participant zonder lidmaatschap")
    b.lid("De afnemer is participant en geen lid van de NVSI. Hij kan daarom voor deze "
          "overeenkomst geen beroep doen op inbesteding en beoordeelt zelf of hij de opdracht "
          "moet aanbesteden. De NVSI heeft de afnemer hierop gewezen.")
    b.tag("{%p endif %}")

    b.article("Slotbepalingen")
    b.lid("Wijzigingen van deze overeenkomst gelden alleen als partijen ze schriftelijk zijn "
          "overeengekomen.")
    b.lid("Op deze overeenkomst is Nederlands recht van toepassing.")

    signatures(b, "De afnemer, {{ organisation.party }}", "De NVSI, het bestuur",
               "Aldus overeengekomen en ondertekend:")

    b.tag("{%p if verwerkersovereenkomst_on %}")
    b.heading("Bijlage – Specificatie van de verwerking bij {{ solution.name }}",
              page_break_before=True)
    b.para("Deze specificatie vult de bijlage aan bij de verwerkersovereenkomst tussen partijen "
           "van {{ verwerkersovereenkomst_on }}.")
    b.para("Leverende partij en beheerder: {{ solution.supplier }}")
    spec_table(b, "solution")
    b.tag("{%p endif %}")
    return b


TEMPLATES = {
    "aanbiedingsbrief": aanbiedingsbrief,
    "aanmelding_gemeente_lid": aanmelding_gemeente_lid,
    "aanmelding_participant": aanmelding_participant,
    "aanmelding_organisatie_lid": aanmelding_organisatie_lid,
    "raadsbrief": raadsbrief,
    "ontwerpbesluit": ontwerpbesluit,
    "verwerkersovereenkomst": verwerkersovereenkomst,
    "gebruiksovereenkomst": gebruiksovereenkomst,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "templates_docx")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        path = args.out / f"{name}.docx"
        build().save(path)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()

"""Layout and fidelity rules applied to every rendered document, whatever its template.

They run on the rendered XML, so they hold for the shipped templates and for every version
staff upload, without anyone having to set them in Word:

- a signature block shares its page with the text before it: the paragraphs leading to it
  (its heading, the lead-in line and the last paragraph of text before those) are kept with
  the next paragraph, and every line of the block is kept together;
- a table row never splits across pages (`cantSplit`), and a first row in bold is a header
  row that repeats on every page the table runs onto;
- IBANs, amounts, dates and postcodes never break over two lines: their spaces become
  no-break spaces;
- the document properties carry the document's own title, the author and the language,
  which LibreOffice writes into the PDF's metadata (Info and XMP, so PDF/A stays valid).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NBSP = "\u00a0"
LANGUAGE = "nl-NL"

SIGNATURE_STYLES = frozenset({"Ondertekening"})
_SIGNATURE_TEXT = re.compile(r"^\s*Handtekening\b", re.IGNORECASE)
_FORM_LINE = re.compile(r"^\s*(Naam|Functie|Plaats|Datum|Handtekening)\s*:", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^(Heading|Kop|Title|Titel|Subtitle|Artikel$)", re.IGNORECASE)

_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
           "december")
_UNBREAKABLE = re.compile(
    r"(?=[A-Z€\d])"  # a quick test before the alternatives, for speed
    r"(?:\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?\b"  # IBAN in groups of four
    r"|€ -?\d[\d.]*(?:,(?:\d{2}|-))?"  # € 1.234,56
    rf"|\b\d{{1,2}} (?:{_MONTHS})(?: \d{{4}})?\b"  # 28 november 2026
    r"|\b[1-9]\d{3} [A-Z]{2}\b)"  # 1234 AB
)


@dataclass(frozen=True)
class DocumentProperties:
    """What the PDF's metadata says about one document."""

    title: str
    author: str
    subject: str = ""
    keywords: str = ""
    language: str = LANGUAGE


def keep_unbroken(text: str) -> str:
    """`text` with the spaces inside IBANs, amounts, dates and postcodes made no-break."""
    return _UNBREAKABLE.sub(lambda m: m.group(0).replace(" ", NBSP), text)


_TEXT_WITH_DIGITS = re.compile(r">([^<>]*\d[^<>]*)<")


def keep_unbroken_xml(xml: str) -> str:
    """`xml` with IBANs, amounts, dates and postcodes in its text made unbreakable (only the
    text between tags that holds a digit is looked at; attribute values never)."""
    def segment(match: re.Match) -> str:
        text = match.group(1)
        if " " not in text:
            return match.group(0)
        return f">{keep_unbroken(text)}<"

    return _TEXT_WITH_DIGITS.sub(segment, xml)


def apply_layout(body: etree._Element) -> None:
    """Apply the table and signature rules to a rendered `w:body` (changed in place)."""
    for table in body.iter(f"{W}tbl"):
        _table_rules(table)
    children = [child for child in body if child.tag in (f"{W}p", f"{W}tbl")]
    index = 0
    while index < len(children):
        if not _is_signature(children[index]):
            index += 1
            continue
        end = index
        while end + 1 < len(children) and (_is_signature(children[end + 1])
                                           or _is_empty(children[end + 1])):
            end += 1
        while end > index and _is_empty(children[end]):
            end -= 1
        _keep_block(children, index, end)
        index = end + 1


# -- tables ------------------------------------------------------------------------------------
def _table_rules(table: etree._Element) -> None:
    rows = table.findall(f"{W}tr")
    for row in rows:
        _row_flag(row, "cantSplit")
    if len(rows) > 2 and not _row_has(rows[0], "tblHeader") and _all_bold(rows[0]):
        _row_flag(rows[0], "tblHeader")


def _row_has(row: etree._Element, name: str) -> bool:
    props = row.find(f"{W}trPr")
    return props is not None and props.find(f"{W}{name}") is not None


def _row_flag(row: etree._Element, name: str) -> None:
    props = row.find(f"{W}trPr")
    if props is None:
        props = etree.Element(f"{W}trPr")
        # trPr follows tblPrEx when there is one, else it comes first
        position = 1 if len(row) and row[0].tag == f"{W}tblPrEx" else 0
        row.insert(position, props)
    if props.find(f"{W}{name}") is None:
        props.append(etree.Element(f"{W}{name}"))


def _all_bold(row: etree._Element) -> bool:
    runs = [r for r in row.iter(f"{W}r") if "".join(r.itertext()).strip()]
    return bool(runs) and all(r.find(f"{W}rPr/{W}b") is not None for r in runs)


# -- signature blocks --------------------------------------------------------------------------
def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def _text(element: etree._Element) -> str:
    return "".join(node.text or "" for node in element.iter(f"{W}t"))


def _is_empty(element: etree._Element) -> bool:
    return element.tag == f"{W}p" and not _text(element).strip()


def _is_signature_paragraph(paragraph: etree._Element) -> bool:
    return _style(paragraph) in SIGNATURE_STYLES or bool(_SIGNATURE_TEXT.match(_text(paragraph)))


def _is_signature(element: etree._Element) -> bool:
    if element.tag == f"{W}p":
        return _is_signature_paragraph(element)
    return any(_is_signature_paragraph(p) for p in element.iter(f"{W}p"))


def _is_lead_in(element: etree._Element) -> bool:
    """A line that introduces a signature block rather than ending the text before it: a
    heading, an empty line, "Aldus overeengekomen:", "Met vriendelijke groet," or a form line."""
    if element.tag != f"{W}p":
        return False
    text = _text(element).strip()
    return (not text or text.endswith((":", ",")) or bool(_HEADING_STYLE.match(_style(element)))
            or bool(_FORM_LINE.match(text)))


def _keep_block(children: list[etree._Element], start: int, end: int) -> None:
    """Keep children[start..end] (a signature block) on one page with the text before it."""
    for position in range(start, end + 1):
        element = children[position]
        paragraphs = [element] if element.tag == f"{W}p" else list(element.iter(f"{W}p"))
        for paragraph in paragraphs:
            _paragraph_flag(paragraph, "keepLines")
            if position < end:
                _paragraph_flag(paragraph, "keepNext")
    position = start - 1
    while position >= 0:
        element = children[position]
        if element.tag != f"{W}p":
            # a table before the block: its last row goes with the block (Word and
            # LibreOffice keep a table with the next paragraph when its last row is kept)
            rows = element.findall(f"{W}tr")
            for paragraph in (rows[-1].iter(f"{W}p") if rows else ()):
                _paragraph_flag(paragraph, "keepNext")
            break
        _paragraph_flag(element, "keepNext")
        _paragraph_flag(element, "keepLines")
        if not _is_lead_in(element):
            break  # the last paragraph of the text before the block
        position -= 1


_PPR_ORDER = ("pStyle", "keepNext", "keepLines")


def _paragraph_flag(paragraph: etree._Element, name: str) -> None:
    props = paragraph.find(f"{W}pPr")
    if props is None:
        props = etree.Element(f"{W}pPr")
        paragraph.insert(0, props)
    existing = props.find(f"{W}{name}")
    if existing is not None:
        if existing.get(f"{W}val") in ("0", "false", "off"):
            existing.attrib.pop(f"{W}val")
        return
    # pPr children have a fixed order: pStyle, keepNext, keepLines, then the rest
    before = _PPR_ORDER[:_PPR_ORDER.index(name)]
    position = 0
    for index, child in enumerate(props):
        if etree.QName(child).localname in before:
            position = index + 1
    props.insert(position, etree.Element(f"{W}{name}"))


# -- document properties -----------------------------------------------------------------------
def core_properties(properties: DocumentProperties, created: dt.datetime | None = None) -> bytes:
    """docProps/core.xml for `properties`: title, subject, author, keywords, language."""
    created = created or dt.datetime.now(dt.UTC)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(properties.title)}</dc:title>"
        f"<dc:subject>{escape(properties.subject)}</dc:subject>"
        f"<dc:creator>{escape(properties.author)}</dc:creator>"
        f"<cp:keywords>{escape(properties.keywords)}</cp:keywords>"
        f"<cp:lastModifiedBy>{escape(properties.author)}</cp:lastModifiedBy>"
        f"<dc:language>{escape(properties.language)}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


def default_language(styles_xml: bytes, language: str = LANGUAGE) -> bytes:
    """styles.xml with `language` as the document's default language (the PDF's /Lang)."""
    root = etree.fromstring(styles_xml, etree.XMLParser(resolve_entities=False, no_network=True))
    defaults = _child(root, "docDefaults", first=True)
    run_defaults = _child(defaults, "rPrDefault", first=True)
    run = _child(run_defaults, "rPr")
    lang = run.find(f"{W}lang")
    if lang is None:
        lang = etree.SubElement(run, f"{W}lang")
    if lang.get(f"{W}val") == language:
        return styles_xml
    lang.set(f"{W}val", language)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _child(parent: etree._Element, name: str, *, first: bool = False) -> etree._Element:
    found = parent.find(f"{W}{name}")
    if found is None:
        found = etree.Element(f"{W}{name}")
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found

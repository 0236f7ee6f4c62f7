"""The text of a template with its tags, for reviewing a change as a text diff.

`template_text(data)` reads a .docx as it is (tags not rendered) and returns one line per
paragraph: the header, the body and the footer, a paragraph's style in brackets when it has
one (`[Artikel] Persoonsgegevens`), table cells as `| ` lines with a `+--` line between rows.
Two versions compare with any diff tool:

    flask templates text gebruiksovereenkomst > oud.txt
    flask templates text ~/Downloads/gebruiksovereenkomst.docx > nieuw.txt
    diff -u oud.txt nieuw.txt
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from app.documents.layout import W

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_PART_ORDER = (re.compile(r"word/header\d*\.xml"), re.compile(r"word/document\.xml"),
               re.compile(r"word/footnotes\.xml"), re.compile(r"word/footer\d*\.xml"))
_TITLES = ("Koptekst", "Tekst", "Voetnoten", "Voettekst")


def template_text(data: bytes) -> str:
    """The text of the .docx `data`, tags included; raises ValueError for no .docx."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            parts = {name: zf.read(name) for name in names if name.endswith(".xml")}
    except zipfile.BadZipFile:
        raise ValueError("Dit is geen Word-bestand (.docx).") from None
    if "word/document.xml" not in parts:
        raise ValueError("Dit Word-bestand heeft geen tekst (word/document.xml ontbreekt).")
    lines: list[str] = []
    for pattern, title in zip(_PART_ORDER, _TITLES):
        for name in sorted(n for n in parts if pattern.fullmatch(n)):
            root = etree.fromstring(parts[name], _PARSER)
            body = root.find(f"{W}body")
            lines.append(f"=== {title} ({name}) ===")
            _block(body if body is not None else root, lines, "")
    return "\n".join(lines) + "\n"


def _block(parent: etree._Element, lines: list[str], prefix: str) -> None:
    for child in parent:
        if child.tag == f"{W}p":
            lines.append(prefix + _paragraph(child))
        elif child.tag == f"{W}tbl":
            _table(child, lines, prefix)
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            _block(child, lines, prefix)


def _table(table: etree._Element, lines: list[str], prefix: str) -> None:
    lines.append(prefix + "+-- tabel")
    for number, row in enumerate(table.findall(f"{W}tr"), start=1):
        if number > 1:
            lines.append(prefix + "+--")
        for cell_number, cell in enumerate(row.findall(f"{W}tc"), start=1):
            if cell_number > 1:
                lines.append(prefix + "|--")
            _block(cell, lines, prefix + "| ")
    lines.append(prefix + "+-- einde tabel")


def _paragraph(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br"):
        if node.getparent().tag != f"{W}r":
            continue  # a tab stop in the paragraph's properties, not a tab in the text
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append("\\n")
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    label = f"[{style.get(f'{W}val')}] " if style is not None else ""
    return (label + "".join(parts)).rstrip()

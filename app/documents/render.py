"""Render the .docx templates with docxtpl's template language, parsed once per kind.

Plain docxtpl re-reads the zip, re-parses every part with python-docx, re-runs its regex
clean-up (`patch_xml`) and re-compiles the Jinja template on every `DocxTemplate(path)`, and
then re-serialises and re-compresses every part on `save`. `DocxRenderer` does the expensive
half once per template:

- the template bytes are read once, and its SHA-256 gives the template version;
- the body, header and footer XML are cleaned with docxtpl's own `patch_xml` and compiled into
  Jinja templates once (autoescape on, StrictUndefined);
- every other part of the package is read once and written as is into each output zip
  (the standard `zipfile`, with a fixed timestamp, so the same input gives the same bytes).

A render then only runs the compiled templates, applies docxtpl's post-processing (`\\n<w:p`
markers, `resolve_listing` for line breaks and tabs), checks that the XML is well formed,
applies the layout rules of app.documents.layout (signature blocks, table rows, unbreakable
IBANs, amounts and dates; the document's own title in its properties), and writes the zip.

Templates come from `templates_docx/` (the shipped version of each kind) or, for a version
staff uploaded, from bytes: `compile_bytes(kind, data)` compiles one, cached by its SHA-256,
and `render(kind, context, template=...)` renders with it. The document text is the same as plain docxtpl's (tests/documents compare them).

Escaping: Jinja escapes `&`, `<`, `>` and quotes in every value, and never evaluates a value
again, so a typed `{{ 7*7 }}` or `<w:p>` comes out literally. docxtpl turns `{_{`, `}_}`,
`{_%`, `%_}` into braces *after* rendering, which would also rewrite typed values; here those
escapes in the template become Jinja string literals at compile time, so values stay untouched.

A `DocxRenderer` is safe to share between threads: compiled templates are immutable and the
cache is filled under a lock.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta
from lxml import etree

from app.documents.layout import DocumentProperties
from app.documents.layout import apply_layout
from app.documents.layout import keep_unbroken_xml
from app.documents.layout import core_properties
from app.documents.layout import default_language
from app.domain.rules import DocumentKind

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates_docx"
XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
CORE_PART = "docProps/core.xml"
STYLES_PART = "word/styles.xml"
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

_P_MARK = re.compile(r"<w:p([ >])")
_P_UNMARK = re.compile(r"\n<w:p([ >])")
_ESCAPED_BRACES = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}",
                   "%_}": "{{ '%}' }}"}
_ESCAPED = re.compile("|".join(re.escape(key) for key in _ESCAPED_BRACES))
_NEEDS_TREE_FIX = re.compile(r"{%-?\s*(?:tc|hm|vm|colspan|cellbg)\b|docPr")
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_JINJA = ("{{", "{%", "{#")


class RenderError(Exception):
    """A template cannot be read or rendered; the message (Dutch) says which and why.

    `tag` is the template tag at fault as it stands in the text (e.g. `{% endfi %}`), when
    known.
    """

    def __init__(self, message: str, tag: str | None = None):
        super().__init__(message)
        self.message = message
        self.tag = tag


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_OPENERS = {"if": "endif", "for": "endfor", "with": "endwith", "macro": "endmacro",
            "call": "endcall", "filter": "endfilter", "block": "endblock", "raw": "endraw",
            "autoescape": "endautoescape"}
_BLOCK_NAME = re.compile(r"^\{%-?\s*(\w+)")


def visible_text(xml: str) -> str:
    """The text of an XML fragment as a person sees it: tags removed, entities resolved."""
    return html.unescape(re.sub(r"<[^>]+>", "", xml))


def template_tags(xml: str) -> list[str]:
    """Every template tag (`{{ … }}`, `{% … %}`, `{# … #}`) in the text of `xml`, in order."""
    return [" ".join(tag.split()) for tag in _TAG.findall(visible_text(xml))]


def _unclosed_block(source: str) -> str | None:
    """The innermost block tag that is opened but never closed, if any."""
    stack: list[tuple[str, str]] = []
    for tag in template_tags(source):
        match = _BLOCK_NAME.match(tag)
        if not match:
            continue
        word = match.group(1)
        if word in _OPENERS:
            stack.append((word, tag))
        elif word.startswith("end") and stack and _OPENERS.get(stack[-1][0]) == word:
            stack.pop()
    return stack[-1][1] if stack else None


def blame(source: str, exc: jinja2.TemplateSyntaxError) -> tuple[str, str | None]:
    """A Dutch description of a Jinja syntax error and the tag it is about."""
    message = exc.message or ""
    lines = source.splitlines()
    line = lines[exc.lineno - 1] if 0 < (exc.lineno or 0) <= len(lines) else ""
    tags = template_tags(line)
    quoted = re.findall(r"'([^']+)'", message)

    def tag_with(word: str | None) -> str | None:
        for tag in tags:
            if word and word in tag:
                return tag
        if tags:
            return tags[-1]
        unclosed = re.search(r"\{[{%#][^}]*", visible_text(line))
        return " ".join(unclosed.group(0).split()) + " …" if unclosed else None

    if message.startswith("Encountered unknown tag"):
        word = quoted[0] if quoted else "?"
        hint = (" (er staat geen blok open dat deze tag kan sluiten, of de naam is verkeerd "
                "gespeld)" if word.startswith(("end", "el")) else "")
        return f"onbekende tag ‘{word}’{hint}", tag_with(word)
    if message.lower().startswith("unexpected end of template"):
        opened = _unclosed_block(source)
        if opened:
            closer = _OPENERS.get(_BLOCK_NAME.match(opened).group(1), "end")
            return (f"het blok {opened} wordt nergens afgesloten (er ontbreekt een "
                    f"{{% {closer} %}})"), opened
        return "een tag wordt niet afgesloten (ontbreekt }} of %}?)", tag_with(None)
    if message.startswith("No filter named"):
        word = quoted[0] if quoted else "?"
        return f"onbekend filter ‘{word}’", tag_with(word)
    if message.startswith("No test named"):
        word = quoted[0] if quoted else "?"
        return f"onbekende test ‘{word}’", tag_with(word)
    if message.startswith("expected token") and len(quoted) > 1:
        return f"onverwacht ‘{quoted[1]}’ in een tag", tag_with(quoted[1])
    if message.startswith("unexpected"):
        word = quoted[0] if quoted else message.split()[-1]
        return f"onverwacht ‘{word}’ in een tag", tag_with(word)
    if message.startswith("expected name or number"):
        return "onvolledige tag (na de punt ontbreekt een naam)", tag_with(None)
    return f"onjuiste tag ({message})", tag_with(None)


def template_filename(kind: DocumentKind) -> str:
    """The file name of the template for `kind`, e.g. `verwerkersovereenkomst.docx`."""
    return f"{kind.value}.docx"


def template_version(data: bytes) -> str:
    """The first 12 hex digits of the SHA-256 of a template file."""
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass(frozen=True)
class _Dynamic:
    """One XML part rendered per document."""

    name: str
    source: str  # the patched Jinja source, for analysis
    template: jinja2.Template
    prefix: str
    suffix: str
    fix_tree: bool
    is_body: bool = False


@dataclass(frozen=True)
class Member:
    """A part of the package copied as is into every document."""

    name: str
    data: bytes


@dataclass(frozen=True)
class _Core:
    """The document properties part, written per document when properties are given."""

    name: str
    member: Member


ZIP_TIME = (2025, 1, 1, 0, 0, 0)  # fixed, so the same input gives the same bytes
STORED_AS_IS = (".png", ".jpg", ".jpeg", ".gif")  # compressed already


def write_docx(parts: list[Member]) -> bytes:
    """The .docx (a zip) holding `parts` in order, deflated (images stored as they are)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            info = zipfile.ZipInfo(part.name, date_time=ZIP_TIME)
            info.compress_type = (zipfile.ZIP_STORED if part.name.lower().endswith(STORED_AS_IS)
                                  else zipfile.ZIP_DEFLATED)
            archive.writestr(info, part.data)
    return buffer.getvalue()


@dataclass(frozen=True)
class CompiledTemplate:
    """A template ready to render: its parts in zip order, static ones already compressed."""

    kind: DocumentKind
    path: Path  # the shipped file, or the name of an uploaded version
    version: str
    entries: tuple[Member | _Dynamic | _Core, ...]

    def sources(self) -> dict[str, str]:
        """The Jinja source of each rendered part, by part name."""
        return {e.name: e.source for e in self.entries if isinstance(e, _Dynamic)}


class DocxRenderer:
    """Renders documents from the templates in `template_dir`, compiling each kind once."""

    def __init__(self, template_dir: Path | None = None, *, strict: bool = True):
        self.template_dir = Path(template_dir) if template_dir else TEMPLATE_DIR
        self._env = jinja2.Environment(
            autoescape=True,
            undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
        )
        self._cache: dict[DocumentKind, CompiledTemplate] = {}
        self._by_digest: dict[tuple[DocumentKind, str], CompiledTemplate] = {}
        self._lock = threading.Lock()

    def template_path(self, kind: DocumentKind) -> Path:
        return self.template_dir / template_filename(kind)

    def template(self, kind: DocumentKind) -> CompiledTemplate:
        """Return the compiled template for `kind`, compiling it on first use.

        Raises RenderError when the file is missing, is no .docx, or has a tag error.
        """
        compiled = self._cache.get(kind)
        if compiled is None:
            with self._lock:
                compiled = self._cache.get(kind)
                if compiled is None:
                    compiled = self._compile(kind)
                    self._cache[kind] = compiled
        return compiled

    def compile_bytes(self, kind: DocumentKind, data: bytes, name: str | None = None
                      ) -> CompiledTemplate:
        """Return `data` (a .docx) compiled as the template for `kind`, cached by its SHA-256.

        `name` is what messages call the file (default: the shipped file name). Raises
        RenderError when it is no .docx or has a tag error.
        """
        key = (kind, hashlib.sha256(data).hexdigest())
        compiled = self._by_digest.get(key)
        if compiled is None:
            compiled = self._compile_data(kind, data, Path(name or template_filename(kind)))
            with self._lock:
                compiled = self._by_digest.setdefault(key, compiled)
        return compiled

    def preload(self) -> None:
        """Compile every template now (e.g. at start), so that errors show early."""
        for kind in DocumentKind:
            self.template(kind)

    def template_version(self, kind: DocumentKind) -> str:
        """The short SHA-256 of the template file for `kind`."""
        return self.template(kind).version

    def undeclared_variables(self, kind: DocumentKind,
                             template: CompiledTemplate | None = None) -> set[str]:
        """The top-level names the template for `kind` reads from its context."""
        names: set[str] = set()
        for source in (template or self.template(kind)).sources().values():
            names |= meta.find_undeclared_variables(self._env.parse(source))
        return names

    def parse(self, source: str):
        """The Jinja syntax tree of a part's source (for app.documents.check)."""
        return self._env.parse(source)

    def render(self, kind: DocumentKind, context: Mapping[str, Any], *,
               template: CompiledTemplate | None = None,
               properties: DocumentProperties | None = None) -> bytes:
        """Return the .docx bytes of `kind` rendered with `context`.

        `template` is a version from `compile_bytes` (default: the shipped one); `properties`
        give the document its own title, author and language (default: the template's).
        Raises RenderError (Dutch message) when the context lacks a value the template uses,
        or when the template produces XML that is not well formed.
        """
        compiled = template or self.template(kind)
        members = []
        for entry in compiled.entries:
            if isinstance(entry, Member):
                members.append(entry)
            elif isinstance(entry, _Core):
                members.append(entry.member if properties is None else
                               Member(entry.name, core_properties(properties)))
            else:
                xml = _render_part(entry, context, compiled.path.name)
                members.append(Member(entry.name, xml.encode("utf-8")))
        return write_docx(members)

    # -- compiling ----------------------------------------------------------------------------
    def _compile(self, kind: DocumentKind) -> CompiledTemplate:
        path = self.template_path(kind)
        try:
            data = path.read_bytes()
        except OSError:
            raise RenderError(f"Het sjabloon {path.name} ontbreekt in {path.parent}.") from None
        return self._compile_data(kind, data, path)

    def _compile_data(self, kind: DocumentKind, data: bytes, path: Path) -> CompiledTemplate:
        try:
            parts = _template_parts(data)
        except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
            raise RenderError(f"Het sjabloon {path.name} is geen geldig Word-bestand ({exc}).")
        body = next(iter(parts))  # the main document part comes first
        entries: list[Member | _Dynamic | _Core] = []
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            for name in names:
                part = parts.get(name)
                if name == CORE_PART:
                    entries.append(_Core(name, Member(name, zf.read(name))))
                elif name == STYLES_PART:
                    try:
                        styles = default_language(zf.read(name))
                    except etree.XMLSyntaxError as exc:
                        raise RenderError(f"Het sjabloon {path.name} is geen geldig "
                                          f"Word-bestand ({exc}).") from None
                    entries.append(Member(name, styles))
                elif part is None or (name != body and not any(t in part[1] for t in _JINJA)):
                    entries.append(Member(name, zf.read(name)))
                else:
                    prefix, source, suffix = part
                    entries.append(self._dynamic(path, name, prefix, source, suffix,
                                                 name == body))
        if CORE_PART not in names:
            entries.append(_Core(CORE_PART, Member(
                CORE_PART, core_properties(DocumentProperties(kind.title, "")))))
        return CompiledTemplate(kind, path, template_version(data), tuple(entries))

    def _dynamic(self, path: Path, name: str, prefix: str, source: str, suffix: str,
                 is_body: bool) -> _Dynamic:
        source = _ESCAPED.sub(lambda m: _ESCAPED_BRACES[m.group(0)], source)
        source = _P_MARK.sub(r"\n<w:p\1", source)
        try:
            template = self._env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            what, tag = blame(source, exc)
            near = visible_text("\n".join(source.splitlines()[max(exc.lineno - 2, 0):
                                                              exc.lineno + 1]))
            where = f"in de tag {tag}" if tag else f"bij de tekst “{near.strip()[:200]}”"
            raise RenderError(
                f"Het sjabloon {path.name} ({name}) bevat een fout in een sjabloontag {where}: "
                f"{what}. Typ de tag in één keer opnieuw, zonder opmaak binnen de accolades.",
                tag=tag,
            ) from None
        return _Dynamic(name, source, template, prefix, suffix,
                        bool(_NEEDS_TREE_FIX.search(source)), is_body)


def _template_parts(data: bytes) -> dict[str, tuple[str, str, str]]:
    """The parts docxtpl renders, as name → (prefix, patched Jinja source, suffix).

    The body is rendered on its own, like docxtpl does, between the document's opening and
    closing XML; headers, footers and footnotes are rendered whole.
    """
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.init_docx()
    document_part = tpl.docx.part
    root = etree.tostring(tpl.docx.element, encoding="unicode")
    start, end = root.index("<w:body"), root.rindex("</w:body>") + len("</w:body>")
    parts = {
        document_part.partname.lstrip("/"): (
            XML_DECLARATION + root[:start], tpl.patch_xml(tpl.get_xml()), root[end:]
        )
    }
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            parts[part.partname.lstrip("/")] = (
                XML_DECLARATION, tpl.patch_xml(tpl.get_part_xml(part)), ""
            )
    for part in document_part.package.iter_parts():
        if part.content_type == FOOTNOTES:
            parts[part.partname.lstrip("/")] = (
                XML_DECLARATION, tpl.patch_xml(tpl.get_part_xml(part)), ""
            )
    return parts


def _parser() -> etree.XMLParser:
    """A parser that loads no DTD, resolves no entities and reads nothing from the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class _DocPrIds:
    """What DocxTemplate.fix_docpr_ids needs of `self`."""

    def __init__(self):
        self.docx_ids_index = 1000


def _render_part(part: _Dynamic, context: Mapping[str, Any], filename: str) -> str:
    try:
        xml = part.template.render(context)
    except jinja2.UndefinedError as exc:
        raise RenderError(
            f"Het sjabloon {filename} gebruikt een gegeven dat ontbreekt: {exc.message}."
        ) from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"Het sjabloon {filename} geeft een fout: {exc}.") from None
    xml = _P_UNMARK.sub(r"<w:p\1", xml)
    if any(char in xml for char in _LISTING_CHARS):
        xml = DocxTemplate.resolve_listing(None, xml)
    xml = keep_unbroken_xml(xml)
    try:
        tree = etree.fromstring(xml.encode("utf-8"), _parser())
    except etree.XMLSyntaxError as exc:
        raise RenderError(
            f"Het sjabloon {filename} ({part.name}) levert geen geldige XML op "
            f"({exc}). Controleer de sjabloontags rond tabellen en alinea’s."
        ) from None
    if part.fix_tree:  # column loops, merged cells or images: docxtpl's own repairs
        tree = DocxTemplate.fix_tables(None, xml)
        DocxTemplate.fix_docpr_ids(_DocPrIds(), tree)
    if part.is_body:
        apply_layout(tree)
    xml = etree.tostring(tree, encoding="unicode")
    del tree
    return part.prefix + xml + part.suffix

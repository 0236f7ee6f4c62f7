"""Check a template before it is used: every tag known, every value there, every block whole.

`check_template(renderer, kind, samples)` returns the problems of one template, in Dutch,
each naming the tag as it stands in the text:

- a broken Jinja block or tag (`{% endfi %}`, an `{% if %}` without `{% endif %}`, an unknown
  filter): the template does not compile;
- an unknown tag: a name the context does not have (`{{ organisation.nmae }}`), found by
  reading the template, so also in branches no sample package takes. The known names are
  those `build_context` gives for the sample packages (app.documents.samples), so a key added
  to the context is known at once;
- a missing value: rendering a sample package fails, or prints a value that is empty
  (None) in that package, such as a council deadline a package does not have;
- a body that is no longer valid Word XML after rendering (a `{%p %}` tag in the wrong place).
"""

from __future__ import annotations

import datetime as dt

import difflib
import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from jinja2 import nodes

from app.documents.context import build_context
from app.documents.render import CompiledTemplate
from app.documents.render import DocxRenderer
from app.documents.render import RenderError
from app.documents.render import template_filename
from app.documents.render import template_tags
from app.domain.facts import PackageFacts
from app.domain.rules import IMPROVEMENT_KINDS
from app.domain.rules import DocumentKind

BROKEN = "fout in een tag of blok"
UNKNOWN = "onbekend gegeven"
MISSING = "ontbrekende waarde"
NO_SAMPLE = "niet gecontroleerd"

_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop",
                      "true", "false", "none", "True", "False", "None"})
_MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})


@dataclass(frozen=True)
class Problem:
    """One problem in one template, in Dutch."""

    template: str  # the file name, e.g. "gebruiksovereenkomst.docx"
    category: str  # BROKEN, UNKNOWN, MISSING or NO_SAMPLE
    message: str
    tag: str | None = None

    def __str__(self) -> str:
        return f"{self.category}: {self.message}"


@dataclass
class Report:
    """The outcome of checking one template."""

    template: str
    samples: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# -- the known names: the shape of the contexts ------------------------------------------------
ANY = object()  # a value whose inside is not checked (text, number, or a list seen empty)


def _shape(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _shape(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        item = ANY
        for element in value:
            item = _merge(item, _shape(element)) if item is not ANY else _shape(element)
        return [item]
    return ANY


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: _merge(a[key], b[key]) if key in a and key in b else a.get(key, b.get(key))
                for key in a.keys() | b.keys()}
    if isinstance(a, list) and isinstance(b, list):
        if a[0] is ANY:
            return b
        if b[0] is ANY:
            return a
        return [_merge(a[0], b[0])]
    return a if a is not ANY else b


def context_shape(contexts: Iterable[Mapping[str, Any]]) -> dict:
    """The names (and nested names) the given contexts provide, merged."""
    shape: dict = {}
    for context in contexts:
        shape = _merge(shape, _shape(context))
    return shape


def _paths(shape: Any, prefix: str = "") -> list[str]:
    if isinstance(shape, dict):
        found = []
        for key, value in shape.items():
            found.append(prefix + key)
            found += _paths(value, prefix + key + ".")
        return found
    if isinstance(shape, list):
        return _paths(shape[0], prefix)
    return []


class _Reader:
    """Reads a template's syntax tree and reports names the context shape does not have."""

    def __init__(self, shape: dict, source: str):
        self.shape = shape
        self.lines = source.splitlines()
        self.unknown: dict[str, tuple[str | None, str | None]] = {}  # path → (tag, hint)

    def read(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            item = self.value(node.iter, scope)
            inner = dict(scope)
            self._bind(node.target, item[0] if isinstance(item, list) else ANY, inner)
            inner["loop"] = ANY
            if node.test is not None:
                self.value(node.test, inner)
            for child in node.body:
                self.read(child, inner)
            for child in node.else_:
                self.read(child, scope)
            return
        if isinstance(node, nodes.Assign):
            self._bind(node.target, self.value(node.node, scope), scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                inner[arg.name] = ANY
            inner.update({"caller": ANY, "varargs": ANY, "kwargs": ANY})
            for child in node.body:
                self.read(child, inner)
            if isinstance(node, nodes.Macro):
                scope[node.name] = ANY
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self._bind(target, self.value(value, scope), inner)
            for child in node.body:
                self.read(child, inner)
            return
        if isinstance(node, nodes.Expr):
            self.value(node, scope)
            return
        for child in node.iter_child_nodes():
            self.read(child, scope)

    def _bind(self, target: nodes.Node, shape: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = shape
        else:
            for name in target.find_all(nodes.Name):
                scope[name.name] = ANY

    def value(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The shape of an expression, reporting unknown names on the way."""
        path = self._path(node, scope)
        if path is not None:
            return path[1]
        for child in node.iter_child_nodes():
            self.value(child, scope)
        return ANY

    def _path(self, node: nodes.Node, scope: dict[str, Any]) -> tuple[str, Any] | None:
        """(dotted name, shape) for a name or attribute chain, or None for other nodes."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return node.name, scope[node.name]
            if node.name in self.shape:
                return node.name, self.shape[node.name]
            if node.name not in _GLOBALS:
                self._unknown(node.name, node, list(self.shape))
            return node.name, ANY
        if isinstance(node, nodes.Getattr) or (isinstance(node, nodes.Getitem)
                                               and isinstance(node.arg, nodes.Const)):
            attr = node.attr if isinstance(node, nodes.Getattr) else node.arg.value
            parent = self._path(node.node, scope)
            if parent is None:
                self.value(node.node, scope)
                return None
            name, shape = parent
            if isinstance(shape, list) and isinstance(attr, int):
                return f"{name}[{attr}]", shape[0]
            full = f"{name}.{attr}"
            if isinstance(shape, dict):
                if attr in shape:
                    return full, shape[attr]
                if attr not in _MAPPING_METHODS:
                    self._unknown(full, node, [f"{name}.{key}" for key in shape])
            return full, ANY
        return None

    def _unknown(self, path: str, node: nodes.Node, known: list[str]) -> None:
        if path in self.unknown:
            return
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        last = path.rsplit(".", 1)[-1]
        tag = next((t for t in template_tags(line) if last in t), None)
        close = difflib.get_close_matches(path, known, n=1, cutoff=0.6)
        self.unknown[path] = (tag, close[0] if close else None)


def unknown_names(renderer: DocxRenderer, template: CompiledTemplate,
                  shape: dict) -> dict[str, tuple[str | None, str | None]]:
    """Names the template reads that `shape` lacks: path → (tag in the text, likely meant)."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for source in template.sources().values():
        reader = _Reader(shape, source)
        reader.read(renderer.parse(source), {})
        for path, value in reader.unknown.items():
            found.setdefault(path, value)
    return found


# -- missing values ----------------------------------------------------------------------------
class _MissingValue(Exception):
    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


class _Empty:
    """Stands for a None in the context: false in an `if`, an error when printed."""

    def __init__(self, path: str):
        self.path = path

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other) -> bool:
        return other is None or isinstance(other, _Empty)

    def __hash__(self) -> int:
        return hash(None)

    def __html__(self) -> str:
        raise _MissingValue(self.path)

    def __str__(self) -> str:
        raise _MissingValue(self.path)

    def __iter__(self):
        raise _MissingValue(self.path)


def _mark_empty(value: Any, path: str = "") -> Any:
    if value is None:
        return _Empty(path)
    if isinstance(value, Mapping):
        return {key: _mark_empty(item, f"{path}.{key}" if path else str(key))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_mark_empty(item, path) for item in value]
    return value


# -- checking ----------------------------------------------------------------------------------
def sample_documents(samples: Mapping[str, PackageFacts], kind: DocumentKind):
    """(sample label, context) for every document of `kind` the sample packages plan (the
    completion certificate and the evidence report, never planned, have samples of their
    own)."""
    if kind is DocumentKind.VOLTOOIINGSCERTIFICAAT:
        from app.documents.samples import sample_certificates

        yield from sample_certificates(dt.date.today()).items()
        return
    if kind in IMPROVEMENT_KINDS:
        from app.documents.samples import sample_improvement_documents

        yield from sample_improvement_documents(dt.date.today())[kind].items()
    if kind is DocumentKind.ONDERTEKENBEWIJS:
        from app.documents.samples import sample_evidence

        yield from sample_evidence(dt.date.today()).items()
        return
    for label, facts in samples.items():
        for planned in facts.plan.documents:
            if planned.kind is kind:
                yield label, build_context(facts, planned)


def check_template(renderer: DocxRenderer, kind: DocumentKind,
                   samples: Mapping[str, PackageFacts], data: bytes | None = None,
                   name: str | None = None) -> Report:
    """Check the template for `kind`: the shipped one, or `data` (an upload called `name`).

    Returns a Report; its problems (Dutch) each name the tag at fault.
    """
    filename = name or template_filename(kind)
    report = Report(filename)
    try:
        template = (renderer.compile_bytes(kind, data, filename) if data is not None
                    else renderer.template(kind))
    except RenderError as exc:
        report.problems.append(Problem(filename, BROKEN, exc.message, exc.tag))
        return report
    contexts = list(sample_documents(samples, kind))
    report.samples = len(contexts)
    if contexts:
        shape = context_shape(context for _, context in contexts)
    else:
        shape = context_shape(context for k in DocumentKind
                              for _, context in sample_documents(samples, k))
        report.problems.append(Problem(
            filename, NO_SAMPLE, "geen enkel voorbeeldpakket bevat dit document, dus de waarden "
            "zijn niet met een echt pakket gecontroleerd (voeg een voorbeeld toe in "
            "app/documents/samples.py)."))
    for path, (tag, hint) in sorted(unknown_names(renderer, template, shape).items()):
        where = f" in de tag {tag}" if tag else ""
        meant = f" Bedoelt u ‘{hint}’?" if hint else ""
        report.problems.append(Problem(
            filename, UNKNOWN, f"het gegeven ‘{path}’{where} bestaat niet.{meant}",
            tag or path))
    if any(p.category == UNKNOWN for p in report.problems):
        return report  # rendering would only fail on the same names
    seen: set[str] = set()
    for label, context in contexts:
        try:
            renderer.render(kind, _mark_empty(context), template=template)
        except _MissingValue as exc:
            if exc.path not in seen:
                seen.add(exc.path)
                report.problems.append(Problem(
                    filename, MISSING,
                    f"de tag {{{{ {exc.path} }}}} drukt een waarde af die in het voorbeeldpakket "
                    f"‘{label}’ leeg is; het document zou daar ‘None’ tonen. Zet de tag binnen "
                    f"{{%p if {exc.path} %}} … {{%p endif %}}.", f"{{{{ {exc.path} }}}}"))
        except RenderError as exc:
            if "geen geldige XML" in exc.message:
                if "xml" not in seen:
                    seen.add("xml")
                    report.problems.append(_xml_problem(filename, template, exc))
            elif exc.message not in seen:
                seen.add(exc.message)
                category = MISSING if "ontbreekt" in exc.message else BROKEN
                report.problems.append(Problem(
                    filename, category, f"{exc.message} (voorbeeldpakket ‘{label}’)", exc.tag))
    return report


_BLOCK = re.compile(r"^\{%-?\s*(if|for|endif|endfor)\b")


def _xml_problem(filename: str, template: CompiledTemplate, exc: RenderError) -> Problem:
    """A rendered part that is no valid XML: name the block tags that open in one paragraph
    and close in another without being a {%p %} (paragraph) or {%tr %} (row) tag."""
    culprits: list[str] = []
    for source in template.sources().values():
        for line in source.splitlines():
            inside = line[:line.rfind("</w:p>")] if "</w:p>" in line else line
            depth, tags = 0, []
            for tag in template_tags(inside):
                match = _BLOCK.match(tag)
                if match:
                    depth += -1 if match.group(1).startswith("end") else 1
                    tags.append(tag)
            if depth:
                culprits += tags
    if culprits:
        return Problem(
            filename, BROKEN,
            f"de tag {culprits[0]} staat midden in een alinea, maar het blok begint of eindigt "
            "in een andere alinea; daardoor is het document geen geldig Word-bestand meer. "
            "Zet zo'n tag als {%p … %} in een eigen alinea (of als {%tr … %} in een eigen "
            "tabelrij).", culprits[0])
    return Problem(filename, BROKEN, exc.message, exc.tag)


def check_templates(renderer: DocxRenderer, samples: Mapping[str, PackageFacts],
                    kinds: Iterable[DocumentKind] | None = None,
                    uploads: Mapping[DocumentKind, tuple[bytes, str]] | None = None,
                    ) -> list[Report]:
    """Check the template of every kind (or of `kinds`); `uploads` gives, per kind, the bytes
    and name of the version to check instead of the shipped one."""
    uploads = uploads or {}
    reports = []
    for kind in kinds or list(DocumentKind):
        data, name = uploads.get(kind, (None, None))
        reports.append(check_template(renderer, kind, samples, data, name))
    return reports

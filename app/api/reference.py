"""The API reference page (GET /api/v1/docs): the generated OpenAPI document rendered as one
Dutch page with a Jinja template shipped in the package (no script, no CDN)."""

from __future__ import annotations

import re

from flask import render_template
from markupsafe import Markup
from markupsafe import escape

METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


def render_reference(document: dict) -> str:
    """The page for `document` (an OpenAPI 3.1 dict)."""
    operations = []
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                operations.append(_operation(path, method, item[method], document))
    schemas = [{"name": name, "anchor": _anchor(name), "text": text(schema.get("description")),
                "fields": _fields(schema)}
               for name, schema in sorted(document["components"]["schemas"].items())]
    return render_template("api_reference.html", info=document["info"],
                           intro=text(document["info"].get("description")),
                           base=document["servers"][0]["url"], operations=operations,
                           schemas=schemas)


def _operation(path: str, method: str, op: dict, document: dict) -> dict:
    body = op.get("requestBody")
    bodies = [{"media": media, "type": type_of(content.get("schema", {}))}
              for media, content in (body or {}).get("content", {}).items()]
    return {
        "id": op["operationId"], "method": method.upper(), "path": path,
        "summary": op.get("summary", ""), "text": text(op.get("description")),
        "public": op.get("security") == [],
        "parameters": [{"name": p["name"], "where": {"path": "pad", "query": "zoekvraag",
                                                     "header": "kop"}.get(p["in"], p["in"]),
                        "required": p.get("required", False),
                        "type": type_of(p.get("schema", {})),
                        "text": text(p.get("description"))} for p in op.get("parameters", [])],
        "body": bodies, "body_required": bool(body and body.get("required")),
        "responses": [{"status": status, "text": text(response.get("description")),
                       "types": [(media, type_of(c["schema"]) if "schema" in c else "bestand")
                                 for media, c in response.get("content", {}).items()]}
                      for status, response in op["responses"].items()],
    }


def _fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    parts = [schema] + [s for s in schema.get("allOf", []) if "properties" in s]
    return [{"name": name, "type": type_of(value), "required": name in required,
             "text": text(value.get("description"))}
            for part in parts for name, value in part.get("properties", {}).items()]


def type_of(schema: dict) -> Markup:
    """A short Dutch description of a schema's type, with links to named schemas."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return Markup('<a href="#{}">{}</a>').format(_anchor(name), name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return Markup(" of ").join(type_of(s) for s in schema[key]) if key != "allOf" \
                else Markup(" en ").join(type_of(s) for s in schema[key])
    if "enum" in schema:
        return Markup("een van: ") + Markup(", ").join(
            Markup("<code>{}</code>").format(v) for v in schema["enum"] if v is not None)
    kind = schema.get("type", "")
    if isinstance(kind, list):
        return Markup(" of ").join(type_of({**schema, "type": k}) for k in kind)
    if kind == "array":
        return Markup("lijst van ") + type_of(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return Markup("object met per sleutel ") + type_of(schema["additionalProperties"])
    names = {"string": "tekst", "integer": "geheel getal", "boolean": "true/false",
             "object": "object", "null": "null", "number": "getal"}
    label = names.get(kind, kind or "waarde")
    if schema.get("format") in ("date", "date-time", "uri", "binary"):
        label += {"date": " (datum)", "date-time": " (tijdstip)", "uri": " (adres)",
                  "binary": " (bestand)"}[schema["format"]]
    return Markup(escape(label))


def text(value: str | None) -> Markup:
    """Description text as HTML: paragraphs, and `code` in backticks."""
    if not value:
        return Markup("")
    paragraphs = []
    for part in re.split(r"\n\s*\n", value.strip()):
        html = re.sub(r"`([^`]+)`", lambda m: f"<code>{m.group(1)}</code>", str(escape(part)))
        paragraphs.append(f"<p>{html}</p>")
    return Markup("".join(paragraphs))


def _anchor(name: str) -> str:
    return "schema-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)

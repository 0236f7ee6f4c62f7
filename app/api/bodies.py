"""Reading request bodies and query strings of the API with the pydantic models of
app/api/schemas.py; every mistake becomes a Dutch problem (400 or 422) naming the field."""

from __future__ import annotations

import json
from typing import TypeVar

from flask import request
from pydantic import BaseModel
from pydantic import ValidationError

from app.api.problems import Problem

M = TypeVar("M", bound=BaseModel)
UNION_TAGS = frozenset({"int", "str", "bool", "float", "bytes", "none"})
INVALID = "Niet alle velden zijn goed ingevuld."


def json_body(required: bool = True) -> dict:
    """The request body as a JSON object; {} for an empty optional body. Raises Problem:
    400 (not JSON, too deep, a lone surrogate), 415 (not sent as JSON), 422 (no object)."""
    data = request.get_data(cache=True)
    if not data.strip():
        if required:
            raise Problem("ongeldige-invoer", "Stuur een JSON-object mee in de body.",
                          errors={"body": "Stuur een JSON-object mee."})
        return {}
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise Problem("verkeerd-mediatype",
                      "Stuur de body als JSON, met de kop 'Content-Type: application/json'.")
    try:
        body = json.loads(data)
        if b"\\u" in data:  # a lone surrogate ("\ud800") cannot be stored or answered
            json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError):
        raise Problem("ongeldige-json", "De body is geen geldige JSON.") from None
    except RecursionError:
        raise Problem("ongeldige-json", "De body is te diep genest.") from None
    if not isinstance(body, dict):
        raise Problem("ongeldige-invoer", "De body moet een JSON-object zijn.",
                      errors={"body": "Stuur een JSON-object ({...})."})
    return body


def parse_body(model: type[M], *, required: bool = True,
               messages: dict[str, str] | None = None) -> M:
    """The JSON body checked by `model`; Problem 422 naming every wrong field (`messages`
    replaces the message of a field)."""
    return check(model, json_body(required), messages=messages)


def parse_query(model: type[M], labels: dict[str, str]) -> M:
    """The query string checked by `model`; Problem 400 naming every wrong parameter."""
    values = {name: request.args.get(name) for name in model.model_fields
              if request.args.get(name) not in (None, "")}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        errors = {name: f"{labels.get(name, name)}: {text[0].lower()}{text[1:]}"
                  for name, text in dutch_errors(exc).items()}
        raise Problem("ongeldig-verzoek", "Niet alle zoekvoorwaarden kloppen.",
                      errors=errors) from None


def check(model: type[M], data: dict, *, messages: dict[str, str] | None = None) -> M:
    """`data` checked by `model`; Problem 422 naming every wrong field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = dutch_errors(exc)
        for name, message in (messages or {}).items():
            if name in errors:
                errors[name] = message
        raise Problem("ongeldige-invoer", INVALID, errors=errors) from None


def dutch_errors(exc: ValidationError) -> dict[str, str]:
    """pydantic's errors as field name (`contact.email`, `solutions[0].start`) -> Dutch."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = _name(error["loc"])
        errors.setdefault(name, _message(error))
    return errors


def _name(loc: tuple) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        elif part not in UNION_TAGS and "[" not in str(part):  # not a union member's tag
            name += ("." if name else "") + str(part)
    return name or "body"


def _message(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "Dit veld is verplicht."
    if kind == "extra_forbidden":
        return "Onbekend veld."
    if kind == "string_too_short":
        return "Vul dit veld in."
    if kind == "string_too_long":
        return f"Gebruik hoogstens {ctx.get('max_length')} tekens."
    if kind in ("enum", "literal_error"):
        return f"Kies een van: {ctx.get('expected', '')}.".replace("'", "")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "Geef een geheel getal op."
    if kind == "greater_than_equal":
        return f"Geef een getal vanaf {ctx.get('ge')}."
    if kind == "less_than_equal":
        return f"Geef een getal tot en met {ctx.get('le')}."
    if kind in ("bool_type", "bool_parsing"):
        return "Geef true of false op."
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "Geef hier een object ({...}) op."
    if kind == "list_type":
        return "Geef hier een lijst op."
    if kind == "too_short":
        return "Geef ten minste één waarde op."
    if kind in ("string_type", "bytes_type"):
        return "Geef hier tekst op."
    return "Deze waarde klopt niet."

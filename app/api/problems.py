"""Errors as `application/problem+json` (RFC 9457), with Dutch titles and details.

Every problem has `type`, `title`, `status` and `detail`; field errors add `errors`
(field name → Dutch message). The types are tag URIs: they name the kind of problem and
are listed in the OpenAPI document; they are not meant to be opened.
"""

from __future__ import annotations

import json

from flask import Response

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "tag:nvsi.nl,2026:tekenklaar:probleem:"

# slug -> (status, Dutch title)
KINDS: dict[str, tuple[int, str]] = {
    "ongeldig-verzoek": (400, "Ongeldig verzoek"),
    "ongeldige-json": (400, "Ongeldige JSON"),
    "niet-aangemeld": (401, "Niet aangemeld"),
    "niet-gevonden": (404, "Niet gevonden"),
    "methode-niet-toegestaan": (405, "Methode niet toegestaan"),
    "conflict": (409, "Kan nu niet"),
    "verlopen": (410, "Verlopen"),
    "te-groot": (413, "Verzoek te groot"),
    "verkeerd-mediatype": (415, "Verkeerd mediatype"),
    "ongeldige-invoer": (422, "Ongeldige invoer"),
    "te-veel-verzoeken": (429, "Te veel verzoeken"),
    "serverfout": (500, "Serverfout"),
    "dienst-mislukt": (502, "Ondertekendienst gaf een fout"),
    "niet-beschikbaar": (503, "Tijdelijk niet beschikbaar"),
}
BY_STATUS = {status: slug for slug, (status, _title) in reversed(list(KINDS.items()))}


class Problem(Exception):
    """Raise in a view to answer with a problem document."""

    def __init__(self, kind: str, detail: str, *, errors: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None, **extra):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    @property
    def status(self) -> int:
        return KINDS[self.kind][0]

    def response(self) -> Response:
        return problem_response(self.kind, self.detail, errors=self.errors,
                                headers=self.headers, **self.extra)


def problem_response(kind: str, detail: str, *, errors: dict[str, str] | None = None,
                     headers: dict[str, str] | None = None, **extra) -> Response:
    """A problem+json response of this kind."""
    status, title = KINDS[kind]
    body = {"type": TYPE_BASE + kind, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response

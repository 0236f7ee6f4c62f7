"""The OpenAPI 3.1 description of the API, served (public) at GET /api/v1/openapi.json.

Hand-written to match app/api/views.py and app/api/serialise.py; tests/api validate every
real response of the test suite against it with openapi-core, so a drift fails the tests.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from app.api.problems import KINDS
from app.api.problems import MEDIA_TYPE as PROBLEM
from app.api.problems import TYPE_BASE
from app.domain.lifecycle import Action
from app.domain.states import LABELS
from app.domain.states import PackageState
from app.domain.states import SignerState
from app.services.intake import ORGANISATION_FIELDS

JSON = "application/json"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
NSTRING = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date", "examples": ["2027-01-01"]}
NDATE = _nullable(DATE)
INPUT_DATE = {"type": "string", "examples": ["2026-12-01"],
              "description": "Datum als 2026-12-01 of 01-12-2026."}
MOMENT = {"type": "string", "format": "date-time", "examples": ["2026-11-28T15:30:02Z"]}
NMOMENT = _nullable(MOMENT)
MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["6216.19"],
         "description": "Bedrag in euro als decimale tekst met twee decimalen."}
NMONEY = _nullable(MONEY)
SHA256 = {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"}
URL = {"type": "string", "format": "uri"}
NURL = _nullable(URL)
STATE = {"type": "string", "enum": [s.value for s in PackageState],
         "description": "Status van het pakket: " + "; ".join(
             f"`{s.value}` ({LABELS[s]})" for s in PackageState)}


def _object(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False, **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem_response(description: str, schema: str = "Problem", headers: dict | None = None,
                      html: bool = False) -> dict:
    content = {PROBLEM: {"schema": _ref(schema)}}
    if html:
        content["text/html"] = {"schema": STRING}
    response = {"description": description, "content": content}
    if headers:
        response["headers"] = headers
    return response


UNAUTHORIZED = _problem_response(
    "Geen of een onbekend/ingetrokken API-token.",
    headers={"WWW-Authenticate": {"description": "`Bearer realm=\"tekenklaar\"`, met "
                                                 "`error=\"invalid_token\"` bij een fout token.",
                                  "required": True, "schema": STRING}})
NOT_FOUND = _problem_response("Pakket, document of adres bestaat niet.")
INVALID = _problem_response("Ongeldige invoer; `errors` noemt elk fout veld.", "FieldProblem")
BAD_JSON = _problem_response("De body is geen geldige JSON.")
TOO_LARGE = _problem_response("De body is groter dan 1 MB.")
WRONG_MEDIA = _problem_response("De body is geen JSON (`Content-Type: application/json`).")
TOO_MANY = _problem_response(
    "Te veel verzoeken van dit adres in korte tijd; probeer het na `Retry-After` seconden "
    "opnieuw.",
    headers={"Retry-After": {"description": "Seconden tot een nieuw verzoek kan.",
                             "required": True, "schema": STRING}})
CONFLICT = _problem_response("Kan in de huidige status van het pakket niet.")
SERVER_ERROR = _problem_response("Onverwachte fout; er staat geen technische informatie in.")

PACKAGE_ID = {"name": "package_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 1}}

NEW_PACKAGE_FIELDS: dict = {
    "organisation_id": {"type": ["string", "integer"],
                        "description": "Een bekende organisatie; anders org_kind en de "
                                       "gegevens van de organisatie."},
    "org_kind": {"type": "string", "enum": ["gemeente", "publieke_organisatie",
                                            "maatschappelijke_organisatie"]},
    "cbs_code": {"type": "string", "examples": ["GM0344"],
                 "description": "Voor een gemeente: de CBS-code."},
    "org_name": {"type": "string", "description": "Voor een andere organisatie."},
    "org_kvk": STRING, "org_oin": STRING, "org_street": STRING,
    "org_postcode": {"type": "string", "examples": ["3521 AZ"]}, "org_city": STRING,
    "involvement": {"type": "string", "enum": ["lid", "participant"]},
    "contact_name": STRING, "contact_function": STRING,
    "contact_email": {"type": "string", "examples": ["contact@gemeente.nl"]},
    "contact_phone": STRING,
    "signatory_name": STRING, "signatory_function": STRING, "signatory_email": STRING,
    "signatory_capacity": {"type": "string",
                           "enum": ["burgemeester", "gemachtigde", "statutair"],
                           "description": "Standaard: bij een gemeente de burgemeester, "
                                          "anders volgens de statuten."},
    "volmacht_on": {"type": "string", "examples": ["2026-12-03"],
                    "description": "Alleen voor een gemachtigde: datum van de volmacht."},
    "volmacht_reference": {"type": "string", "examples": ["V-12"]},
    "second_signatory_name": STRING, "second_signatory_function": STRING,
    "second_signatory_email": STRING,
    "fg_name": {"type": "string", "description": "De functionaris gegevensbescherming (FG); "
                                                 "verplicht (met fg_email) bij een "
                                                 "verwerkersovereenkomst, tenzij bekend."},
    "fg_email": STRING, "fg_phone": STRING,
    "breach_name": {"type": "string", "description": "Contact bij datalekken, dag en nacht "
                                                     "bereikbaar; verplicht (met breach_email "
                                                     "en breach_phone) bij een "
                                                     "verwerkersovereenkomst, tenzij bekend."},
    "breach_email": STRING, "breach_phone": STRING,
    "replaces": {"type": ["string", "integer"],
                 "description": "Een open pakket van deze organisatie dat bewust wordt "
                                "vervangen: het wordt ingetrokken met replace_reason."},
    "replace_reason": STRING,
    "solutions": {"type": "array", "items": _object(
        {"code": {"type": "string", "examples": ["schuldenradar"]},
         "start": {"type": "string", "examples": ["2027-01-01"],
                   "description": "Ingangsdatum, 2027-01-01 of 01-01-2027."}},
        required=[])},
    "participant_warning_acknowledged": {"type": ["boolean", "string"],
                                         "description": "Verplicht true voor een "
                                                        "participant die een oplossing "
                                                        "afneemt."},
}
ACTION = {"type": "string", "enum": [a.value for a in Action]}

SCHEMAS: dict = {
    "Problem": _object({
        "type": {"type": "string", "format": "uri",
                 "description": "Soort probleem (tag-URI), een van: " + ", ".join(
                     f"`{TYPE_BASE}{slug}`" for slug in KINDS)},
        "title": {"type": "string", "description": "Korte Nederlandse titel."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "Wat er mis is en wat te doen."},
        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Per veld de Nederlandse foutmelding."},
        "state": STATE,
        "package": URL,
    }, required=["type", "title", "status", "detail"],
        description="RFC 9457 problem details."),
    "FieldProblem": {
        "allOf": [_ref("Problem"), {"type": "object", "required": ["errors"]}],
        "description": "Een probleem met fouten per veld. Velden van oplossingen heten "
                       "`solutions[N].code` en `solutions[N].start`.",
    },
    "NewPackage": _object(NEW_PACKAGE_FIELDS, required=[],
                          description="Dezelfde velden als het formulier voor medewerkers. "
                                      "Fouten komen terug als 422 met `errors` per veld."),
    "PackageEdit": _object({
        name: schema for name, schema in NEW_PACKAGE_FIELDS.items()
        if name not in ORGANISATION_FIELDS
    }, required=[], description="De velden van een nieuw pakket behalve de organisatie; "
                                "wat ontbreekt, blijft zoals het is. `solutions` vervangt "
                                "alle oplossingen."),
    "SendRequest": _object({"provider": {"type": "string", "examples": ["manual"],
                                         "description": "Ondertekendienst; standaard die "
                                                        "uit de instellingen."}},
                           required=[]),
    "CancelRequest": _object({"reason": {"type": "string", "minLength": 1,
                                         "maxLength": 2000}}),
    "OrganisationSummary": _object({"id": {"type": "integer"}, "name": STRING,
                                    "kind": STRING}),
    "Organisation": _object({
        "id": {"type": "integer"}, "name": STRING, "kind": STRING, "cbs_code": NSTRING,
        "kvk": NSTRING, "oin": NSTRING,
        "address": _object({"street": NSTRING, "postcode": NSTRING, "city": NSTRING}),
    }),
    "Person": _object({"name": STRING, "function": STRING, "email": STRING,
                       "phone": NSTRING}),
    "Signatory": _object({
        "name": STRING, "function": STRING, "email": STRING, "phone": NSTRING,
        "capacity": {"type": "string", "enum": ["burgemeester", "gemachtigde", "statutair"],
                     "description": "Gemeente: de burgemeester, of een gemachtigde met "
                                    "volmacht (artikel 171 Gemeentewet); anders wie de "
                                    "statuten aanwijzen."},
        "authority": {"type": "string", "description": "De tekst naast de handtekening; leeg "
                                                       "als er niets bij hoeft."},
        "volmacht": _nullable(_object({"date": DATE, "reference": STRING,
                                       "sha256": SHA256})),
    }),
    "Council": _object({
        "started_on": NDATE, "sent_to_raad_on": NDATE,
        "deadline": {**NDATE, "description": "Laatste dag (tot en met) waarop de raad zijn "
                                             "wensen en bedenkingen kenbaar kan maken."},
        "reaction": {"type": ["string", "null"],
                     "enum": ["geen_wensen_en_bedenkingen", "wensen_en_bedenkingen", None]},
        "reaction_on": NDATE, "reaction_text": NSTRING, "letter_sha256": SHA256,
        "decided_on": NDATE, "decision_reference": NSTRING, "reminder_sent_on": NDATE,
        "next_steps": {"type": "array", "items": {"type": "string", "enum": [
            "start", "naar_raad", "reactie", "collegebesluit"]},
            "description": "Wat nu kan worden vastgelegd."},
    }, description="De raadsprocedure (artikel 160, tweede lid, Gemeentewet)."),
    "DocumentVersion": _object({
        "number": {"type": "integer", "minimum": 1}, "made_at": MOMENT, "made_by": STRING,
        "reason": NSTRING, "sha256": _object({"docx": SHA256, "pdf": SHA256}),
        "sent_at": NMOMENT, "sent_to": NSTRING,
    }),
    "Upload": _object({"filename": {"type": "string", "examples": ["brief-raad.pdf"]},
                       "content_base64": {"type": "string", "minLength": 1,
                                          "description": "De PDF, base64 (hoogstens 20 MB)."}},
                      required=["content_base64"]),
    "SentToRaadRequest": _object({"sent_on": {**INPUT_DATE, "description": "Datum waarop het "
                                              "ontwerpbesluit naar de raad ging."}}),
    "ReactionRequest": _object({
        "reaction": {"type": "string",
                     "enum": ["geen_wensen_en_bedenkingen", "wensen_en_bedenkingen"]},
        "reaction_on": INPUT_DATE,
        "text": {"type": "string", "description": "Verplicht bij wensen en bedenkingen."},
        "letter": _ref("Upload"),
    }, required=["reaction", "reaction_on"]),
    "DecisionRequest": _object({"decided_on": INPUT_DATE,
                                "reference": {"type": "string", "minLength": 1,
                                              "examples": ["B&W 2027/0815"]}}),
    "PackageSummary": _object({
        "id": {"type": "integer"}, "reference_number": {"type": "string",
                                                        "examples": ["NVSI-2026-0042"]},
        "state": STATE, "state_label": STRING,
        "involvement": {"type": "string", "enum": ["lid", "participant"]},
        "organisation": _ref("OrganisationSummary"),
        "total": MONEY, "created_at": MOMENT, "updated_at": MOMENT, "sent_at": NMOMENT,
        "signed_at": NMOMENT,
        "links": _object({"self": URL}),
    }),
    "Document": _object({
        "id": {"type": "integer"}, "position": {"type": "integer"}, "kind": STRING,
        "title": STRING, "solution_code": NSTRING, "start_date": NDATE,
        "versions": {"type": "array", "items": _ref("DocumentVersion"),
                     "description": "Elke gemaakte versie, oudste eerst; de laatste is die "
                                    "van `links` en `sha256`."},
        "signed_required": {"type": "boolean"},
        "sha256": _object({"docx": SHA256, "pdf": SHA256, "sent": SHA256, "signed": SHA256},
                          description="SHA-256 bij maken (docx, pdf), verzenden en "
                                      "terugkomst (signed)."),
        "made_at": NMOMENT, "sent_at": NMOMENT, "signed_at": NMOMENT,
        "links": _object({"docx": NURL, "pdf": NURL, "signed": NURL},
                         description="Downloadadres per variant; null zolang er geen "
                                     "bestand is."),
    }),
    "Signer": _object({
        "order": {"type": "integer"}, "party": {"type": "string",
                                                "enum": ["organisatie", "nvsi"]},
        "name": STRING, "email": STRING, "role": STRING,
        "state": {"type": "string", "enum": [s.value for s in SignerState]},
        "state_label": STRING, "state_at": NMOMENT, "reason": NSTRING,
    }),
    "SolutionFee": _object({
        "code": STRING, "name": STRING, "start": DATE,
        "contracted": {"type": "boolean",
                       "description": "false: al eerder afgenomen, geen nieuwe "
                                      "overeenkomst en geen bedragen."},
        "year": {"type": ["integer", "null"]}, "licence": NMONEY, "management": NMONEY,
        "surcharge": NMONEY, "surcharge_kind": NSTRING, "surcharge_rate": NMONEY,
        "alv_decision": NSTRING, "total": NMONEY,
    }),
    "TimelineEvent": _object({
        "at": MOMENT, "actor": STRING, "kind": STRING, "message": STRING,
        "state_from": _nullable(STATE), "state_to": _nullable(STATE),
    }),
    "Package": _object({
        "id": {"type": "integer"}, "reference_number": STRING, "state": STATE,
        "state_label": STRING, "involvement": {"type": "string",
                                               "enum": ["lid", "participant"]},
        "organisation": _ref("Organisation"),
        "contact": _ref("Person"), "signatory": _ref("Signatory"),
        "second_signatory": _nullable(_ref("Person")),
        "council": _nullable(_ref("Council")),
        "actions": _object({
            "allowed": {"type": "array", "items": ACTION},
            "refused": {"type": "object", "propertyNames": ACTION,
                        "additionalProperties": STRING,
                        "description": "Per actie die nu niet kan: waarom niet."},
        }, description="Wat nu kan volgens de regels van Tekenklaar, en waarom de rest niet. "
                       "`wijzigen` is PATCH op het pakket; een actie die niet kan, geeft 409 "
                       "met dezelfde reden."),
        "participant_warning_acknowledged": {"type": "boolean"},
        "needs_council": {"type": "boolean"},
        "council_deadline": NDATE, "college_decision_on": NDATE,
        "provider": NSTRING, "last_error": NSTRING, "state_reason": NSTRING,
        "warnings": {"type": "array", "items": STRING},
        "skipped": {"type": "array", "items": _object({"kind": STRING, "reason": STRING,
                                                       "solution_code": NSTRING})},
        "fees": _object({
            "solutions": {"type": "array", "items": _ref("SolutionFee")},
            "total": {**MONEY, "description": "Wat de facturen van het eerste kalenderjaar "
                                              "samen bedragen, exclusief btw."},
            "years": {"type": "array", "description": "De facturen per kalenderjaar, elk "
                                                      "tegen de tarieven van dat jaar; het "
                                                      "eerste jaar naar rato.",
                      "items": _object({
                          "year": {"type": "integer"}, "amount": MONEY, "vat": MONEY,
                          "including_vat": MONEY,
                          "lines": {"type": "array", "items": _object({
                              "code": STRING, "start": DATE, "units": {"type": "integer"},
                              "of_units": {"type": "integer"}, "amount": MONEY,
                              "vat": MONEY, "including_vat": MONEY})}})},
        }),
        "documents": {"type": "array", "items": _ref("Document")},
        "signers": {"type": "array", "items": _ref("Signer")},
        "timeline": {"type": "array", "items": _ref("TimelineEvent")},
        "total": MONEY, "created_at": MOMENT, "updated_at": MOMENT, "sent_at": NMOMENT,
        "signed_at": NMOMENT,
        "links": _object({"self": URL, "send": URL, "cancel": URL, "documents": URL}),
    }),
    "PackageList": _object({
        "items": {"type": "array", "items": _ref("PackageSummary")},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        "total": {"type": "integer", "minimum": 0},
        "next": NURL, "previous": NURL,
    }),
}

# OpenAPI 3.1: binary content is described by its media type alone, without a schema.
BINARY: dict = {}

FILE_HEADERS = {
    "Content-Disposition": {"description": "`attachment; filename=...`", "required": True,
                            "schema": STRING},
    "Repr-Digest": {"description": "SHA-256 van de bytes (RFC 9530): `sha-256=:<base64>:`.",
                    "required": True, "schema": STRING},
}


def _operation(summary: str, responses: dict, *, description: str | None = None,
               parameters: list | None = None, body: dict | None = None,
               public: bool = False, operation_id: str) -> dict:
    operation = {"operationId": operation_id, "summary": summary, "responses": responses}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = body
    if public:
        operation["security"] = []
    else:
        operation["responses"].setdefault("401", UNAUTHORIZED)
    operation["responses"].setdefault("429", TOO_MANY)
    operation["responses"].setdefault("500", SERVER_ERROR)
    return operation


def _json(schema: str, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {JSON: {"schema": _ref(schema)}}}
    if headers:
        response["headers"] = headers
    return response


def _council_paths(body_errors: dict) -> dict:
    """The raad step (art. 160 lid 2) and the volmacht: each a POST that answers the package."""
    refused = _problem_response(
        "Geweigerd, er is niets veranderd: een datum in de verkeerde volgorde (naar de raad "
        "vóór de start, een reactie vóór de toezending, een collegebesluit vóór het einde van "
        "de termijn zonder reactie van de raad), of een ontbrekend veld. `errors` noemt het "
        "veld.", "FieldProblem")

    def post(summary: str, operation_id: str, description: str, schema: str | None,
             required: bool = True) -> dict:
        body = None
        if schema is not None:
            body = {"required": required, "content": {JSON: {"schema": _ref(schema)}}}
        else:
            body = {"required": False, "content": {JSON: {"schema": {
                "type": "object", "additionalProperties": False}}}}
        return {
            "parameters": [PACKAGE_ID],
            "post": _operation(summary, operation_id=operation_id, description=description,
                               body=body, responses={
                                   "200": _json("Package", "Het pakket. Een stap die al met "
                                                           "dezelfde gegevens is vastgelegd, "
                                                           "verandert niets."),
                                   "404": NOT_FOUND, "409": CONFLICT, **body_errors,
                                   "422": refused}),
        }

    return {
        "/packages/{package_id}/council/start": post(
            "Raadsprocedure starten", "startCouncil",
            "Artikel 160, tweede lid, Gemeentewet. De contactpersoon van de gemeente krijgt "
            "de raadsbrief en het ontwerpbesluit (Word en PDF) per e-mail, met wat te doen. "
            "Kan na het maken van de documenten.", None),
        "/packages/{package_id}/council/sent-to-raad": post(
            "Datum waarop het ontwerpbesluit naar de raad ging", "councilSentToRaad",
            "De termijn van de raad (instelling, standaard zes weken) loopt vanaf deze datum; "
            "`council.deadline` geeft de laatste dag. De documenten die de termijn noemen, "
            "worden opnieuw gemaakt en de gemeente krijgt de einddatum per e-mail.",
            "SentToRaadRequest"),
        "/packages/{package_id}/council/reaction": post(
            "Reactie van de raad", "councilReaction",
            "Geen wensen en bedenkingen, of wensen en bedenkingen met hun tekst, met de datum "
            "en zo nodig de brief of besluitenlijst van de raad (PDF, base64).",
            "ReactionRequest"),
        "/packages/{package_id}/council/decision": post(
            "Collegebesluit", "councilDecision",
            "Kan pas na het einde van de termijn van de raad, of na zijn reactie. Het "
            "aanmeldformulier (bijlage 1) en de aanbiedingsbrief worden opnieuw gemaakt met "
            "datum en kenmerk van het besluit; eerdere versies blijven bewaard.",
            "DecisionRequest"),
        "/packages/{package_id}/volmacht": post(
            "Volmacht van de gemachtigde toevoegen", "uploadVolmacht",
            "De volmacht (PDF, base64) van de burgemeester aan de gemachtigde die tekent "
            "(artikel 171, tweede lid, Gemeentewet).", "Upload"),
    }


def _build() -> dict:
    body_errors = {"400": BAD_JSON, "413": TOO_LARGE, "415": WRONG_MEDIA, "422": INVALID}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tekenklaar API",
            "version": "1.0.0",
            "description": (
                "De contractendienst van de Nederlandse Vereniging voor Sociale Innovatie "
                "(NVSI) voor andere NVSI-systemen: pakketten maken, volgen, verzenden en "
                "intrekken, en documenten downloaden.\n\n"
                "Elk verzoek heeft een API-token nodig (`Authorization: Bearer tk_...`, te "
                "maken met `flask tokens create NAAM`), behalve deze beschrijving "
                "(`/openapi.json`, openbaar) en de downloadlinks uit e-mails "
                "(`/links/{token}`, die hun eigen ondertekende, verlopende sleutel dragen).\n\n"
                "Fouten zijn `application/problem+json` (RFC 9457) met een Nederlandse "
                "`title` en `detail`; fouten per veld staan in `errors`. Bedragen zijn "
                "decimale tekst in euro (`\"6216.19\"`), data ISO 8601, tijdstippen UTC."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/packages": {
                "get": _operation(
                    "Pakketten, nieuwste eerst", operation_id="listPackages",
                    parameters=[
                        {"name": "state", "in": "query", "schema": STATE},
                        {"name": "organisation_id", "in": "query",
                         "schema": {"type": "integer", "minimum": 1}},
                        {"name": "page", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "default": 1}},
                        {"name": "per_page", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                    "default": 20}},
                    ],
                    responses={
                        "200": _json("PackageList", "Een pagina pakketten; `next` is null "
                                                    "op de laatste pagina."),
                        "400": _problem_response("Een zoekvoorwaarde klopt niet; `errors` "
                                                 "noemt welke.", "FieldProblem"),
                    }),
                "post": _operation(
                    "Een pakket maken (status concept)", operation_id="createPackage",
                    description="De regels van de NVSI bepalen de documenten, ondertekenaars "
                                "en bedragen. Een organisatie-id die niet bestaat geeft 404.\n\n"
                                "Met een `Idempotency-Key` kan een verzoek veilig worden "
                                "herhaald (bijvoorbeeld na een time-out): hetzelfde verzoek met "
                                "dezelfde sleutel geeft 200 met het pakket van de eerste keer; "
                                "een ander verzoek met een gebruikte sleutel geeft 409.",
                    parameters=[{"name": "Idempotency-Key", "in": "header", "required": False,
                                 "schema": {"type": "string", "minLength": 1,
                                            "maxLength": 200}}],
                    body={"required": True,
                          "content": {JSON: {"schema": _ref("NewPackage")}}},
                    responses={
                        "201": _json("Package", "Het nieuwe pakket.", headers={
                            "Location": {"description": "Adres van het pakket.",
                                         "required": True, "schema": URL}}),
                        "200": _json("Package", "Herhaald verzoek met dezelfde "
                                     "Idempotency-Key: het pakket van de eerste keer.", headers={
                            "Location": {"description": "Adres van het pakket.",
                                         "required": True, "schema": URL}}),
                        "404": _problem_response("De organisatie bestaat niet."),
                        "409": _problem_response("De Idempotency-Key is al gebruikt voor een "
                                                 "ander verzoek."),
                        **body_errors,
                    }),
            },
            "/packages/{package_id}": {
                "parameters": [PACKAGE_ID],
                "get": _operation("Een pakket met documenten, ondertekenaars, bedragen en "
                                  "verloop", operation_id="getPackage",
                                  responses={"200": _json("Package", "Het pakket."),
                                             "404": NOT_FOUND}),
                "patch": _operation(
                    "Een pakket wijzigen vóór het verzenden", operation_id="editPackage",
                    description="Alleen in de status `concept` of `klaar` (zie `actions`). "
                                "Het pakket wordt opnieuw samengesteld volgens de regels; in "
                                "`klaar` worden de documenten opnieuw gemaakt (eerdere versies "
                                "blijven bewaard). Het verloop zegt wat er is gewijzigd en door "
                                "wie. Een wijziging die een regel breekt (een participant "
                                "zonder besproken waarschuwing, een ingangsdatum in het "
                                "verleden) geeft 422 en verandert niets.",
                    body={"required": True,
                          "content": {JSON: {"schema": _ref("PackageEdit")}}},
                    responses={
                        "200": _json("Package", "Het gewijzigde pakket (of ongewijzigd, als "
                                                "de gegevens al zo waren)."),
                        "404": NOT_FOUND,
                        "409": _problem_response("Het pakket kan in deze status niet worden "
                                                 "gewijzigd; `detail` zegt waarom."),
                        **body_errors,
                    }),
            },
            "/packages/{package_id}/documents/{document_id}/{variant}": {
                "parameters": [
                    PACKAGE_ID,
                    {"name": "document_id", "in": "path", "required": True,
                     "schema": {"type": "integer", "minimum": 1}},
                    {"name": "variant", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": ["docx", "pdf", "signed"]}},
                ],
                "get": _operation(
                    "Een document downloaden", operation_id="downloadDocument",
                    description="`docx` en `pdf` zoals gemaakt, `signed` de ondertekende PDF.",
                    responses={
                        "200": {"description": "Het bestand.", "headers": FILE_HEADERS,
                                "content": {PDF: BINARY, DOCX: BINARY}},
                        "404": _problem_response("Geen document bij dit pakket, of het "
                                                 "bestand is (nog) niet gemaakt."),
                        "503": _problem_response("Het bestand kan nu niet worden gelezen."),
                    }),
            },
            "/packages/{package_id}/send": {
                "parameters": [PACKAGE_ID],
                "post": _operation(
                    "Verzenden voor ondertekening", operation_id="sendPackage",
                    description="Verzendt de PDF's naar de ondertekendienst en mailt de "
                                "organisatie. Opnieuw verzenden na een fout hervat dezelfde "
                                "envelop.\n\n"
                                "Lopen taken via een wachtrij (instelling `jobs = \"rq\"`, "
                                "in productie), dan controleert de API alleen of het pakket "
                                "nu kan worden verzonden, zet het verzenden in de wachtrij en "
                                "antwoordt 202 met het pakket zoals het nu is. Volg daarna "
                                "`state` met GET op het pakket: `verzonden`, of `mislukt` met "
                                "de reden in `last_error`.",
                    body={"required": False,
                          "content": {JSON: {"schema": _ref("SendRequest")}}},
                    responses={
                        "200": _json("Package", "Het verzonden pakket."),
                        "202": _json("Package", "Het verzenden staat in de wachtrij; het "
                                                "pakket zoals het nu is."),
                        "404": NOT_FOUND,
                        "409": CONFLICT,
                        "502": _problem_response("De ondertekendienst gaf een fout; het "
                                                 "pakket staat op `mislukt` (`state`, "
                                                 "`package`)."),
                        **body_errors,
                    }),
            },
            "/packages/{package_id}/documents": {
                "parameters": [PACKAGE_ID],
                "post": _operation(
                    "Documenten maken (DOCX en PDF)", operation_id="makeDocuments",
                    description="Maakt alle documenten van het pakket (opnieuw). Een "
                                "document dat verandert, krijgt een nieuwe versie; eerdere "
                                "versies blijven bewaard. Met een wachtrij (`jobs = \"rq\"`) "
                                "antwoordt de API 202 en volgen de documenten.",
                    body={"required": False, "content": {JSON: {"schema": {
                        "type": "object", "additionalProperties": False}}}},
                    responses={
                        "200": _json("Package", "Het pakket met zijn documenten."),
                        "202": _json("Package", "Staat in de wachtrij."),
                        "404": NOT_FOUND, "409": CONFLICT,
                        "502": _problem_response("Omzetten naar PDF mislukte; het pakket "
                                                 "staat op `mislukt`."),
                        **body_errors,
                    }),
            },
            **_council_paths(body_errors),
            "/packages/{package_id}/cancel": {
                "parameters": [PACKAGE_ID],
                "post": _operation(
                    "Intrekken, met reden", operation_id="cancelPackage",
                    body={"required": True,
                          "content": {JSON: {"schema": _ref("CancelRequest")}}},
                    responses={
                        "200": _json("Package", "Het ingetrokken pakket."),
                        "404": NOT_FOUND,
                        "409": CONFLICT,
                        **body_errors,
                    }),
            },
            "/openapi.json": {
                "get": _operation("Deze beschrijving (openbaar)", operation_id="openapi",
                                  public=True, responses={
                                      "200": {"description": "OpenAPI 3.1.",
                                              "content": {JSON: {"schema": {
                                                  "type": "object"}}}}}),
            },
            "/links/{token}": {
                "parameters": [{"name": "token", "in": "path", "required": True,
                                "schema": STRING}],
                "get": _operation(
                    "Download via een link uit een e-mail (openbaar)", operation_id="link",
                    public=True,
                    description="De link is ondertekend en verloopt na het aantal dagen uit "
                                "de instelling `mail_link_days`. Fouten zijn problem+json, of "
                                "een korte Nederlandse pagina als de browser HTML vraagt.",
                    responses={
                        "200": {"description": "Het bestand: een PDF, een Word-bestand (de "
                                               "raadsbrief en het ontwerpbesluit), of het "
                                               "ondertekeningsverslag zoals de "
                                               "ondertekendienst het gaf.",
                                "headers": FILE_HEADERS,
                                "content": {PDF: BINARY, DOCX: BINARY, "text/plain": BINARY,
                                            "application/zip": BINARY,
                                            "application/octet-stream": BINARY}},
                        "404": _problem_response("Onbekende link, of het document is er "
                                                 "niet (meer).", html=True),
                        "410": _problem_response("De link is verlopen.", html=True),
                    }),
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "API-token `tk_...` van `flask tokens create`."},
            },
            "schemas": SCHEMAS,
        },
    }


@lru_cache(maxsize=1)
def _cached() -> dict:
    return _build()


def spec() -> dict:
    """The OpenAPI document as a dict (a fresh copy each call)."""
    return copy.deepcopy(_cached())

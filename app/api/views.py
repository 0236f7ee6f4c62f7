"""JSON API views for other NVSI systems (bearer tokens; errors as application/problem+json).

Every endpoint needs `Authorization: Bearer tk_…` (a token made with `flask tokens create`),
except GET /openapi.json (the description of this API, public) and GET /links/<token> (the
signed, expiring download links sent by e-mail, which carry their own proof).

Views stay thin: parse and check input, call one service function, serialise. Services are
imported inside the views so this module loads without them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import mimetypes
import re
import traceback

import sqlalchemy as sa
from flask import Blueprint
from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask import send_file
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as RoutingNotFound
from werkzeug.routing import RequestRedirect

from app.api import schemas
from app.api.bodies import check
from app.api.bodies import json_body
from app.api.bodies import parse_body
from app.api.bodies import parse_query
from app.api.schemas import MAX_ID
from app.api.problems import BY_STATUS
from app.api.problems import Problem
from app.api.problems import problem_response
from app.api.serialise import package_detail
from app.api.serialise import package_summary
from app.api.serialise import package_url
from app.api.serialise import page_of
from app.api.spec import BINARY
from app.api.spec import CONFLICT
from app.api.spec import FILE_HEADERS
from app.api.spec import LOCATION
from app.api.spec import NOT_FOUND
from app.api.spec import DOCX
from app.api.spec import operation
from app.domain.states import PackageState
from app.extensions import db
from app.extensions import limiter
from app.services.intake import MAX_SOLUTION_ROWS
from app.services.intake import ORGANISATION_FIELDS
from app.services.intake import TOO_MANY_ROWS
from app.ratelimits import api_limit
from app.store.models import Document
from app.store.models import Package

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__)
limiter.limit(api_limit)(bp)  # per client, checked before the token (app/ratelimits.py)

PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.docs", "api.link", "api.not_found"})
MAX_BODY = 1024 * 1024  # JSON bodies of this API are small
MAX_REASON = 2000  # as on the package page
UPLOAD_BODY = 28 * 1024 * 1024  # a PDF of up to 20 MB, base64 in JSON
UPLOAD_ENDPOINTS = frozenset({"api.council_reaction", "api.upload_volmacht",
                              "api.upload_scan"})
VARIANTS = ("docx", "pdf", "signed")
REALM = 'Bearer realm="tekenklaar"'


# --- authentication and request limits ----------------------------------------------------------

@bp.before_request
def authenticate():
    """Check the bearer token (401 with WWW-Authenticate otherwise); cap the body size."""
    request.max_content_length = UPLOAD_BODY if request.endpoint in UPLOAD_ENDPOINTS \
        else MAX_BODY
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    from app.services.accounts import check_token

    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if not header:
        raise Problem("niet-aangemeld",
                      "Dit verzoek heeft een API-token nodig: stuur de kop "
                      "'Authorization: Bearer <token>' mee. Een token maakt een beheerder "
                      "met 'flask tokens create NAAM'.",
                      headers={"WWW-Authenticate": REALM})
    token = check_token(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise Problem("niet-aangemeld",
                      "Dit API-token is onbekend of ingetrokken. Vraag een beheerder om een "
                      "nieuw token.",
                      headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    g.api_token = token
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        raise Problem("niet-gevonden", "Dit nummer bestaat niet.")
    return None


def _actor() -> str:
    return f"api:{g.api_token.name}"


# --- errors -------------------------------------------------------------------------------------

@bp.errorhandler(Problem)
def handle_problem(exc: Problem):
    return exc.response()


@bp.errorhandler(HTTPException)
def handle_http(exc: HTTPException):
    status = exc.code or 500
    kind = BY_STATUS.get(status, "serverfout" if status >= 500 else "ongeldig-verzoek")
    details = {
        400: "Het verzoek kon niet worden gelezen.",
        404: "Dit adres bestaat niet in de API. Zie /api/v1/openapi.json voor de adressen.",
        405: "Deze methode is hier niet toegestaan.",
        413: f"Het verzoek is te groot; een verzoek mag hoogstens {MAX_BODY // 1024} kB zijn.",
    }
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return problem_response(kind, details.get(status, exc.description or "Er ging iets mis."),
                            headers=headers)


@bp.errorhandler(Exception)
def handle_unexpected(exc: Exception):
    # The frames, not the message: a database error's message can hold the values (names,
    # addresses) it was given, and personal data stays out of the logs.
    log.error("api: unexpected error %s on %s %s\n%s", type(exc).__name__, request.method,
              request.url_rule, "".join(traceback.format_tb(exc.__traceback__)))
    return problem_response("serverfout",
                            "Er ging iets mis aan onze kant. Probeer het later opnieuw; "
                            "blijft het misgaan, meld het dan bij de NVSI.")


@bp.route("/", defaults={"path": ""},
          methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@bp.route("/<path:path>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def not_found(path: str):
    """Every other address under /api/v1: 405 when the path exists with another method,
    404 otherwise, both as problem+json (app-wide handlers do not see blueprint 404s)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _args = adapter.match(method=method)
        except (RoutingNotFound, MethodNotAllowed, RequestRedirect):
            continue
        if endpoint != "api.not_found":
            allowed.add(method)
    if allowed:
        if "GET" in allowed:
            allowed.add("HEAD")
        raise MethodNotAllowed(valid_methods=sorted(allowed | {"OPTIONS"}))
    raise RoutingNotFound()


# --- input helpers ------------------------------------------------------------------------------

SOLUTION_SHAPE = 'Geef elke oplossing als {"code": "...", "start": "2027-01-01"}.'
NO_SUCH_ORGANISATION = "Deze organisatie bestaat niet."


def _flatten_package_body(body: dict, model: type[schemas.PackageEdit] = schemas.NewPackage
                          ) -> dict[str, str]:
    """Check the JSON body with `model` and turn it into the flat string fields
    parse_new_package reads. Raises Problem (422) naming every wrong field."""
    try:
        checked = check(model, body, messages={
            "solutions": 'Geef de oplossingen als lijst: [{"code": "...", "start": '
                         '"2027-01-01"}].', "organisation_id": NO_SUCH_ORGANISATION})
    except Problem as problem:  # one message per solution, whatever is wrong in it
        problem.errors = {re.sub(r"^(solutions\[\d+\])\..*$", r"\1", name):
                          (SOLUTION_SHAPE if name.startswith("solutions[") else message)
                          for name, message in problem.errors.items()}
        raise
    flat: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, value in checked.model_dump(exclude_unset=True, exclude={"solutions"}).items():
        if name == "organisation_id" and str(value).strip().isascii() \
                and str(value).strip().isdigit() and not 1 <= int(value) <= MAX_ID:
            errors[name] = NO_SUCH_ORGANISATION
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        else:
            flat[name] = "" if value is None else str(value)
    if checked.solutions is not None:
        if len(checked.solutions) > MAX_SOLUTION_ROWS:
            errors["solutions"] = TOO_MANY_ROWS
        for index, item in enumerate(checked.solutions):
            flat[f"solutions-{index}-code"] = item.code or ""
            flat[f"solutions-{index}-start"] = item.start or ""
    if errors:
        raise Problem("ongeldige-invoer", "Niet alle velden zijn goed ingevuld.", errors=errors)
    return flat


def package_with_changes(package: Package, body: dict):
    """The NewPackage of `package` with the changes in `body` (the fields of PackageEdit; a
    field left out stays as it is, `solutions` replaces them all); Problem (422) for a change
    of the organisation or a wrong field."""
    from app.services.editing import fields_of

    fixed = sorted(set(body) & set(ORGANISATION_FIELDS))
    if fixed:
        raise Problem("ongeldige-invoer", "De organisatie van een pakket kan niet worden "
                      "gewijzigd.", errors={name: "De organisatie van een pakket kan niet "
                                            "worden gewijzigd." for name in fixed})
    given = _flatten_package_body(body, schemas.PackageEdit)
    flat = fields_of(package)
    if "solutions" in body:
        flat = {k: v for k, v in flat.items() if not k.startswith("solutions-")}
    flat.update(given)
    return _parse_package(flat)


def _parse_package(flat: dict[str, str]):
    """The checked NewPackage from flat fields; Problem (422) naming every wrong field."""
    from app.domain.municipalities import load_municipalities
    from app.runtime import runtime
    from app.services.intake import IntakeError
    from app.services.intake import parse_new_package

    settings, reference = runtime().settings, runtime().reference
    try:
        return parse_new_package(flat, load_municipalities(settings.data_dir),
                                 set(reference.solutions))
    except IntakeError as exc:
        raise Problem("ongeldige-invoer", "Niet alle velden zijn goed ingevuld.",
                      errors={_api_field(k): v for k, v in exc.errors.items()}) from None


def _api_field(field: str) -> str:
    """The form field name `solutions-0-code` as the API body names it: `solutions[0].code`."""
    if field.startswith("solutions-"):
        _prefix, index, part = field.split("-", 2)
        return f"solutions[{index}].{part}"
    return field


def _package_or_404(package_id: int) -> Package:
    package = db.session.get(Package, package_id)
    if package is None:
        raise Problem("niet-gevonden", "Dit pakket bestaat niet.")
    return package


def _service_problem(exc: Exception) -> Problem:
    """The problem for a ServiceError, NotFound or TransitionError from a service."""
    from app.services.errors import NotFound
    from app.services.errors import ServiceError

    if isinstance(exc, NotFound):
        return Problem("niet-gevonden", exc.message)
    if isinstance(exc, ServiceError) and exc.field:
        return Problem("ongeldige-invoer", exc.message, errors={exc.field: exc.message})
    return Problem("conflict", getattr(exc, "message", None) or str(exc))


# --- packages -----------------------------------------------------------------------------------

@bp.post("/packages")
@operation(
    "createPackage", "Een pakket maken (status concept)", body=schemas.NewPackage,
    description="De regels van de NVSI bepalen de documenten, ondertekenaars en bedragen. Een "
                "organisatie-id die niet bestaat geeft 404.\n\nMet een `Idempotency-Key` kan "
                "een verzoek veilig worden herhaald (bijvoorbeeld na een time-out): hetzelfde "
                "verzoek met dezelfde sleutel geeft 200 met het pakket van de eerste keer; een "
                "ander verzoek met een gebruikte sleutel geeft 409.",
    responses={201: (schemas.Package, "Het nieuwe pakket."),
               200: (schemas.Package, "Herhaald verzoek met dezelfde Idempotency-Key: het "
                                      "pakket van de eerste keer."),
               404: (schemas.Problem, "De organisatie bestaat niet."),
               409: (schemas.Problem, "De Idempotency-Key is al gebruikt voor een ander "
                                      "verzoek.")},
    headers=schemas.IdempotencyHeaders,
    raw={201: {"headers": LOCATION}, 200: {"headers": LOCATION}})
def create_package():
    """Make a package (state concept) from the same fields as the staff form."""
    from app.domain.rules import RuleError
    from app.services.errors import NotFound
    from app.services.packages import create_package as create
    from app.services.intake import IntakeError

    from sqlalchemy.exc import IntegrityError

    from app.extensions import db
    from app.services.packages import find_by_idempotency_key
    from app.store.files import sha256

    body = json_body()
    key = (request.headers.get("Idempotency-Key") or "").strip() or None
    digest = sha256(json.dumps(body, sort_keys=True).encode()) if key else None
    if key is not None:
        if len(key) > 200:
            raise Problem("ongeldige-invoer", "De Idempotency-Key is te lang (hoogstens 200 "
                          "tekens).", errors={"Idempotency-Key": "Hoogstens 200 tekens."})
        earlier = find_by_idempotency_key(key)
        if earlier is not None:
            return _repeated(earlier, digest)
    flat = _flatten_package_body(body)
    new = _parse_package(flat)
    try:
        package = create(new, actor=_actor(), idempotency_key=key, request_sha256=digest)
    except IntakeError as exc:  # the plan asks for a field the input left empty
        db.session.rollback()
        raise Problem("ongeldige-invoer", "Niet alle velden zijn goed ingevuld.",
                      errors={_api_field(k): v for k, v in exc.errors.items()}) from None
    except IntegrityError:  # the same key, made by a concurrent request a moment ago
        db.session.rollback()
        earlier = find_by_idempotency_key(key) if key else None
        if earlier is None:
            raise
        return _repeated(earlier, digest)
    except RuleError as exc:
        errors = {_api_field(exc.field): exc.message} if exc.field else None
        raise Problem("ongeldige-invoer", exc.message, errors=errors) from None
    except NotFound as exc:
        raise Problem("niet-gevonden", str(exc)) from None
    response = jsonify(package_detail(package))
    response.status_code = 201
    response.headers["Location"] = package_url(package.id)
    return response


def _repeated(package, digest: str | None):
    """The answer to a repeated POST with an Idempotency-Key: the package made the first time."""
    if package.request_sha256 != digest:
        raise Problem("conflict", "Deze Idempotency-Key is al gebruikt voor een ander verzoek. "
                      "Gebruik een nieuwe sleutel voor een nieuw pakket.")
    response = jsonify(package_detail(package))
    response.headers["Location"] = package_url(package.id)
    return response


@bp.get("/packages")
@operation("listPackages", "Pakketten, nieuwste eerst", query=schemas.PackageQuery,
           responses={200: (schemas.PackageList, "Een pagina pakketten; `next` is null op de "
                                                 "laatste pagina."),
                      400: (schemas.FieldProblem, "Een zoekvoorwaarde klopt niet; `errors` "
                                                  "noemt welke.")})
def list_packages():
    """Packages, newest first, filtered by state and organisation, a page at a time."""
    asked = parse_query(schemas.PackageQuery, {"state": "Status", "organisation_id": "Organisatie",
                                               "page": "Pagina",
                                               "per_page": "Aantal per pagina"})
    state, organisation_id = asked.state, asked.organisation_id
    page, per_page = asked.page, asked.per_page
    query = sa.select(Package)
    if state:
        query = query.where(Package.state == state)
    if organisation_id is not None:
        query = query.where(Package.organisation_id == organisation_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    packages = db.session.scalars(
        query.order_by(Package.created_at.desc(), Package.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()

    return jsonify(page_of([package_summary(p) for p in packages], page, per_page, total,
                           "api.list_packages", state=state, organisation_id=organisation_id))


@bp.get("/packages/<int:package_id>")
@operation("getPackage", "Een pakket met documenten, ondertekenaars, bedragen en verloop",
           responses={200: (schemas.Package, "Het pakket."), 404: NOT_FOUND})
def get_package(package_id: int):
    """One package with its documents, signers, fees and timeline."""
    return jsonify(package_detail(_package_or_404(package_id)))


@bp.patch("/packages/<int:package_id>")
@operation(
    "editPackage", "Een pakket wijzigen vóór het verzenden", body=schemas.PackageEdit,
    description="Alleen in de status `concept` of `klaar` (zie `actions`). Het pakket wordt "
                "opnieuw samengesteld volgens de regels; in `klaar` worden de documenten opnieuw "
                "gemaakt (eerdere versies blijven bewaard). Het verloop zegt wat er is gewijzigd "
                "en door wie. Een wijziging die een regel breekt (een participant zonder "
                "besproken waarschuwing, een ingangsdatum in het verleden) geeft 422 en "
                "verandert niets.",
    responses={200: (schemas.Package, "Het gewijzigde pakket (of ongewijzigd, als de gegevens "
                                      "al zo waren)."),
               404: NOT_FOUND,
               409: (schemas.Problem, "Het pakket kan in deze status niet worden gewijzigd; "
                                      "`detail` zegt waarom.")})
def edit_package(package_id: int):
    """Change a package before it is sent (concept, klaar): the fields of a new package except
    the organisation; a field left out stays as it is, `solutions` replaces them all."""
    from app.domain.rules import RuleError
    from app.services.editing import edit_package as edit

    new = package_with_changes(_package_or_404(package_id), json_body())
    try:
        result = _call(lambda: edit(package_id, new, _actor()))
    except RuleError as exc:
        db.session.rollback()
        errors = {_api_field(exc.field): exc.message} if exc.field else None
        raise Problem("ongeldige-invoer", exc.message, errors=errors) from None
    return jsonify(package_detail(result.package))


@bp.get("/packages/<int:package_id>/documents/<int:document_id>/<variant>")
@operation("downloadDocument", "Een document downloaden",
           description="`docx` en `pdf` zoals gemaakt, `signed` de ondertekende PDF.",
           responses={200: (None, "Het bestand."),
                      404: (schemas.Problem, "Geen document bij dit pakket, of het bestand is "
                                             "(nog) niet gemaakt."),
                      503: (schemas.Problem, "Het bestand kan nu niet worden gelezen.")},
           raw={200: {"headers": FILE_HEADERS,
                      "content": {"application/pdf": BINARY, DOCX: BINARY}}},
           path_schemas={"variant": {"type": "string", "enum": list(VARIANTS)}})
def download_document(package_id: int, document_id: int, variant: str):
    """The DOCX, PDF or signed PDF of one document of the package."""
    from app.services.documents import document_file
    from app.services.errors import ServiceError
    from app.store.files import StoreError

    document = db.session.get(Document, document_id)
    if variant not in VARIANTS or document is None or document.package_id != package_id:
        raise Problem("niet-gevonden", "Dit document bestaat niet bij dit pakket.")
    try:
        file = document_file(document_id, variant)
    except ServiceError as exc:
        raise _service_problem(exc) from None
    except StoreError:
        log.error("api: document %s (%s) missing from the store", document_id, variant)
        raise Problem("niet-beschikbaar",
                      "Dit bestand kan nu niet worden gelezen. Probeer het later opnieuw.") \
            from None
    return _file_response(file)


@bp.post("/packages/<int:package_id>/send")
@operation(
    "sendPackage", "Verzenden voor ondertekening", body=schemas.SendRequest,
    body_required=False,
    description="Verzendt de PDF's naar de ondertekendienst en mailt de organisatie. Opnieuw "
                "verzenden na een fout hervat dezelfde envelop.\n\nLopen taken via een wachtrij "
                "(instelling `jobs = \"rq\"`, in productie), dan controleert de API alleen of "
                "het pakket nu kan worden verzonden, zet het verzenden in de wachtrij en "
                "antwoordt 202 met het pakket zoals het nu is. Volg daarna `state` met GET op "
                "het pakket: `verzonden`, of `mislukt` met de reden in `last_error`.",
    responses={200: (schemas.Package, "Het verzonden pakket."),
               202: (schemas.Package, "Het verzenden staat in de wachtrij; het pakket zoals "
                                      "het nu is."),
               404: NOT_FOUND, 409: CONFLICT,
               502: (schemas.Problem, "De ondertekendienst gaf een fout; het pakket staat op "
                                      "`mislukt` (`state`, `package`).")})
def send_package(package_id: int):
    """Send the package for signature (body {"provider": "..."} optional).

    Inline jobs: 200 with the sent package (502 when the provider failed). Queued jobs
    (settings `jobs = "rq"`): 202 with the package as it is now; the send follows.
    """
    from app.services.actions import request_send as send

    body = parse_body(schemas.SendRequest, required=False, messages={
        "provider": "Geef de naam van de ondertekendienst als tekst."})
    _package_or_404(package_id)
    package = _call(lambda: send(package_id, body.provider or None, _actor()))
    return _job_response(package, "Verzenden is mislukt.")


@bp.post("/packages/<int:package_id>/cancel")
@operation("cancelPackage", "Intrekken, met reden", body=schemas.CancelRequest,
           description="Een envelop die nog openstaat bij de ondertekendienst, wordt daar eerst "
                       "ingetrokken.",
           responses={200: (schemas.Package, "Het ingetrokken pakket."), 404: NOT_FOUND,
                      409: CONFLICT})
def cancel_package(package_id: int):
    """Withdraw the package, with a reason (body {"reason": "..."})."""
    from app.domain.states import TransitionError
    from app.services.errors import ServiceError
    from app.services.sending import cancel_package as cancel

    reason = parse_body(schemas.CancelRequest, messages={
        "reason": f"Geef een reden op voor het intrekken (hoogstens {MAX_REASON} tekens)."
    }).reason
    _package_or_404(package_id)
    try:
        package = cancel(package_id, reason, _actor())
    except (ServiceError, TransitionError) as exc:
        raise _service_problem(exc) from None
    return jsonify(package_detail(package))


@bp.post("/packages/<int:package_id>/documents")
@operation("makeDocuments", "Documenten maken (DOCX en PDF)", body=schemas.NoBody,
           body_required=False,
           description="Maakt alle documenten van het pakket (opnieuw). Een document dat "
                       "verandert, krijgt een nieuwe versie; eerdere versies blijven bewaard. "
                       "Met een wachtrij (`jobs = \"rq\"`) antwoordt de API 202 en volgen de "
                       "documenten.",
           responses={200: (schemas.Package, "Het pakket met zijn documenten."),
                      202: (schemas.Package, "Staat in de wachtrij."), 404: NOT_FOUND,
                      409: CONFLICT,
                      502: (schemas.Problem, "Omzetten naar PDF mislukte; het pakket staat op "
                                             "`mislukt`.")})
def make_documents(package_id: int):
    """Make (or make again) the package's documents, DOCX and PDF.

    Inline jobs: 200 with the package (502 when a conversion failed: state `mislukt`).
    Queued jobs: 202 with the package as it is now.
    """
    from app.services.actions import request_documents

    parse_body(schemas.NoBody, required=False)
    _package_or_404(package_id)
    package = _call(lambda: request_documents(package_id, _actor()))
    return _job_response(package, "Documenten maken is mislukt.")


def _job_response(package, failed: str):
    """202 when the action waits on the queue; 502 when it ended `mislukt`; else 200."""
    from app.services.actions import queued

    if queued():
        response = jsonify(package_detail(package))
        response.status_code = 202
        return response
    if package.state == PackageState.MISLUKT.value:
        raise Problem("dienst-mislukt", package.last_error or failed,
                      state=package.state, package=package_url(package.id))
    return jsonify(package_detail(package))


COUNCIL_REFUSED = (schemas.FieldProblem,
                   "Geweigerd, er is niets veranderd: een datum in de verkeerde volgorde (naar "
                   "de raad vóór de start, een reactie vóór de toezending, een collegebesluit "
                   "vóór het einde van de termijn zonder reactie van de raad), of een "
                   "ontbrekend veld. `errors` noemt het veld.")
COUNCIL_ANSWERS = {200: (schemas.Package, "Het pakket. Een stap die al met dezelfde gegevens "
                                          "is vastgelegd, verandert niets."),
                   404: NOT_FOUND, 409: CONFLICT, 422: COUNCIL_REFUSED}


@bp.post("/packages/<int:package_id>/council/start")
@operation("startCouncil", "Raadsprocedure starten", body=schemas.NoBody, body_required=False,
           description="Artikel 160, tweede lid, Gemeentewet. De contactpersoon van de gemeente "
                       "krijgt de raadsbrief en het ontwerpbesluit (Word en PDF) per e-mail, met "
                       "wat te doen. Kan na het maken van de documenten.",
           responses=COUNCIL_ANSWERS)
def council_start(package_id: int):
    """Start the raad step (art. 160 lid 2): the gemeente gets the raadsbrief and ontwerpbesluit."""
    from app.services.council import start_council_procedure

    parse_body(schemas.NoBody, required=False)
    _package_or_404(package_id)
    return jsonify(package_detail(_call(lambda: start_council_procedure(package_id,
                                                                         _actor()))))


@bp.post("/packages/<int:package_id>/council/sent-to-raad")
@operation("councilSentToRaad", "Datum waarop het ontwerpbesluit naar de raad ging",
           body=schemas.SentToRaadRequest,
           description="De termijn van de raad (instelling, standaard zes weken) loopt vanaf deze "
                       "datum; `council.deadline` geeft de laatste dag. De documenten die de "
                       "termijn noemen, worden opnieuw gemaakt en de gemeente krijgt de einddatum "
                       "per e-mail.", responses=COUNCIL_ANSWERS)
def council_sent_to_raad(package_id: int):
    """Record the day the ontwerpbesluit went to the raad (body {"sent_on": "2026-12-01"})."""
    from app.services.council import record_sent_to_raad

    body = parse_body(schemas.SentToRaadRequest)
    sent_on = _date(body.sent_on, "sent_on", "Datum waarop het ontwerpbesluit naar de raad ging")
    _package_or_404(package_id)
    return jsonify(package_detail(_call(lambda: record_sent_to_raad(package_id, sent_on,
                                                                     _actor()))))


@bp.post("/packages/<int:package_id>/council/reaction")
@operation("councilReaction", "Reactie van de raad", body=schemas.ReactionRequest,
           description="Geen wensen en bedenkingen, of wensen en bedenkingen met hun tekst, met de "
                       "datum en zo nodig de brief of besluitenlijst van de raad (PDF, base64).",
           responses=COUNCIL_ANSWERS)
def council_reaction(package_id: int):
    """Record the raad's reaction, with its letter (base64 PDF) when given."""
    from app.domain.council import CouncilReaction
    from app.services.council import record_council_reaction

    body = parse_body(schemas.ReactionRequest, messages={
        "reaction": "Kies geen_wensen_en_bedenkingen of wensen_en_bedenkingen.",
        "text": "Geef de wensen en bedenkingen als tekst."})
    reaction = CouncilReaction(body.reaction)
    reaction_on = _date(body.reaction_on, "reaction_on", "Datum van de reactie")
    text = body.text or ""
    filename, data = _upload(body.letter, "letter")
    _package_or_404(package_id)
    return jsonify(package_detail(_call(lambda: record_council_reaction(
        package_id, reaction, reaction_on, text, _actor(), letter=data,
        letter_filename=filename))))


@bp.post("/packages/<int:package_id>/council/decision")
@operation("councilDecision", "Collegebesluit", body=schemas.DecisionRequest,
           description="Kan pas na het einde van de termijn van de raad, of na zijn reactie. Het "
                       "aanmeldformulier (bijlage 1) en de aanbiedingsbrief worden opnieuw gemaakt "
                       "met datum en kenmerk van het besluit; eerdere versies blijven bewaard.",
           responses=COUNCIL_ANSWERS)
def council_decision(package_id: int):
    """Record the College decision (body {"decided_on": "...", "reference": "..."})."""
    from app.services.council import record_college_decision

    body = parse_body(schemas.DecisionRequest, messages={
        "reference": "Geef het kenmerk van het collegebesluit als tekst."})
    decided_on = _date(body.decided_on, "decided_on", "Datum collegebesluit")
    reference = body.reference
    _package_or_404(package_id)
    return jsonify(package_detail(_call(lambda: record_college_decision(
        package_id, decided_on, reference, _actor()))))


@bp.post("/packages/<int:package_id>/volmacht")
@operation("uploadVolmacht", "Volmacht van de gemachtigde toevoegen", body=schemas.Upload,
           description="De volmacht (PDF, base64) van de burgemeester aan de gemachtigde die "
                       "tekent (artikel 171, tweede lid, Gemeentewet).",
           responses=COUNCIL_ANSWERS)
def upload_volmacht(package_id: int):
    """Keep the volmacht (base64 PDF) of the gemachtigde who signs for the gemeente."""
    from app.services.council import store_volmacht

    filename, data = _upload(parse_body(schemas.Upload), "volmacht")
    _package_or_404(package_id)
    return jsonify(package_detail(_call(lambda: store_volmacht(package_id, data, filename,
                                                                _actor()))))


def _call(action):
    """Run a service action; its ServiceError or TransitionError becomes a problem."""
    from app.domain.states import TransitionError
    from app.services.errors import ServiceError

    try:
        return action()
    except (ServiceError, TransitionError) as exc:
        db.session.rollback()
        raise _service_problem(exc) from None


def _date(value: str, name: str, label: str):
    from app.domain import validation as v

    try:
        return v.clean_date(value, name, label)
    except v.InputError as exc:
        raise Problem("ongeldige-invoer", exc.message, errors={name: exc.message}) from None


def _upload(value: schemas.Upload | None, field: str) -> tuple[str | None, bytes | None]:
    """(filename, bytes) of an Upload; (None, None) for none."""
    if value is None:
        return None, None
    try:
        data = base64.b64decode(value.content_base64, validate=True)
    except ValueError:
        raise Problem("ongeldige-invoer", "Het bestand is geen geldige base64.",
                      errors={field: "Het bestand is geen geldige base64."}) from None
    return value.filename, data


# --- public: the API description and the mailed download links -----------------------------------

@bp.get("/openapi.json")
@operation("openapi", "Deze beschrijving (openbaar)", public=True,
           responses={200: (schemas.OpenApiDocument, "OpenAPI 3.1.")})
def openapi():
    """The OpenAPI 3.1 description of this API (public: it holds no data)."""
    from app.api.spec import spec

    return jsonify(spec())


@bp.get("/docs")
@operation("docs", "Deze beschrijving als leesbare pagina (openbaar)", public=True,
           responses={200: (None, "De API-referentie als HTML-pagina.")},
           raw={200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
def docs():
    """The API reference as a page, rendered from the document (no script, no CDN)."""
    from app.api.reference import render_reference
    from app.api.spec import spec

    return render_reference(spec())


@bp.get("/links/<token>")
@operation(
    "link", "Download via een link uit een e-mail (openbaar)", public=True,
    description="De link is ondertekend en verloopt na het aantal dagen uit de instelling "
                "`mail_link_days`. Fouten zijn problem+json, of een korte Nederlandse pagina als "
                "de browser HTML vraagt.",
    responses={200: (None, "Het bestand: een PDF, een Word-bestand (de raadsbrief en het "
                           "ontwerpbesluit), of het ondertekeningsverslag zoals de "
                           "ondertekendienst het gaf."),
               404: (schemas.Problem, "Onbekende link, of het document is er niet (meer)."),
               410: (schemas.Problem, "De link is verlopen.")},
    raw={200: {"headers": FILE_HEADERS,
               "content": {"application/pdf": BINARY, DOCX: BINARY, "text/plain": BINARY,
                           "application/zip": BINARY, "application/octet-stream": BINARY}},
         404: {"content": {"text/html": {"schema": {"type": "string"}}}},
         410: {"content": {"text/html": {"schema": {"type": "string"}}}}})
def link(token: str):
    """A document behind a signed, expiring link from an e-mail; no token needed."""
    from app.mail.links import LinkError
    from app.mail.links import LinkExpired
    from app.mail.links import read_link
    from app.runtime import runtime
    from app.services.documents import FileDownload
    from app.services.documents import document_file
    from app.services.errors import ServiceError
    from app.store.files import StoreError

    try:
        target = read_link(token)
    except LinkExpired:
        return _link_problem("verlopen", "Deze downloadlink is verlopen. Vraag de NVSI om de "
                                         "documenten opnieuw te sturen.")
    except LinkError:
        return _link_problem("niet-gevonden", "Deze downloadlink bestaat niet. Controleer of "
                                              "u de hele link uit de e-mail heeft gebruikt.")
    package = db.session.get(Package, target.package_id)
    gone = package is None or package.state == PackageState.INGETROKKEN.value
    try:
        if gone:
            raise LookupError
        if target.variant == "audit":
            if not package.audit_trail_key:
                raise LookupError
            name = package.audit_trail_filename or "ondertekeningsverslag"
            file = FileDownload(name, runtime().store.get(package.audit_trail_key),
                                mimetypes.guess_type(name)[0] or "application/octet-stream")
        else:
            document = db.session.get(Document, target.document_id)
            if document is None or document.package_id != package.id:
                raise LookupError
            file = document_file(document.id, target.variant)
    except (LookupError, ServiceError, StoreError):
        return _link_problem("niet-gevonden", "Dit document is niet (meer) beschikbaar. "
                                              "Neem contact op met de NVSI.")
    response = _file_response(file)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_problem(kind: str, detail: str) -> Response:
    """problem+json for programs; a short Dutch page for a person who clicked the link."""
    best = request.accept_mimetypes.best_match(["application/problem+json", "application/json",
                                                "text/html"])
    if best != "text/html":
        return problem_response(kind, detail)
    response = problem_response(kind, detail)
    page = (f'<!doctype html><html lang="nl"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(response.json["title"])} · NVSI</title></head>'
            f'<body style="font-family:Arial,sans-serif;max-width:40em;margin:2em auto;'
            f'padding:0 1em;line-height:1.5">'
            f'<h1>{escape(response.json["title"])}</h1><p>{escape(detail)}</p>'
            f'<p>Nederlandse Vereniging voor Sociale Innovatie</p></body></html>')
    return Response(page, status=response.status_code, mimetype="text/html")


def _file_response(file) -> Response:
    response = send_file(io.BytesIO(file.data), mimetype=file.mimetype, as_attachment=True,
                         download_name=file.filename)
    digest = base64.b64encode(hashlib.sha256(file.data).digest()).decode()
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

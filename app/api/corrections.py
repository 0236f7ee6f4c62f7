"""API calls that put right what went wrong after sending: correct a sent package (withdrawn at
the provider, a new linked version sent; app/services/correcting.py), and take up the
envelope staff found at the provider after a send with an unclear outcome
(app/services/orphans.py). The one rule (app/domain/lifecycle.py) decides whether each may
happen now (409 with its Dutch reason otherwise)."""

from __future__ import annotations

from flask import jsonify

from app.api import schemas
from app.api.bodies import check
from app.api.bodies import json_body
from app.api.problems import Problem
from app.api.serialise import package_detail
from app.api.serialise import package_url
from app.api.spec import CONFLICT
from app.api.spec import LOCATION
from app.api.spec import NOT_FOUND
from app.api.spec import operation
from app.api.views import _actor
from app.api.views import _api_field
from app.api.views import _call
from app.api.views import _package_or_404
from app.api.views import bp
from app.api.views import package_with_changes
from app.extensions import db


@bp.post("/packages/<int:package_id>/correct")
@operation(
    "correctPackage", "Een verzonden pakket corrigeren en opnieuw verzenden",
    body=schemas.PackageCorrection,
    description="Alleen voor een pakket dat uit is voor ondertekening (zie `actions`). Het "
                "pakket wordt bij de ondertekendienst ingetrokken met de reden, een nieuwe "
                "versie wordt gemaakt (gekoppeld aan de oude) en verzonden, en de organisatie "
                "krijgt één e-mail dat het eerdere verzoek vervalt. Velden zoals bij het "
                "wijzigen; wat ontbreekt, blijft zoals het is. Een correctie zonder reden, "
                "zonder wijziging of die een regel breekt, verandert niets.",
    responses={201: (schemas.Package, "De nieuwe versie van het pakket."), 404: NOT_FOUND,
               409: CONFLICT},
    raw={201: {"headers": LOCATION}})
def correct_package(package_id: int):
    """Correct a sent package (app.services.correcting.correct_package)."""
    from app.domain.rules import RuleError
    from app.services.correcting import correct_package as correct
    from app.services.intake import IntakeError

    body = json_body()
    package = _package_or_404(package_id)
    reason = body.pop("reason", None)
    reason = reason if isinstance(reason, str) else ""  # the service refuses a blank one
    new = package_with_changes(package, body)
    try:
        result = _call(lambda: correct(package_id, new, reason, _actor()))
    except RuleError as exc:
        db.session.rollback()
        errors = {_api_field(exc.field): exc.message} if exc.field else None
        raise Problem("ongeldige-invoer", exc.message, errors=errors) from None
    except IntakeError as exc:
        db.session.rollback()
        raise Problem("ongeldige-invoer", "Niet alle velden zijn goed ingevuld.",
                      errors={_api_field(k): v for k, v in exc.errors.items()}) from None
    response = jsonify(package_detail(result.new))
    response.status_code = 201
    response.headers["Location"] = package_url(result.new.id)
    return response


@bp.post("/packages/<int:package_id>/found-envelope")
@operation(
    "foundEnvelope", "Een gevonden envelop opgeven na een onduidelijke verzending",
    body=schemas.FoundEnvelope,
    description="Na een verzending met een onduidelijke uitkomst bij een dienst die niet kan "
                "worden doorzocht (Signhost): Tekenklaar controleert bij de dienst dat de "
                "envelop het kenmerk van dit pakket heeft, en hervat hem (nog niet opnieuw "
                "verzonden) of annuleert hem daar als ongebruikt (intussen opnieuw verzonden).",
    responses={200: (schemas.FoundEnvelopeResult, "Wat er met de envelop is gedaan."),
               404: NOT_FOUND, 409: CONFLICT})
def found_envelope(package_id: int):
    """Resume or cancel the envelope found at the provider (app.services.orphans)."""
    from app.services.orphans import take_found_envelope

    body = check(schemas.FoundEnvelope, json_body())
    _package_or_404(package_id)
    outcome = _call(lambda: take_found_envelope(package_id, body.envelope_id, _actor()))
    return jsonify({"outcome": outcome, "package": package_detail(_package_or_404(package_id))})

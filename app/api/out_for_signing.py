"""API calls while a package is out for signing: remind the signers, ask the provider for the
state (re-poll), and, signing on paper, record that the organisation signed and upload the
signed scan of a document. Each goes through
the service the package page uses, and the one rule (app/domain/lifecycle.py) decides whether
it may happen now (409 with its Dutch reason otherwise)."""

from __future__ import annotations

from flask import jsonify
from flask import request

from app.api import schemas
from app.api.bodies import check
from app.api.bodies import parse_body
from app.api.problems import Problem
from app.api.serialise import package_detail
from app.api.spec import CONFLICT
from app.api.spec import NOT_FOUND
from app.api.spec import operation
from app.api.views import _actor
from app.api.views import _call
from app.api.views import _date
from app.api.views import _package_or_404
from app.api.views import bp
from app.extensions import db
from app.services.errors import ServiceError

NO_BODY = {"body": schemas.NoBody, "body_required": False}
PROVIDER_FAILED = (schemas.Problem, "De ondertekendienst gaf een fout; er is niets veranderd.")


@bp.post("/packages/<int:package_id>/remind")
@operation("remindPackage", "Herinnering sturen aan de ondertekenaars", **NO_BODY,
           description="Via de ondertekendienst waar die dat kan; bij ondertekenen op papier "
                       "krijgt de organisatie de documenten opnieuw per e-mail. Kan alleen bij "
                       "een verzonden pakket (zie `actions`).",
           responses={200: (schemas.Package, "Het pakket; het verloop noemt de herinnering."),
                      404: NOT_FOUND, 409: CONFLICT})
def remind_package(package_id: int):
    """Remind the signers whose turn it is (app.services.sending.remind_package)."""
    from app.services.sending import remind_package as remind

    parse_body(schemas.NoBody, required=False)
    _package_or_404(package_id)
    return jsonify(package_detail(_call(lambda: remind(package_id, _actor()))))


@bp.post("/packages/<int:package_id>/refresh")
@operation("refreshPackage", "Status opvragen bij de ondertekendienst", **NO_BODY,
           description="Voor een bericht van de ondertekendienst dat niet aankwam, of om het "
                       "archiveren opnieuw te proberen. Nieuwe gebeurtenissen worden verwerkt "
                       "zoals een bericht van de dienst. Niet bij ondertekenen op papier: daar "
                       "voegt u de scans toe.",
           responses={200: (schemas.Package, "Het pakket na het opvragen."), 404: NOT_FOUND,
                      409: CONFLICT})
def refresh_package(package_id: int):
    """Poll the provider for the envelope's state (app.services.sending.refresh_package)."""
    from app.services.sending import refresh_package as refresh

    parse_body(schemas.NoBody, required=False)
    _package_or_404(package_id)
    package = _call(lambda: refresh(package_id, _actor()))
    return jsonify(package_detail(package if package is not None
                                  else _package_or_404(package_id)))


@bp.post("/packages/<int:package_id>/organisation-signed")
@operation("organisationSigned", "Vastleggen dat de organisatie heeft getekend (op papier)",
           body=schemas.OrganisationSignedRequest, body_required=False,
           description="Bij ondertekenen op papier, vóór het NVSI-bestuur tekent: de "
                       "ondertekenaars van de organisatie staan daarna op ondertekend, het "
                       "bestuur krijgt een e-mail dat het aan de beurt is en de herinneringen "
                       "gaan naar het bestuur. De scans met alle handtekeningen volgen daarna.",
           responses={200: (schemas.Package, "Het pakket."), 404: NOT_FOUND, 409: CONFLICT})
def organisation_signed(package_id: int):
    """Record that the organisation signed (app.services.sending.record_organisation_signed)."""
    from app.services.sending import record_organisation_signed

    body = parse_body(schemas.OrganisationSignedRequest, required=False)
    signed_on = _date(body.signed_on, "signed_on", "Datum van ondertekening") \
        if body.signed_on else None
    _package_or_404(package_id)
    return jsonify(package_detail(_call(lambda: record_organisation_signed(
        package_id, _actor(), signed_on=signed_on))))


@bp.post("/packages/<int:package_id>/documents/<int:document_id>/scan")
@operation(
    "uploadScan", "Ondertekende scan van een document toevoegen (op papier)",
    form=schemas.ScanUpload,
    description="Als `multipart/form-data`: een of meer PDF-bestanden in `file` (een document "
                "dat in delen is gescand, in volgorde), de datum op het papier in `signed_on` "
                "(standaard vandaag). Heeft de scan een ander aantal pagina's dan het "
                "verzonden document, dan volgt 422 met een waarschuwing; klopt het toch, stuur "
                "dan `pages_confirmed=true` mee. Is het laatste document binnen, dan is het "
                "pakket ondertekend en wordt het gearchiveerd.",
    responses={200: (schemas.Package, "Het pakket met de scan."), 404: NOT_FOUND,
               409: CONFLICT})
def upload_scan(package_id: int, document_id: int):
    """Store the signed scan of one document (app.services.sending.upload_signed_scan)."""
    from app.services.sending import combine_scans
    from app.services.sending import upload_signed_scan

    if request.mimetype != "multipart/form-data":
        raise Problem("verkeerd-mediatype", "Stuur de scan als multipart/form-data, met de "
                                            "PDF in het veld 'file'.")
    files = [data for data in (f.read() for f in request.files.getlist("file")) if data]
    form = check(schemas.ScanUpload, {
        **{name: value for name, value in request.form.items()},
        "file": files}, messages={"file": "Kies een of meer PDF-bestanden (veld 'file')."})
    signed_on = _date(form.signed_on, "signed_on", "Datum van ondertekening") \
        if form.signed_on else None
    _package_or_404(package_id)

    def upload():
        try:
            return upload_signed_scan(package_id, document_id, combine_scans(form.file),
                                      _actor(), signed_on=signed_on,
                                      pages_confirmed=form.pages_confirmed in ("true", "ja"))
        except ServiceError as exc:
            if exc.field in ("file", "document", "signed_on"):
                db.session.rollback()
                name = {"document": "document_id"}.get(exc.field, exc.field)
                raise Problem("ongeldige-invoer", exc.message,
                              errors={name: exc.message}) from None
            raise

    return jsonify(package_detail(_call(upload)))

"""API calls for organisations as records: the list, one organisation with its address and
the people on file, and an edit of its details and of who is on file (with history), through
the service the organisation pages use (app/services/organisations.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from app.api import schemas
from app.api.bodies import parse_body
from app.api.bodies import parse_query
from app.api.problems import Problem
from app.api.serialise import organisation_record
from app.api.serialise import organisation_summary
from app.api.serialise import page_of
from app.api.spec import NOT_FOUND
from app.api.spec import operation
from app.api.views import _actor
from app.api.views import bp
from app.extensions import db
from app.store.models import Organisation

INVALID = "Niet alle velden zijn goed ingevuld."
DETAIL_FIELDS = {"name": "org_name", "kvk": "org_kvk", "oin": "org_oin",
                 "street": "org_street", "postcode": "org_postcode", "city": "org_city"}


@bp.get("/organisations")
@operation("listOrganisations", "Organisaties, op naam", query=schemas.OrganisationQuery,
           responses={200: (schemas.OrganisationList, "Een pagina organisaties."),
                      400: (schemas.FieldProblem, "Een zoekvoorwaarde klopt niet; `errors` "
                                                  "noemt welke.")})
def list_organisations():
    """Organisations by name, filtered by kind, a page at a time."""
    asked = parse_query(schemas.OrganisationQuery, {"kind": "Soort", "page": "Pagina",
                                                    "per_page": "Aantal per pagina"})
    query = sa.select(Organisation)
    if asked.kind:
        query = query.where(Organisation.kind == asked.kind)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    found = db.session.scalars(query.order_by(Organisation.name, Organisation.id)
                               .offset((asked.page - 1) * asked.per_page)
                               .limit(asked.per_page)).all()

    return jsonify(page_of([organisation_summary(o) for o in found], asked.page,
                           asked.per_page, total, "api.list_organisations", kind=asked.kind))


@bp.get("/organisations/<int:organisation_id>")
@operation("getOrganisation", "Een organisatie met adres, contactpersonen en geschiedenis",
           responses={200: (schemas.OrganisationRecord, "De organisatie."), 404: NOT_FOUND})
def get_organisation(organisation_id: int):
    """One organisation as a record."""
    return jsonify(organisation_record(_organisation_or_404(organisation_id)))


@bp.patch("/organisations/<int:organisation_id>")
@operation(
    "editOrganisation", "Een organisatie bijwerken", body=schemas.OrganisationEdit,
    description="De gegevens en het adres (velden die ontbreken blijven zoals ze zijn), en de "
                "contactpersoon en ondertekenaar op dossier. Wie eerder op dossier stond, "
                "blijft in `contact_persons` met `replaced_at`; pakketten houden de mensen "
                "waarmee ze zijn gemaakt. Elke wijziging staat in `history`. Alles wordt eerst "
                "gecontroleerd: één fout veld geeft 422 en verandert niets.",
    responses={200: (schemas.OrganisationRecord, "De bijgewerkte organisatie (of "
                                                 "ongewijzigd, als alles al zo was)."),
               404: NOT_FOUND})
def edit_organisation(organisation_id: int):
    """Check the details and the people first, then store each through the service."""
    from app.domain.municipalities import load_municipalities
    from app.domain.records import OnFileRole
    from app.domain.signatory import SignatoryCapacity
    from app.runtime import runtime
    from app.services.intake import IntakeError
    from app.services.intake import parse_organisation_details
    from app.services.intake import parse_person
    from app.services.organisations import edit_details
    from app.services.organisations import put_on_file

    body = parse_body(schemas.OrganisationEdit)
    organisation = _organisation_or_404(organisation_id)
    errors: dict[str, str] = {}
    current = {"org_kind": organisation.kind, "cbs_code": organisation.cbs_code or "",
               "org_name": organisation.name, "org_kvk": organisation.kvk or "",
               "org_oin": organisation.oin or "", "org_street": organisation.street or "",
               "org_postcode": organisation.postcode or "", "org_city": organisation.city or ""}
    given = {DETAIL_FIELDS[name]: value or "" for name, value in
             body.model_dump(include=set(DETAIL_FIELDS), exclude_unset=True).items()}
    if organisation.kind == "gemeente" and given.get("org_name", organisation.name) \
            != organisation.name:
        errors["name"] = "De naam van een gemeente is die van het CBS en verandert niet."
    details = None
    if given:
        try:
            details = parse_organisation_details(
                current | given, load_municipalities(runtime().settings.data_dir))
        except IntakeError as exc:
            back = {form: api for api, form in DETAIL_FIELDS.items()}
            errors |= {back.get(k, k): v for k, v in exc.errors.items()}
    people = []
    for role, prefix, person in ((OnFileRole.CONTACT, "contact", body.contact),
                                 (OnFileRole.SIGNATORY, "signatory", body.signatory)):
        if person is None:
            continue
        fields = {f"{prefix}_{k}": v or "" for k, v in person.model_dump().items()
                  if k != "capacity"}
        try:
            checked = parse_person(fields, prefix, role.value,
                                   phone_required=role is OnFileRole.CONTACT)
        except IntakeError as exc:
            errors |= {f"{prefix}.{k.removeprefix(prefix + '_')}": v
                       for k, v in exc.errors.items()}
            continue
        capacity = SignatoryCapacity(person.capacity) if role is OnFileRole.SIGNATORY else None
        people.append((role, checked, capacity))
    if errors:
        raise Problem("ongeldige-invoer", INVALID, errors=errors)
    if details is not None:
        edit_details(organisation_id, details, _actor())
    for role, checked, capacity in people:
        put_on_file(organisation_id, role, checked, _actor(), capacity)
    db.session.expire_all()
    return jsonify(organisation_record(_organisation_or_404(organisation_id)))


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise Problem("niet-gevonden", "Deze organisatie bestaat niet.")
    return organisation

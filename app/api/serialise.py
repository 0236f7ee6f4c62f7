"""The JSON shapes of the API: packages, documents, signers, fees, timeline.

Amounts are decimal strings with two decimals ("6216.19"); dates are ISO 8601
("2027-01-01"); moments are UTC with a Z ("2026-11-28T15:30:02Z"). The pydantic models
of app/api/schemas.py describe the same shapes (the OpenAPI document is generated from them)
and the tests check every answer against that document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import has_request_context
from flask import request
from flask import url_for

from app.domain.states import PackageState
from app.domain.states import SignerState
from app.runtime import runtime
from app.store.models import Document
from app.store.models import Package

VARIANTS = ("docx", "pdf", "signed")
SIGNER_LABELS = {state.value: state.label for state in SignerState}


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(Decimal('0.01')):f}"


def day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def moment(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def state_label(state: str) -> str:
    try:
        return PackageState(state).label
    except ValueError:
        return state


def public_url_for(endpoint: str, **values) -> str:
    """An absolute URL on the configured public URL (TEKENKLAAR_PUBLIC_URL), never on the
    Host header a client sent: a forged Host must not put its own address in our answers."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return runtime().settings.public_url.rstrip("/") + path


def page_of(items: list[dict], page: int, per_page: int, total: int, endpoint: str,
            **args) -> dict:
    """One page of a list, with the addresses of the next and previous pages (same filters:
    `args` left out when None)."""
    args = {name: value for name, value in args.items() if value is not None}

    def url(number: int) -> str:
        return public_url_for(endpoint, page=number, per_page=per_page, **args)

    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "next": url(page + 1) if page * per_page < total else None,
            "previous": url(page - 1) if page > 1 else None}


def package_url(package_id: int) -> str:
    return public_url_for("api.get_package", package_id=package_id)


def package_summary(package: Package) -> dict:
    """The short form used in lists."""
    organisation = package.organisation
    return {
        "id": package.id,
        "reference_number": package.reference_number,
        "state": package.state,
        "state_label": state_label(package.state),
        "involvement": package.involvement,
        "organisation": {"id": organisation.id, "name": organisation.name,
                         "kind": organisation.kind},
        "total": money(package.total),
        "created_at": moment(package.created_at),
        "updated_at": moment(package.updated_at),
        "sent_at": moment(package.sent_at),
        "signed_at": moment(package.signed_at),
        "links": {"self": package_url(package.id)},
    }


def package_detail(package: Package) -> dict:
    """Everything about one package."""
    organisation = package.organisation
    reference = runtime().reference
    result = package_summary(package)
    result.update({
        "organisation": {
            "id": organisation.id, "name": organisation.name, "kind": organisation.kind,
            "cbs_code": organisation.cbs_code, "kvk": organisation.kvk,
            "oin": organisation.oin,
            "address": _address(organisation),
        },
        "contact": _person(package.contact),
        "signatory": _signatory(package),
        "second_signatory": (_person(package.second_signatory)
                             if package.second_signatory is not None else None),
        "council": _council(package) if package.needs_council else None,
        "actions": _actions(package),
        "participant_warning_acknowledged": package.participant_warning_acknowledged,
        "needs_council": package.needs_council,
        "council_deadline": day(package.council_deadline),
        "college_decision_on": day(package.college_decision_on),
        "provider": package.provider,
        "last_error": package.last_error,
        "state_reason": package.state_reason,
        "warnings": list(package.warnings or []),
        "skipped": [{"kind": s.get("kind"), "reason": s.get("reason"),
                     "solution_code": s.get("solution")} for s in package.skipped or []],
        "fees": {
            "solutions": [{
                "code": s.solution_code,
                "name": _solution_name(reference, s.solution_code),
                "start": day(s.start_date),
                "contracted": s.contracted,
                "year": s.fee_year,
                "licence": money(s.licence),
                "management": money(s.management),
                "surcharge": money(s.surcharge),
                "surcharge_kind": s.surcharge_kind,
                "surcharge_rate": money(s.surcharge_rate),
                "alv_decision": s.alv_decision,
                "total": money(s.total),
            } for s in package.solutions],
            "total": money(package.total),
            "years": _fee_years(package),
        },
        "documents": [document(package, d) for d in package.documents],
        "signers": [{
            "order": s.order, "party": s.party, "name": s.name, "email": s.email,
            "role": s.role, "state": s.state,
            "state_label": SIGNER_LABELS.get(s.state, s.state),
            "state_at": moment(s.state_at), "reason": s.reason,
        } for s in package.signers],
        "timeline": [{
            "at": moment(e.at), "actor": e.actor, "kind": e.kind, "message": e.message,
            "state_from": e.state_from, "state_to": e.state_to,
        } for e in package.events],
    })
    result["links"] = {
        "self": package_url(package.id),
        "send": public_url_for("api.send_package", package_id=package.id),
        "cancel": public_url_for("api.cancel_package", package_id=package.id),
        "documents": public_url_for("api.make_documents", package_id=package.id),
        "remind": public_url_for("api.remind_package", package_id=package.id),
        "refresh": public_url_for("api.refresh_package", package_id=package.id),
    }
    return result


def document(package: Package, doc: Document) -> dict:
    keys = {"docx": doc.docx_key, "pdf": doc.pdf_key, "signed": doc.signed_key}
    return {
        "id": doc.id,
        "position": doc.position,
        "kind": doc.kind,
        "title": doc.title,
        "solution_code": doc.solution_code,
        "start_date": day(doc.start_date),
        "signed_required": doc.signed_required,
        "sha256": {"docx": doc.docx_sha256, "pdf": doc.pdf_sha256, "sent": doc.sent_sha256,
                   "signed": doc.signed_sha256},
        "made_at": moment(doc.made_at),
        "sent_at": moment(doc.sent_at),
        "signed_at": moment(doc.signed_at),
        "links": {variant: (public_url_for("api.download_document", package_id=package.id,
                                           document_id=doc.id, variant=variant)
                            if keys[variant] else None)
                  for variant in VARIANTS},
        "versions": [{
            "number": v.number, "made_at": moment(v.made_at), "made_by": v.made_by,
            "reason": v.reason or None,
            "sha256": {"docx": v.docx_sha256, "pdf": v.pdf_sha256},
            "sent_at": moment(v.sent_at), "sent_to": v.sent_to,
        } for v in doc.versions],
    }


def _signatory(package: Package) -> dict:
    """The signer with the capacity and authority printed beside the signature (art. 171)."""
    from app.domain.organisations import OrgKind
    from app.domain.signatory import authority_text
    from app.services.packages import signatory_capacity
    from app.services.packages import volmacht_of

    capacity = signatory_capacity(package)
    volmacht = volmacht_of(package)
    result = _person(package.signatory)
    result.update({
        "capacity": capacity.value,
        "authority": authority_text(capacity, package.organisation.name,
                                    OrgKind(package.organisation.kind), volmacht),
        "volmacht": None if volmacht is None else {
            "date": day(volmacht.granted_on), "reference": volmacht.reference,
            "sha256": package.volmacht_sha256},
    })
    return result


def _actions(package: Package) -> dict:
    """What may happen next by the one rule: the allowed actions, and why each other is not."""
    from app.domain.lifecycle import Action
    from app.services.lifecycle import refusals

    refused = refusals(package)
    return {"allowed": sorted(a.value for a in Action if a not in refused),
            "refused": {a.value: reason for a, reason in sorted(refused.items())}}


def _council(package: Package) -> dict:
    """The raad step (Gemeentewet art. 160 lid 2) as recorded, and what may come next."""
    from app.services.council import council_steps

    return {
        "started_on": day(package.council_started_on),
        "sent_to_raad_on": day(package.council_sent_on),
        "deadline": day(package.council_deadline),
        "reaction": package.council_reaction,
        "reaction_on": day(package.council_reaction_on),
        "reaction_text": package.council_reaction_text,
        "letter_sha256": package.council_letter_sha256,
        "decided_on": day(package.college_decision_on),
        "decision_reference": package.college_decision_reference,
        "reminder_sent_on": day(package.council_reminder_sent_on),
        "next_steps": sorted(step.value for step in council_steps(package)),
    }


def _person(person) -> dict:
    return {"name": person.name, "function": person.function, "email": person.email,
            "phone": person.phone or None}


def _solution_name(reference, code: str) -> str:
    try:
        return reference.solution(code).name
    except KeyError:
        return code


def _fee_years(package: Package) -> list[dict]:
    """The invoices per calendar year, as the package's documents state them."""
    from app.services.packages import plan_of

    return [{
        "year": year.year, "amount": money(year.amount), "vat": money(year.vat),
        "including_vat": money(year.including_vat),
        "lines": [{"code": line.fee.solution_code, "start": day(line.start),
                   "units": line.share.units, "of_units": line.share.of_units,
                   "amount": money(line.amount), "vat": money(line.vat),
                   "including_vat": money(line.including_vat)} for line in year.charges],
    } for year in plan_of(package).years]


def organisation_summary(organisation) -> dict:
    """An organisation in a list."""
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind,
            "cbs_code": organisation.cbs_code,
            "address": _address(organisation),
            "links": {"self": public_url_for("api.get_organisation",
                                             organisation_id=organisation.id)}}


def organisation_record(organisation) -> dict:
    """One organisation: details, address, the people on file (and before), its history."""
    from app.domain.records import OnFileRole
    from app.services.organisations import history
    from app.services.organisations import on_file

    def person(contact) -> dict | None:
        if contact is None:
            return None
        return {"role": contact.on_file_as, "name": contact.name, "function": contact.function,
                "email": contact.email, "phone": contact.phone or None,
                "signatory_capacity": contact.signatory_capacity,
                "since": moment(contact.created_at), "replaced_at": moment(contact.replaced_at)}

    return {
        "id": organisation.id, "name": organisation.name, "kind": organisation.kind,
        "cbs_code": organisation.cbs_code, "kvk": organisation.kvk, "oin": organisation.oin,
        "address": _address(organisation),
        "contact": person(on_file(organisation, OnFileRole.CONTACT)),
        "signatory": person(on_file(organisation, OnFileRole.SIGNATORY)),
        "contact_persons": [person(c) for c in sorted(organisation.contacts,
                                                      key=lambda c: (c.created_at, c.id))],
        "history": [{"at": moment(e.at), "actor": e.actor, "message": e.message}
                    for e in history(organisation)],
        "links": {"self": public_url_for("api.get_organisation",
                                         organisation_id=organisation.id),
                  "packages": public_url_for("api.list_packages",
                                             organisation_id=organisation.id)},
    }


def _address(organisation) -> dict:
    return {"street": organisation.street, "postcode": organisation.postcode,
            "city": organisation.city}

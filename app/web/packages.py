"""Package pages: 'Nieuw pakket' (preview and create) and one package with its actions.

The action services (documents, council, sending) are imported inside the views, so this
module imports on its own and each page only needs the services it calls.
"""

from __future__ import annotations

import io
import logging

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from app.domain.municipalities import load_municipalities
from app.domain.council import CouncilReaction
from app.domain.rules import PARTICIPANT_WARNING
from app.domain.rules import RuleError
from app.domain.signatory import SignatoryCapacity
from app.domain.states import PackageState
from app.domain.states import TransitionError
from app.extensions import db
from app.runtime import runtime
from app.services.providers import default_provider
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.services.intake import IntakeError
from app.web import forms
from app.store.files import StoreError
from app.web.views import CONTENT_SECURITY_POLICY
from app.web.views import bp

log = logging.getLogger(__name__)

GENERAL = ""  # the key of an error that belongs to no one field
UNREADABLE = ("Dit bestand kan nu niet worden gelezen. Probeer het later opnieuw; lukt het dan "
              "nog niet, meld het aan de beheerder van Tekenklaar.")

VARIANTS = {"docx": "docx", "pdf": "pdf", "ondertekend": "signed"}


def _actor() -> str:
    return current_user.email


# The form's few lines of script (static/new-package.js) are the only script on any page.
FORM_CSP = CONTENT_SECURITY_POLICY.replace("script-src 'none'", "script-src 'self'")


# --- Nieuw pakket ----------------------------------------------------------------------------

@bp.get("/pakketten/nieuw")
@login_required
def package_new():
    """The empty form for a new package."""
    from app.services.organisations import get_organisation
    from app.services.organisations import new_package_start

    values = {"form_key": forms.new_form_key()}
    taken_from = []
    organisation_id = request.args.get("organisatie", "")
    if organisation_id.isdigit():  # "Nieuw pakket" from an organisation's page
        values |= {"org_source": "bestaand", "organisation_id": organisation_id}
        try:  # it starts from what is on file, and says what it took from where
            start, taken_from = new_package_start(get_organisation(int(organisation_id)))
            values |= start
        except NotFound:
            pass
        replaces = request.args.get("vervangt", "")
        if replaces.isdigit():  # "Vervangen door een nieuw pakket" from a package's page
            values["replaces"] = replaces
    return _new_form(values, taken_from=taken_from)


@bp.post("/pakketten/nieuw")
@login_required
def package_new_post():
    """'Voorbeeld bekijken' shows what the rules make of the input; 'Pakket aanmaken' stores it.

    The form carries a random `form_key`, made when the empty form was shown and kept through
    the preview and errors: 'Pakket aanmaken' pressed twice makes one package, and the second
    press shows the package made by the first.
    """
    from sqlalchemy.exc import IntegrityError

    from app.services.packages import create_package
    from app.services.packages import preview

    values = forms.form_values(request.form)
    key = forms.form_key(values)
    if key is None:  # a form from before form keys, or tampered with: give it one now
        values["form_key"] = forms.new_form_key()
    creating = values.get("action") == "aanmaken"
    if creating and key is not None:
        repeated = _repeated_create(values, key)
        if repeated is not None:
            return repeated
    settings, reference = runtime().settings, runtime().reference
    try:
        new = forms.parse_package_form(request.form, load_municipalities(settings.data_dir),
                                       set(reference.solutions))
    except IntakeError as exc:
        return _new_form(values, exc.errors, status=422)
    try:
        if creating:
            package = create_package(
                new, actor=_actor(),
                idempotency_key=f"web:{key}" if key else None,
                request_sha256=_form_digest(values) if key else None)
        else:
            return _new_form(values, plan=preview(new))
    except IntegrityError:  # the same form, stored by a request a moment ago
        db.session.rollback()
        repeated = _repeated_create(values, key) if key else None
        if repeated is None:
            raise
        return repeated
    except IntakeError as exc:  # the plan asks for a field left empty (FG, breach contact)
        db.session.rollback()
        return _new_form(values, exc.errors, status=422)
    except RuleError as exc:
        db.session.rollback()
        message = exc.message
        if exc.field == "participant_warning_acknowledged":  # the warning itself is shown above
            message = ("Participant met oplossingen: vink aan dat u de organisatie op de "
                       "waarschuwing heeft gewezen.")
        field = forms.solution_row_field(exc.field, values, set(reference.solutions))
        return _new_form(values, {field or GENERAL: message}, status=422)
    except NotFound as exc:
        db.session.rollback()
        return _new_form(values, {"organisation_id": exc.message}, status=422)
    flash(f"Pakket {package.reference_number} is aangemaakt. Maak nu de documenten.", "success")
    return redirect(url_for("web.package_show", package_id=package.id))


def _form_digest(values: dict) -> str:
    """The SHA-256 of what was filled in (not the button pressed or the form's own fields)."""
    import hashlib
    import json

    typed = {k: v for k, v in values.items() if k not in {"action", "form_key"}}
    return hashlib.sha256(json.dumps(typed, sort_keys=True).encode()).hexdigest()


def _repeated_create(values: dict, key: str):
    """The answer when this form made a package before, or None when it did not.

    The same input: go to that package. Changed input (the form was edited after the package
    was made): say so, and give the form a new key, so pressing again makes a second package.
    """
    from app.services.packages import find_by_idempotency_key

    earlier = find_by_idempotency_key(f"web:{key}")
    if earlier is None:
        return None
    if earlier.request_sha256 == _form_digest(values):
        flash(f"Pakket {earlier.reference_number} was al aangemaakt met dit formulier; er is "
              "geen tweede pakket gemaakt.", "info")
        return redirect(url_for("web.package_show", package_id=earlier.id))
    values["form_key"] = forms.new_form_key()
    return _new_form(values, {GENERAL: (
        f"Met dit formulier is al pakket {earlier.reference_number} aangemaakt. Wilt u met de "
        "gewijzigde gegevens nog een pakket maken? Kies dan opnieuw Pakket aanmaken.")},
        status=409)


def _new_form(values: dict, errors: dict | None = None, plan=None, status: int = 200,
              taken_from: list[str] | None = None):
    from app.web.queries import known_organisations
    from app.web.queries import members

    settings, reference = runtime().settings, runtime().reference
    errors = errors or {}
    organisations = known_organisations()
    sources = forms.org_sources(bool(organisations))
    from app.store.models import Package

    replacing = None
    if str(values.get("replaces", "")).isdigit():
        replacing = db.session.get(Package, int(values["replaces"]))
    return render_template(
        "package_new.html",
        values=values,
        taken_from=taken_from or [],
        errors=errors,
        error_list=forms.ordered_errors(errors),
        anchor=lambda field: forms.anchor(field, sources),
        plan=plan,
        organisations=organisations,
        municipalities=load_municipalities(settings.data_dir).values(),
        catalogue=reference.solutions,
        org_sources=sources,
        other_kinds=forms.OTHER_KINDS,
        solution_rows=forms.shown_solution_rows(values),
        participant_warning=PARTICIPANT_WARNING,
        signatory_capacities=[(c.value, c.label) for c in SignatoryCapacity],
        members=members(),
        replacing=replacing,
    ), status, {"Content-Security-Policy": FORM_CSP}


# --- Pakket wijzigen -------------------------------------------------------------------------

@bp.get("/pakketten/<int:package_id>/wijzigen")
@login_required
def package_edit(package_id: int):
    """The package form filled in with the package as it is (concept and klaar only)."""
    from app.services.editing import fields_of

    package, refused = _editable(package_id)
    if refused is not None:
        return refused
    return _edit_form(package, fields_of(package))


@bp.post("/pakketten/<int:package_id>/wijzigen")
@login_required
def package_edit_post(package_id: int):
    """Store the edit: planned again, documents made again, the change on the timeline."""
    from app.services.editing import edit_package

    package, refused = _editable(package_id)
    if refused is not None:
        return refused
    values = forms.form_values(request.form)
    try:
        result = edit_package(package_id, _parse_terms(package, values), _actor())
    except (IntakeError, RuleError) as exc:
        return _edit_form(package, values, _form_errors(exc, values), status=422)
    except (ServiceError, TransitionError) as exc:
        db.session.rollback()
        return _package_page(package_id, {GENERAL: getattr(exc, "message", str(exc))},
                             status=409)
    if not result.changes:
        flash("Er is niets gewijzigd: de gegevens waren al zo.", "info")
    elif result.remade:
        flash("Het pakket is gewijzigd en de documenten zijn opnieuw gemaakt.", "success")
    else:
        flash("Het pakket is gewijzigd.", "success")
    return redirect(url_for("web.package_show", package_id=package_id))


def _parse_terms(package, values: dict):
    """The package form's values (for the package's own organisation) as a NewPackage;
    raises IntakeError."""
    values |= {"org_source": "bestaand", "organisation_id": str(package.organisation_id)}
    return forms.parse_package_form(values, load_municipalities(runtime().settings.data_dir),
                                    set(runtime().reference.solutions))


def _form_errors(exc, values: dict) -> dict:
    """The form's errors for an IntakeError or a RuleError (on the field it names)."""
    if isinstance(exc, IntakeError):
        return exc.errors
    db.session.rollback()
    message = exc.message
    if exc.field == "participant_warning_acknowledged":
        message = ("Participant met oplossingen: vink aan dat u de organisatie op de "
                   "waarschuwing heeft gewezen.")
    field = forms.solution_row_field(exc.field, values, set(runtime().reference.solutions))
    return {field or GENERAL: message}


def _editable(package_id: int, action=None):
    """(package, None) when the one rule lets the package be edited (or `action` be taken);
    else (None, the package page with the rule's reason, 409)."""
    from app.domain.lifecycle import Action
    from app.services.lifecycle import refusals
    from app.services.packages import get_package

    try:
        package = get_package(package_id)
    except NotFound:
        abort(404)
    reason = refusals(package).get(action or Action.EDIT)
    if reason:
        return None, _package_page(package_id, {GENERAL: reason}, status=409)
    return package, None


def _edit_form(package, values: dict, errors: dict | None = None, status: int = 200,
               correcting: bool = False):
    reference = runtime().reference
    errors = errors or {}
    order = ("reason", *forms.FIELD_ORDER) if correcting else forms.FIELD_ORDER
    return render_template(
        "package_new.html",
        editing=package,
        correcting=correcting,
        values=values,
        errors=errors,
        error_list=forms.ordered_errors(errors, order),
        anchor=forms.anchor,
        plan=None,
        catalogue=reference.solutions,
        solution_rows=forms.shown_solution_rows(values),
        participant_warning=PARTICIPANT_WARNING,
        signatory_capacities=[(c.value, c.label) for c in SignatoryCapacity],
    ), status


# --- Pakket corrigeren (na verzending) ------------------------------------------------------

@bp.get("/pakketten/<int:package_id>/corrigeren")
@login_required
def package_correct(package_id: int):
    """The package form filled in with the sent package, and a reason for the correction."""
    from app.domain.lifecycle import Action
    from app.services.editing import fields_of

    package, refused = _editable(package_id, Action.CORRECT)
    if refused is not None:
        return refused
    return _edit_form(package, fields_of(package), correcting=True)


@bp.post("/pakketten/<int:package_id>/corrigeren")
@login_required
def package_correct_post(package_id: int):
    """Withdraw the sent package and send a corrected new version (app.services.correcting)."""
    from app.domain.lifecycle import Action
    from app.services.correcting import correct_package

    package, refused = _editable(package_id, Action.CORRECT)
    if refused is not None:
        return refused
    values = forms.form_values(request.form)
    reason = values.get("reason", "")
    try:
        if len(reason) > forms.MAX_REASON:
            raise IntakeError({"reason": f"Reden: gebruik hoogstens {forms.MAX_REASON} tekens."})
        result = correct_package(package_id, _parse_terms(package, values), reason, _actor())
    except (IntakeError, RuleError) as exc:
        return _edit_form(package, values, _form_errors(exc, values), status=422,
                          correcting=True)
    except TransitionError as exc:  # the one rule refused (the package moved on meanwhile)
        db.session.rollback()
        return _package_page(package_id, {GENERAL: getattr(exc, "message", str(exc))},
                             status=409)
    except ServiceError as exc:  # no reason, nothing changed, the provider did not withdraw
        db.session.rollback()
        return _edit_form(package, values, {exc.field or GENERAL: exc.message}, status=409,
                          correcting=True)
    new = result.new
    if new.state == PackageState.MISLUKT.value and new.last_error:
        flash(f"Pakket {result.old.reference_number} is ingetrokken en vervangen door "
              f"{new.reference_number}, maar dat is nog niet verzonden: {new.last_error}",
              "error")
    else:
        flash(f"Pakket {result.old.reference_number} is ingetrokken en vervangen door de "
              f"gecorrigeerde versie {new.reference_number}.", "success")
    return redirect(url_for("web.package_show", package_id=new.id))


# --- Pakket ----------------------------------------------------------------------------------

@bp.get("/pakketten/<int:package_id>")
@login_required
def package_show(package_id: int):
    """One package: documents, signers, fees, timeline and the actions that fit its state."""
    return _package_page(package_id)


def _package_page(package_id: int, errors: dict | None = None, status: int = 200):
    from app.services.packages import get_package
    from app.services.packages import plan_of
    from app.web.queries import jobs_for
    from app.web.queries import staff_names

    try:
        package = get_package(package_id)
    except NotFound:
        abort(404)
    state = PackageState(package.state)
    actions = available_actions(package)
    errors = errors or {}
    return render_template(
        "package.html",
        package=package,
        state=state,
        plan=plan_of(package),
        catalogue=runtime().reference.solutions,
        actions=actions,
        providers=_provider_choices(package) if "verzenden" in actions else [],
        default_provider=package.provider or default_provider(),
        events=sorted(package.events, key=lambda e: (e.at, e.id), reverse=True),
        reminder_days=runtime().settings.reminder_schedule,
        mail_preview=_mail_preview(package, actions),
        staff_names=staff_names({e.actor for e in package.events} | {package.created_by}),
        jobs=jobs_for(package.id),
        errors=errors,
        error_list=forms.ordered_errors(errors),
        anchor=lambda field: {"reaction": f"reaction-{CouncilReaction.GEEN.value}"}.get(
            field, field),
        linkable=_action_fields(package, actions),
        values=forms.form_values(request.form) if request.method == "POST" else {},
        authority=_authority(package),
        council_weeks=runtime().settings.council_response_weeks,
        council_reactions=[(r.value, r.label[:1].upper() + r.label[1:])
                           for r in CouncilReaction],
        reaction_label=(CouncilReaction(package.council_reaction).label
                        if package.council_reaction else None),
    ), status


def _authority(package) -> str:
    """The signer's authority as the documents print it (art. 171), or ""."""
    from app.domain.organisations import OrgKind
    from app.domain.signatory import authority_text
    from app.services.packages import signatory_capacity
    from app.services.packages import volmacht_of

    return authority_text(signatory_capacity(package), package.organisation.name,
                          OrgKind(package.organisation.kind), volmacht_of(package))


def _mail_preview(package, actions: set[str]):
    """The mail the organisation gets when the package is sent, to read before sending."""
    if "verzenden" not in actions:
        return None
    from app.services.mailing import preview_package_sent

    return preview_package_sent(package, package.provider or default_provider())


def _action_fields(package, actions: set[str]) -> set[str]:
    """The inputs on the page that an error can link to."""
    fields = set()
    if "collegebesluit" in actions:
        fields |= {"decided_on", "decision_reference"}
    if "naar_raad" in actions:
        fields.add("sent_on")
    if "reactie_raad" in actions:
        fields |= {"reaction", "reaction_on", "reaction_text", "letter"}
    if "volmacht" in actions:
        fields.add("volmacht")
    if "verzenden" in actions:
        fields.add("provider")
    if "intrekken" in actions:
        fields.add("reason")
    if "envelop_gevonden" in actions:
        fields.add("envelope_id")
    if "organisatie_getekend" in actions:
        fields.add("organisation_signed_on")
    if "scans" in actions:
        fields |= {f"scan-{d.id}{suffix}" for d in package.documents if d.signed_required
                   for suffix in ("", "-date")}
    return fields


def available_actions(package) -> set[str]:
    """The actions staff can take on the package now (the one rule, app.domain.lifecycle)."""
    from app.services.lifecycle import allowed_actions

    return {action.value for action in allowed_actions(package)}


def _provider_choices(package) -> list[str]:
    from app.services.providers import available_providers

    if package.envelope_id and package.provider:
        return [package.provider]  # a repeated send resumes the same envelope
    return available_providers()


def _act(package_id: int, action, success, queued: str | None = None):
    """Run one action; flash `success` (a text, or a function giving it once the action ran)
    and go back to the package, or show the error there.

    `queued` is the message for an action handed to the job queue (settings `jobs = "rq"`):
    its result shows on the package page later.
    """
    from app.services.actions import queued as jobs_are_queued

    try:
        package = action()
    except IntakeError as exc:
        db.session.rollback()
        return _package_page(package_id, exc.errors, status=422)
    except NotFound:
        db.session.rollback()
        abort(404)
    except ServiceError as exc:
        db.session.rollback()
        return _package_page(package_id, {exc.field or GENERAL: exc.message}, status=409)
    except TransitionError as exc:
        db.session.rollback()
        return _package_page(package_id, {GENERAL: str(exc)}, status=409)
    if queued is not None and jobs_are_queued():
        flash(queued, "success")
    elif package is not None and package.state == PackageState.MISLUKT.value and package.last_error:
        flash(f"Dit is niet gelukt: {package.last_error}", "error")
    else:
        flash(success() if callable(success) else success, "success")
    return redirect(url_for("web.package_show", package_id=package_id))


@bp.post("/pakketten/<int:package_id>/documenten")
@login_required
def package_make_documents(package_id: int):
    """Make (or make again) the package's documents: DOCX and PDF (as a job)."""
    from app.services.actions import request_documents

    return _act(package_id, lambda: request_documents(package_id, _actor()),
                "De documenten zijn gemaakt.",
                queued="Het maken van de documenten is in de wachtrij gezet. Vernieuw de pagina "
                       "over een ogenblik om het resultaat te zien.")


@bp.post("/pakketten/<int:package_id>/raadsprocedure")
@login_required
def package_start_council(package_id: int):
    """Start the art. 160 procedure: the raad gets the raadsbrief and the ontwerpbesluit."""
    from app.services.council import start_council_procedure

    return _act(package_id, lambda: start_council_procedure(package_id, _actor()),
                "De raadsprocedure is gestart.")


@bp.post("/pakketten/<int:package_id>/collegebesluit")
@login_required
def package_college_decision(package_id: int):
    """Record the College decision (date and reference)."""
    from app.services.council import record_college_decision

    def action():
        decision = forms.parse_college_decision(request.form)
        return record_college_decision(package_id, decision.decided_on, decision.reference,
                                       _actor())

    return _act(package_id, action, "Het collegebesluit is vastgelegd.")


@bp.post("/pakketten/<int:package_id>/naar-raad")
@login_required
def package_sent_to_raad(package_id: int):
    """Record the day the ontwerpbesluit went to the raad (the raad's term runs from it)."""
    from app.services.council import record_sent_to_raad

    def action():
        return record_sent_to_raad(package_id, forms.parse_sent_to_raad(request.form),
                                   _actor())

    return _act(package_id, action, "De datum waarop het ontwerpbesluit naar de raad ging, is "
                                    "vastgelegd.")


@bp.post("/pakketten/<int:package_id>/reactie-raad")
@login_required
def package_council_reaction(package_id: int):
    """Record the raad's reaction, with its letter or besluitenlijst (PDF) when given."""
    from app.services.council import record_council_reaction

    def action():
        given = forms.parse_council_reaction(request.form)
        upload = request.files.get("letter")
        data = upload.read() if upload else b""
        return record_council_reaction(package_id, given.reaction, given.reaction_on,
                                       given.text, _actor(), letter=data or None,
                                       letter_filename=upload.filename if upload else None)

    return _act(package_id, action, "De reactie van de raad is vastgelegd.")


@bp.post("/pakketten/<int:package_id>/volmacht")
@login_required
def package_upload_volmacht(package_id: int):
    """Keep the volmacht (PDF) of the gemachtigde who signs for the gemeente."""
    from app.services.council import store_volmacht

    def action():
        upload = request.files.get("volmacht")
        data = upload.read() if upload else b""
        return store_volmacht(package_id, data, upload.filename if upload else None, _actor())

    return _act(package_id, action, "De volmacht is bewaard.")


@bp.get("/pakketten/<int:package_id>/bestanden/<what>")
@login_required
def package_attachment(package_id: int, what: str):
    """Download the raad's letter ('raad') or the volmacht ('volmacht') of the package."""
    from app.services.documents import package_attachment as attachment

    try:
        download = attachment(package_id, what)
    except NotFound:
        abort(404)
    except StoreError:
        return _package_page(package_id, {GENERAL: UNREADABLE}, status=503)
    return _send(download)


@bp.get("/documenten/<int:document_id>/versies/<int:number>/<variant>")
@login_required
def document_version_download(document_id: int, number: int, variant: str):
    """Download an earlier (or the newest) version of a document as DOCX or PDF."""
    from app.services.documents import version_file

    if variant not in ("docx", "pdf"):
        abort(404)
    try:
        download = version_file(document_id, number, variant)
    except NotFound:
        abort(404)
    except StoreError:
        return _download_error(document_id, UNREADABLE)
    return _send(download)


@bp.post("/pakketten/<int:package_id>/verzenden")
@login_required
def package_send(package_id: int):
    """Send the package for signature with the chosen provider (as a job)."""
    from app.services.actions import request_send
    from app.services.providers import available_providers

    def action():
        provider = request.form.get("provider", "")
        if provider not in available_providers():
            raise IntakeError({"provider": "Ondertekendienst: kies een dienst uit de lijst."})
        return request_send(package_id, provider, _actor(),
                            confirm_new=request.form.get("confirm_new") == "ja")

    return _act(package_id, action, "Het pakket is verzonden voor ondertekening.",
                queued="Het verzenden is in de wachtrij gezet. Vernieuw de pagina over een "
                       "ogenblik om het resultaat te zien.")


@bp.post("/pakketten/<int:package_id>/herinneren")
@login_required
def package_remind(package_id: int):
    """Remind the signers."""
    from app.services.sending import remind_package

    return _act(package_id, lambda: remind_package(package_id, _actor()),
                "Er is een herinnering verstuurd.")


@bp.post("/pakketten/<int:package_id>/automatische-herinneringen")
@login_required
def package_reminders_paused(package_id: int):
    """Pause or resume the automatic reminders of this package."""
    from app.services.reminders import set_paused

    paused = request.form.get("paused") == "ja"
    return _act(package_id, lambda: set_paused(package_id, paused, _actor()),
                "De automatische herinneringen zijn gepauzeerd." if paused
                else "De automatische herinneringen staan weer aan.")


@bp.post("/pakketten/<int:package_id>/status")
@login_required
def package_refresh(package_id: int):
    """Ask the provider for the state of the envelope."""
    from app.services.sending import refresh_package

    return _act(package_id, lambda: refresh_package(package_id, _actor()),
                "De status is opgevraagd.")


@bp.post("/pakketten/<int:package_id>/intrekken")
@login_required
def package_cancel(package_id: int):
    """Withdraw the package, with a reason."""
    from app.services.sending import cancel_package

    def action():
        return cancel_package(package_id, forms.parse_reason(request.form), _actor())

    return _act(package_id, action, "Het pakket is ingetrokken.")


@bp.post("/pakketten/<int:package_id>/documenten/<int:document_id>/scan")
@login_required
def package_upload_scan(package_id: int, document_id: int):
    """Add the signed scan (PDF) of one document (signing on paper)."""
    from app.domain.validation import InputError
    from app.domain.validation import clean_date
    from app.services.sending import combine_scans
    from app.services.sending import upload_signed_scan

    field = f"scan-{document_id}"

    def action():
        files = [data for data in (f.read() for f in request.files.getlist("file")) if data]
        if not files:
            raise IntakeError({field: "Ondertekende scan: kies een PDF-bestand."})
        typed = (request.form.get("signed_on") or "").strip()
        try:
            signed_on = clean_date(typed, f"{field}-date", "Datum van ondertekening") \
                if typed else None
        except InputError as exc:
            raise IntakeError({f"{field}-date": str(exc)}) from None
        try:
            return upload_signed_scan(package_id, document_id, combine_scans(files), _actor(),
                                      signed_on=signed_on,
                                      pages_confirmed=request.form.get("pages_ok") == "ja")
        except ServiceError as exc:
            if exc.field in {"file", "document"}:
                raise IntakeError({field: exc.message}) from None
            if exc.field == "signed_on":
                raise IntakeError({f"{field}-date": exc.message}) from None
            raise

    return _act(package_id, action, "De ondertekende scan is toegevoegd.")


@bp.post("/pakketten/<int:package_id>/organisatie-getekend")
@login_required
def package_organisation_signed(package_id: int):
    """Signing on paper: the organisation has signed; NVSI's board is next."""
    from app.domain.validation import InputError
    from app.domain.validation import clean_date
    from app.services.sending import record_organisation_signed

    field = "organisation_signed_on"

    def action():
        typed = (request.form.get(field) or "").strip()
        try:
            signed_on = clean_date(typed, field, "Datum van ondertekening") if typed else None
        except InputError as exc:
            raise IntakeError({field: str(exc)}) from None
        try:
            return record_organisation_signed(package_id, _actor(), signed_on=signed_on)
        except ServiceError as exc:
            if exc.field == "signed_on":
                raise IntakeError({field: exc.message}) from None
            raise

    return _act(package_id, action, "Vastgelegd: de organisatie heeft getekend. Het "
                "NVSI-bestuur krijgt een e-mail dat het aan de beurt is.")


@bp.post("/pakketten/<int:package_id>/envelop-gevonden")
@login_required
def package_found_envelope(package_id: int):
    """After an unclear send: the envelope staff found at the provider, resumed or cancelled."""
    from app.services.orphans import RESUMED
    from app.services.orphans import take_found_envelope

    outcome = []

    def action():
        try:
            outcome.append(take_found_envelope(package_id, request.form.get("envelope_id", ""),
                                               _actor()))
        except ServiceError as exc:
            if exc.field == "envelope_id":
                raise IntakeError({"envelope_id": exc.message}) from None
            raise
        return None

    return _act(package_id, action, lambda: (
        "De envelop hoort bij dit pakket; bij opnieuw verzenden wordt die hervat."
        if outcome[0] == RESUMED else
        "De ongebruikte envelop is bij de ondertekendienst geannuleerd."))


# --- downloads -------------------------------------------------------------------------------

@bp.get("/documenten/<int:document_id>/<variant>")
@login_required
def document_download(document_id: int, variant: str):
    """Download a document as DOCX, PDF or its signed copy."""
    from app.services.documents import document_file

    if variant not in VARIANTS:
        abort(404)
    try:
        download = document_file(document_id, VARIANTS[variant])
    except NotFound:
        abort(404)
    except ServiceError as exc:
        return _download_error(document_id, exc.message)
    except StoreError:
        log.error("document %s (%s) cannot be read from the store", document_id, variant)
        return _download_error(document_id, UNREADABLE)
    return _send(download)


@bp.get("/pakketten/<int:package_id>/archief")
@login_required
def package_archive(package_id: int):
    """Download the signed copies (and the audit trail) as one archive."""
    from app.services.documents import signed_archive

    try:
        download = signed_archive(package_id)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        return _package_page(package_id, {GENERAL: exc.message}, status=409)
    except StoreError:
        log.error("the signed archive of package %s cannot be read from the store", package_id)
        return _package_page(package_id, {GENERAL: UNREADABLE}, status=503)
    return _send(download)


def _download_error(document_id: int, message: str):
    from app.store.models import Document

    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    return _package_page(document.package_id, {GENERAL: message}, status=503)


def _send(download):
    return send_file(io.BytesIO(download.data), mimetype=download.mimetype, as_attachment=True,
                     download_name=download.filename)

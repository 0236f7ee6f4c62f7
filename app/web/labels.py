"""Dutch words for the stored codes the staff pages show."""

from __future__ import annotations

from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.states import AgreementKind
from app.domain.states import BulkItemState
from app.domain.states import JobState
from app.domain.states import PackageState
from app.domain.states import SignerState

AGREEMENT_KINDS = {kind.value: kind.label for kind in AgreementKind}

SIGNER_STATES = {state.value: state.label for state in SignerState}

JOB_STATES = {state.value: state.label for state in JobState}

BULK_ITEM_STATES = {state.value: state.label for state in BulkItemState}

PARTIES = {"organisatie": "Organisatie", "nvsi": "NVSI"}


def _fallback(code: str | None) -> str:
    return (code or "").replace("_", " ").capitalize()


def agreement_kind(code: str) -> str:
    return AGREEMENT_KINDS.get(code, _fallback(code))


def signer_state(code: str) -> str:
    return SIGNER_STATES.get(code, _fallback(code))


def job_state(code: str) -> str:
    return JOB_STATES.get(code, _fallback(code))


def bulk_item_state(code: str) -> str:
    return BULK_ITEM_STATES.get(code, _fallback(code))


def party(code: str) -> str:
    return PARTIES.get(code, _fallback(code))


def package_state(code: str) -> str:
    try:
        return PackageState(code).label
    except ValueError:
        return _fallback(code)


def org_kind(code: str) -> str:
    try:
        return OrgKind(code).label.capitalize()
    except ValueError:
        return _fallback(code)


def involvement(code: str) -> str:
    try:
        return Involvement(code).label.capitalize()
    except ValueError:
        return _fallback(code)


# Short enough for a choice on a phone; the hint beside it says what each one means.
PROVIDER_HINT = ("Op papier: de ondertekenaars krijgen de PDF's per e-mail en u voegt de "
                 "scans toe. Elektronisch: de ondertekenaars krijgen een uitnodiging van de "
                 "dienst en ondertekenen online. Tekenklaar: de ondertekenaars krijgen om de "
                 "beurt een link en een code per e-mail en ondertekenen op de pagina's van "
                 "Tekenklaar; de NVSI verzegelt de PDF's.")


def provider(code: str | None) -> str:
    """A provider as a choice on the send form (its adapter's label)."""
    from app.services.providers import provider_choice_label

    return provider_choice_label(code)


# Who did something, in the timeline: the stored actor ids in words.
ACTORS = {
    "systeem": "Tekenklaar (automatisch)",
    "demo": "Voorbeeldgegevens",
}


def actor(code: str | None, staff_names: dict[str, str] | None = None) -> str:
    """An actor id as a person reads it: a staff member's name for their e-mail address,
    "Bulkopdracht 3" for "bulk:3", "API-koppeling 'crm'" for "api:crm"."""
    code = code or ""
    if staff_names and code.lower() in staff_names:
        return staff_names[code.lower()]
    if code in ACTORS:
        return ACTORS[code]
    if ":" not in code and "@" not in code:  # a provider's callback: its adapter's label
        from app.services.providers import provider_actor_label

        found = provider_actor_label(code)
        if found:
            return found
    kind, _, rest = code.partition(":")
    if kind == "bulk" and rest:
        return f"Bulkopdracht {rest}"
    if kind == "api" and rest:
        return f"API-koppeling '{rest}'"
    return code


FILTERS = {
    "overeenkomst": agreement_kind,
    "ondertekenaarstatus": signer_state,
    "partij": party,
    "status": package_state,
    "soort": org_kind,
    "betrokkenheid": involvement,
    "ondertekendienst": provider,
    "taakstatus": job_state,
    "bulkstatus": bulk_item_state,
    "actor": actor,
}

"""The package state machine: which transitions are allowed, checked in one place.

concept → klaar → [wacht_op_raad → besluit_genomen] → verzonden → deels_ondertekend →
ondertekend → gearchiveerd; or geweigerd, verlopen, ingetrokken, mislukt.
"""

from __future__ import annotations

import enum


class PackageState(enum.StrEnum):
    CONCEPT = "concept"
    KLAAR = "klaar"
    WACHT_OP_RAAD = "wacht_op_raad"
    BESLUIT_GENOMEN = "besluit_genomen"
    VERZONDEN = "verzonden"
    DEELS_ONDERTEKEND = "deels_ondertekend"
    ONDERTEKEND = "ondertekend"
    GEARCHIVEERD = "gearchiveerd"
    GEWEIGERD = "geweigerd"
    VERLOPEN = "verlopen"
    INGETROKKEN = "ingetrokken"
    MISLUKT = "mislukt"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in FINAL


LABELS = {
    PackageState.CONCEPT: "Concept",
    PackageState.KLAAR: "Documenten klaar",
    PackageState.WACHT_OP_RAAD: "Wacht op de raad",
    PackageState.BESLUIT_GENOMEN: "Collegebesluit genomen",
    PackageState.VERZONDEN: "Verzonden",
    PackageState.DEELS_ONDERTEKEND: "Deels ondertekend",
    PackageState.ONDERTEKEND: "Ondertekend",
    PackageState.GEARCHIVEERD: "Gearchiveerd",
    PackageState.GEWEIGERD: "Geweigerd",
    PackageState.VERLOPEN: "Verlopen",
    PackageState.INGETROKKEN: "Ingetrokken",
    PackageState.MISLUKT: "Mislukt",
}

S = PackageState
FINAL = frozenset({S.GEARCHIVEERD, S.GEWEIGERD, S.VERLOPEN, S.INGETROKKEN})

TRANSITIONS: dict[PackageState, frozenset[PackageState]] = {
    S.CONCEPT: frozenset({S.KLAAR, S.MISLUKT, S.INGETROKKEN}),
    S.KLAAR: frozenset({S.WACHT_OP_RAAD, S.VERZONDEN, S.MISLUKT, S.INGETROKKEN}),
    S.WACHT_OP_RAAD: frozenset({S.BESLUIT_GENOMEN, S.INGETROKKEN}),
    S.BESLUIT_GENOMEN: frozenset({S.VERZONDEN, S.MISLUKT, S.INGETROKKEN}),
    S.VERZONDEN: frozenset(
        {S.DEELS_ONDERTEKEND, S.ONDERTEKEND, S.GEWEIGERD, S.VERLOPEN, S.INGETROKKEN, S.MISLUKT}
    ),
    S.DEELS_ONDERTEKEND: frozenset({S.ONDERTEKEND, S.GEWEIGERD, S.VERLOPEN, S.INGETROKKEN}),
    S.ONDERTEKEND: frozenset({S.GEARCHIVEERD}),
    # A failed step can be tried again: documents remade, or the send repeated.
    S.MISLUKT: frozenset({S.KLAAR, S.VERZONDEN, S.INGETROKKEN}),
    S.GEARCHIVEERD: frozenset(),
    S.GEWEIGERD: frozenset(),
    S.VERLOPEN: frozenset(),
    S.INGETROKKEN: frozenset(),
}

# How far a package has come in signing; provider events never lower it.
SIGNING_PROGRESS = {
    S.VERZONDEN: 1,
    S.DEELS_ONDERTEKEND: 2,
    S.ONDERTEKEND: 3,
    S.GEARCHIVEERD: 4,
}


class TransitionError(ValueError):
    """A transition the state machine does not allow; the message is Dutch."""


def check_transition(current: PackageState, target: PackageState) -> None:
    """Raise TransitionError unless `current` may move to `target`."""
    if target not in TRANSITIONS[current]:
        raise TransitionError(
            f"Een pakket in de status '{current.label}' kan niet naar '{target.label}'."
        )


def is_stale(current: PackageState, target: PackageState) -> bool:
    """True when a signing event for `target` comes too late to change `current`.

    A late 'delivered' after 'completed', or any event after an end state, changes nothing.
    """
    if current in FINAL:
        return True
    now = SIGNING_PROGRESS.get(current)
    then = SIGNING_PROGRESS.get(target)
    return now is not None and then is not None and then <= now


class SignerState(enum.StrEnum):
    """Where one signer is in signing; provider events never lower it (see RANK)."""

    WACHTEND = "wachtend"
    UITGENODIGD = "uitgenodigd"
    BEKEKEN = "bekeken"
    ONDERTEKEND = "ondertekend"
    GEWEIGERD = "geweigerd"

    @property
    def label(self) -> str:
        return SIGNER_LABELS[self]

    @property
    def rank(self) -> int:
        return list(SignerState).index(self)

    @property
    def is_done(self) -> bool:
        return self in {SignerState.ONDERTEKEND, SignerState.GEWEIGERD}


SIGNER_LABELS = {
    SignerState.WACHTEND: "Nog niet aan de beurt",
    SignerState.UITGENODIGD: "Uitgenodigd",
    SignerState.BEKEKEN: "Heeft de documenten bekeken",
    SignerState.ONDERTEKEND: "Heeft ondertekend",
    SignerState.GEWEIGERD: "Heeft geweigerd",
}


class MailState(enum.StrEnum):
    """An outgoing mail: waiting (or retrying), sent, or given up."""

    WACHTEND = "wachtend"
    VERZONDEN = "verzonden"
    MISLUKT = "mislukt"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class BulkItemState(enum.StrEnum):
    """One organisation in a bulk run: still to do, done (package made/sent), or failed."""

    WACHTEND = "wachtend"
    KLAAR = "klaar"
    MISLUKT = "mislukt"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class JobState(enum.StrEnum):
    """A background job (JobRun): waiting (or waiting for a retry), running under a lease,
    done, or given up."""

    WACHTEND = "wachtend"
    BEZIG = "bezig"
    KLAAR = "klaar"
    MISLUKT = "mislukt"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_pending(self) -> bool:
        return self in (JobState.WACHTEND, JobState.BEZIG)


class AgreementKind(enum.StrEnum):
    """An agreement an organisation has on file (signed), the rules read it as `OnFile`."""

    REGISTRATIE_LID = "registratie_lid"
    REGISTRATIE_PARTICIPANT = "registratie_participant"
    VERWERKERSOVEREENKOMST = "verwerkersovereenkomst"
    GEBRUIKSOVEREENKOMST = "gebruiksovereenkomst"

    @property
    def label(self) -> str:
        return AGREEMENT_LABELS[self]


AGREEMENT_LABELS = {
    AgreementKind.REGISTRATIE_LID: "Aanmelding als lid",
    AgreementKind.REGISTRATIE_PARTICIPANT: "Aanmelding als participant",
    AgreementKind.VERWERKERSOVEREENKOMST: "Verwerkersovereenkomst",
    AgreementKind.GEBRUIKSOVEREENKOMST: "Gebruiksovereenkomst",
}


class WishState(enum.StrEnum):
    """Where a verbeterwens (improvement wish for a solution) stands; what may come next is
    decided only by app.domain.improvements.decide()."""

    INGEDIEND = "ingediend"
    GEVALIDEERD = "gevalideerd"
    GEPRIORITEERD = "geprioriteerd"
    BEKOSTIGING_GEKOZEN = "bekostiging_gekozen"
    VOORSTEL_BESTUUR = "voorstel_bestuur"
    GOEDGEKEURD = "goedgekeurd"
    AFGEWEZEN = "afgewezen"
    ALV_BESLOTEN = "alv_besloten"
    OPDRACHT_VERSTREKT = "opdracht_verstrekt"
    OPGELEVERD = "opgeleverd"

    @property
    def label(self) -> str:
        return WISH_LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in {WishState.AFGEWEZEN, WishState.OPGELEVERD}


WISH_LABELS = {
    WishState.INGEDIEND: "Ingediend",
    WishState.GEVALIDEERD: "Gevalideerd",
    WishState.GEPRIORITEERD: "Geprioriteerd",
    WishState.BEKOSTIGING_GEKOZEN: "Bekostiging gekozen",
    WishState.VOORSTEL_BESTUUR: "Voorstel aan het bestuur",
    WishState.GOEDGEKEURD: "Goedgekeurd door het bestuur",
    WishState.AFGEWEZEN: "Afgewezen",
    WishState.ALV_BESLOTEN: "Besloten door de ALV",
    WishState.OPDRACHT_VERSTREKT: "Opdracht aan de leverancier",
    WishState.OPGELEVERD: "Opgeleverd",
}

"""Which documents a package holds, given the organisation and what is already on file.

`plan_package(request, on_file, reference)` is the one place these rules live:
- the registration form only for an organisation not yet registered with that involvement:
  Bijlage 1 (gemeente as lid), Bijlage 2 (participant), Bijlage 3 (maatschappelijke or publieke
  organisatie as lid);
- the raadsbrief and the ontwerpbesluit for a gemeente joining as lid (Gemeentewet art. 160 lid 2);
- the verwerkersovereenkomst once per organisation, when it asks for a solution;
- one gebruiksovereenkomst per solution not yet contracted;
- the NVSI Voorwaarden Innovatieve Oplossingen with the first gebruiksovereenkomst of an
  organisation, and again whenever their version changed since the last one it signed;
- an aanbiedingsbrief (cover letter) with every package.
"Once per organisation" counts open packages too: a verwerkersovereenkomst, gebruiksovereenkomst
or the current Voorwaarden that an open (not ended) package already holds is skipped, naming
that package. Start dates before today are refused.
A participant that asks for a solution gets a warning that staff must acknowledge.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from dataclasses import field

from app.domain.fees import Fee
from app.domain.fees import FeeError
from app.domain.fees import YearCharges
from app.domain.fees import charges_by_year
from app.domain.fees import fee_for
from app.domain.formatting import format_date
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.reference import ReferenceData


class DocumentKind(enum.StrEnum):
    AANBIEDINGSBRIEF = "aanbiedingsbrief"
    AANMELDING_GEMEENTE_LID = "aanmelding_gemeente_lid"  # Bijlage 1
    AANMELDING_PARTICIPANT = "aanmelding_participant"  # Bijlage 2
    AANMELDING_ORGANISATIE_LID = "aanmelding_organisatie_lid"  # Bijlage 3
    RAADSBRIEF = "raadsbrief"
    ONTWERPBESLUIT = "ontwerpbesluit"
    VERWERKERSOVEREENKOMST = "verwerkersovereenkomst"
    GEBRUIKSOVEREENKOMST = "gebruiksovereenkomst"
    VOORWAARDEN = "voorwaarden"  # NVSI Voorwaarden Innovatieve Oplossingen
    # Made when a package is archived (never planned): what was signed, by whom, when.
    VOLTOOIINGSCERTIFICAAT = "voltooiingscertificaat"
    # The doorontwikkeling's documents (never in a package): per verbeterwens a proposal to
    # the bestuur and an ALV agenda item; per solution a yearly overview.
    VOORSTEL_BESTUUR = "voorstel_bestuur"
    ALV_AGENDAPUNT = "alv_agendapunt"
    JAAROVERZICHT_OPLOSSING = "jaaroverzicht_oplossing"
    # Made when a package signed on the built-in pages is archived: the evidence per signer.
    ONDERTEKENBEWIJS = "ondertekenbewijs"

    @property
    def title(self) -> str:
        return TITLES[self]

    @property
    def is_signed(self) -> bool:
        """Whether the organisation and the NVSI sign it (letters and drafts are not signed)."""
        return self not in {
            DocumentKind.AANBIEDINGSBRIEF,
            DocumentKind.RAADSBRIEF,
            DocumentKind.ONTWERPBESLUIT,
            # General terms: handed over with the package; accepted by signing the
            # gebruiksovereenkomst that names them (art. 6:234 BW), not signed on their own.
            DocumentKind.VOORWAARDEN,
            DocumentKind.VOLTOOIINGSCERTIFICAAT,
            DocumentKind.ONDERTEKENBEWIJS,
        } and self not in IMPROVEMENT_KINDS


TITLES = {
    DocumentKind.AANBIEDINGSBRIEF: "Aanbiedingsbrief",
    DocumentKind.AANMELDING_GEMEENTE_LID: "Aanmelding gemeente als lid (bijlage 1)",
    DocumentKind.AANMELDING_PARTICIPANT: "Aanmelding als participant (bijlage 2)",
    DocumentKind.AANMELDING_ORGANISATIE_LID: "Aanmelding organisatie als lid (bijlage 3)",
    DocumentKind.RAADSBRIEF: "Raadsbrief",
    DocumentKind.ONTWERPBESLUIT: "Ontwerpbesluit lidmaatschap",
    DocumentKind.VERWERKERSOVEREENKOMST: "Verwerkersovereenkomst",
    DocumentKind.GEBRUIKSOVEREENKOMST: "Gebruiksovereenkomst Innovatieve Oplossingen NVSI",
    DocumentKind.VOORWAARDEN: "NVSI Voorwaarden Innovatieve Oplossingen",
    DocumentKind.VOLTOOIINGSCERTIFICAAT: "Voltooiingscertificaat",
    DocumentKind.VOORSTEL_BESTUUR: "Voorstel aan het bestuur (doorontwikkeling)",
    DocumentKind.ALV_AGENDAPUNT: "Agendapunt ALV (doorontwikkeling)",
    DocumentKind.JAAROVERZICHT_OPLOSSING: "Jaaroverzicht verbeterwensen en innovatiekas",
    DocumentKind.ONDERTEKENBEWIJS: "Bewijs van ondertekening",
}
IMPROVEMENT_KINDS = frozenset({DocumentKind.VOORSTEL_BESTUUR, DocumentKind.ALV_AGENDAPUNT,
                               DocumentKind.JAAROVERZICHT_OPLOSSING})

REGISTRATION_FORMS = frozenset(
    {
        DocumentKind.AANMELDING_GEMEENTE_LID,
        DocumentKind.AANMELDING_PARTICIPANT,
        DocumentKind.AANMELDING_ORGANISATIE_LID,
    }
)


class RuleError(ValueError):
    """The request cannot become a package; `field` names the input, `message` is Dutch."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class SolutionRequest:
    code: str
    start: dt.date


@dataclass(frozen=True)
class Pending:
    """What an open (not ended) package of the organisation already holds."""

    reference: str  # the open package's reference number, e.g. NVSI-2026-0007
    verwerkersovereenkomst: bool = False
    solutions: frozenset[str] = frozenset()
    voorwaarden_version: str | None = None


@dataclass(frozen=True)
class OnFile:
    """What an organisation already has with the NVSI: signed, and held by open packages."""

    registered_as: Involvement | None = None
    registered_on: dt.date | None = None
    verwerkersovereenkomst_on: dt.date | None = None
    contracted: dict[str, dt.date] = field(default_factory=dict)  # solution code → signed date
    # The Voorwaarden version named by the last gebruiksovereenkomst it signed (None: none
    # signed, or signed before versions were recorded).
    voorwaarden_version: str | None = None
    pending: tuple[Pending, ...] = ()

    def pending_vwo(self) -> str | None:
        """The reference of an open package holding a verwerkersovereenkomst, if any."""
        return next((p.reference for p in self.pending if p.verwerkersovereenkomst), None)

    def pending_solution(self, code: str) -> str | None:
        """The reference of an open package holding a gebruiksovereenkomst for `code`."""
        return next((p.reference for p in self.pending if code in p.solutions), None)

    def pending_voorwaarden(self, version: str) -> str | None:
        """The reference of an open package holding these Voorwaarden, if any."""
        return next((p.reference for p in self.pending if p.voorwaarden_version == version),
                    None)


@dataclass(frozen=True)
class PackageRequest:
    kind: OrgKind
    involvement: Involvement
    solutions: tuple[SolutionRequest, ...] = ()
    participant_warning_acknowledged: bool = False


@dataclass(frozen=True)
class PlannedDocument:
    kind: DocumentKind
    reason: str  # why it is in the package, in Dutch, for the cover letter and the preview
    solution_code: str | None = None
    start: dt.date | None = None


@dataclass(frozen=True)
class SkippedDocument:
    kind: DocumentKind
    reason: str  # why it is not in the package, in Dutch
    solution_code: str | None = None


@dataclass(frozen=True)
class PackagePlan:
    documents: tuple[PlannedDocument, ...]
    skipped: tuple[SkippedDocument, ...]
    fees: tuple[Fee, ...]  # the yearly rate of each solution in its start year
    warnings: tuple[str, ...]
    needs_council: bool  # the art. 160 procedure: wait for the College decision
    years: tuple[YearCharges, ...] = ()  # the invoices per calendar year

    @property
    def total(self):
        """What the invoices of the package's first calendar year come to, excluding VAT."""
        from decimal import Decimal

        return self.years[0].amount if self.years else Decimal("0.00")

    @property
    def kinds(self) -> list[DocumentKind]:
        return [doc.kind for doc in self.documents]


PARTICIPANT_WARNING = (
    "Deze organisatie is geen lid van de NVSI maar participant. Zonder lidmaatschap kan zij "
    "geen beroep doen op inbesteding: de afname van een innovatieve oplossing valt dan niet "
    "onder de uitzondering voor publiek-publieke samenwerking, en de organisatie moet zelf "
    "beoordelen of zij de opdracht moet aanbesteden. De algemene ledenvergadering geeft daarom "
    "de voorkeur aan lidmaatschap. Bevestig dat u de organisatie hierop heeft gewezen."
)


def registration_form(kind: OrgKind, involvement: Involvement) -> DocumentKind:
    """The registration form (Bijlage 1, 2 or 3) for this kind and involvement."""
    if involvement is Involvement.PARTICIPANT:
        return DocumentKind.AANMELDING_PARTICIPANT
    if kind is OrgKind.GEMEENTE:
        return DocumentKind.AANMELDING_GEMEENTE_LID
    return DocumentKind.AANMELDING_ORGANISATIE_LID


def plan_package(
    request: PackageRequest, on_file: OnFile, reference: ReferenceData, *,
    today: dt.date | None = None,
) -> PackagePlan:
    """Work out the documents, skipped documents, fees and warnings for one package.

    With `today`, a start date before it is refused. Raises RuleError for an unknown or
    repeated solution, a past start date, a start date without a fee schedule, an
    unacknowledged participant warning, or a package with nothing to sign.
    """
    _check_solutions(request, reference, today)
    documents: list[PlannedDocument] = []
    skipped: list[SkippedDocument] = []
    warnings: list[str] = []

    already_member = on_file.registered_as is Involvement.LID
    registered = on_file.registered_as is request.involvement or already_member
    form = registration_form(request.kind, request.involvement)
    needs_council = False
    if registered:
        since = _since(on_file.registered_on)
        skipped.append(
            SkippedDocument(form, f"De organisatie is al {on_file.registered_as.label}{since}.")
        )
    else:
        documents.append(PlannedDocument(form, _registration_reason(request)))
        if form is DocumentKind.AANMELDING_GEMEENTE_LID:
            needs_council = True
            council_reason = (
                "Het college besluit pas tot lidmaatschap nadat de raad een ontwerpbesluit "
                "heeft ontvangen en zijn wensen en bedenkingen kenbaar heeft kunnen maken "
                "(artikel 160, tweede lid, Gemeentewet)."
            )
            documents.append(PlannedDocument(DocumentKind.RAADSBRIEF, council_reason))
            documents.append(PlannedDocument(DocumentKind.ONTWERPBESLUIT, council_reason))

    is_participant = request.involvement is Involvement.PARTICIPANT and not already_member
    if request.solutions and is_participant:
        warnings.append(PARTICIPANT_WARNING)

    new_solutions = []
    for item in request.solutions:
        solution = reference.solution(item.code)
        signed_on = on_file.contracted.get(item.code)
        held_by = on_file.pending_solution(item.code)
        if signed_on is not None:
            skipped.append(
                SkippedDocument(
                    DocumentKind.GEBRUIKSOVEREENKOMST,
                    f"De gebruiksovereenkomst voor {solution.name} van "
                    f"{format_date(signed_on)} blijft van kracht.",
                    item.code,
                )
            )
        elif held_by is not None:
            skipped.append(
                SkippedDocument(
                    DocumentKind.GEBRUIKSOVEREENKOMST,
                    f"De gebruiksovereenkomst voor {solution.name} zit al in het open pakket "
                    f"{held_by}.",
                    item.code,
                )
            )
        else:
            new_solutions.append(item)

    if new_solutions:
        held_by = on_file.pending_vwo()
        if on_file.verwerkersovereenkomst_on is not None:
            skipped.append(
                SkippedDocument(
                    DocumentKind.VERWERKERSOVEREENKOMST,
                    "De verwerkersovereenkomst van "
                    f"{format_date(on_file.verwerkersovereenkomst_on)} blijft van kracht.",
                )
            )
        elif held_by is not None:
            skipped.append(
                SkippedDocument(
                    DocumentKind.VERWERKERSOVEREENKOMST,
                    f"De verwerkersovereenkomst zit al in het open pakket {held_by}. Tot die "
                    "is ondertekend, worden er geen persoonsgegevens verwerkt.",
                )
            )
        else:
            documents.append(
                PlannedDocument(
                    DocumentKind.VERWERKERSOVEREENKOMST,
                    "De NVSI verwerkt bij het gebruik van de innovatieve oplossingen "
                    "persoonsgegevens in uw opdracht; de AVG (artikel 28) vraagt daarvoor een "
                    "verwerkersovereenkomst, met afspraken over het melden van datalekken.",
                )
            )
    fees = []
    for item in new_solutions:
        index = request.solutions.index(item)
        solution = reference.solution(item.code)
        documents.append(
            PlannedDocument(
                DocumentKind.GEBRUIKSOVEREENKOMST,
                f"Voor het gebruik van {solution.name} met ingang van "
                f"{format_date(item.start)}, met de vergoeding en de NVSI Voorwaarden "
                "Innovatieve Oplossingen.",
                item.code,
                item.start,
            )
        )
        fees.append(_fee(reference, item, index))
    if new_solutions:
        _plan_voorwaarden(on_file, reference, documents, skipped)
    years = _years(reference, new_solutions, request)

    if not any(doc.kind.is_signed for doc in documents):
        raise RuleError(
            "Er is niets te ondertekenen: de organisatie is al geregistreerd"
            + (" en heeft alle gevraagde oplossingen al afgenomen." if request.solutions
               else ". Kies een of meer oplossingen om af te nemen."),
            field="solutions",
        )
    if warnings and not request.participant_warning_acknowledged:
        raise RuleError(PARTICIPANT_WARNING, field="participant_warning_acknowledged")

    documents.insert(
        0,
        PlannedDocument(
            DocumentKind.AANBIEDINGSBRIEF,
            "De brief bij het pakket: wat erin zit, waarom, en wat wij van u vragen.",
        ),
    )
    return PackagePlan(tuple(documents), tuple(skipped), tuple(fees), tuple(warnings),
                       needs_council, years)


def _plan_voorwaarden(on_file: OnFile, reference: ReferenceData,
                      documents: list[PlannedDocument], skipped: list[SkippedDocument]) -> None:
    """The Voorwaarden go with the first gebruiksovereenkomst, and again with a new version."""
    current = reference.association.voorwaarden
    version = current.version
    held_by = on_file.pending_voorwaarden(version)
    if on_file.voorwaarden_version == version:
        skipped.append(SkippedDocument(
            DocumentKind.VOORWAARDEN,
            f"U heeft versie {version} van de NVSI Voorwaarden Innovatieve Oplossingen al "
            "ontvangen en aanvaard; die versie geldt ongewijzigd."))
    elif held_by is not None:
        skipped.append(SkippedDocument(
            DocumentKind.VOORWAARDEN,
            f"Versie {version} van de NVSI Voorwaarden Innovatieve Oplossingen zit al in het "
            f"open pakket {held_by}."))
    else:
        if on_file.voorwaarden_version is None and not on_file.contracted:
            why = "horen bij uw eerste gebruiksovereenkomst"
        elif on_file.voorwaarden_version is None:
            why = "zijn nog niet eerder in deze versie aan u verstrekt"
        else:
            why = f"zijn gewijzigd sinds versie {on_file.voorwaarden_version}, die u eerder aanvaardde"
        documents.append(PlannedDocument(
            DocumentKind.VOORWAARDEN,
            f"De NVSI Voorwaarden Innovatieve Oplossingen (versie {version}, vastgesteld op "
            f"{format_date(current.adopted)}) {why}; de gebruiksovereenkomst verklaart ze van "
            "toepassing."))


def _years(reference: ReferenceData, solutions: list[SolutionRequest],
           request: PackageRequest) -> tuple[YearCharges, ...]:
    try:
        return tuple(charges_by_year(reference, [(s.code, s.start) for s in solutions]))
    except FeeError as exc:
        index = request.solutions.index(solutions[-1]) if solutions else 0
        raise RuleError(str(exc), field=f"solutions-{index}-start") from None


def _check_solutions(request: PackageRequest, reference: ReferenceData,
                     today: dt.date | None) -> None:
    seen: set[str] = set()
    for index, item in enumerate(request.solutions):
        if item.code not in reference.solutions:
            raise RuleError(f"Onbekende oplossing '{item.code}'.", field=f"solutions-{index}-code")
        if today is not None and item.start < today:
            raise RuleError(
                f"Ingangsdatum: {format_date(item.start)} ligt in het verleden. Kies vandaag "
                f"({format_date(today)}) of een latere datum.",
                field=f"solutions-{index}-start")
        if item.code in seen:
            name = reference.solution(item.code).name
            raise RuleError(f"{name} staat twee keer in de aanvraag.", field=f"solutions-{index}-code")
        seen.add(item.code)


def _fee(reference: ReferenceData, item: SolutionRequest, index: int) -> Fee:
    try:
        return fee_for(reference, item.code, item.start)
    except FeeError as exc:
        raise RuleError(str(exc), field=f"solutions-{index}-start") from None


def _registration_reason(request: PackageRequest) -> str:
    if request.involvement is Involvement.PARTICIPANT:
        return "Met dit formulier meldt de organisatie zich aan als participant van de NVSI."
    if request.kind is OrgKind.GEMEENTE:
        return (
            "Met dit formulier treedt de gemeente, na het besluit van het college, als lid toe "
            "tot de NVSI."
        )
    return "Met dit formulier treedt de organisatie als lid toe tot de NVSI."


def _since(day: dt.date | None) -> str:
    return f" sinds {format_date(day)}" if day else ""

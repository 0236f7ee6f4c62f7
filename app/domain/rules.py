"""Which documents a package holds, given the organisation and what is already on file.

`plan_package(request, on_file, reference)` is the one place these rules live:
- the registration form only for an organisation not yet registered with that involvement:
  Bijlage 1 (gemeente as lid), Bijlage 2 (participant), Bijlage 3 (maatschappelijke or publieke
  organisatie as lid);
- the raadsbrief and the ontwerpbesluit for a gemeente joining as lid (Gemeentewet art. 160 lid 2);
- the verwerkersovereenkomst once per organisation, when it asks for a solution;
- one gebruiksovereenkomst per solution not yet contracted;
- an aanbiedingsbrief (cover letter) with every package.
A participant that asks for a solution gets a warning that staff must acknowledge.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from dataclasses import field

from app.domain.fees import Fee
from app.domain.fees import FeeError
from app.domain.fees import fee_for
from app.domain.fees import package_total
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
        }


TITLES = {
    DocumentKind.AANBIEDINGSBRIEF: "Aanbiedingsbrief",
    DocumentKind.AANMELDING_GEMEENTE_LID: "Aanmelding gemeente als lid (bijlage 1)",
    DocumentKind.AANMELDING_PARTICIPANT: "Aanmelding als participant (bijlage 2)",
    DocumentKind.AANMELDING_ORGANISATIE_LID: "Aanmelding organisatie als lid (bijlage 3)",
    DocumentKind.RAADSBRIEF: "Raadsbrief",
    DocumentKind.ONTWERPBESLUIT: "Ontwerpbesluit lidmaatschap",
    DocumentKind.VERWERKERSOVEREENKOMST: "Verwerkersovereenkomst",
    DocumentKind.GEBRUIKSOVEREENKOMST: "Gebruiksovereenkomst Innovatieve Oplossingen NVSI",
}

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
class OnFile:
    """What an organisation already has with the NVSI (from signed packages)."""

    registered_as: Involvement | None = None
    registered_on: dt.date | None = None
    verwerkersovereenkomst_on: dt.date | None = None
    contracted: dict[str, dt.date] = field(default_factory=dict)  # solution code → signed date


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
    fees: tuple[Fee, ...]
    warnings: tuple[str, ...]
    needs_council: bool  # the art. 160 procedure: wait for the College decision

    @property
    def total(self):
        return package_total(list(self.fees))

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
    request: PackageRequest, on_file: OnFile, reference: ReferenceData
) -> PackagePlan:
    """Work out the documents, skipped documents, fees and warnings for one package.

    Raises RuleError for an unknown or repeated solution, a start date without a fee
    schedule, an unacknowledged participant warning, or a package with nothing to sign.
    """
    _check_solutions(request, reference)
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
        if signed_on is not None:
            skipped.append(
                SkippedDocument(
                    DocumentKind.GEBRUIKSOVEREENKOMST,
                    f"De gebruiksovereenkomst voor {solution.name} van "
                    f"{format_date(signed_on)} blijft van kracht.",
                    item.code,
                )
            )
        else:
            new_solutions.append(item)

    if new_solutions:
        if on_file.verwerkersovereenkomst_on is not None:
            skipped.append(
                SkippedDocument(
                    DocumentKind.VERWERKERSOVEREENKOMST,
                    "De verwerkersovereenkomst van "
                    f"{format_date(on_file.verwerkersovereenkomst_on)} blijft van kracht.",
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
    return PackagePlan(tuple(documents), tuple(skipped), tuple(fees), tuple(warnings), needs_council)


def _check_solutions(request: PackageRequest, reference: ReferenceData) -> None:
    seen: set[str] = set()
    for index, item in enumerate(request.solutions):
        if item.code not in reference.solutions:
            raise RuleError(f"Onbekende oplossing '{item.code}'.", field=f"solutions-{index}-code")
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

"""The request and response bodies of the API as pydantic models.

The OpenAPI document (app/api/spec.py) is generated from these models; the request models
check the bodies (app/api/bodies.py turns their errors into Dutch problems), and the tests
check every real response against the generated document. Amounts are decimal strings with
two decimals ("6216.19"); dates ISO 8601; moments UTC with a Z. Descriptions are Dutch: they
are what a reader of the API reference sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from app.api.problems import KINDS
from app.api.problems import TYPE_BASE
from app.domain.council import CouncilReaction
from app.domain.lifecycle import Action
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.records import OnFileRole
from app.domain.signatory import SignatoryCapacity
from app.domain.states import LABELS
from app.domain.states import PackageState
from app.domain.states import SignerState

Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["6216.19"],
                             description="Bedrag in euro als decimale tekst met twee "
                                         "decimalen.")]
Sha256 = Annotated[str, Field(pattern="^[0-9a-f]{64}$")]
Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]
Moment = Annotated[dt.datetime, Field(examples=["2026-11-28T15:30:02Z"])]
Day = Annotated[dt.date, Field(examples=["2027-01-01"])]
InputDate = Annotated[str, Field(examples=["2026-12-01"],
                                 description="Datum als 2026-12-01 of 01-12-2026.")]
State = Annotated[PackageState, Field(description="Status van het pakket: " + "; ".join(
    f"`{s.value}` ({LABELS[s]})" for s in PackageState))]


class Strict(BaseModel):
    """A body with exactly these fields: an unknown field is an error."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


# --- problems -----------------------------------------------------------------------------------

class Problem(Strict):
    """RFC 9457 problem details, with a Dutch title and detail."""

    type: Url = Field(description="Soort probleem (tag-URI), een van: " + ", ".join(
        f"`{TYPE_BASE}{slug}`" for slug in KINDS))
    title: str = Field(description="Korte Nederlandse titel.")
    status: int
    detail: str = Field(description="Wat er mis is en wat te doen.")
    errors: dict[str, str] | None = Field(None, description="Per veld de Nederlandse "
                                                            "foutmelding.")
    state: State | None = None
    package: Url | None = None


class FieldProblem(Problem):
    """Een probleem met fouten per veld in `errors`. Velden van oplossingen heten
    `solutions[N].code` en `solutions[N].start`."""

    errors: dict[str, str] = Field(description="Per veld de Nederlandse foutmelding.")


# --- requests -----------------------------------------------------------------------------------

class SolutionInput(Strict):
    code: str | None = Field(None, examples=["schuldenradar"])
    start: str | None = Field(None, examples=["2027-01-01"],
                              description="Ingangsdatum, 2027-01-01 of 01-01-2027.")


class PackageEdit(Strict):
    """De velden van een nieuw pakket behalve de organisatie; wat ontbreekt, blijft zoals het
    is. `solutions` vervangt alle oplossingen."""

    involvement: Literal["lid", "participant"] | None = None
    contact_name: str | None = None
    contact_function: str | None = None
    contact_email: str | None = Field(None, examples=["contact@gemeente.nl"])
    contact_phone: str | None = None
    signatory_name: str | None = None
    signatory_function: str | None = None
    signatory_email: str | None = None
    signatory_capacity: SignatoryCapacity | None = Field(
        None, description="Standaard: bij een gemeente de burgemeester, anders volgens de "
                          "statuten.")
    volmacht_on: str | None = Field(None, examples=["2026-12-03"],
                                    description="Alleen voor een gemachtigde: datum van de "
                                                "volmacht.")
    volmacht_reference: str | None = Field(None, examples=["V-12"])
    second_signatory_name: str | None = None
    second_signatory_function: str | None = None
    second_signatory_email: str | None = None
    fg_name: str | None = Field(None, description="De functionaris gegevensbescherming (FG); "
                                                  "verplicht (met fg_email) bij een "
                                                  "verwerkersovereenkomst, tenzij bekend.")
    fg_email: str | None = None
    fg_phone: str | None = None
    breach_name: str | None = Field(None, description="Contact bij datalekken, dag en nacht "
                                                      "bereikbaar; verplicht (met breach_email "
                                                      "en breach_phone) bij een "
                                                      "verwerkersovereenkomst, tenzij bekend.")
    breach_email: str | None = None
    breach_phone: str | None = None
    replaces: int | str | None = Field(None, description="Een open pakket van deze "
                                                         "organisatie dat bewust wordt "
                                                         "vervangen: het wordt ingetrokken met "
                                                         "replace_reason.")
    replace_reason: str | None = None
    solutions: list[SolutionInput] | None = None
    participant_warning_acknowledged: bool | str | None = Field(
        None, description="Verplicht true voor een participant die een oplossing afneemt.")


class NewPackage(PackageEdit):
    """Dezelfde velden als het formulier voor medewerkers. Fouten komen terug als 422 met
    `errors` per veld."""

    organisation_id: int | str | None = Field(
        None, description="Een bekende organisatie; anders org_kind en de gegevens van de "
                          "organisatie.")
    org_kind: OrgKind | None = None
    cbs_code: str | None = Field(None, examples=["GM0344"],
                                 description="Voor een gemeente: de CBS-code.")
    org_name: str | None = Field(None, description="Voor een andere organisatie.")
    org_kvk: str | None = None
    org_oin: str | None = None
    org_street: str | None = None
    org_postcode: str | None = Field(None, examples=["3521 AZ"])
    org_city: str | None = None


class NoBody(Strict):
    """Geen velden: de body mag leeg zijn of `{}`."""


class SendRequest(Strict):
    provider: str | None = Field(None, examples=["manual"],
                                 description="Ondertekendienst; standaard die uit de "
                                             "instellingen.")


class CancelRequest(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class Upload(Strict):
    filename: str | None = Field(None, examples=["brief-raad.pdf"])
    content_base64: str = Field(min_length=1, description="De PDF, base64 (hoogstens 20 MB).")


class SentToRaadRequest(Strict):
    sent_on: InputDate = Field(description="Datum waarop het ontwerpbesluit naar de raad "
                                           "ging.")


class ReactionRequest(Strict):
    reaction: CouncilReaction
    reaction_on: InputDate
    text: str | None = Field(None, description="Verplicht bij wensen en bedenkingen.")
    letter: Upload | None = None


class DecisionRequest(Strict):
    decided_on: InputDate
    reference: str = Field(min_length=1, examples=["B&W 2027/0815"])


class PackageCorrection(PackageEdit):
    """Een correctie van een verzonden pakket: de reden (de organisatie leest die in de
    e-mail) en de velden die veranderen, zoals bij het wijzigen; wat ontbreekt, blijft zoals
    het is."""

    reason: str = Field(description="Waarom het pakket wordt gecorrigeerd.",
                        examples=["Verkeerde ondertekenaar"])


class FoundEnvelope(Strict):
    """Na een verzending met een onduidelijke uitkomst: het id van de envelop die bij de
    ondertekendienst is gevonden."""

    envelope_id: str = Field(examples=["7d1c7a51-0000-4000-8000-00000000beef"])


class OrganisationSignedRequest(Strict):
    signed_on: InputDate | None = Field(None, description="De datum op het papier (standaard "
                                                          "vandaag).")


class ScanUpload(Strict):
    """De ondertekende scan van één document, als multipart/form-data."""

    file: list[bytes] = Field(min_length=1, description="De scan als PDF; een document dat "
                                                        "in delen is gescand, als meerdere "
                                                        "bestanden in volgorde (hoogstens "
                                                        "20).")
    signed_on: str | None = Field(None, examples=["2026-12-01"],
                                  description="De datum op het ondertekende document "
                                              "(standaard vandaag).")
    pages_confirmed: Literal["true", "false", "ja", "nee"] | None = Field(
        None, description="`true` als het aantal pagina's afwijkt van het verzonden "
                          "document maar toch klopt.")


class PersonInput(Strict):
    name: str
    function: str
    email: str
    phone: str | None = None


class SignatoryInput(PersonInput):
    capacity: SignatoryCapacity = Field(description="Burgemeester, gemachtigde met volmacht, "
                                                    "of wie de statuten aanwijzen.")


class OrganisationEdit(Strict):
    """De gegevens en het adres (wat ontbreekt, blijft zoals het is), en de contactpersoon
    en ondertekenaar op dossier. De naam van een gemeente is die van het CBS en verandert
    niet."""

    name: str | None = None
    kvk: str | None = None
    oin: str | None = None
    street: str | None = None
    postcode: str | None = Field(None, examples=["3521 AZ"])
    city: str | None = None
    contact: PersonInput | None = Field(None, description="De contactpersoon op dossier; de "
                                                          "vorige blijft in de geschiedenis.")
    signatory: SignatoryInput | None = Field(None, description="De ondertekenaar op dossier.")


MAX_ID = 2**31 - 1  # ids are 32-bit in the database


class IdempotencyHeaders(BaseModel):
    idempotency_key: str | None = Field(None, alias="Idempotency-Key", min_length=1,
                                        max_length=200)


class PackageQuery(Strict):
    state: PackageState | None = None
    organisation_id: int | None = Field(None, ge=1, le=MAX_ID)
    page: int = Field(1, ge=1, le=MAX_ID)
    per_page: int = Field(20, ge=1, le=100)


class OrganisationQuery(Strict):
    kind: OrgKind | None = None
    page: int = Field(1, ge=1, le=MAX_ID)
    per_page: int = Field(20, ge=1, le=100)


# --- responses ----------------------------------------------------------------------------------

class OrganisationSummary(Strict):
    id: int
    name: str
    kind: OrgKind


class Address(Strict):
    street: str | None
    postcode: str | None
    city: str | None


class Organisation(Strict):
    id: int
    name: str
    kind: OrgKind
    cbs_code: str | None
    kvk: str | None
    oin: str | None
    address: Address


class Person(Strict):
    name: str
    function: str
    email: str
    phone: str | None


class Volmacht(Strict):
    date: Day
    reference: str
    sha256: Sha256 | None


class Signatory(Person):
    capacity: SignatoryCapacity = Field(description="Gemeente: de burgemeester, of een "
                                                    "gemachtigde met volmacht (artikel 171 "
                                                    "Gemeentewet); anders wie de statuten "
                                                    "aanwijzen.")
    authority: str = Field(description="De tekst naast de handtekening; leeg als er niets "
                                       "bij hoeft.")
    volmacht: Volmacht | None


class Council(Strict):
    """De raadsprocedure (artikel 160, tweede lid, Gemeentewet)."""

    started_on: Day | None
    sent_to_raad_on: Day | None
    deadline: Day | None = Field(description="Laatste dag (tot en met) waarop de raad zijn "
                                             "wensen en bedenkingen kenbaar kan maken.")
    reaction: CouncilReaction | None
    reaction_on: Day | None
    reaction_text: str | None
    letter_sha256: Sha256 | None
    decided_on: Day | None
    decision_reference: str | None
    reminder_sent_on: Day | None
    next_steps: list[Literal["start", "naar_raad", "reactie", "collegebesluit"]] = Field(
        description="Wat nu kan worden vastgelegd.")


class Hashes(Strict):
    docx: Sha256 | None
    pdf: Sha256 | None


class DocumentHashes(Hashes):
    """SHA-256 bij maken (docx, pdf), verzenden en terugkomst (signed)."""

    sent: Sha256 | None
    signed: Sha256 | None


class DocumentVersion(Strict):
    number: int = Field(ge=1)
    made_at: Moment
    made_by: str
    reason: str | None
    sha256: Hashes
    sent_at: Moment | None
    sent_to: str | None


class DocumentLinks(Strict):
    """Downloadadres per variant; null zolang er geen bestand is."""

    docx: Url | None
    pdf: Url | None
    signed: Url | None


class Document(Strict):
    id: int
    position: int
    kind: str
    title: str
    solution_code: str | None
    start_date: Day | None
    signed_required: bool
    sha256: DocumentHashes
    made_at: Moment | None
    sent_at: Moment | None
    signed_at: Moment | None
    links: DocumentLinks
    versions: list[DocumentVersion] = Field(description="Elke gemaakte versie, oudste eerst; "
                                                        "de laatste is die van `links` en "
                                                        "`sha256`.")


class Signer(Strict):
    order: int
    party: Literal["organisatie", "nvsi"]
    name: str
    email: str
    role: str
    state: SignerState
    state_label: str
    state_at: Moment | None
    reason: str | None


class SolutionFee(Strict):
    code: str
    name: str
    start: Day
    contracted: bool = Field(description="false: al eerder afgenomen, geen nieuwe "
                                         "overeenkomst en geen bedragen.")
    year: int | None
    licence: Money | None
    management: Money | None
    surcharge: Money | None
    surcharge_kind: str | None
    surcharge_rate: Money | None
    alv_decision: str | None
    total: Money | None


class FeeLine(Strict):
    code: str
    start: Day
    units: int
    of_units: int
    amount: Money
    vat: Money
    including_vat: Money


class FeeYear(Strict):
    year: int
    amount: Money
    vat: Money
    including_vat: Money
    lines: list[FeeLine]


class Fees(Strict):
    solutions: list[SolutionFee]
    total: Money = Field(description="Wat de facturen van het eerste kalenderjaar samen "
                                     "bedragen, exclusief btw.")
    years: list[FeeYear] = Field(description="De facturen per kalenderjaar, elk tegen de "
                                             "tarieven van dat jaar; het eerste jaar naar "
                                             "rato.")


class TimelineEvent(Strict):
    at: Moment
    actor: str
    kind: str
    message: str
    state_from: State | None
    state_to: State | None


class Skipped(Strict):
    kind: str
    reason: str
    solution_code: str | None


class Actions(Strict):
    """Wat nu kan volgens de regels van Tekenklaar, en waarom de rest niet. Een actie die
    niet kan, geeft 409 met dezelfde reden."""

    allowed: list[Action]
    refused: dict[Action, str] = Field(description="Per actie die nu niet kan: waarom niet.")


class SummaryLinks(Strict):
    self: Url


class PackageLinks(SummaryLinks):
    send: Url
    cancel: Url
    documents: Url
    remind: Url
    refresh: Url


class PackageSummary(Strict):
    id: int
    reference_number: str = Field(examples=["NVSI-2026-0042"])
    state: State
    state_label: str
    involvement: Involvement
    organisation: OrganisationSummary
    total: Money
    created_at: Moment
    updated_at: Moment
    sent_at: Moment | None
    signed_at: Moment | None
    links: SummaryLinks


class Package(PackageSummary):
    organisation: Organisation
    contact: Person
    signatory: Signatory
    second_signatory: Person | None
    council: Council | None
    actions: Actions
    participant_warning_acknowledged: bool
    needs_council: bool
    council_deadline: Day | None
    college_decision_on: Day | None
    provider: str | None
    last_error: str | None
    state_reason: str | None
    warnings: list[str]
    skipped: list[Skipped]
    fees: Fees
    documents: list[Document]
    signers: list[Signer]
    timeline: list[TimelineEvent]
    links: PackageLinks


class Page(Strict):
    """One page of a list; `next` is null on the last page, `previous` on the first."""

    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=100)
    total: int = Field(ge=0)
    next: Url | None
    previous: Url | None


class PackageList(Page):
    items: list[PackageSummary]


class PersonOnFile(Strict):
    role: OnFileRole | None = Field(description="Contactpersoon of ondertekenaar op dossier; "
                                                "null voor iemand uit een pakket.")
    name: str
    function: str
    email: str
    phone: str | None
    signatory_capacity: SignatoryCapacity | None
    since: Moment
    replaced_at: Moment | None = Field(description="Vervangen door een nieuwere; null voor "
                                                   "wie nu op dossier staat.")


class OrganisationChange(Strict):
    at: Moment
    actor: str
    message: str


class OrganisationLinks(Strict):
    self: Url
    packages: Url


class OrganisationRecord(Organisation):
    """Een organisatie met haar adres, de contactpersoon en ondertekenaar op dossier (met de
    eerdere), en wat er is gewijzigd."""

    contact: PersonOnFile | None
    signatory: PersonOnFile | None
    contact_persons: list[PersonOnFile] = Field(description="Iedereen die op dossier stond of "
                                                            "staat, oudste eerst.")
    history: list[OrganisationChange] = Field(description="Wijzigingen, nieuwste eerst.")
    links: OrganisationLinks


class OrganisationListItem(OrganisationSummary):
    cbs_code: str | None
    address: Address
    links: SummaryLinks


class OrganisationList(Page):
    items: list[OrganisationListItem]


class OpenApiDocument(BaseModel):
    """Het OpenAPI-document (3.1)."""

    model_config = ConfigDict(extra="allow")


class FoundEnvelopeResult(Strict):
    outcome: Literal["hervat", "geannuleerd"] = Field(
        description="`hervat`: de envelop hoort nu bij het pakket en wordt bij opnieuw "
                    "verzenden hervat; `geannuleerd`: hij was ongebruikt en is bij de "
                    "ondertekendienst geannuleerd.")
    package: Package

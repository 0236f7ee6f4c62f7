"""Sample packages, one for every kind of package, to check the templates against.

`sample_packages(reference, today)` plans each package with the domain's own rules
(`plan_package`) from the reference data in config/, so a template is checked against exactly
the context real packages get: a new context key or a new kind of document is picked up
without any change here. The names are deliberately awkward (`&`, quotes, `<`, non-Latin
script), as real names can be.
"""

from __future__ import annotations

import datetime as dt

from app.domain.facts import PackageFacts
from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import Organisation
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.reference import ReferenceData
from app.domain.rules import DocumentKind
from app.domain.rules import OnFile
from app.domain.rules import PackageRequest
from app.domain.rules import SolutionRequest
from app.domain.rules import plan_package

GEMEENTE = "Súdwest-Fryslân"
STICHTING = 'Stichting Zorg & Welzijn "De Brug" <Noord>'
PUBLIEK = "Δήμος Αθηναίων – Gemeenschappelijke Regeling"
CONTACT = Person("Olena Шевченко-de Wit", "adviseur sociaal domein", "o.dewit@example.nl",
                 "+31 30 123 4567")
SIGNATORY = Person("Sharon Dijksma", "burgemeester", "burgemeester@example.nl")
ADDRESS = Address("Marktstraat 15", "8601 CG", "Sneek")


class SampleError(Exception):
    """A sample package cannot be planned (e.g. no fee schedule for its start dates)."""


def sample_starts(reference: ReferenceData, today: dt.date) -> list[dt.date]:
    """Start dates after `today` that the fee schedule covers: next month, three months
    on, and 1 January of the next year (those whose year has fees)."""
    def first_of_month(months_ahead: int) -> dt.date:
        month = today.month - 1 + months_ahead
        return dt.date(today.year + month // 12, month % 12 + 1, 1)

    candidates = [first_of_month(1), first_of_month(3), dt.date(today.year + 1, 1, 1)]
    starts = [day for day in candidates if day.year in reference.fee_years]
    return list(dict.fromkeys(starts)) or [first_of_month(1)]


def _solutions(reference: ReferenceData, today: dt.date, count: int) -> tuple[SolutionRequest, ...]:
    starts = sample_starts(reference, today)
    codes = list(reference.solutions)[:count]
    return tuple(SolutionRequest(code, starts[i % len(starts)]) for i, code in enumerate(codes))


def _facts(reference: ReferenceData, today: dt.date, number: int, kind: OrgKind,
           involvement: Involvement, *, name: str, solutions=(), on_file: OnFile | None = None,
           address: Address | None = ADDRESS, contact: Person = CONTACT,
           signatory: Person = SIGNATORY, deadline: bool = True) -> PackageFacts:
    on_file = on_file or OnFile()
    request = PackageRequest(kind, involvement, tuple(solutions),
                             participant_warning_acknowledged=True)
    plan = plan_package(request, on_file, reference)
    return PackageFacts(
        reference_number=f"NVSI-{today.year}-{9000 + number:04d}",
        created_on=today,
        organisation=Organisation(name, kind,
                                  cbs_code="GM1900" if kind is OrgKind.GEMEENTE else None,
                                  kvk=None if kind is OrgKind.GEMEENTE else "41234567",
                                  address=address),
        involvement=involvement,
        contact=contact,
        signatory=signatory,
        plan=plan,
        on_file=on_file,
        reference=reference,
        breach_notice_hours=24,
        council_deadline=(today + dt.timedelta(weeks=8)
                          if plan.needs_council and deadline else None),
    )


def sample_packages(reference: ReferenceData, today: dt.date) -> dict[str, PackageFacts]:
    """Packages (by a Dutch label) that together make every kind of document and take the
    branches of the templates: gemeente lid, participant, stichting lid, publieke organisatie,
    an organisation with agreements on file.

    Raises SampleError (Dutch) when one cannot be planned with the reference data.
    """
    all_three = _solutions(reference, today, 3)
    one = all_three[:1]
    stichting = OrgKind.MAATSCHAPPELIJKE_ORGANISATIE
    on_file_since = today - dt.timedelta(days=400)
    specs = {
        "gemeente als lid, met drie oplossingen": dict(
            kind=OrgKind.GEMEENTE, involvement=Involvement.LID, name=GEMEENTE,
            solutions=all_three),
        "gemeente als lid, zonder oplossingen en zonder raadstermijn": dict(
            kind=OrgKind.GEMEENTE, involvement=Involvement.LID, name=GEMEENTE, deadline=False),
        "gemeente als participant": dict(
            kind=OrgKind.GEMEENTE, involvement=Involvement.PARTICIPANT, name=GEMEENTE,
            solutions=one),
        "stichting als lid": dict(
            kind=stichting, involvement=Involvement.LID, name=STICHTING, solutions=one,
            signatory=Person("Piet Jansen", "voorzitter", "piet@example.nl")),
        "stichting als participant": dict(
            kind=stichting, involvement=Involvement.PARTICIPANT, name=STICHTING,
            solutions=all_three[:2], address=None),
        "publieke organisatie als lid, zonder adres": dict(
            kind=OrgKind.PUBLIEKE_ORGANISATIE, involvement=Involvement.LID, name=PUBLIEK,
            address=None),
        "organisatie met overeenkomsten in het archief": dict(
            kind=stichting, involvement=Involvement.LID, name=STICHTING, solutions=all_three,
            on_file=OnFile(registered_as=Involvement.LID, registered_on=on_file_since,
                           verwerkersovereenkomst_on=on_file_since,
                           contracted={all_three[0].code: on_file_since} if all_three else {})),
    }
    samples = {}
    for number, (label, spec) in enumerate(specs.items(), start=1):
        try:
            samples[label] = _facts(reference, today, number, **spec)
        except Exception as exc:  # a RuleError or a reference data problem
            raise SampleError(f"Het voorbeeldpakket ‘{label}’ kan niet worden gemaakt: "
                              f"{exc}") from None
    return samples


def sample_certificates(today: dt.date) -> dict[str, dict]:
    """Completion certificates to check their template against: on paper, and by a provider
    whose audit trail is kept as evidence."""
    from app.documents.certificate import CertifiedDocument
    from app.documents.certificate import CertifiedSigner
    from app.documents.certificate import certificate_context

    documents = [CertifiedDocument("Verwerkersovereenkomst",
                                   "verwerkersovereenkomst-NVSI-2026-0001", "a" * 64, "b" * 64)]
    signers = [CertifiedSigner(SIGNATORY.name, SIGNATORY.function, "organisatie", today),
               CertifiedSigner("Jan de Vries", "voorzitter", "nvsi", None)]
    return {
        "op papier": certificate_context("Vereniging NVSI", "NVSI-2026-0001", STICHTING, today,
                                         "Op papier", documents, signers, []),
        "ondertekendienst": certificate_context(
            "Vereniging NVSI", "NVSI-2026-0002", GEMEENTE, today, "ValidSign", documents, signers,
            ["Ondertekenverslag van de ondertekendienst: audit.pdf (SHA-256 " + "c" * 64 + ")"]),
    }


def sample_improvement_documents(today: dt.date) -> dict[DocumentKind, dict[str, dict]]:
    """The doorontwikkeling's documents to check their templates against: a wish paid from the
    innovatiekas, and new functionality with its cover; a yearly overview with and without."""
    from decimal import Decimal

    from app.documents.improvements import KasLine
    from app.documents.improvements import WishFacts
    from app.documents.improvements import overview_context
    from app.documents.improvements import proposal_context

    kas = WishFacts("VW-2026-0001", "Export naar CSV", "Dossiers & plannen <als> CSV "
                    "exporteren.", STICHTING, "Voorstel aan het bestuur", Decimal("4250.00"), 1,
                    "Uit de innovatiekas", "", None, Decimal("4250.00"), None, False, "-",
                    ((today, "Ingediend", "Olena Шевченко-de Wit", "Wens van de gebruikers"),))
    new = WishFacts("VW-2026-0002", "Koppeling met het BRP", "Gegevens uit de BRP ophalen.",
                    GEMEENTE, "Goedgekeurd door het bestuur", Decimal("60000.00"), 2,
                    "Nieuwe functionaliteit (financiering nodig)",
                    "Bijdragen van zes gemeenten", Decimal("60000.00"), Decimal("0.00"),
                    Decimal("58000.00"), True, "ALV-besluit 2027-03 van 12 maart 2027")
    criteria = ["Uit de innovatiekas hoogstens € 25.000,00 per verbeterwens."]
    proposals = {
        "innovatiekas": proposal_context("Vereniging NVSI", "Wijkteamdossier",
                                         "Sociaal Digitaal B.V.", kas, criteria,
                                         ["Voldoet aan de criteria."], today),
        "nieuwe functionaliteit": proposal_context("Vereniging NVSI", "Schuldenradar",
                                                   "Radar Sociaal B.V.", new, criteria, [],
                                                   today),
    }
    line = KasLine(today, "Storting", Decimal("10000.00"), Decimal("10000.00"), "Bijdrage 2026")
    overviews = {
        "met wensen": overview_context("Vereniging NVSI", "Wijkteamdossier",
                                       "Sociaal Digitaal B.V.", today.year, [kas, new],
                                       Decimal("0.00"), [line], Decimal("10000.00"), today),
        "leeg jaar": overview_context("Vereniging NVSI", "Schuldenradar", "Radar Sociaal B.V.",
                                      today.year, [], Decimal("0.00"), [], Decimal("0.00"),
                                      today),
    }
    return {DocumentKind.VOORSTEL_BESTUUR: proposals, DocumentKind.ALV_AGENDAPUNT: proposals,
            DocumentKind.JAAROVERZICHT_OPLOSSING: overviews}


def sample_evidence(today: dt.date) -> dict[str, dict]:
    """Evidence reports of built-in signing to check their template against: all signed, and
    one declined."""
    from app.documents.evidence import SeenDocument
    from app.documents.evidence import SignerEvidence
    from app.documents.evidence import evidence_context

    moment = dt.datetime.combine(today, dt.time(10, 30))
    documents = [SeenDocument("Verwerkersovereenkomst", "a" * 64)]

    def signer(name, role, party, decision, reason=None):
        return SignerEvidence(name, role, party, "ondertekenaar@example.nl", moment, moment,
                              "192.0.2.10", "Mozilla/5.0 (Android 14) Chrome/131", name,
                              f"Ik heb de documenten gelezen en onderteken ze namens {party}.",
                              decision, moment, reason, tuple(documents))

    seal = "Verzegeld met het certificaat 'NVSI zegel (TESTCERTIFICAAT)'."
    return {
        "ondertekend": evidence_context(
            "Vereniging NVSI", "NVSI-2026-0003", GEMEENTE, today, seal, documents,
            [signer(SIGNATORY.name, "burgemeester", GEMEENTE, "ondertekend"),
             signer("Jan de Vries", "voorzitter", "Vereniging NVSI", "ondertekend")]),
        "geweigerd": evidence_context(
            "Vereniging NVSI", "NVSI-2026-0004", STICHTING, today, seal, documents,
            [signer(SIGNATORY.name, SIGNATORY.function, STICHTING, "geweigerd",
                    "Het bedrag klopt niet.")]),
    }

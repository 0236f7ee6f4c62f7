"""What the rendered .docx documents say, read back with python-docx.

Every expected amount is worked out by hand here and written as a literal string.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile

import pytest
from docxtpl import DocxTemplate

from app.documents.context import build_context
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import DocumentKind
from app.domain.rules import OnFile

from tests.documents.builders import BRUG
from tests.documents.builders import GEMEENTE
from tests.documents.builders import GREEK
from tests.documents.builders import REFERENCE
from tests.documents.builders import THREE
from tests.documents.builders import docx_text
from tests.documents.builders import facts
from tests.documents.builders import normalise
from tests.documents.builders import scenarios
from tests.documents.expected import ARTICLE_160_2

K = DocumentKind


def render(renderer, package, kind, solution=None) -> str:
    """The normalised text of one planned document of `package`."""
    for planned in package.plan.documents:
        if planned.kind is kind and planned.solution_code == solution:
            return normalise(docx_text(renderer.render(kind, build_context(package, planned))))
    raise AssertionError(f"{kind}/{solution} is not planned")


def contains(text: str, *needles: str) -> None:
    for needle in needles:
        assert normalise(needle) in text, f"not found: {needle!r}"


# -- fees, dates, products -------------------------------------------------------------------

def test_gebruiksovereenkomst_schuldenradar_2026_fee_worked_out_by_hand(renderer):
    """4.250,00 + 1.275,50; 12,5% of 5.525,50 = 690,6875 → 690,69; total 6.216,19."""
    text = render(renderer, facts(), K.GEBRUIKSOVEREENKOMST, "schuldenradar")
    contains(text, "Schuldenradar", "1 januari 2026", "€ 4.250,00", "€ 1.275,50",
             "12,5% van de licentie- en beheerkosten", "€ 690,69", "€ 6.216,19",
             "ALV-besluit 2025-07 van 20 november 2025", "versie 2.1",
             "vastgesteld op 20 november 2025", "Radar Sociaal B.V.",
             "binnen 30 dagen na de factuurdatum", "NL91 ABNA 0417 1643 00")


def test_gebruiksovereenkomst_2027_has_the_fixed_surcharge(renderer):
    """2027: 4.377,50 + 1.313,75 + fixed 695,00 = 6.386,25."""
    package = facts(solutions=(("schuldenradar", dt.date(2027, 7, 1)),))
    text = render(renderer, package, K.GEBRUIKSOVEREENKOMST, "schuldenradar")
    contains(text, "1 juli 2027", "€ 4.377,50", "€ 1.313,75", "€ 695,00", "€ 6.386,25",
             "vast bedrag per oplossing per jaar", "ALV-besluit 2026-09 van 19 november 2026")
    assert "12,5%" not in text


def test_one_gebruiksovereenkomst_per_solution_with_its_own_fee(renderer):
    """wijkteamdossier 2026: 6.850 + 2.140; 12,5% of 8.990 = 1.123,75; total 10.113,75.
    participatiematch 2027: 4.094,25 + 1.225,95 + 695,00 = 6.015,20."""
    package = facts()
    wijk = render(renderer, package, K.GEBRUIKSOVEREENKOMST, "wijkteamdossier")
    contains(wijk, "Wijkteamdossier", "1 maart 2026", "€ 6.850,00", "€ 2.140,00", "€ 1.123,75",
             "€ 10.113,75")
    match = render(renderer, package, K.GEBRUIKSOVEREENKOMST, "participatiematch")
    contains(match, "ParticipatieMatch", "1 januari 2027", "€ 4.094,25", "€ 1.225,95",
             "€ 695,00", "€ 6.015,20")
    assert "Schuldenradar" not in wijk and "€ 6.216,19" not in wijk


def test_aanbiedingsbrief_lists_the_package_and_the_total(renderer):
    """The invoices per calendar year, never two years' rates added up (per started month):
    2026: schuldenradar from 1 January 6.216,19 + wijkteamdossier from 1 March 10/12 of
    10.113,75 = 8.428,125 → 8.428,13; 6.216,19 + 8.428,13 = 14.644,32.
    2027: schuldenradar 6.386,25 + wijkteamdossier 9.954,70 + participatiematch from 1 January
    6.015,20 = 22.356,15."""
    text = render(renderer, facts(), K.AANBIEDINGSBRIEF)
    contains(text, "1 december 2025", "NVSI-2026-0042", f"t.a.v. Olena Шевченко-de Wit",
             "Marktstraat 15", "8601 CG Sneek",
             "Aanmelding gemeente als lid (bijlage 1)", "Raadsbrief", "Ontwerpbesluit lidmaatschap",
             "Verwerkersovereenkomst",
             "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: Schuldenradar",
             "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: Wijkteamdossier",
             "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: ParticipatieMatch",
             "€ 6.216,19", "€ 10.113,75", "€ 6.015,20",
             "2026: € 14.644,32; 2027: € 22.356,15",
             "tot en met 15 februari 2026", "Het lidmaatschap zelf kost niets")
    for planned in facts().plan.documents[1:]:
        contains(text, planned.reason)
    assert "Wat zit er niet in dit pakket" not in text
    assert "€ 22.345,14" not in text  # 2026 and 2027 rates added up: no invoice says that


def test_aanbiedingsbrief_says_why_a_document_is_not_there(renderer):
    package = scenarios()["lid-met-vwo-en-contract"]
    text = render(renderer, package, K.AANBIEDINGSBRIEF)
    contains(text, "Wat zit er niet in dit pakket",
             "De verwerkersovereenkomst van 3 maart 2025 blijft van kracht.",
             "De gebruiksovereenkomst voor Schuldenradar van 3 maart 2025 blijft van kracht.",
             "De organisatie is al lid sinds 1 mei 2024.")
    assert "raad" not in text.lower().replace("algemene ledenvergadering", "")


def test_participant_letter_and_contract_carry_the_inbesteding_warning(renderer):
    package = scenarios()["gemeente-participant"]
    letter = render(renderer, package, K.AANBIEDINGSBRIEF)
    contains(letter, "Let op: participant, geen lid", "geen beroep doen op inbesteding")
    assert "Het lidmaatschap zelf kost niets" not in letter
    contract = render(renderer, package, K.GEBRUIKSOVEREENKOMST, "schuldenradar")
    contains(contract, "Participant zonder lidmaatschap", "geen beroep doen op inbesteding")
    member = render(renderer, facts(), K.GEBRUIKSOVEREENKOMST, "schuldenradar")
    assert "inbesteding" not in member


# -- parties and signatures -------------------------------------------------------------------

def signature_block(text: str, name: str, function: str, authority: str | None = None) -> None:
    beside = f" Hoedanigheid: {authority}" if authority else ""
    contains(text, f"Naam: {name} Functie: {function}{beside} Plaats: ", "Datum: ",
             "Handtekening: ")


@pytest.mark.parametrize("kind,solution", [
    (K.AANMELDING_GEMEENTE_LID, None), (K.VERWERKERSOVEREENKOMST, None),
    (K.GEBRUIKSOVEREENKOMST, "schuldenradar"),
])
def test_signature_blocks_name_the_signatory_and_every_board_member(renderer, kind, solution):
    text = render(renderer, facts(), kind, solution)
    # every signed document prints the signer's authority (art. 171) beside the signature
    authority = "Burgemeester van de gemeente Súdwest-Fryslân"
    signature_block(text, "Sharon Dijksma", "burgemeester", authority)
    for member in REFERENCE.association.board:
        signature_block(text, member.name, member.role)
    assert [m.name for m in REFERENCE.association.board] == [
        "mr. drs. A.M. (Annemiek) de Vries", "ing. R.J. (Roel) Bakker"]


def test_verwerkersovereenkomst_parties_for_a_gemeente(renderer):
    text = render(renderer, facts(), K.VERWERKERSOVEREENKOMST)
    contains(text,
             "De gemeente Súdwest-Fryslân, vertegenwoordigd door het college van burgemeester "
             "en wethouders, namens deze ondertekend door Sharon Dijksma, burgemeester, hierna: "
             "“de verwerkingsverantwoordelijke”",
             "De vereniging Nederlandse Vereniging voor Sociale Innovatie (NVSI), gevestigd te "
             "Utrecht", "74123458", "vertegenwoordigd door haar bestuur, hierna: “de verwerker”")


def test_verwerkersovereenkomst_parties_for_another_organisation(renderer):
    package = facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=BRUG)
    text = render(renderer, package, K.VERWERKERSOVEREENKOMST)
    # The controller is the legal person (GDPR art. 4(7)), acting through its bestuur.
    contains(text, f"{BRUG}, vertegenwoordigd door haar bestuur, namens deze ondertekend door "
             "Sharon Dijksma",
             f"De verwerkingsverantwoordelijke, {BRUG}, vertegenwoordigd door haar bestuur")
    assert "het bestuur van" not in text.replace("het bestuur van de Nederlandse", "")
    assert "college van burgemeester" not in text


def test_gebruiksovereenkomst_parties(renderer):
    gemeente = render(renderer, facts(), K.GEBRUIKSOVEREENKOMST, "schuldenradar")
    contains(gemeente, "De gemeente Súdwest-Fryslân, te dezen rechtsgeldig vertegenwoordigd door "
             "Sharon Dijksma, burgemeester (artikel 171 Gemeentewet), hierna: “de afnemer”",
             "De vereniging Nederlandse Vereniging voor Sociale Innovatie")
    other = render(renderer, facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=BRUG),
                   K.GEBRUIKSOVEREENKOMST, "schuldenradar")
    contains(other, f"{BRUG}, te dezen rechtsgeldig vertegenwoordigd door Sharon Dijksma, "
             "burgemeester, hierna: “de afnemer”")


# -- the verwerkersovereenkomst: art. 28(3), breaches, the annex ------------------------------



@pytest.mark.parametrize("hours", [24, 36])
def test_verwerkersovereenkomst_breach_clauses(renderer, hours):
    text = render(renderer, facts(hours=hours), K.VERWERKERSOVEREENKOMST)
    contains(text,
             f"zonder onredelijke vertraging, en in elk geval binnen {hours} uur nadat hij er "
             "kennis van heeft genomen, over elk datalek",
             "zo mogelijk uiterlijk 72 uur nadat hij er kennis van heeft genomen, te melden aan "
             "de Autoriteit Persoonsgegevens (artikel 33 AVG)",
             "mee te delen aan de betrokkenen (artikel 34 AVG)",
             "de aard van het datalek", "de waarschijnlijke gevolgen van het datalek",
             "verstrekt de verwerker haar in stappen",
             "De verwerker meldt een datalek aan het contact bij datalekken van de "
             "verwerkingsverantwoordelijke, dat dag en nacht bereikbaar is: Servicedesk "
             "Informatiebeveiliging, datalek@example.nl, telefoon +31 6 12345678",
             "functionaris gegevensbescherming van de verwerkingsverantwoordelijke: mr. Noor El "
             "Amrani, fg@example.nl, telefoon +31 58 123 4567",
             "De verwerker is voor datalekken dag en nacht bereikbaar via Meldpunt datalekken "
             "NVSI, datalek@nvsi.nl, telefoon +31 30 760 4400")
    assert "datalek aan Olena" not in text  # not the business contact person


def test_verwerkersovereenkomst_annex_specifies_each_solution(renderer):
    text = render(renderer, facts(), K.VERWERKERSOVEREENKOMST)
    contains(text, "Bijlage – Specificatie van de verwerking per oplossing")
    for code, _ in THREE:
        solution = REFERENCE.solution(code)
        spec = solution.processing
        contains(text, solution.name, solution.description,
                 f"Leverende partij en beheerder: {solution.supplier}", spec.retention,
                 *spec.purposes, *spec.data_subjects, *spec.personal_data,
                 *spec.sub_processors, *spec.security)
    assert "Mantelzorgwaardering" not in text
    # Schuldenradar: no special categories, BSN yes; in table order.
    contains(text, "Bijzondere categorieën van persoonsgegevens (artikel 9 AVG) nee "
             "Burgerservicenummer (BSN) ja")
    contains(text, "(artikel 9 AVG) ja Burgerservicenummer (BSN) ja")  # Wijkteamdossier


def test_annex_of_a_later_gebruiksovereenkomst_adds_to_the_vwo_on_file(renderer):
    package = scenarios()["lid-met-vwo-en-contract"]
    text = render(renderer, package, K.GEBRUIKSOVEREENKOMST, "wijkteamdossier")
    contains(text, "geldt de verwerkersovereenkomst tussen partijen van 3 maart 2025",
             "Bijlage – Specificatie van de verwerking bij Wijkteamdossier",
             *REFERENCE.solution("wijkteamdossier").processing.security)
    fresh = render(renderer, facts(), K.GEBRUIKSOVEREENKOMST, "wijkteamdossier")
    contains(fresh, "tegelijk met deze overeenkomst sluiten, met kenmerk NVSI-2026-0042")
    assert "Bijlage" not in fresh


# -- registration forms, council documents ---------------------------------------------------

def contact_details(text: str, postcode_place: str = "8601 CG Sneek") -> None:
    contains(text, "Naam Olena Шевченко-de Wit", "Functie adviseur sociaal domein",
             "E-mailadres o.dewit@example.nl", "Telefoon +31 30 123 4567",
             "Adres Marktstraat 15", f"Postcode en plaats {postcode_place}")


def test_bijlage_1_gemeente_as_lid(renderer):
    text = render(renderer, facts(), K.AANMELDING_GEMEENTE_LID)
    contains(text, "Aanmelding gemeente als lid van de Nederlandse Vereniging voor Sociale "
             "Innovatie", "Bijlage 1",
             "Het college van burgemeester en wethouders van de gemeente Súdwest-Fryslân",
             "te dezen rechtsgeldig vertegenwoordigd door de burgemeester, Sharon Dijksma "
             "(artikel 171, eerste lid, Gemeentewet)", "hierna te noemen: “het College”",
             "als lid toetreedt tot de Nederlandse Vereniging voor Sociale Innovatie",
             "Gemeentecode (CBS): GM1900", "Het College Naam: Sharon Dijksma")
    contact_details(text)


def test_bijlage_2_participant(renderer):
    package = facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, Involvement.PARTICIPANT, name=BRUG,
                    solutions=())
    text = render(renderer, package, K.AANMELDING_PARTICIPANT)
    contains(text, "Aanmelding als participant van de Nederlandse Vereniging voor Sociale "
             "Innovatie", "Bijlage 2",
             f"verklaart dat de maatschappelijke organisatie {BRUG} als participant toetreedt",
             "De organisatie zelf wordt geen lid van de vereniging",
             "Namens de organisatie Naam: Sharon Dijksma")
    contact_details(text)


def test_bijlage_3_maatschappelijke_and_publieke_organisatie(renderer):
    social = render(renderer, facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=BRUG, solutions=()),
                    K.AANMELDING_ORGANISATIE_LID)
    contains(social, "Aanmelding maatschappelijke organisatie als lid", "Bijlage 3",
             f"verklaart dat de maatschappelijke organisatie {BRUG} als lid toetreedt",
             "zoals de statuten van de organisatie dat vragen")
    contact_details(social)
    public = render(renderer, facts(OrgKind.PUBLIEKE_ORGANISATIE, name=GREEK, solutions=()),
                    K.AANMELDING_ORGANISATIE_LID)
    contains(public, "Aanmelding publieke organisatie als lid", GREEK,
             "het bevoegde bestuursorgaan van de publieke organisatie",
             "gemeenschappelijke regeling")
    assert "statuten" not in public


def test_association_name_is_never_written_with_van(renderer):
    for package in scenarios().values():
        for planned in package.plan.documents:
            text = normalise(docx_text(renderer.render(planned.kind,
                                                       build_context(package, planned))))
            assert "Vereniging van Sociale Innovatie" not in text
            contains(text, "Nederlandse Vereniging voor Sociale Innovatie")




def test_raadsbrief_quotes_article_160_and_gives_the_deadline(renderer):
    text = render(renderer, facts(), K.RAADSBRIEF)
    contains(text, "Aan de gemeenteraad van Súdwest-Fryslân", f"“{ARTICLE_160_2}”",
             "tot en met 15 februari 2026 uw wensen en bedenkingen ter kennis van ons college",
             "artikel 171 Gemeentewet", "Het lidmaatschap zelf kost niets",
             "2026: € 14.644,32; 2027: € 22.356,15", "verwerkersovereenkomst")
    undated = render(renderer, facts(deadline=None), K.RAADSBRIEF)
    contains(undated, "binnen zes weken na de datum van deze brief uw wensen en bedenkingen")
    assert "………………… uw wensen" not in undated


def test_ontwerpbesluit(renderer):
    text = render(renderer, facts(), K.ONTWERPBESLUIT)
    contains(text, "Het college van burgemeester en wethouders van de gemeente Súdwest-Fryslân;",
             "gelet op artikel 160, eerste lid, onder e, en tweede lid, en artikel 171 van de "
             "Gemeentewet", "besluit:",
             "De gemeente Súdwest-Fryslân treedt als lid toe tot de vereniging Nederlandse "
             "Vereniging voor Sociale Innovatie",
             "tot en met 15 februari 2026 in de gelegenheid is gesteld zijn wensen en bedenkingen",
             "Schuldenradar, met ingang van 1 januari 2026, voor € 6.216,19 per jaar in 2026",
             "Olena Шевченко-de Wit, adviseur sociaal domein, is de contactpersoon")


# -- escaping and hostile input ---------------------------------------------------------------

LITERALS = [
    "{{ 7*7 }}", "{% if true %}ja{% endif %}", "{%p if x %}", "{#  #}", "<w:p>", "</w:t>",
    "&amp;", "a & b", '"quoted" \'single\'', "{_{ x }_}", "{_% x %_}", "]]>",
]
NASTY = LITERALS + [
    "", " ", "\n", "\t", "line\nbreak", "\x00\x01\x07\x08\x0b\x0c\x1b\x7f", "\ud800", "\ufffe",
    "\u202etxet\u202c", "\u200b\u200d\ufeff", "x" * 5000, "😀🇳🇱", "ﷺ", "مرحبا", "日本語",
    "Ω≈ç√∫", "<?xml version='1.0'?>", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    "&e;", "%s%n%d", "${jndi:ldap://x}", "' OR 1=1 --", "\\", "{{", "}}", "{%", "%}",
    "\r\n", "\r",
]


@pytest.mark.parametrize("value", LITERALS)
def test_typed_template_syntax_and_markup_come_out_literally(renderer, value):
    """Jinja escapes values and never evaluates them again: `{{ 7*7 }}` stays, no 49."""
    package = facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=f"Stichting {value} Noord",
                    contact=Person(value, value, value, value))
    for kind in (K.AANBIEDINGSBRIEF, K.VERWERKERSOVEREENKOMST, K.AANMELDING_ORGANISATIE_LID):
        text = render(renderer, package, kind)
        contains(text, f"Stichting {value} Noord")
    assert "49" not in render(renderer, package, K.AANMELDING_ORGANISATIE_LID)


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_no_input_breaks_rendering(renderer, value):
    """Every document renders to a well-formed .docx whatever the person typed."""
    package = facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=value or "x",
                    contact=Person(value, value, value, value),
                    signatory=Person(value, value, value), reference_number=value or "x")
    for planned in package.plan.documents:
        data = renderer.render(planned.kind, build_context(package, planned))
        docx_text(data)  # python-docx parses every part
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.testzip() is None


def test_names_keep_their_special_and_non_latin_characters(renderer):
    for name in (BRUG, GREEK):
        package = facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=name)
        for kind in (K.AANBIEDINGSBRIEF, K.VERWERKERSOVEREENKOMST):
            contains(render(renderer, package, kind), name)
        contains(render(renderer, package, K.GEBRUIKSOVEREENKOMST, "schuldenradar"), name)


# -- the fast renderer against plain docxtpl ----------------------------------------------------

def test_same_text_as_plain_docxtpl_for_every_document_of_every_scenario(renderer):
    for package in scenarios().values():
        for planned in package.plan.documents:
            context = build_context(package, planned)
            template = DocxTemplate(str(renderer.template_path(planned.kind)))
            template.render(context, autoescape=True)
            buffer = io.BytesIO()
            template.save(buffer)
            ours = renderer.render(planned.kind, context)
            # the same text, except that our layout rules make IBANs, amounts and dates
            # unbreakable (no-break spaces)
            assert docx_text(ours).replace("\xa0", " ") == \
                docx_text(buffer.getvalue()).replace("\xa0", " "), planned


def test_rendering_is_deterministic(renderer):
    package = facts()
    planned = package.plan.documents[-1]
    context = build_context(package, planned)
    assert renderer.render(planned.kind, context) == renderer.render(planned.kind, context)


def test_one_renderer_serves_many_threads(renderer):
    """Threads rendering different packages at once each get their own, correct document."""
    packages = [facts(OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name=f"Stichting {i}",
                      solutions=(("schuldenradar", dt.date(2026, 1, 1)),)) for i in range(16)]
    fresh = type(renderer)()  # starts with an empty cache: threads race to compile it
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(packages))

    def work(i):
        try:
            barrier.wait()
            planned = next(d for d in packages[i].plan.documents
                           if d.kind is K.GEBRUIKSOVEREENKOMST)
            for _ in range(5):
                results[i] = fresh.render(planned.kind, build_context(packages[i], planned))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(packages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for i, data in results.items():
        text = normalise(docx_text(data))
        contains(text, f"Stichting {i},")
        assert all(f"Stichting {j}," not in text for j in range(len(packages)) if j != i)


def test_on_file_registration_is_skipped(renderer):
    package = facts(on_file=OnFile(registered_as=Involvement.LID,
                                   registered_on=dt.date(2024, 5, 1)))
    assert K.AANMELDING_GEMEENTE_LID not in package.plan.kinds
    assert K.RAADSBRIEF not in package.plan.kinds
    contains(render(renderer, package, K.AANBIEDINGSBRIEF),
             "De organisatie is al lid sinds 1 mei 2024.")
    assert GEMEENTE in render(renderer, package, K.VERWERKERSOVEREENKOMST)

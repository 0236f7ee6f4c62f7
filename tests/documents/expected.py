"""Texts the documents must contain, written out by hand (not taken from the templates)."""

import re
from dataclasses import dataclass

# Gemeentewet art. 160, second paragraph, as the NVSI's source text quotes it.
ARTICLE_160_2 = (
    "Het college besluit slechts tot de oprichting van en de deelneming in stichtingen, "
    "maatschappen, vennootschappen, verenigingen, coöperaties en onderlinge "
    "waarborgmaatschappijen, indien dat in het bijzonder aangewezen moet worden geacht voor de "
    "behartiging van het daarmee te dienen openbaar belang. Het besluit wordt niet genomen dan "
    "nadat de raad een ontwerpbesluit is toegezonden en in de gelegenheid is gesteld zijn wensen "
    "en bedenkingen ter kennis van het college te brengen."
)

# The legal checklist: every element a lawyer looks for, the documents that need it, and the
# meaning markers that show it is there. A marker is a group of words that must occur together
# in ONE sentence of the generated text (case-insensitive); a tuple inside a marker lists
# alternatives. The markers name what the clause is about, not how the contract words it, so a
# lawyer may rephrase a clause freely as long as it still says the same thing. "{hours}" and
# "{version}" are filled in with the package's breach-notice hours and Voorwaarden version.
# templates_docx/LEESMIJ.md shows this table to the people who edit the templates.

VWO = "verwerkersovereenkomst"
GO = "gebruiksovereenkomst"
VW = "voorwaarden"


@dataclass(frozen=True)
class Element:
    label: str  # as in the LEESMIJ table
    source: str  # where the requirement comes from
    kinds: tuple[str, ...]  # the document kinds that must contain it
    markers: tuple[tuple[str | tuple[str, ...], ...], ...]  # every marker must be found


CHECKLIST: tuple[Element, ...] = (
    # GDPR art. 28(3), first sentence
    Element("onderwerp van de verwerking", "AVG 28(3)", (VWO,), (("onderwerp", "verwerking"),)),
    Element("duur van de verwerking", "AVG 28(3)", (VWO,), (("zolang", "verwerkt"),)),
    Element("aard van de verwerking", "AVG 28(3)", (VWO,), (("aard van de verwerking",),)),
    Element("doel van de verwerking", "AVG 28(3)", (VWO,), (("doeleinden", "verwerking"),)),
    Element("soorten persoonsgegevens", "AVG 28(3)", (VWO,), (("soorten persoonsgegevens",),)),
    Element("categorieën van betrokkenen", "AVG 28(3)", (VWO,),
            (("categorieën van betrokkenen",),)),
    Element("rechten en plichten van de verwerkingsverantwoordelijke", "AVG 28(3)", (VWO,),
            (("rechten", "plichten", "verwerkingsverantwoordelijke"),)),
    # GDPR art. 28(3)(a)-(h)
    Element("a. alleen op schriftelijke instructies, ook bij doorgifte", "AVG 28(3)(a)", (VWO,),
            (("instructies", "derde land"), ("instructie", "inbreuk", "in kennis"))),
    Element("b. geheimhouding", "AVG 28(3)(b)", (VWO,),
            (("geheimhouding", ("verbonden", "gebonden")),)),
    Element("c. beveiliging volgens artikel 32", "AVG 28(3)(c)", (VWO,),
            (("artikel 32", "maatregelen"),)),
    Element("d. subverwerkers: toestemming, zelfde plichten, aansprakelijk", "AVG 28(3)(d)",
            (VWO,), (("subverwerker", "voorafgaande", "toestemming"),
                     ("subverwerker", "dezelfde verplichtingen"),
                     ("subverwerker", "aansprakelijk"))),
    Element("e. hulp bij verzoeken van betrokkenen", "AVG 28(3)(e)", (VWO,),
            (("helpt", "verzoeken", "betrokkenen"),)),
    Element("f. hulp bij de artikelen 32 tot en met 36", "AVG 28(3)(f)", (VWO,),
            (("32 tot en met 36",),)),
    Element("g. wissen of teruggeven, kopieën", "AVG 28(3)(g)", (VWO,),
            (("wist", "terug", "keuze"), ("kopie",))),
    Element("h. informatie en audits", "AVG 28(3)(h)", (VWO,),
            (("informatie", "aan te tonen"), ("audits", "inspecties"))),
    # GDPR art. 32, 33, 34
    Element("beveiliging passend bij het risico", "AVG 32", (VWO,),
            (("stand van de techniek", "risico"),)),
    Element("melding aan de verwerkingsverantwoordelijke binnen de termijn", "AVG 33(2)", (VWO,),
            (("datalek", "binnen {hours} uur"),)),
    Element("72 uur voor de melding aan de Autoriteit Persoonsgegevens", "AVG 33(1)", (VWO,),
            (("72 uur", "autoriteit persoonsgegevens"),)),
    Element("inhoud van de melding: aard, betrokkenen, registers", "AVG 33(3)(a)", (VWO,),
            (("aard van het datalek", "betrokkenen", "registers"),)),
    Element("inhoud van de melding: FG of ander contactpunt", "AVG 33(3)(b)", (VWO,),
            (("functionaris voor gegevensbescherming", "contactpunt"),)),
    Element("inhoud van de melding: waarschijnlijke gevolgen", "AVG 33(3)(c)", (VWO,),
            (("waarschijnlijke gevolgen", "datalek"),)),
    Element("inhoud van de melding: genomen of voorgestelde maatregelen", "AVG 33(3)(d)", (VWO,),
            (("maatregelen", ("genomen", "voorstelt"), "beperken"),)),
    Element("informatie in stappen", "AVG 33(4)", (VWO,), (("in stappen",),)),
    Element("mededeling aan betrokkenen", "AVG 34", (VWO,), (("betrokkenen", "artikel 34"),)),
    Element("contacten bij datalekken: FG, dag en nacht bereikbaar, NVSI", "AVG 33; LEGAL-NOTES",
            (VWO,), (("datalek", "dag en nacht bereikbaar", "verwerkingsverantwoordelijke"),
                     ("functionaris gegevensbescherming", "verwerkingsverantwoordelijke"),
                     ("verwerker", "dag en nacht bereikbaar", "datalek"))),
    Element("verwerkingsverantwoordelijke is de rechtspersoon", "AVG 4(7)", (VWO,),
            (("verwerkingsverantwoordelijke", "vertegenwoordigd door",
              ("college van burgemeester en wethouders", "haar bestuur")),)),
    # The gebruiksovereenkomst
    Element("licentie: gebruiksrecht, niet overdraagbaar", "BW; seed", (GO,),
            (("gebruiksrecht", "niet-exclusief"), ("gebruiksrecht", "niet overdraagbaar"))),
    Element("intellectueel eigendom (NVSI mede-eigenaar bij publieke middelen)", "seed", (GO,),
            (("intellectueel eigendom",), ("publieke middelen", "nvsi", "eigenaar"))),
    Element("beheer en ondersteuning door de leverende partij", "seed", (GO,),
            (("beheer", "leverende partij", ("ondersteuning", "support")),)),
    Element("vergoeding: licentie, beheer en opslag met het ALV-besluit", "seed", (GO,),
            (("licentiekosten", "beheerkosten", "opslag"),
             ("opslag", "vastgesteld bij", "alv-besluit"))),
    Element("indexering bij besluit van de ALV", "seed", (GO,),
            (("indexering", "algemene ledenvergadering"),)),
    Element("eerste jaar naar rato", "LEGAL-NOTES", (GO,),
            (("naar rato", "eerste kalenderjaar", ("maand", "dag")),)),
    Element("btw", "Wet OB; LEGAL-NOTES", (GO,), (("omzetbelasting", "btw"),)),
    Element("facturering en betaling", "BW", (GO,),
            (("factureert", "kalenderjaar"), ("betaalt binnen", "dagen", "factuurdatum"))),
    Element("duur en opzegging met opzegtermijn", "BW", (GO,),
            (("onbepaalde tijd",), ("opzeggen", "opzegtermijn", "maand"))),
    Element("aansprakelijkheid met een maximum", "BW", (GO, VWO),
            (("aansprakelijkheid",), ("beperkt", "ten hoogste", "€"))),
    Element("geen verwerking vóór de verwerkersovereenkomst", "AVG 28(1)", (GO,),
            (("geen persoonsgegevens", "voordat", "verwerkersovereenkomst", "ondertekend"),)),
    Element("NVSI Voorwaarden genoemd met versie", "seed", (GO, VW),
            (("nvsi voorwaarden innovatieve oplossingen", "versie {version}"),)),
    Element("toepasselijk recht", "BW", (GO, VWO), (("nederlands recht",),)),
    Element("bevoegde rechter", "Rv", (GO, VWO), (("geschil", "rechtbank"),)),
)


def leesmij_row(element: Element) -> str:
    """The element's row in the table of templates_docx/LEESMIJ.md."""
    def word(w):
        return " of ".join(f"“{x}”" for x in w) if isinstance(w, tuple) else f"“{w}”"

    markers = "; ".join(" + ".join(word(w) for w in marker) for marker in element.markers)
    markers = markers.replace("{hours}", "<uren>").replace("{version}", "<versie>")
    return f"| {element.label} | {element.source} | {', '.join(element.kinds)} | {markers} |"


def sentences(text: str) -> list[str]:
    """The sentences of a text (DOCX or PDF), lower-cased, with white space collapsed."""
    flat = re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip().lower()
    return re.split(r"(?<=[.;:])\s+", flat)


def missing_markers(element: Element, text: str, **values: str) -> list[tuple]:
    """The markers of `element` that no sentence of `text` carries (empty: it is there)."""
    found = sentences(text)

    def carried(marker) -> bool:
        words = [tuple(w.format(**values).lower() for w in (word if isinstance(word, tuple)
                                                            else (word,))) for word in marker]
        return any(all(any(w in sentence for w in alternatives) for alternatives in words)
                   for sentence in found)

    return [marker for marker in element.markers if not carried(marker)]

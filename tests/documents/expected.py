"""Texts the documents must contain, written out by hand (not taken from the templates)."""

# Gemeentewet art. 160, second paragraph, as the NVSI's source text quotes it.
ARTICLE_160_2 = (
    "Het college besluit slechts tot de oprichting van en de deelneming in stichtingen, "
    "maatschappen, vennootschappen, verenigingen, coöperaties en onderlinge "
    "waarborgmaatschappijen, indien dat in het bijzonder aangewezen moet worden geacht voor de "
    "behartiging van het daarmee te dienen openbaar belang. Het besluit wordt niet genomen dan "
    "nadat de raad een ontwerpbesluit is toegezonden en in de gelegenheid is gesteld zijn wensen "
    "en bedenkingen ter kennis van het college te brengen."
)

# One phrase per element GDPR art. 28(3) requires of a processing agreement.
ART_28_3 = {
    "subject": "Dat is het onderwerp van de verwerking.",
    "duration": "Zij geldt zolang de verwerker persoonsgegevens verwerkt in opdracht van de "
                "verwerkingsverantwoordelijke.",
    "nature": "De aard van de verwerking is het opslaan, ordenen, raadplegen",
    "purpose, data, subjects": "De doeleinden van de verwerking, de soorten persoonsgegevens en "
                               "de categorieën van betrokkenen staan per oplossing in de bijlage.",
    "controller's rights and duties": "Rechten en plichten van de verwerkingsverantwoordelijke",
    "(a) documented instructions": "uitsluitend op basis van schriftelijke instructies van de "
                                   "verwerkingsverantwoordelijke, ook wat betreft de doorgifte van "
                                   "persoonsgegevens aan een derde land of een internationale "
                                   "organisatie",
    "(a) unlawful instruction": "Is de verwerker van mening dat een instructie inbreuk maakt op "
                                "de AVG",
    "(b) confidentiality": "zich tot geheimhouding hebben verbonden of door een passende "
                           "wettelijke verplichting tot geheimhouding gebonden zijn",
    "(c) security": "De verwerker neemt alle maatregelen die artikel 32 AVG vraagt",
    "(d) prior written consent": "De verwerker schakelt geen subverwerker in zonder voorafgaande "
                                 "schriftelijke toestemming van de verwerkingsverantwoordelijke.",
    "(d) same obligations": "dezelfde verplichtingen inzake gegevensbescherming op als die in "
                            "deze overeenkomst",
    "(d) fully liable": "volledig aansprakelijk voor het nakomen van de verplichtingen van die "
                        "subverwerker",
    "(e) data subjects": "bij het beantwoorden van verzoeken van betrokkenen die hun rechten "
                         "uitoefenen (hoofdstuk III AVG)",
    "(f) art. 32-36": "bij het nakomen van de verplichtingen uit de artikelen 32 tot en met 36 AVG",
    "(g) delete or return": "wist de verwerker, naar keuze van de verwerkingsverantwoordelijke, "
                            "alle persoonsgegevens of geeft hij ze terug",
    "(g) copies": "verwijdert hij bestaande kopieën, tenzij opslag van de persoonsgegevens door "
                  "het Unierecht of het Nederlandse recht is voorgeschreven",
    "(h) information": "stelt alle informatie ter beschikking die nodig is om aan te tonen",
    "(h) audits": "De verwerker maakt audits, waaronder inspecties, door de "
                  "verwerkingsverantwoordelijke of door een controleur",
    "in writing": "Een elektronische vastlegging geldt als schriftelijk (artikel 28, negende lid, "
                  "AVG).",
}

"""What an edit changes and may not change; an organisation's record and what a new package
starts from; the signer, mail and bulk states as enums."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.edits import PackageTerms
from app.domain.edits import check_start_dates
from app.domain.edits import describe_changes
from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import Person
from app.domain.records import Details
from app.domain.records import OnFileRole
from app.domain.records import Source
from app.domain.records import describe_details
from app.domain.records import describe_person
from app.domain.records import starting_point
from app.domain.rules import OnFile
from app.domain.rules import RuleError
from app.domain.rules import SolutionRequest
from app.domain.signatory import SignatoryCapacity
from app.domain.states import AgreementKind
from app.domain.states import BulkItemState
from app.domain.states import MailState
from app.domain.states import SignerState

TODAY = dt.date(2026, 11, 30)
CONTACT = Person("Fatima el Amrani", "Beleidsadviseur", "f@utrecht.example", "+31 30 286 0000")
SIGNER = Person("Sharon Dijksma", "Burgemeester", "b@utrecht.example")
TERMS = PackageTerms(Involvement.LID, CONTACT, SIGNER,
                     (SolutionRequest("schuldenradar", dt.date(2026, 1, 1)),), False,
                     SignatoryCapacity.BURGEMEESTER)


def test_no_change_says_nothing(reference):
    assert describe_changes(TERMS, TERMS, reference) == []


def test_each_change_is_one_dutch_sentence(reference):
    after = PackageTerms(Involvement.PARTICIPANT, CONTACT,
                         Person("Hans Bouwmeester", "Burgemeester", "h@utrecht.example"),
                         (SolutionRequest("schuldenradar", dt.date(2027, 1, 1)),
                          SolutionRequest("participatiematch", dt.date(2027, 1, 1))), True,
                         SignatoryCapacity.BURGEMEESTER)
    assert describe_changes(TERMS, after, reference) == [
        "Betrokkenheid: lid wordt participant.",
        "Ondertekenaar: Sharon Dijksma, Burgemeester, b@utrecht.example wordt Hans "
        "Bouwmeester, Burgemeester, h@utrecht.example.",
        "Ingangsdatum van Schuldenradar: 1 januari 2026 wordt 1 januari 2027.",
        "Oplossing toegevoegd: ParticipatieMatch, ingangsdatum 1 januari 2027.",
        "Waarschuwing voor een participant met oplossingen: besproken met de organisatie.",
    ]


def test_a_start_date_set_in_the_past_is_refused_one_kept_is_not():
    check_start_dates(TERMS, TERMS, TODAY)  # 1 January 2026 was agreed before: kept
    moved = PackageTerms(Involvement.LID, CONTACT, SIGNER,
                         (SolutionRequest("schuldenradar", dt.date(2026, 2, 1)),), False)
    with pytest.raises(RuleError) as refused:
        check_start_dates(TERMS, moved, TODAY)
    assert refused.value.field == "solutions-0-start"
    assert refused.value.message.startswith("Ingangsdatum: 1 februari 2026 ligt in het verleden.")


def test_record_changes_in_dutch():
    before = Details("Stichting De Brug", "12345678", None, Address("Brugstraat 7", "6511 AB",
                                                                    "Nijmegen"))
    after = Details("Stichting De Brug", None, None, Address("Waalkade 12", "6511 XR", "Nijmegen"))
    assert describe_details(before, after) == [
        "KvK-nummer: 12345678 wordt geen.",
        "Adres: Brugstraat 7, 6511 AB Nijmegen wordt Waalkade 12, 6511 XR Nijmegen."]
    assert describe_person(OnFileRole.SIGNATORY, None, SIGNER,
                           SignatoryCapacity.BURGEMEESTER) == (
        "Ondertekenaar vastgelegd: Sharon Dijksma, Burgemeester, b@utrecht.example "
        "(de burgemeester).")


def test_a_new_package_starts_from_the_record(reference):
    on_file = OnFile(Involvement.PARTICIPANT, dt.date(2025, 3, 1), dt.date(2025, 3, 1),
                     {"schuldenradar": dt.date(2025, 3, 1)})
    fields, said = starting_point(on_file, Source(CONTACT, "het dossier van de organisatie"),
                                  Source(SIGNER, "pakket NVSI-2026-0001",
                                         SignatoryCapacity.BURGEMEESTER), reference)
    assert fields["involvement"] == "participant"
    assert fields["contact_phone"] == CONTACT.phone
    assert fields["signatory_capacity"] == "burgemeester"
    assert said == [
        "Contactpersoon Fatima el Amrani: uit het dossier van de organisatie.",
        "Ondertekenaar Sharon Dijksma: uit pakket NVSI-2026-0001.",
        "Betrokkenheid participant: de organisatie is participant sinds 1 maart 2025 "
        "(aanmelding op dossier).",
        "Op dossier: verwerkersovereenkomst van 1 maart 2025; gebruiksovereenkomst "
        "Schuldenradar van 1 maart 2025. Deze documenten komen niet opnieuw in het pakket.",
    ]
    assert starting_point(OnFile(), None, None, reference) == ({}, [])


def test_stored_states_are_enums_with_the_stored_values():
    assert [s.value for s in SignerState] == ["wachtend", "uitgenodigd", "bekeken",
                                              "ondertekend", "geweigerd"]
    assert [s.rank for s in SignerState] == [0, 1, 2, 3, 4]  # events never lower a signer
    assert {s for s in SignerState if s.is_done} == {SignerState.ONDERTEKEND,
                                                     SignerState.GEWEIGERD}
    assert SignerState.WACHTEND.label == "Nog niet aan de beurt"
    assert [s.value for s in MailState] == ["wachtend", "verzonden", "mislukt"]
    assert [s.label for s in BulkItemState] == ["Wachtend", "Klaar", "Mislukt"]
    assert SignerState("ondertekend") == "ondertekend"  # compares with the stored string
    assert [k.value for k in AgreementKind] == ["registratie_lid", "registratie_participant",
                                                "verwerkersovereenkomst", "gebruiksovereenkomst"]
    assert AgreementKind.REGISTRATIE_LID.label == "Aanmelding als lid"

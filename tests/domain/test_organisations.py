"""Organisation kinds, involvement and who is verwerkingsverantwoordelijke."""

from __future__ import annotations

import pytest

from app.domain.organisations import Involvement
from app.domain.organisations import Organisation
from app.domain.organisations import OrgKind


@pytest.mark.parametrize(
    "kind, value, label",
    [
        (OrgKind.GEMEENTE, "gemeente", "gemeente"),
        (OrgKind.PUBLIEKE_ORGANISATIE, "publieke_organisatie", "publieke organisatie"),
        (OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, "maatschappelijke_organisatie",
         "maatschappelijke organisatie"),
    ],
)
def test_kinds(kind, value, label):
    assert kind.value == value
    assert OrgKind(value) is kind
    assert kind.label == label


def test_involvement():
    assert [i.value for i in Involvement] == ["lid", "participant"]
    assert Involvement.LID.label == "lid"
    assert Involvement.PARTICIPANT.label == "participant"


@pytest.mark.parametrize(
    "name, kind, controller",
    [
        ("Sûdwest-Fryslân", OrgKind.GEMEENTE,
         "de gemeente Sûdwest-Fryslân, vertegenwoordigd door het college van burgemeester en "
         "wethouders"),
        ("'s-Hertogenbosch", OrgKind.GEMEENTE,
         "de gemeente 's-Hertogenbosch, vertegenwoordigd door het college van burgemeester en "
         "wethouders"),
        ("Werkbedrijf Rijk van Nijmegen", OrgKind.PUBLIEKE_ORGANISATIE,
         "Werkbedrijf Rijk van Nijmegen, vertegenwoordigd door haar bestuur"),
        ("Stichting Zorg & Welzijn", OrgKind.MAATSCHAPPELIJKE_ORGANISATIE,
         "Stichting Zorg & Welzijn, vertegenwoordigd door haar bestuur"),
    ],
)
def test_controller_name(name, kind, controller):
    assert Organisation(name=name, kind=kind).controller_name == controller

"""Demo data so a newcomer sees a realistic service at once (`flask demo`)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.domain.organisations import Involvement
from app.domain.organisations import Person
from app.domain.rules import SolutionRequest
from app.extensions import db
from app.runtime import runtime
from app.services.accounts import create_user
from app.services.intake import NewPackage
from app.services.packages import create_package
from app.store.models import Agreement
from app.store.models import Organisation
from app.store.models import User

DEMO_USER = "demo@nvsi.nl"
DEMO_PASSWORD = "demo-wachtwoord-2026"

ORGANISATIONS = [
    # name, kind, cbs, street, postcode, city, agreements [(kind, solution, signed_on)]
    ("Utrecht", "gemeente", "GM0344", "Stadsplateau 1", "3521 AZ", "Utrecht",
     [("registratie_lid", "", "2024-04-15"), ("verwerkersovereenkomst", "", "2025-03-03"),
      ("gebruiksovereenkomst", "schuldenradar", "2025-03-03")]),
    ("Groningen", "gemeente", "GM0014", "Kreupelstraat 1", "9712 HW", "Groningen",
     [("registratie_participant", "", "2023-09-01")]),
    ("Súdwest-Fryslân", "gemeente", "GM1900", "Marktstraat 15", "8601 CG", "Sneek", []),
    ("Stichting Zorg & Welzijn \"De Brug\"", "maatschappelijke_organisatie", None,
     "Brugstraat 7", "6511 AB", "Nijmegen",
     [("registratie_lid", "", "2025-01-10"), ("verwerkersovereenkomst", "", "2025-01-10"),
      ("gebruiksovereenkomst", "mantelzorgwaardering", "2025-01-10")]),
    ("GR Sociaal Domein Midden-Holland", "publieke_organisatie", None, "Burgemeester Jamessingel 2",
     "2803 PD", "Gouda", []),
]


def load_demo(today: dt.date) -> str:
    """Add the demo organisations, agreements, two packages and a demo user; safe to repeat."""
    added = 0
    for name, kind, cbs, street, postcode, city, agreements in ORGANISATIONS:
        if db.session.scalar(sa.select(Organisation).where(Organisation.name == name)):
            continue
        org = Organisation(name=name, kind=kind, cbs_code=cbs, street=street,
                           postcode=postcode, city=city)
        db.session.add(org)
        for kind_, solution, signed in agreements:
            db.session.add(Agreement(organisation=org, kind=kind_, solution_code=solution,
                                     signed_on=dt.date.fromisoformat(signed)))
        added += 1
    db.session.commit()
    if added:
        _demo_packages(today)
    if not db.session.scalar(sa.select(User).where(User.email == DEMO_USER)):
        create_user(DEMO_USER, "Demo Medewerker", DEMO_PASSWORD)
    return (f"{added} voorbeeldorganisaties geladen. Log in als {DEMO_USER} "
            f"met wachtwoord {DEMO_PASSWORD}.")


def _demo_packages(today: dt.date) -> None:
    # the first of January of the latest year with a fee schedule, but not in the past
    latest = max(runtime().reference.fee_years)
    start = dt.date(latest, 1, 1) if latest > today.year else today
    utrecht = db.session.scalar(sa.select(Organisation).where(Organisation.cbs_code == "GM0344"))
    sudwest = db.session.scalar(sa.select(Organisation).where(Organisation.cbs_code == "GM1900"))
    for org, solutions in ((utrecht, ("schuldenradar", "wijkteamdossier")),
                           (sudwest, ("wijkteamdossier", "participatiematch"))):
        create_package(NewPackage(
            organisation_id=org.id, organisation=None, involvement=Involvement.LID,
            contact=Person("Fatima el Amrani", "beleidsadviseur sociaal domein",
                           "f.elamrani@example.nl", "+31 30 286 0000"),
            signatory=Person("J.P. (Jan-Pieter) van Dijk", "burgemeester",
                             "burgemeester@example.nl"),
            solutions=tuple(SolutionRequest(code, start) for code in solutions),
            participant_warning_acknowledged=False,
        ), actor="demo")

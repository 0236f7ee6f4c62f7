"""Demo data so a newcomer sees a realistic service at once (`flask demo`)."""

from __future__ import annotations

import datetime as dt
import hashlib

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


# One package per organisation, each in its own state, each with its own people:
# cbs or name, involvement, solutions, contact, signatory, (state, how long ago, detail)
PACKAGES = [
    ("GM1900", Involvement.LID, ("wijkteamdossier", "participatiematch"),
     Person("Sietske de Vries", "beleidsmedewerker sociaal domein",
            "s.devries@sudwestfryslan.example", "+31 515 489 000"),
     Person("Jannewietske de Vries", "burgemeester", "burgemeester@sudwestfryslan.example"),
     None),
    ("GM0344", Involvement.LID, ("wijkteamdossier",),
     Person("Fatima el Amrani", "beleidsadviseur sociaal domein",
            "f.elamrani@utrecht.example", "+31 30 286 0000"),
     Person("Sharon Dijksma", "burgemeester", "burgemeester@utrecht.example"),
     ("mislukt", 1, "Omzetten naar PDF is mislukt: LibreOffice reageerde niet. Kies "
                    "'Documenten maken' om het opnieuw te proberen.")),
    ("GM0014", Involvement.LID, ("schuldenradar",),
     Person("Pieter Hoekstra", "programmamanager armoede en schulden",
            "p.hoekstra@groningen.example", "+31 50 367 0000"),
     Person("Koen Schuiling", "burgemeester", "burgemeester@groningen.example"),
     ("wacht_op_raad", 12, "")),
    ("Stichting Zorg & Welzijn \"De Brug\"", Involvement.LID, ("wijkteamdossier",),
     Person("Marloes Janssen", "coördinator vrijwilligers", "m.janssen@debrug.example",
            "+31 24 322 0000"),
     Person("Ahmed Bouzid", "voorzitter van het bestuur", "a.bouzid@debrug.example"),
     ("verzonden", 20, "")),
    ("GR Sociaal Domein Midden-Holland", Involvement.PARTICIPANT, (),
     Person("Ingrid Verbeek", "adviseur informatievoorziening", "i.verbeek@grmh.example",
            "+31 182 589 000"),
     Person("Willem de Jong", "voorzitter van het algemeen bestuur", "w.dejong@grmh.example"),
     ("ingetrokken", 5, "De gemeenschappelijke regeling wacht op het besluit van haar "
                        "algemeen bestuur.")),
]


def load_demo(today: dt.date) -> str:
    """Add the demo organisations, agreements, packages in several states and a demo user;
    safe to repeat (what is there already is left as it is, and the summary says so)."""
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
    packages = _demo_packages(today) if added else 0
    if not db.session.scalar(sa.select(User).where(User.email == DEMO_USER)):
        create_user(DEMO_USER, "Demo Medewerker", DEMO_PASSWORD)
    sign_in = f"Log in als {DEMO_USER} met wachtwoord {DEMO_PASSWORD}."
    if not added:
        return f"De voorbeeldgegevens stonden er al; er is niets toegevoegd. {sign_in}"
    return f"{added} voorbeeldorganisaties en {packages} voorbeeldpakketten geladen. {sign_in}"


def _demo_packages(today: dt.date) -> int:
    """The demo packages, moved to their states through the one door for state changes."""
    from app.domain.states import PackageState
    from app.services import timeline

    # the first of January of the latest year with a fee schedule, but not in the past
    from app.services.fee_schedules import fee_years

    latest = max(fee_years())
    start = dt.date(latest, 1, 1) if latest > today.year else today
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    made = 0
    for key, involvement, solutions, contact, signatory, later in PACKAGES:
        org = db.session.scalar(sa.select(Organisation).where(
            sa.or_(Organisation.cbs_code == key, Organisation.name == key)))
        package = create_package(NewPackage(
            organisation_id=org.id, organisation=None, involvement=involvement,
            contact=contact, signatory=signatory,
            solutions=tuple(SolutionRequest(code, start) for code in solutions),
            participant_warning_acknowledged=True,
            privacy_officer=Person("mr. N. (Noor) Bakker", "functionaris gegevensbescherming",
                                   "fg@example.nl", "+31 30 286 1000"),
            breach_contact=Person("Servicedesk Informatiebeveiliging", "contact bij datalekken",
                                  "datalek@example.nl", "+31 6 12345678"),
        ), actor="demo")
        made += 1
        if later is None:
            continue
        state, days_ago, detail = later
        when = now - dt.timedelta(days=days_ago)
        if state == "mislukt":
            package.last_error = detail
            timeline.transition(package, PackageState.MISLUKT, "demo", detail)
        elif state == "wacht_op_raad":
            from app.domain.council import raad_deadline

            timeline.transition(package, PackageState.KLAAR, "demo", "Documenten gemaakt.")
            package.council_started_on = today - dt.timedelta(days=days_ago)
            package.council_sent_on = today - dt.timedelta(days=days_ago - 2)
            package.council_deadline = raad_deadline(
                package.council_sent_on, runtime().settings.council_response_weeks)
            timeline.transition(package, PackageState.WACHT_OP_RAAD, "demo",
                                "Raadsprocedure gestart (voorbeeld).")
        elif state == "verzonden":
            timeline.transition(package, PackageState.KLAAR, "demo", "Documenten gemaakt.")
            package.provider, package.sent_at = "manual", when
            # the envelope id a send on paper gives (signing/providers/manual.py), so scans
            # and "De organisatie heeft getekend" work on the example as on a real package
            digest = hashlib.sha256(package.reference_number.encode()).hexdigest()
            package.envelope_id = f"manual-{digest[:32]}"
            timeline.transition(package, PackageState.VERZONDEN, "demo",
                                "Verzonden ter ondertekening op papier (voorbeeld).")
            for signer in package.signers:
                if signer.order == 1:
                    signer.state, signer.state_at = "uitgenodigd", when
        elif state == "ingetrokken":
            package.state_reason = detail
            timeline.transition(package, PackageState.INGETROKKEN, "demo",
                                f"Ingetrokken: {detail}")
        package.updated_at = when
        db.session.commit()
    return made

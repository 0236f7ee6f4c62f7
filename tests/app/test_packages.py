"""Making a package: the service stores what the rules say, in state concept."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import RuleError
from app.domain.rules import SolutionRequest
from app.extensions import db
from app.services.intake import NewPackage
from app.services.intake import OrganisationInput
from app.services.packages import create_package
from app.services.packages import facts_for
from app.services.packages import preview
from app.store.models import Agreement
from app.store.models import Organisation
from app.store.models import Package


FG = Person("Noor El Amrani", "functionaris gegevensbescherming", "fg@utrecht.nl", "")
BREACH = Person("Servicedesk Informatiebeveiliging", "contact bij datalekken",
                "datalek@utrecht.nl", "+31 6 12345678")


def new_package(kind=OrgKind.GEMEENTE, involvement=Involvement.LID, solutions=(), ack=False,
                name="Utrecht", cbs="GM0344", organisation_id=None):
    return NewPackage(
        organisation_id=organisation_id,
        organisation=None if organisation_id else OrganisationInput(
            kind, name, cbs if kind is OrgKind.GEMEENTE else None, None, None,
            Address("Stadsplateau 1", "3521 AZ", "Utrecht")),
        involvement=involvement,
        contact=Person("Fatima el Amrani", "beleidsadviseur", "f@utrecht.nl", "+31 30 286 0000"),
        signatory=Person("Sharon Dijksma", "burgemeester", "b@utrecht.nl"),
        solutions=tuple(SolutionRequest(c, d) for c, d in solutions),
        participant_warning_acknowledged=ack,
        privacy_officer=FG,
        breach_contact=BREACH,
    )


def test_gemeente_joining_as_lid_with_two_solutions(app):
    """The package holds the documents, signers and fees the rules call for."""
    with app.app_context():
        package = create_package(new_package(solutions=[
            ("schuldenradar", dt.date(2027, 1, 1)), ("mantelzorgwaardering", dt.date(2027, 7, 1))
        ]), actor="test")
        package = db.session.get(Package, package.id)
        assert package.state == "concept"
        assert package.reference_number == f"NVSI-{package.created_at.year}-{package.id:04d}"
        assert [d.kind for d in package.documents] == [
            "aanbiedingsbrief", "aanmelding_gemeente_lid", "raadsbrief", "ontwerpbesluit",
            "verwerkersovereenkomst", "gebruiksovereenkomst", "gebruiksovereenkomst",
            "voorwaarden"]
        assert package.needs_council
        # signers: the organisation first, then the NVSI board in the association file's order
        assert [(s.order, s.party, s.role) for s in package.signers] == [
            (1, "organisatie", "burgemeester"), (2, "nvsi", "voorzitter"),
            (3, "nvsi", "penningmeester")]
        # schuldenradar 2027: 4377.50 + 1313.75 + 695.00 fixed = 6386.25.
        # mantelzorgwaardering 2027: 1493.50 + 448.80 + 695.00 fixed = 2637.30.
        fees = {s.solution_code: s.total for s in package.solutions}
        assert fees == {"schuldenradar": Decimal("6386.25"),
                        "mantelzorgwaardering": Decimal("2637.30")}
        # The first calendar year's invoices: 6386.25 in full; mantelzorgwaardering from
        # 1 July per started month 6/12 of 2637.30 = 1318.65; 6386.25 + 1318.65 = 7704.90.
        assert package.total == Decimal("7704.90")
        assert package.voorwaarden_version == "2.1"
        assert (package.organisation.fg_email, package.organisation.breach_phone) == (
            "fg@utrecht.nl", "+31 6 12345678")
        assert [e.kind for e in package.events] == ["aangemaakt"]


def test_agreements_on_file_are_skipped_with_the_reason(app):
    with app.app_context():
        org = Organisation(name="Utrecht", kind="gemeente", cbs_code="GM0344")
        db.session.add(org)
        db.session.add_all([
            Agreement(organisation=org, kind="registratie_lid", signed_on=dt.date(2024, 4, 15)),
            Agreement(organisation=org, kind="verwerkersovereenkomst",
                      signed_on=dt.date(2025, 3, 3)),
        ])
        db.session.commit()
        package = create_package(new_package(
            organisation_id=org.id, solutions=[("schuldenradar", dt.date(2027, 1, 1))]),
            actor="test")
        assert [d.kind for d in package.documents] == ["aanbiedingsbrief",
                                                       "gebruiksovereenkomst", "voorwaarden"]
        reasons = [s["reason"] for s in package.skipped]
        assert "De verwerkersovereenkomst van 3 maart 2025 blijft van kracht." in reasons
        facts = facts_for(package)
        assert facts.on_file.verwerkersovereenkomst_on == dt.date(2025, 3, 3)
        assert [d.kind.value for d in facts.plan.documents] == [
            "aanbiedingsbrief", "gebruiksovereenkomst", "voorwaarden"]


def test_rule_error_changes_nothing(app):
    """A participant warning that was not acknowledged stores nothing at all."""
    with app.app_context():
        with pytest.raises(RuleError) as info:
            create_package(new_package(kind=OrgKind.MAATSCHAPPELIJKE_ORGANISATIE,
                                       name="Stichting <Noord> & Zuid",
                                       involvement=Involvement.PARTICIPANT,
                                       solutions=[("schuldenradar", dt.date(2027, 1, 1))]),
                           actor="test")
        assert info.value.field == "participant_warning_acknowledged"
        assert "inbesteding" in info.value.message
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_acknowledged_participant_gets_a_package(app):
    with app.app_context():
        package = create_package(new_package(
            kind=OrgKind.MAATSCHAPPELIJKE_ORGANISATIE, name="Stichting <Noord> & Zuid",
            involvement=Involvement.PARTICIPANT, ack=True,
            solutions=[("schuldenradar", dt.date(2027, 1, 1))]), actor="test")
        assert package.organisation.name == "Stichting <Noord> & Zuid"
        assert package.participant_warning_acknowledged
        assert package.warnings and "inbesteding" in package.warnings[0]
        assert [d.kind for d in package.documents][:2] == ["aanbiedingsbrief",
                                                           "aanmelding_participant"]


def test_preview_writes_nothing(app):
    with app.app_context():
        plan = preview(new_package(solutions=[("wijkteamdossier", dt.date(2027, 5, 1))]))
        # 2027: 7055.50 + 2204.20 + 695.00 = 9954.70; from 1 May per started month 8/12:
        # 6636.4666… → 6636.47
        assert plan.total == Decimal("6636.47")
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_same_municipality_is_not_added_twice(app):
    with app.app_context():
        first = create_package(new_package(), actor="test")
        second = create_package(new_package(
            solutions=[("schuldenradar", dt.date(2027, 1, 1))]), actor="test")
        assert first.organisation_id == second.organisation_id

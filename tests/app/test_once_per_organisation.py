"""Once per organisation, open packages included; replacing an open package on purpose; the
Voorwaarden per version; the privacy officer and breach contact; no start date in the past."""

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from app.domain.rules import RuleError
from app.extensions import db
from app.runtime import runtime
from app.services.archive import record_agreements
from app.services.intake import IntakeError
from app.services.packages import create_package
from app.services.packages import preview
from app.services.sending import cancel_package
from app.store.models import Agreement
from app.store.models import Organisation
from app.store.models import Package
from tests.app.test_packages import new_package

START = dt.date(2027, 1, 1)


def kinds(package):
    return [(d.kind, d.solution_code) for d in package.documents]


def test_an_open_package_holds_the_agreements_for_the_next_one(app):
    with app.app_context():
        first = create_package(new_package(solutions=[("schuldenradar", START)]), actor="test")
        again = new_package(organisation_id=first.organisation_id,
                            solutions=[("schuldenradar", START), ("wijkteamdossier", START)])
        plan = preview(again)
        reasons = {(s.kind.value, s.solution_code): s.reason for s in plan.skipped}
        ref = first.reference_number
        assert f"open pakket {ref}" in reasons[("verwerkersovereenkomst", None)]
        assert reasons[("gebruiksovereenkomst", "schuldenradar")] == (
            f"De gebruiksovereenkomst voor Schuldenradar zit al in het open pakket {ref}.")
        assert f"open pakket {ref}" in reasons[("voorwaarden", None)]
        second = create_package(again, actor="test")
        assert [k for k in kinds(second) if k[0] in (
            "verwerkersovereenkomst", "gebruiksovereenkomst", "voorwaarden")] == [
            ("gebruiksovereenkomst", "wijkteamdossier")]


def test_a_withdrawn_package_no_longer_counts(app):
    with app.app_context():
        first = create_package(new_package(solutions=[("schuldenradar", START)]), actor="test")
        cancel_package(first.id, "De gemeente wil eerst overleggen.", "test")
        second = create_package(new_package(organisation_id=first.organisation_id,
                                            solutions=[("schuldenradar", START)]), actor="test")
        assert ("verwerkersovereenkomst", None) in kinds(second)
        assert ("gebruiksovereenkomst", "schuldenradar") in kinds(second)


def test_staff_replace_an_open_package_on_purpose(app):
    with app.app_context():
        first = create_package(new_package(solutions=[("schuldenradar", START)]), actor="test")
        first_id, org_id = first.id, first.organisation_id
        replacement = dataclasses.replace(
            new_package(organisation_id=org_id,
                        solutions=[("schuldenradar", START), ("wijkteamdossier", START)]),
            replaces=first_id, replace_reason="Wijkteamdossier komt erbij")
        second = create_package(replacement, actor="medewerker@nvsi.nl")
        old = db.session.get(Package, first_id)
        assert old.state == "ingetrokken"
        assert old.state_reason == "Vervangen door een nieuw pakket: Wijkteamdossier komt erbij"
        assert old.events[-1].actor == "medewerker@nvsi.nl"
        assert second.replaces_id == first_id
        assert ("verwerkersovereenkomst", None) in kinds(second)
        assert {code for kind, code in kinds(second) if kind == "gebruiksovereenkomst"} == {
            "schuldenradar", "wijkteamdossier"}


def test_only_an_open_package_of_the_same_organisation_can_be_replaced(app):
    with app.app_context():
        other = create_package(new_package(name="Amersfoort", cbs="GM0307",
                                           solutions=[("schuldenradar", START)]), actor="test")
        mine = create_package(new_package(), actor="test")
        wrong = dataclasses.replace(new_package(organisation_id=mine.organisation_id,
                                                solutions=[("schuldenradar", START)]),
                                    replaces=other.id, replace_reason="vergissing")
        with pytest.raises(IntakeError) as caught:
            create_package(wrong, actor="test")
        assert caught.value.errors["replaces"].startswith("Te vervangen pakket:")
        assert db.session.get(Package, other.id).state == "concept"


def test_a_start_date_before_today_is_refused_and_nothing_is_stored(app):
    with app.app_context():
        yesterday = dt.date.today() - dt.timedelta(days=1)
        with pytest.raises(RuleError) as caught:
            create_package(new_package(solutions=[("schuldenradar", yesterday)]), actor="test")
        assert caught.value.field == "solutions-0-start"
        assert "ligt in het verleden" in caught.value.message
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 0


def test_the_privacy_officer_and_breach_contact_are_needed_once(app):
    with app.app_context():
        without = dataclasses.replace(new_package(solutions=[("schuldenradar", START)]),
                                      privacy_officer=None, breach_contact=None)
        with pytest.raises(IntakeError) as caught:
            create_package(without, actor="test")
        assert set(caught.value.errors) == {"fg_name", "breach_name"}
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0
        # given once, they are kept with the organisation and named in later packages
        first = create_package(new_package(), actor="test")  # registration only, with contacts
        org_id = first.organisation_id
        later = dataclasses.replace(new_package(organisation_id=org_id,
                                                solutions=[("schuldenradar", START)]),
                                    privacy_officer=None, breach_contact=None)
        package = create_package(later, actor="test")
        from app.services.packages import facts_for

        organisation = facts_for(package).organisation
        assert organisation.privacy_officer.email == "fg@utrecht.nl"
        assert organisation.breach_contact.phone == "+31 6 12345678"


def test_the_voorwaarden_again_only_when_their_version_changed(app, monkeypatch):
    with app.app_context():
        first = create_package(new_package(solutions=[("schuldenradar", START)]), actor="test")
        assert first.voorwaarden_version == "2.1"
        record_agreements(first, dt.date(2026, 12, 1))
        first.state = "gearchiveerd"
        db.session.commit()
        agreement = db.session.scalar(sa.select(Agreement).where(
            Agreement.kind == "gebruiksovereenkomst"))
        assert agreement.voorwaarden_version == "2.1"
        again = new_package(organisation_id=first.organisation_id,
                            solutions=[("wijkteamdossier", START)])
        assert "voorwaarden" not in [d.kind.value for d in preview(again).documents]
        reference = runtime().reference
        association = reference.association.model_copy(update={
            "voorwaarden": reference.association.voorwaarden.model_copy(
                update={"version": "3.0"})})
        monkeypatch.setattr(runtime(), "reference", dataclasses.replace(
            reference, association=association))
        (doc,) = [d for d in preview(again).documents if d.kind.value == "voorwaarden"]
        assert "gewijzigd sinds versie 2.1" in doc.reason

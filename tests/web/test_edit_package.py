"""Editing a package before it is sent: by page, planned again, documents made again with the
old versions kept, the change on the timeline; refused edits change nothing."""

from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.store.models import Package
from app.store.models import TimelineEvent
from tests.web.support import GEMEENTE_LID
from tests.web.support import STAFF_EMAIL
from tests.web.support import STAFF_NAME
from tests.web.support import make_package
from tests.web.support import post
from tests.web.support import set_state
from tests.web.support import text
from tests.web.support import use_fake_converter
from tests.web.support import value_of

NEXT_YEAR = f"01-01-{dt.date.today().year + 1}"
MATCH = "Gebruiksovereenkomst Innovatieve Oplossingen NVSI: ParticipatieMatch"


def snapshot(app, package_id):
    """Everything an edit could change, to compare before and after a refused edit."""
    with app.app_context():
        package = db.session.get(Package, package_id)
        return (package.state, package.involvement, package.contact_id, package.signatory_id,
                [(s.solution_code, s.start_date) for s in package.solutions],
                [(d.kind, d.solution_code, d.pdf_sha256, len(d.versions))
                 for d in package.documents],
                [(s.order, s.name) for s in package.signers],
                db.session.query(TimelineEvent).filter_by(package_id=package_id).count())


def edited(**changes) -> dict:
    return {**GEMEENTE_LID, **changes}


def test_the_form_shows_the_package_as_it_is(staff, app):
    package_id = make_package(app)
    response = staff.get(f"/pakketten/{package_id}/wijzigen")
    page = text(response)
    assert response.status_code == 200
    assert "wijzigen</h1>" in page and "De organisatie van een pakket kan niet worden gewijzigd" in page
    assert value_of(page, "signatory_name") == "Sharon Dijksma"
    assert value_of(page, "contact_email") == "f.elamrani@utrecht.example"
    assert value_of(page, "solutions-0-code") == "schuldenradar"
    assert value_of(page, "solutions-0-start") == "01-01-2027"
    assert 'id="cbs_code"' not in page  # the organisation stays


def test_an_edit_in_klaar_makes_new_versions_and_says_what_changed(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    package_id = make_package(app)
    assert post(staff, f"/pakketten/{package_id}/documenten").status_code == 302
    before = snapshot(app, package_id)
    assert before[0] == "klaar"
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Pakket wijzigen" in page

    response = post(staff, f"/pakketten/{package_id}/wijzigen", edited(**{
        "signatory_name": "Hans Bouwmeester", "signatory_email": "h.bouwmeester@utrecht.example",
        "solutions-2-code": "participatiematch", "solutions-2-start": NEXT_YEAR}))
    assert response.status_code == 302, text(response)
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Het pakket is gewijzigd en de documenten zijn opnieuw gemaakt." in page
    assert MATCH in page  # the new solution's document
    assert "Versies (2)" in page  # the old versions are listed with the new
    timeline = page.split('class="timeline"')[1]
    assert "Pakket gewijzigd." in timeline and STAFF_NAME in timeline  # who changed it
    assert "Oplossing toegevoegd: ParticipatieMatch" in timeline
    assert "Ondertekenaar: Sharon Dijksma" in timeline and "wordt Hans Bouwmeester" in timeline
    with app.app_context():
        package = db.session.get(Package, package_id)
        assert package.state == "klaar"
        assert package.signers[0].name == "Hans Bouwmeester"
        assert [s.solution_code for s in package.solutions] == [
            "schuldenradar", "wijkteamdossier", "participatiematch"]
        new = next(d for d in package.documents if d.solution_code == "participatiematch")
        assert [v.number for v in new.versions] == [1] and new.pdf_key
        # the registration form names the signer: a second version, the first kept
        form = next(d for d in package.documents if d.kind == "aanmelding_gemeente_lid")
        first, second = form.versions
        assert first.pdf_sha256 != second.pdf_sha256 and form.pdf_sha256 == second.pdf_sha256
        assert "Pakket gewijzigd" in second.reason
        from app.runtime import runtime
        assert runtime().store.get(first.pdf_key)  # the old file is still there
        event = package.events[-1]
        assert event.kind == "gewijzigd" and event.actor == STAFF_EMAIL


def test_an_edit_in_concept_plans_again_without_making_documents(staff, app):
    package_id = make_package(app)
    response = post(staff, f"/pakketten/{package_id}/wijzigen", edited(**{
        "solutions-1-code": "", "solutions-1-start": ""}))
    assert response.status_code == 302
    with app.app_context():
        package = db.session.get(Package, package_id)
        assert package.state == "concept"
        assert [s.solution_code for s in package.solutions] == ["schuldenradar"]
        assert not any(d.solution_code == "wijkteamdossier" for d in package.documents)
        assert all(not d.versions for d in package.documents)
        assert "Oplossing verwijderd: Wijkteamdossier." in package.events[-1].message


def test_the_same_values_change_nothing(staff, app):
    package_id = make_package(app)
    before = snapshot(app, package_id)
    response = post(staff, f"/pakketten/{package_id}/wijzigen", edited())
    assert response.status_code == 302
    assert "Er is niets gewijzigd" in text(staff.get(f"/pakketten/{package_id}"))
    assert snapshot(app, package_id) == before


def test_a_participant_without_the_warning_acknowledged_is_refused(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    package_id = make_package(app)
    post(staff, f"/pakketten/{package_id}/documenten")
    before = snapshot(app, package_id)
    response = post(staff, f"/pakketten/{package_id}/wijzigen",
                    edited(involvement="participant"))
    page = text(response)
    assert response.status_code == 422
    assert "Participant met oplossingen: vink aan dat u de organisatie op de waarschuwing " \
           "heeft gewezen." in page
    assert value_of(page, "signatory_name") == "Sharon Dijksma"  # what was typed stays
    assert snapshot(app, package_id) == before


def test_a_start_date_moved_into_the_past_is_refused(staff, app):
    package_id = make_package(app)
    before = snapshot(app, package_id)
    last_year = f"01-01-{dt.date.today().year - 1}"
    response = post(staff, f"/pakketten/{package_id}/wijzigen",
                    edited(**{"solutions-1-start": last_year}))
    page = text(response)
    assert response.status_code == 422
    assert "ligt in het verleden" in page
    assert snapshot(app, package_id) == before


def test_a_sent_package_cannot_be_edited(staff, app):
    package_id = make_package(app)
    set_state(app, package_id, "verzonden", provider="manual", envelope_id="env-1")
    before = snapshot(app, package_id)
    reason = ("Een pakket met de status 'Verzonden' kan niet meer worden gewijzigd. Alleen "
              "een pakket met de status 'Concept' of 'Documenten klaar' kan worden gewijzigd.")
    shown = staff.get(f"/pakketten/{package_id}/wijzigen")
    assert shown.status_code == 409 and reason in text(shown)
    response = post(staff, f"/pakketten/{package_id}/wijzigen",
                    edited(signatory_name="Iemand Anders"))
    assert response.status_code == 409 and reason in text(response)
    assert "Pakket wijzigen" not in text(staff.get(f"/pakketten/{package_id}"))
    assert snapshot(app, package_id) == before

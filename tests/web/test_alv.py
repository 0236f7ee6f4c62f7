"""ALV en tarieven: a beheerder records an ALV meeting and decision and enters next year's fee
schedule against it on the pages; packages starting in that year are priced with it (the
package, its page and its gebruiksovereenkomst), a schedule with a solution missing is refused
naming it, and a year without a schedule is refused in Dutch when a package is made."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.store.models import AlvDecision
from app.store.models import AlvMeeting
from app.store.models import FeeSchedule
from app.store.models import Package
from tests.documents.builders import docx_text
from tests.documents.builders import normalise
from tests.web.support import GEMEENTE_LID
from tests.web.support import beheerder_client
from tests.web.support import count
from tests.web.support import error_for
from tests.web.support import make_user
from tests.web.support import post
from tests.web.support import sign_in
from tests.web.support import text
from tests.web.support import use_fake_converter
from tests.web.support import value_of

# the seed (config/data/fees.toml, migration 0010_alv) has 2026 and 2027; the next year is 2028
NEXT = 2028
FEES_NEXT = {
    "wijkteamdossier": ("8.000,00", "2.500,00"),
    "schuldenradar": ("4.500,00", "1.350,00"),
    "participatiematch": ("4.200,00", "1.260,00"),
    "mantelzorgwaardering": ("1.550,00", "465,00"),
}
MEETING_DAY = dt.date.today() - dt.timedelta(days=3)


@pytest.fixture
def admin(app):
    return beheerder_client(app)


def schedule_form(decision: int, **changes) -> dict[str, str]:
    values = {"decision_id": str(decision), "year": str(NEXT), "surcharge_kind": "fixed",
              "surcharge_value": "700,00"}
    for code, (licence, management) in FEES_NEXT.items():
        values[f"licence-{code}"] = licence
        values[f"management-{code}"] = management
    values.update(changes)
    return values


def record_decision(admin, number="2026-12") -> int:
    """Through the pages: a meeting, then a decision of it; return the decision's id."""
    response = post(admin, "/beheer/alv/vergaderingen",
                    {"held_on": MEETING_DAY.strftime("%d-%m-%Y"), "place": "Utrecht",
                     "online": "ja"})
    assert response.status_code == 302, text(response)
    meeting_path = response.headers["Location"]
    response = post(admin, f"{meeting_path}/besluiten",
                    {"number": number, "decided_on": "", "subject": f"Tarieven {NEXT}",
                     "text": f"De ALV stelt de tarieven voor {NEXT} vast.\n\nDe opslag wordt "
                             "een vast bedrag van € 700,00 per oplossing."})
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def label() -> str:
    from app.domain.formatting import format_date

    return f"ALV-besluit 2026-12 van {format_date(MEETING_DAY)}"


def test_a_beheerder_enters_next_years_schedule_and_a_package_in_that_year_uses_it(
        app, admin, monkeypatch):
    decision_id = record_decision(admin)
    page = text(admin.get(f"/beheer/alv/besluiten/{decision_id}"))
    assert label() in page and "Utrecht en online" in page
    assert "De opslag wordt een vast bedrag van € 700,00 per oplossing." in page

    # the form starts from the latest schedule (2027), for the year after it
    form = text(admin.get(f"/beheer/tarieven/nieuw?besluit={decision_id}"))
    assert value_of(form, "year") == str(NEXT)
    assert value_of(form, "decision_id") == str(decision_id)
    assert value_of(form, "licence-wijkteamdossier") == "7.055,50"

    response = post(admin, "/beheer/tarieven", schedule_form(decision_id))
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == f"/beheer/tarieven/{NEXT}"
    page = text(admin.get(f"/beheer/tarieven/{NEXT}"))
    assert f"Voorbereid: gaat in op 1 januari {NEXT}" in page
    assert "€ 8.000,00" in page and "€ 700,00 per oplossing per jaar" in page and label() in page
    with app.app_context():
        schedule = db.session.scalar(sa.select(FeeSchedule).where(FeeSchedule.year == NEXT))
        assert schedule.decision_id == decision_id
        assert {line.solution_code: (line.licence, line.management)
                for line in schedule.lines}["wijkteamdossier"] == (D("8000.00"), D("2500.00"))

    # a package starting in that year is priced with it, and names the decision
    response = post(admin, "/pakketten/nieuw", {
        **GEMEENTE_LID, "solutions-0-code": "wijkteamdossier", "solutions-0-start": f"01-01-{NEXT}",
        "solutions-1-code": "", "solutions-1-start": "", "action": "aanmaken"})
    assert response.status_code == 302, text(response)
    package_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        [solution] = db.session.get(Package, package_id).solutions
        assert (solution.fee_year, solution.licence, solution.management, solution.surcharge,
                solution.total) == (NEXT, D("8000.00"), D("2500.00"), D("700.00"),
                                    D("11200.00"))
        assert solution.alv_decision == label()
    page = text(admin.get(f"/pakketten/{package_id}"))
    assert "€ 11.200,00" in page and label() in page

    use_fake_converter(monkeypatch)
    with app.app_context():
        from app.runtime import runtime
        from app.services.documents import make_documents

        package = make_documents(package_id, actor="test")
        [contract] = [d for d in package.documents if d.kind == "gebruiksovereenkomst"]
        contract_text = normalise(docx_text(runtime().store.get(contract.docx_key)))
    assert "€ 8.000,00" in contract_text and "€ 2.500,00" in contract_text
    assert "€ 700,00" in contract_text and "€ 11.200,00" in contract_text
    assert label() in contract_text


def test_a_schedule_with_a_solution_missing_is_refused_naming_it(app, admin):
    decision_id = record_decision(admin)
    response = post(admin, "/beheer/tarieven", schedule_form(
        decision_id, **{"licence-schuldenradar": "", "management-schuldenradar": ""}))
    assert response.status_code == 422
    page = text(response)
    assert error_for(page, "licence-schuldenradar") == (
        "Schuldenradar: het tarief ontbreekt. Vul de licentie en de beheerkosten in (0,00 als "
        "er niets voor wordt gerekend); elke oplossing moet een tarief hebben.")
    assert "Er is een probleem" in page
    assert value_of(page, "licence-wijkteamdossier") == "8.000,00"  # the input is kept
    assert value_of(page, "decision_id") == str(decision_id)
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(FeeSchedule.year))) == [2026, 2027]


def test_a_year_without_a_schedule_is_refused_in_dutch_when_a_package_is_made(app, admin):
    decision_id = record_decision(admin)
    assert post(admin, "/beheer/tarieven", schedule_form(decision_id)).status_code == 302
    before = count(app, Package)
    response = post(admin, "/pakketten/nieuw", {
        **GEMEENTE_LID, "solutions-0-code": "schuldenradar",
        "solutions-0-start": f"01-03-{NEXT + 1}", "solutions-1-code": "",
        "solutions-1-start": "", "action": "aanmaken"})
    assert response.status_code == 422
    assert error_for(text(response), "solutions-0-start") == (
        f"Voor {NEXT + 1} is nog geen tarief vastgesteld (wel voor: 2026, 2027, {NEXT}). Kies "
        "een ingangsdatum in een jaar met een tarief; het tariefschema van een nieuw jaar voert "
        "een beheerder in bij het ALV-besluit (ALV en tarieven).")
    assert count(app, Package) == before


def test_prices_come_from_the_database_not_from_fees_toml(app, admin):
    """A schedule replaced in the database (a year not begun) prices the next package."""
    from app.services.fee_schedules import enter_schedule

    decision_id = record_decision(admin)
    with app.app_context():
        enter_schedule(schedule_form(decision_id, year="2027"), "test",
                       today=dt.date(2026, 6, 1))
        from app.services.fee_schedules import priced_reference
        from app.domain.fees import fee_for

        fee = fee_for(priced_reference(), "wijkteamdossier", dt.date(2027, 5, 1))
    assert (fee.licence, fee.surcharge, fee.alv_decision) == (D("8000.00"), D("700.00"),
                                                              label())


@pytest.mark.parametrize("changes,field,message", [
    ({"year": str(NEXT + 1)}, "year",
     f"Jaar: er is nog geen tariefschema voor {NEXT}; voer de jaren zonder gat in, eerst {NEXT}."),
    ({"year": "2026"}, "year", "Jaar: het tariefschema voor 2026 is al van kracht; het kan niet "
                               "meer worden vervangen (pakketten zijn ermee geprijsd)."),
    ({"management-participatiematch": "-1,00"}, "management-participatiematch",
     "ParticipatieMatch, beheerkosten: moet 0 of meer zijn."),
    ({"surcharge_value": "12.5", "surcharge_kind": "percentage"}, "surcharge_value",
     "Opslag (percentage): '12.5' is geen bedrag; schrijf het met een komma voor de centen, "
     "bijvoorbeeld 1.250,00."),
    ({"decision_id": "999"}, "decision_id",
     "ALV-besluit: kies het besluit waarmee de ALV deze tarieven heeft vastgesteld (voeg het "
     "zo nodig eerst toe)."),
])
def test_a_wrong_schedule_is_refused_and_nothing_is_saved(app, admin, changes, field, message):
    decision_id = record_decision(admin)
    if field == "year" and changes["year"] == "2026" and dt.date.today().year != 2026:
        pytest.skip("the seed's first year is in effect only in 2026")
    before = count(app, FeeSchedule)
    response = post(admin, "/beheer/tarieven", schedule_form(decision_id, **changes))
    assert response.status_code == 422
    assert error_for(text(response), field) == message
    assert count(app, FeeSchedule) == before


def test_the_register_refuses_a_taken_number_and_a_meeting_without_a_place(app, admin):
    record_decision(admin)
    response = post(admin, "/beheer/alv/vergaderingen", {"held_on": "1-12-2026", "place": ""})
    assert response.status_code == 422
    assert error_for(text(response), "place") == (
        "Plaats: vul de plaats in, of kruis aan dat de vergadering online was.")
    assert value_of(text(response), "held_on") == "1-12-2026"
    with app.app_context():
        meeting_id = db.session.scalar(sa.select(AlvMeeting.id).where(
            AlvMeeting.held_on == MEETING_DAY))
    response = post(admin, f"/beheer/alv/vergaderingen/{meeting_id}/besluiten",
                    {"number": "2026-12", "subject": "Iets anders", "text": "Tekst."})
    assert response.status_code == 422
    assert error_for(text(response), "number").startswith("Besluitnummer: 2026-12 is al gebruikt")
    assert value_of(text(response), "subject") == "Iets anders"
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    response = post(admin, f"/beheer/alv/vergaderingen/{meeting_id}/besluiten",
                    {"number": "2026-13", "decided_on": tomorrow, "subject": "Later",
                     "text": "Tekst."})
    assert response.status_code == 422
    assert "ligt na vandaag" in error_for(text(response), "decided_on")
    with app.app_context():
        # the seed's two decisions and the one recorded here
        assert count(app, AlvDecision) == 3


def test_the_seed_is_in_the_register(app, admin):
    page = text(admin.get("/beheer/alv"))
    assert "ALV-besluit 2025-07 van 20 november 2025" in page
    assert "ALV-besluit 2026-09 van 19 november 2026" in page
    assert "12,5% van licentie en beheerkosten" in page


@pytest.mark.parametrize("path", ["/beheer/alv", "/beheer/alv/vergaderingen/1",
                                  "/beheer/alv/besluiten/1", "/beheer/tarieven/nieuw",
                                  "/beheer/tarieven/2026"])
def test_a_medewerker_may_not_open_the_alv_pages(app, client, path):
    make_user(app)
    sign_in(client)
    assert client.get(path).status_code == 403
    assert post(client, "/beheer/tarieven", {"year": "2028"}).status_code == 403
    assert post(client, "/beheer/alv/vergaderingen", {"held_on": "1-1-2026"}).status_code == 403

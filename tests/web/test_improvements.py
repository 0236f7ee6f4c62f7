"""Verbeterwensen through the staff pages: one walked from ingediend to opgeleverd, one to
afgewezen, with the innovatiekas ledger checked at every step and an overspend refused in
Dutch with nothing changed; the regiegroep drawn from the solution's users."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.store.models import ImprovementWish
from tests.doorontwikkeling import SOLUTION
from tests.doorontwikkeling import ledger
from tests.doorontwikkeling import make_user_of
from tests.web.support import post
from tests.web.support import text

D = Decimal


def _wish(app, reference=None) -> ImprovementWish:
    with app.app_context():
        query = sa.select(ImprovementWish).order_by(ImprovementWish.id.desc())
        wish = db.session.scalars(query).first()
        db.session.expunge(wish)
        return wish


def _step(staff, wish_id, action, **data):
    return post(staff, f"/verbeterwensen/{wish_id}/{action}", {"reason": f"reden {action}",
                                                               **data})


def test_a_wish_walked_to_opgeleverd_and_one_to_afgewezen_on_the_pages(app, staff):
    organisation_id, _person = make_user_of(app, "Stichting De Brug", "Anna Jansen")
    page = staff.get(f"/oplossingen/{SOLUTION}")
    assert page.status_code == 200 and "Stichting De Brug" in text(page)

    response = post(staff, f"/oplossingen/{SOLUTION}/innovatiekas",
                    {"amount": "10.000,00", "booked_on": "01-02-2026",
                     "description": "Bijdrage leden 2026"})
    assert response.status_code == 302
    assert ledger(app) == [("storting", D("10000.00"), D("10000.00"))]

    response = post(staff, "/verbeterwensen/nieuw", {
        "solution_code": SOLUTION, "organisation_id": str(organisation_id),
        "title": "Export naar CSV", "description": "Dossiers exporteren."})
    assert response.status_code == 302
    wish = _wish(app)
    assert wish.state == "ingediend" and wish.reference.startswith("VW-")

    # refused: a step the rule does not allow now; the page says why, nothing changes
    refused = _step(staff, wish.id, "goedkeuren")
    assert refused.status_code == 409
    assert "kan niet worden goedgekeurd: dat kan alleen bij de status 'Voorstel aan het " \
           "bestuur'" in text(refused)
    wrong = _step(staff, wish.id, "valideren", estimate="veel")
    assert wrong.status_code == 422 and "'veel' is geen bedrag" in text(wrong)
    assert 'value="veel"' in text(wrong)
    assert _wish(app).state == "ingediend"

    assert _step(staff, wish.id, "valideren", estimate="4.250,00").status_code == 302
    assert _step(staff, wish.id, "prioriteren", priority="1").status_code == 302
    assert ledger(app) == [("storting", D("10000.00"), D("10000.00"))]
    assert _step(staff, wish.id, "bekostiging", funding="innovatiekas").status_code == 302
    assert ledger(app)[-1] == ("vastlegging", D("4250.00"), D("5750.00"))
    assert _step(staff, wish.id, "voorstel").status_code == 302
    assert _step(staff, wish.id, "goedkeuren").status_code == 302
    page = text(staff.get(f"/verbeterwensen/{wish.id}"))
    assert "voorstel_bestuur-VW-" in page  # the proposal to the bestuur, as DOCX
    assert "alv_agendapunt" not in page  # from the kas below the ALV's amount: not financial
    assert _step(staff, wish.id, "opdracht").status_code == 302
    assert len(ledger(app)) == 2
    assert _step(staff, wish.id, "opleveren", actual_cost="4.000,00").status_code == 302
    assert ledger(app)[-1] == ("vrijval", D("250.00"), D("6000.00"))
    wish = _wish(app)
    assert wish.state == "opgeleverd" and wish.committed == D("4000.00")
    page = text(staff.get(f"/verbeterwensen/{wish.id}"))
    assert "Er volgt geen stap meer." in page and "reden opleveren" in page

    # the second wish: an overspend is refused in Dutch and changes nothing
    post(staff, "/verbeterwensen/nieuw", {
        "solution_code": SOLUTION, "organisation_id": str(organisation_id),
        "title": "Koppeling BRP", "description": "Gegevens ophalen."})
    second = _wish(app)
    _step(staff, second.id, "valideren", estimate="7.500,00")
    _step(staff, second.id, "prioriteren", priority="2")
    before = ledger(app)
    over = _step(staff, second.id, "bekostiging", funding="innovatiekas")
    assert over.status_code == 422
    assert ("De innovatiekas van Wijkteamdossier heeft € 6.000,00; € 7.500,00 vastleggen kan "
            "niet (er komt € 1.500,00 tekort).") in text(over)
    assert ledger(app) == before and _wish(app).state == "geprioriteerd"
    assert _wish(app).funding is None

    post(staff, f"/oplossingen/{SOLUTION}/innovatiekas",
         {"amount": "5000", "booked_on": "01-03-2026", "description": "Extra bijdrage"})
    assert _step(staff, second.id, "bekostiging", funding="innovatiekas").status_code == 302
    assert ledger(app)[-1] == ("vastlegging", D("7500.00"), D("3500.00"))
    assert _step(staff, second.id, "voorstel").status_code == 302
    assert _step(staff, second.id, "afwijzen").status_code == 302  # by the bestuur
    assert ledger(app)[-1] == ("vrijval", D("7500.00"), D("11000.00"))
    assert _wish(app).state == "afgewezen" and _wish(app).committed == 0

    history = text(staff.get(f"/oplossingen/{SOLUTION}"))
    assert "€ 11.000,00" in history and "Vrijgevallen" in history


def test_a_step_dated_before_the_last_or_in_the_future_is_refused(app, staff):
    organisation_id, _ = make_user_of(app, "Stichting Oost", "Bram Oost")
    post(staff, "/verbeterwensen/nieuw", {
        "solution_code": SOLUTION, "organisation_id": str(organisation_id),
        "title": "Zoeken", "description": "Beter zoeken."})
    wish = _wish(app)
    early = _step(staff, wish.id, "valideren", estimate="100", happened_on="01-01-2000")
    assert early.status_code == 422 and "kan niet eerder zijn" in text(early)
    late = _step(staff, wish.id, "valideren", estimate="100", happened_on="01-01-2999")
    assert late.status_code == 422 and "in de toekomst" in text(late)
    assert _wish(app).state == "ingediend"


def test_only_users_of_the_solution_hand_in_wishes(app, staff):
    other, _ = make_user_of(app, "Stichting Elders", "Cor Elders", solution="schuldenradar")
    response = post(staff, "/verbeterwensen/nieuw", {
        "solution_code": SOLUTION, "organisation_id": str(other), "title": "Iets",
        "description": "Iets anders."})
    assert response.status_code == 422
    assert "Stichting Elders gebruikt Wijkteamdossier niet als lid of participant" in \
        text(response)
    assert 'value="Iets"' in text(response)


def test_the_regiegroep_is_drawn_from_the_users_with_one_chair(app, staff):
    from app.domain.states import AgreementKind

    _, anna = make_user_of(app, "Stichting De Brug", "Anna Jansen")
    _, piet = make_user_of(app, "Stichting Noord", "Piet Noord",
                           involvement=AgreementKind.REGISTRATIE_PARTICIPANT)
    _, cor = make_user_of(app, "Stichting Elders", "Cor Elders", solution="schuldenradar")
    page = text(staff.get(f"/oplossingen/{SOLUTION}"))
    assert "Anna Jansen" in page and "Piet Noord" in page and "Cor Elders" not in page

    refused = post(staff, f"/oplossingen/{SOLUTION}/regiegroep", {"person": str(cor)})
    assert refused.status_code == 422
    assert "Kies een contactpersoon van een lid of participant dat Wijkteamdossier " \
           "gebruikt." in text(refused)
    assert post(staff, f"/oplossingen/{SOLUTION}/regiegroep",
                {"person": str(anna), "chair": "ja"}).status_code == 302
    assert post(staff, f"/oplossingen/{SOLUTION}/regiegroep",
                {"person": str(piet)}).status_code == 302
    with app.app_context():
        from app.services.regiegroepen import members

        group = [(m.person.name, m.is_chair) for m in members(SOLUTION)]
        piet_member = next(m.id for m in members(SOLUTION) if m.person.name == "Piet Noord")
    assert group == [("Anna Jansen", True), ("Piet Noord", False)]
    post(staff, f"/oplossingen/{SOLUTION}/regiegroep/{piet_member}/voorzitter")
    with app.app_context():
        group = [(m.person.name, m.is_chair) for m in members(SOLUTION)]
    assert group == [("Piet Noord", True), ("Anna Jansen", False)]
    post(staff, f"/oplossingen/{SOLUTION}/regiegroep/{piet_member}/verwijderen")
    with app.app_context():
        assert [m.person.name for m in members(SOLUTION)] == ["Anna Jansen"]


@pytest.mark.libreoffice
def test_the_yearly_overview_is_a_pdf_a_with_the_wishes_and_the_kas(app, staff):
    import io

    from pypdf import PdfReader

    organisation_id, _ = make_user_of(app, "Stichting De Brug", "Anna Jansen")
    post(staff, f"/oplossingen/{SOLUTION}/innovatiekas",
         {"amount": "10.000,00", "booked_on": "01-02-2026", "description": "Bijdrage leden"})
    post(staff, "/verbeterwensen/nieuw", {
        "solution_code": SOLUTION, "organisation_id": str(organisation_id),
        "title": "Export naar CSV", "description": "Dossiers exporteren."})
    wish = _wish(app)
    _step(staff, wish.id, "valideren", estimate="4.250,00")
    _step(staff, wish.id, "prioriteren", priority="1")
    _step(staff, wish.id, "bekostiging", funding="innovatiekas")
    response = staff.get(f"/oplossingen/{SOLUTION}/jaaroverzicht?jaar={wish.created_at.year}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    words = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Export naar CSV" in words and "€ 4.250,00" in words
    assert "Saldo aan het eind van het jaar: € 5.750,00" in words
    xmp = reader.xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")

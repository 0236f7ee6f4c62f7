"""The raad step on the package page: every step, every refusal beside its field with nothing
changed, the raad's reaction and letter shown and kept, the versions after the
collegebesluit, the deadline on the overview, and the gemachtigde's volmacht."""

from __future__ import annotations

import datetime as dt
import io

from app.domain.formatting import format_date
from app.extensions import db
from app.store.models import OutgoingMail
from app.store.models import Package
from tests.web.support import GEMEENTE_LID
from tests.web.support import error_for
from tests.web.support import make_package
from tests.web.support import post
from tests.web.support import text
from tests.web.support import tiny_pdf
from tests.web.support import use_fake_converter
from tests.web.support import value_of

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
LATER = (TODAY + dt.timedelta(days=120)).strftime("%d-%m-%Y")
ZWOLLE = {**GEMEENTE_LID, "cbs_code": "GM0193", "org_street": "Grote Kerkplein 15",
          "org_postcode": "8011 PK", "org_city": "Zwolle", "solutions-0-start": LATER,
          "solutions-1-start": LATER, "signatory_name": "Peter Snijders",
          "signatory_function": "", "signatory_capacity": "burgemeester"}


def nl(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def act(client, package_id, action, data=None):
    return post(client, f"/pakketten/{package_id}/{action}", data)


def state(app, package_id) -> tuple:
    with app.app_context():
        package = db.session.get(Package, package_id)
        return (package.state, package.council_sent_on, package.council_deadline,
                package.council_reaction, package.college_decision_on, len(package.events),
                tuple(len(d.versions) for d in package.documents),
                db.session.query(OutgoingMail).count())


def refused(staff, app, package_id, action, data, field, needle, status=409) -> str:
    before = state(app, package_id)
    response = act(staff, package_id, action, data)
    page = text(response)
    assert response.status_code == status, page
    if field == "reaction":  # a radio group: the summary links to its first choice
        assert needle in page and 'href="#reaction-geen_wensen_en_bedenkingen"' in page
    else:
        message = error_for(page, field)
        assert message is not None and needle in message, message
        assert f'href="#{field}"' in page  # the summary links to the field
    assert state(app, package_id) == before
    return page


def test_every_raad_step_on_the_package_page(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    package_id = make_package(app, ZWOLLE)
    assert act(staff, package_id, "documenten").status_code == 302
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Burgemeester van de gemeente Zwolle" in page  # the signer's authority
    assert act(staff, package_id, "raadsprocedure").status_code == 302
    assert act(staff, package_id, "raadsprocedure").status_code == 302  # harmless
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "De raadsprocedure is gestart." in page
    assert "Nog niet bekend wanneer het ontwerpbesluit naar de raad ging" in page
    assert "Reactie van de raad vastleggen" not in page
    with app.app_context():
        mails = db.session.query(OutgoingMail).all()
        assert [m.kind for m in mails] == ["raad_gestart"]

    refused(staff, app, package_id, "naar-raad", {"sent_on": "32-13-2026"}, "sent_on",
            "dit is geen geldige datum", status=422)
    page = refused(staff, app, package_id, "naar-raad", {"sent_on": nl(YESTERDAY)},
                   "sent_on", "vóór het begin van de raadsprocedure")
    assert value_of(page, "sent_on") == nl(YESTERDAY)  # what was typed stays
    assert act(staff, package_id, "naar-raad", {"sent_on": nl(TODAY)}).status_code == 302
    deadline = format_date(TODAY + dt.timedelta(weeks=6))
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert f"De raad kan tot en met {deadline} wensen en bedenkingen kenbaar maken" in page
    assert "Reactie van de raad vastleggen" in page and "Collegebesluit vastleggen" in page
    overview = text(staff.get("/"))
    assert f"Raad tot en met {deadline}" in overview

    refused(staff, app, package_id, "collegebesluit",
            {"decided_on": nl(TODAY), "decision_reference": "B&W 2026/12"}, "decided_on",
            "artikel 160, tweede lid, Gemeentewet")
    refused(staff, app, package_id, "reactie-raad",
            {"reaction": "wensen_en_bedenkingen", "reaction_on": nl(TODAY)},
            "reaction_text", "vul in wat de raad")
    refused(staff, app, package_id, "reactie-raad",
            {"reaction": "geen_wensen_en_bedenkingen", "reaction_on": nl(YESTERDAY)},
            "reaction_on", "vóór hij het ontwerpbesluit ontving")
    refused(staff, app, package_id, "reactie-raad", {"reaction_on": nl(TODAY)}, "reaction",
            "kies geen wensen en bedenkingen", status=422)
    refused(staff, app, package_id, "reactie-raad",
            {"reaction": "geen_wensen_en_bedenkingen", "reaction_on": nl(TODAY),
             "letter": (io.BytesIO(b"<html>brief</html>"), "brief.html")},
            "letter", "geen PDF")

    letter = tiny_pdf("Brief van de raad")
    wensen = "De raad vraagt een jaarlijkse evaluatie & een verslag."
    response = act(staff, package_id, "reactie-raad",
                   {"reaction": "wensen_en_bedenkingen", "reaction_on": nl(TODAY),
                    "reaction_text": wensen, "letter": (io.BytesIO(letter), "brief raad.pdf")})
    assert response.status_code == 302
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert f"Reactie van de raad op {format_date(TODAY)}: wensen en bedenkingen" in page
    assert wensen in page
    download = staff.get(f"/pakketten/{package_id}/bestanden/raad")
    assert download.status_code == 200 and download.data == letter

    response = act(staff, package_id, "collegebesluit",
                   {"decided_on": nl(TODAY), "decision_reference": "2026/0815"})
    assert response.status_code == 302, text(response)
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert f"Collegebesluit van {format_date(TODAY)} (2026/0815)" in page
    assert "Versies (2)" in page and 'id="provider"' in page
    with app.app_context():
        package = db.session.get(Package, package_id)
        bijlage = next(d for d in package.documents if d.kind == "aanmelding_gemeente_lid")
        first = bijlage.versions[0]
        document_id, first_sha = bijlage.id, first.pdf_sha256
        kinds = [m.kind for m in db.session.query(OutgoingMail).order_by(OutgoingMail.id)]
    assert kinds == ["raad_gestart", "raad_termijn", "raad_reactie", "raad_besluit"]
    old = staff.get(f"/documenten/{document_id}/versies/1/pdf")
    assert old.status_code == 200
    import hashlib

    assert hashlib.sha256(old.data).hexdigest() == first_sha
    assert staff.get(f"/documenten/{document_id}/versies/9/pdf").status_code == 404


def test_a_gemachtigde_needs_a_volmacht_and_can_add_it(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    data = {**ZWOLLE, "signatory_capacity": "gemachtigde", "signatory_name": "Monique Kok",
            "signatory_function": "wethouder", "action": "aanmaken"}
    response = post(staff, "/pakketten/nieuw", data)
    assert response.status_code == 422
    assert "volmacht van de burgemeester" in error_for(text(response), "volmacht_on")
    response = post(staff, "/pakketten/nieuw", {**data, "volmacht_on": "03-11-2026",
                                                 "volmacht_reference": "V-12"})
    assert response.status_code == 302
    package_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert ("namens de burgemeester van de gemeente Zwolle, krachtens volmacht van "
            "3 november 2026, kenmerk V-12") in page
    assert "(nog niet toegevoegd)" in page
    refused(staff, app, package_id, "volmacht",
            {"volmacht": (io.BytesIO(b"GIF89a"), "volmacht.gif")}, "volmacht", "geen PDF")
    scan = tiny_pdf("Volmacht V-12")
    assert act(staff, package_id, "volmacht",
               {"volmacht": (io.BytesIO(scan), "volmacht.pdf")}).status_code == 302
    assert staff.get(f"/pakketten/{package_id}/bestanden/volmacht").data == scan


def test_a_stichting_with_two_signers_under_its_statuten(staff, app):
    data = {**ZWOLLE, "org_source": "anders", "org_kind": "maatschappelijke_organisatie",
            "org_name": "Stichting De Brug", "signatory_capacity": "",
            "signatory_name": "Ans Bakker", "signatory_function": "voorzitter",
            "second_signatory_name": "Kees Jansen", "second_signatory_function": "penningmeester",
            "second_signatory_email": "penningmeester@debrug.example", "action": "aanmaken"}
    response = post(staff, "/pakketten/nieuw", {**data, "signatory_capacity": "burgemeester"})
    assert response.status_code == 422
    page = text(response)
    assert "Ondertekenaar: alleen voor een gemeente tekent de burgemeester" in page
    assert 'href="#signatory_capacity-burgemeester"' in page  # the summary links to the choice
    response = post(staff, "/pakketten/nieuw", data)
    assert response.status_code == 302, text(response)
    package_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        package = db.session.get(Package, package_id)
        assert [(s.order, s.party, s.name) for s in package.signers][:2] == [
            (1, "organisatie", "Ans Bakker"), (2, "organisatie", "Kees Jansen")]
        assert package.signatory_capacity == "statutair"

"""The raad step (Gemeentewet art. 160 lid 2) from start to collegebesluit, against the real
documents (docxtpl + LibreOffice) and a real SMTP server: the mails the gemeente gets at each
step, the deadline as a date, the refusals that change nothing, the documents made again
after the collegebesluit with both versions kept, and the reminder."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from app.domain.council import CouncilReaction
from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import SolutionRequest
from app.domain.signatory import SignatoryCapacity
from app.domain.signatory import Volmacht
from app.extensions import db
from app.runtime import runtime
from app.services import council
from app.services.errors import ServiceError
from app.services.intake import NewPackage
from app.services.intake import OrganisationInput
from app.store.models import OutgoingMail
from app.store.models import Package
from app.store.models import TimelineEvent
from tests.conftest import base_settings
from tests.documents import builders
from tests.documents.builders import normalise
from tests.flow.helpers import drain_jobs
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from tests.pdfs import tiny_pdf

CONTACT = Person("Jan de Vries", "beleidsadviseur sociaal domein", "j.devries@zwolle.example",
                 "038 498 9111")
BURGEMEESTER = Person("Peter Snijders", "burgemeester", "burgemeester@zwolle.example")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
START = dt.date(2026, 11, 30)
SENT = dt.date(2026, 12, 1)
DEADLINE = dt.date(2027, 1, 12)  # six weeks after SENT


@pytest.fixture
def app_settings(tmp_path, database_url, smtp_server):
    return base_settings(tmp_path, database_url=database_url, mail_backend="smtp",
                         smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                         smtp_starttls=False, smtp_timeout=5)


def zwolle(signatory=BURGEMEESTER, capacity=None, volmacht=None, start=dt.date(2027, 6, 1)):
    return NewPackage(
        organisation_id=None,
        organisation=OrganisationInput(OrgKind.GEMEENTE, "Zwolle", "GM0193", None, None,
                                       Address("Grote Kerkplein 15", "8011 PK", "Zwolle")),
        involvement=Involvement.LID, contact=CONTACT, signatory=signatory,
        solutions=(SolutionRequest("schuldenradar", start),),
        participant_warning_acknowledged=False, signatory_capacity=capacity,
        volmacht=volmacht,
        privacy_officer=Person("Noor El Amrani", "functionaris gegevensbescherming",
                               "fg@zwolle.example", ""),
        breach_contact=Person("Servicedesk Informatiebeveiliging", "contact bij datalekken",
                              "datalek@zwolle.example", "+31 6 12345678"))


def made_package(new=None) -> int:
    from app.services.documents import make_documents
    from app.services.packages import create_package

    package = create_package(new or zwolle(), actor="test")
    make_documents(package.id, "test")
    assert db.session.get(Package, package.id).state == "klaar"
    return package.id


def docx_text(data: bytes) -> str:
    return normalise(builders.docx_text(data))


def stored_text(document) -> str:
    return docx_text(runtime().store.get(document.docx_key))


def document(package: Package, kind: str):
    return next(d for d in package.documents if d.kind == kind)


def attachments(message) -> dict[str, tuple[str, bytes]]:
    return {part.get_filename(): (part.get_content_type(), part.get_content())
            for part in message.iter_attachments()}


def body(message) -> str:
    return " ".join(message.get_body(("plain",)).get_content().split())


def snapshot(package_id: int) -> tuple:
    """What a refused step must leave as it was."""
    db.session.expire_all()
    package = db.session.get(Package, package_id)
    return (package.state, package.council_sent_on, package.council_deadline,
            package.council_reaction, package.college_decision_on,
            tuple((d.kind, len(d.versions), d.docx_sha256) for d in package.documents),
            db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))),
            db.session.scalar(sa.select(sa.func.count(TimelineEvent.id))))


def refused(package_id: int, action, *needles: str) -> str:
    before = snapshot(package_id)
    with pytest.raises(ServiceError) as caught:
        action()
    db.session.rollback()
    for needle in needles:
        assert needle in caught.value.message, caught.value.message
    assert snapshot(package_id) == before
    return caught.value.message


def test_the_raad_step_from_start_to_collegebesluit(app, smtp_server):
    """Each step mails the gemeente formally, with dates; wrong orders are refused; after the
    collegebesluit Bijlage 1 prints it and both versions are kept; the signing mail says
    which version went out and does not send the raad documents again."""
    with app.app_context():
        package_id = made_package()

        # 1. start: raadsbrief and ontwerpbesluit as DOCX and PDF, the College's own documents
        council.start_council_procedure(package_id, "medewerker", today=START)
        council.start_council_procedure(package_id, "medewerker", today=START)  # harmless
        package = db.session.get(Package, package_id)
        assert package.state == "wacht_op_raad" and package.council_started_on == START
        raadsbrief = stored_text(document(package, "raadsbrief"))
        assert "Gemeente Zwolle Raadsbrief" in raadsbrief
        assert "Nederlandse Vereniging voor Sociale Innovatie Raadsbrief" not in raadsbrief
        assert package.reference_number not in raadsbrief  # not NVSI's kenmerk
        (message,) = smtp_server.messages
        assert message["To"].addresses[0].addr_spec == CONTACT.email
        text = body(message)
        assert text.startswith("Geachte mevrouw/heer De Vries,")
        assert "de gemeente Zwolle" in text and "artikel 160, tweede lid, Gemeentewet" in text
        assert "tot en met 11 januari 2027" in text  # the term as a date
        assert "Laat ons de datum weten waarop het ontwerpbesluit naar de raad is gegaan" in text
        assert "collegebesluit" not in text.lower().replace("besluit van het college", "")
        files = attachments(message)
        docx = {name: data for name, (kind, data) in files.items() if kind == DOCX_TYPE}
        assert sorted(n.split("-NVSI")[0] for n in docx) == ["ontwerpbesluit", "raadsbrief"]
        assert sum(kind == "application/pdf" for kind, _ in files.values()) == 2
        for data in docx.values():
            assert "Gemeente Zwolle" in docx_text(data)

        # 2. the day it went to the raad: not before the start, not in the future
        refused(package_id, lambda: council.record_sent_to_raad(
            package_id, dt.date(2026, 11, 29), "medewerker", today=SENT),
            "vóór het begin van de raadsprocedure op 30 november 2026")
        refused(package_id, lambda: council.record_sent_to_raad(
            package_id, dt.date(2026, 12, 2), "medewerker", today=SENT), "toekomst")
        refused(package_id, lambda: council.record_college_decision(
            package_id, SENT, "B&W 2026/1", "medewerker", today=SENT), "artikel 160")
        refused(package_id, lambda: council.record_council_reaction(
            package_id, CouncilReaction.GEEN, SENT, "", "medewerker", today=SENT),
            "Leg eerst vast op welke datum het ontwerpbesluit naar de raad ging")
        council.record_sent_to_raad(package_id, SENT, "medewerker", today=SENT)
        council.record_sent_to_raad(package_id, SENT, "medewerker", today=SENT)  # harmless
        refused(package_id, lambda: council.record_sent_to_raad(
            package_id, START, "medewerker", today=SENT), "al vastgelegd")
        package = db.session.get(Package, package_id)
        assert package.council_deadline == DEADLINE
        ontwerpbesluit = document(package, "ontwerpbesluit")
        assert [v.number for v in ontwerpbesluit.versions] == [1, 2]
        assert "tot en met 12 januari 2027 in de gelegenheid is gesteld" in \
            stored_text(ontwerpbesluit)
        assert "tot en met 12 januari 2027 uw wensen en bedenkingen" in \
            stored_text(document(package, "raadsbrief"))
        assert len(smtp_server.messages) == 2
        message = smtp_server.messages[1]
        text = body(message)
        assert text.startswith("Geachte mevrouw/heer De Vries,")
        assert "op 1 december 2026 naar de gemeenteraad" in text
        assert "tot en met 12 januari 2027" in text
        assert "op welke datum" not in text  # already known
        assert "26 januari 2027" in text  # when the reminder would come
        (docx,) = [data for _n, (kind, data) in attachments(message).items()
                   if kind == DOCX_TYPE]
        assert "tot en met 12 januari 2027" in docx_text(docx)

        # 3. the collegebesluit before the deadline, without a reaction: refused (art. 160)
        message = refused(package_id, lambda: council.record_college_decision(
            package_id, dt.date(2027, 1, 5), "B&W 2027/0815", "medewerker",
            today=dt.date(2027, 1, 5)), "artikel 160, tweede lid, Gemeentewet",
            "tot en met 12 januari 2027")
        assert "Leg eerst de reactie van de raad vast" in message
        # a reaction before the raad got the ontwerpbesluit, or wensen without their text
        refused(package_id, lambda: council.record_council_reaction(
            package_id, CouncilReaction.GEEN, dt.date(2026, 11, 30), "", "medewerker",
            today=dt.date(2027, 1, 5)), "vóór hij het ontwerpbesluit ontving op 1 december")
        refused(package_id, lambda: council.record_council_reaction(
            package_id, CouncilReaction.WENSEN_EN_BEDENKINGEN, dt.date(2027, 1, 4), " ",
            "medewerker", today=dt.date(2027, 1, 5)), "vul in wat de raad")
        refused(package_id, lambda: council.record_council_reaction(
            package_id, CouncilReaction.GEEN, dt.date(2027, 1, 4), "", "medewerker",
            letter=b"geen pdf", today=dt.date(2027, 1, 5)), "geen PDF")

        # 4. the raad's wensen en bedenkingen, with its letter
        letter = tiny_pdf("Besluitenlijst raad Zwolle 4 januari 2027")
        wensen = "De raad wil jaarlijks een verslag over het gebruik van de Schuldenradar."
        for _ in range(2):  # twice is harmless
            council.record_council_reaction(
                package_id, CouncilReaction.WENSEN_EN_BEDENKINGEN, dt.date(2027, 1, 4), wensen,
                "medewerker", letter=letter, letter_filename="besluitenlijst 4-1.pdf",
                today=dt.date(2027, 1, 5))
        package = db.session.get(Package, package_id)
        assert package.council_reaction == "wensen_en_bedenkingen"
        assert package.council_reaction_text == wensen
        assert package.council_letter_sha256 == hashlib.sha256(letter).hexdigest()
        assert runtime().store.get(package.council_letter_key) == letter
        assert len(smtp_server.messages) == 3
        text = body(smtp_server.messages[2])
        assert "op 4 januari 2027 zijn wensen en bedenkingen kenbaar gemaakt" in text
        assert "Stuur ons de datum en het kenmerk van het collegebesluit" in text

        # 5. the collegebesluit: Bijlage 1 and the aanbiedingsbrief again, both versions kept
        bijlage = document(package, "aanmelding_gemeente_lid")
        first = (bijlage.docx_key, bijlage.docx_sha256, bijlage.pdf_key, bijlage.pdf_sha256)
        assert "Datum collegebesluit: ……" in stored_text(bijlage)
        refused(package_id, lambda: council.record_college_decision(
            package_id, dt.date(2027, 1, 3), "B&W 2027/0815", "medewerker",
            today=dt.date(2027, 1, 6)), "vóór de reactie van de raad op 4 januari 2027")
        council.record_college_decision(package_id, dt.date(2027, 1, 5), "B&W 2027/0815",
                                        "medewerker", today=dt.date(2027, 1, 6))
        package = db.session.get(Package, package_id)
        assert package.state == "besluit_genomen"
        bijlage = document(package, "aanmelding_gemeente_lid")
        assert [v.number for v in bijlage.versions] == [1, 2]
        old, new = bijlage.versions
        assert (old.docx_key, old.docx_sha256, old.pdf_key, old.pdf_sha256) == first
        assert new.docx_key != old.docx_key and new.pdf_sha256 != old.pdf_sha256
        store = runtime().store
        for version in (old, new):  # both kept, each with its own SHA-256
            assert hashlib.sha256(store.get(version.pdf_key)).hexdigest() == version.pdf_sha256
            assert hashlib.sha256(store.get(version.docx_key)).hexdigest() == \
                version.docx_sha256
        printed = stored_text(bijlage)
        assert ("Het College heeft dit besluit genomen op 5 januari 2027 (kenmerk B&W "
                "2027/0815)") in printed
        assert "tot en met 12 januari 2027" in printed
        assert "de burgemeester, Peter Snijders (artikel 171, eerste lid, Gemeentewet)" in printed
        assert "Hoedanigheid: Burgemeester van de gemeente Zwolle" in printed
        letter_text = stored_text(document(package, "aanbiedingsbrief"))
        assert "Geachte mevrouw/heer De Vries," in letter_text
        assert "Het college heeft op 5 januari 2027 besloten tot het lidmaatschap" in letter_text
        assert "Laat u ons de datum" not in letter_text
        assert len(smtp_server.messages) == 4
        text = body(smtp_server.messages[3])
        assert "van 5 januari 2027 (kenmerk B&W 2027/0815)" in text
        assert "U hoeft ons niets meer te sturen" in text

        # 6. sent for signature: the timeline names the versions; no raad documents again
        from app.services.sending import send_package

        send_package(package_id, "manual", "medewerker")
        drain_jobs()  # the mail after a send goes out as a background job
        package = db.session.get(Package, package_id)
        assert package.state == "verzonden"
        sent = next(e for e in package.events if e.state_to == "verzonden")
        assert "Aanmelding gemeente als lid (bijlage 1), versie 2" in sent.message
        assert document(package, "aanmelding_gemeente_lid").versions[-1].sent_to == \
            "ondertekendienst"
        assert document(package, "aanmelding_gemeente_lid").versions[0].sent_at is None
        started = [e.message for e in package.events if e.kind == "versie"]
        assert started and "Raadsbrief, versie 1" in started[0]
        signing = smtp_server.messages[-1]
        names = list(attachments(signing))
        assert names and not any(n.startswith(("raadsbrief", "ontwerpbesluit")) for n in names)
        assert "collegebesluit" not in body(signing).lower()


def test_collegebesluit_after_the_term_without_a_reaction_and_start_dates(app, smtp_server):
    """Without a reaction the College may decide once the term has ended, not on its last
    day; a solution that starts before the collegebesluit is refused."""
    with app.app_context():
        package_id = made_package(zwolle(start=dt.date(2027, 1, 15)))
        council.start_council_procedure(package_id, "t", today=START)
        council.record_sent_to_raad(package_id, SENT, "t", today=SENT)
        refused(package_id, lambda: council.record_college_decision(
            package_id, DEADLINE, "B&W 1", "t", today=DEADLINE), "artikel 160")
        refused(package_id, lambda: council.record_college_decision(
            package_id, dt.date(2027, 1, 20), "B&W 1", "t", today=dt.date(2027, 1, 20)),
            "Schuldenradar gaat in op 15 januari 2027, vóór het collegebesluit van "
            "20 januari 2027")
        council.record_college_decision(package_id, dt.date(2027, 1, 13), "B&W 1", "t",
                                        today=dt.date(2027, 1, 20))
        assert db.session.get(Package, package_id).state == "besluit_genomen"


def test_the_reminder_is_planned_and_sent_once(app, smtp_server, runner):
    """send_due_council_reminders: nothing before deadline + 14 days; then one mail, a
    timeline event and the package under 'Nu doen'; never a second one."""
    from app.web.dashboard import dashboard

    with app.app_context():
        package_id = made_package()
        council.start_council_procedure(package_id, "t", today=START)
        council.record_sent_to_raad(package_id, SENT, "t", today=SENT)
        before = len(smtp_server.messages)
        due = DEADLINE + dt.timedelta(days=14)
        assert council.send_due_council_reminders(today=due - dt.timedelta(days=1)) == []
        assert council.send_due_council_reminders(today=due) == [package_id]
        assert council.send_due_council_reminders(today=due) == []
        assert council.send_due_council_reminders(today=due + dt.timedelta(days=5)) == []
        assert len(smtp_server.messages) == before + 1
        text = body(smtp_server.messages[-1])
        assert text.startswith("Geachte mevrouw/heer De Vries,")
        assert "liep tot en met 12 januari 2027" in text
        assert "Heeft de raad gereageerd?" in text
        package = db.session.get(Package, package_id)
        assert package.council_reminder_sent_on == due
        assert [e.kind for e in package.events].count("herinnering") == 1
        attention = {a.package.id: a.why for a in dashboard(due, 14).act_now}
        assert "herinnering" in attention[package_id]

    result = runner.invoke(args=["council", "reminders", "--today", due.isoformat()])
    assert result.exit_code == 0 and "0 herinneringen verstuurd." in result.output


def test_a_gemachtigde_signs_with_a_volmacht_printed_beside_the_signature(app, smtp_server):
    """Art. 171 lid 2: the volmacht's date and reference in Bijlage 1 and beside the
    signature; the volmacht document can be kept with the package."""
    from app.domain.rules import RuleError
    from app.services.packages import create_package

    wethouder = Person("Monique Schuttenbeld", "wethouder sociaal domein",
                       "m.schuttenbeld@zwolle.example")
    with app.app_context():
        with pytest.raises(RuleError) as caught:
            create_package(zwolle(wethouder, SignatoryCapacity.GEMACHTIGDE), actor="t")
        assert caught.value.field == "volmacht_on"
        assert "artikel 171, tweede lid" in caught.value.message
        with pytest.raises(RuleError) as caught:  # a wethouder is not the burgemeester
            create_package(zwolle(wethouder), actor="t")
        assert caught.value.field == "signatory_capacity"
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 0

        volmacht = Volmacht(dt.date(2026, 11, 3), "V-12")
        package_id = made_package(zwolle(wethouder, SignatoryCapacity.GEMACHTIGDE, volmacht))
        package = db.session.get(Package, package_id)
        printed = stored_text(document(package, "aanmelding_gemeente_lid"))
        authority = ("namens de burgemeester van de gemeente Zwolle, krachtens volmacht van "
                     "3 november 2026, kenmerk V-12")
        assert (f"vertegenwoordigd door Monique Schuttenbeld, wethouder sociaal domein, "
                f"{authority} (artikel 171, tweede lid, Gemeentewet)") in printed
        assert (f"Naam: Monique Schuttenbeld Functie: wethouder sociaal domein "
                f"Hoedanigheid: {authority}") in printed
        assert authority in stored_text(document(package, "ontwerpbesluit"))

        scan = tiny_pdf("Volmacht V-12")
        with pytest.raises(ServiceError) as error:
            council.store_volmacht(package_id, b"<html>", "volmacht.html", "t")
        assert error.value.field == "volmacht"
        council.store_volmacht(package_id, scan, "volmacht V-12.pdf", "t")
        package = db.session.get(Package, package_id)
        assert package.volmacht_sha256 == hashlib.sha256(scan).hexdigest()
        assert runtime().store.get(package.volmacht_key) == scan


def test_the_council_reminders_run_daily_as_a_periodic_job(app):
    """The reminder needs no cron: the job runners start it once a day."""
    from app.jobs import PERIODIC

    task = PERIODIC["app.services.council:send_due_council_reminders"]
    assert task.every == dt.timedelta(days=1)

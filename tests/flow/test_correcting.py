"""Correcting a sent package (app.services.correcting) against the Signhost fake: withdrawn at
the provider with the reason, a new linked version made and sent, one mail to the
organisation; and every refusal changes nothing, here or at the provider."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from app.domain.lifecycle import Action
from app.domain.lifecycle import refusal
from app.domain.organisations import Person
from app.domain.rules import RuleError
from app.domain.rules import SolutionRequest
from app.extensions import db
from app.services.correcting import correct_package
from app.services.errors import ServiceError
from app.services.lifecycle import Refused
from app.services.lifecycle import situation_of
from app.services.sending import send_package
from app.store.models import Document
from app.store.models import OutgoingMail
from app.store.models import Package
from app.store.models import TimelineEvent
from tests.web.support import use_fake_converter

from .helpers import drain_jobs
from .helpers import new_package
from .helpers import package
from .helpers import package_with_stub_pdfs
from .helpers import through_the_raad
from .helpers import timeline_messages

REASON = "De burgemeester tekent niet zelf; de wethouder is gemachtigd."
NEW_SIGNER = Person("Hans Bouwmeester", "voorzitter", "h.bouwmeester@stichting-noord.example")


def corrected_input(**changes):
    """The package's input with a new signer and a second solution (unless overridden)."""
    base = new_package()
    values = dict(signatory=NEW_SIGNER,
                  solutions=(*base.solutions,
                             SolutionRequest("participatiematch", dt.date(2027, 1, 1))))
    return dataclasses.replace(base, **(values | changes))


def sent_package(signhost) -> int:
    package_id = package_with_stub_pdfs()
    assert send_package(package_id, "signhost", "medewerker").state == "verzonden"
    drain_jobs()  # the mail to the organisation goes out
    return package_id


def snapshot(package_id: int):
    """What a refused correction must leave as it was."""
    db.session.expire_all()
    return (package(package_id).state, package(package_id).envelope_id,
            db.session.scalar(sa.select(sa.func.count(Package.id))),
            db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))),
            db.session.scalar(sa.select(sa.func.count(TimelineEvent.id))))


def test_a_sent_package_is_withdrawn_and_a_linked_new_version_is_sent(ctx, signhost,
                                                                       monkeypatch):
    use_fake_converter(monkeypatch)
    package_id = sent_package(signhost)
    old_envelope = package(package_id).envelope_id
    old_hashes = {d.id: d.pdf_sha256 for d in package(package_id).documents}

    result = correct_package(package_id, corrected_input(), REASON, "medewerker@nvsi.nl")
    drain_jobs()

    old, new = package(package_id), package(result.new.id)
    # withdrawn at the provider, with the reason, once
    assert signhost.transactions[old_envelope]["Status"] == 60
    assert signhost.transactions[old_envelope]["CancelationReason"] == REASON
    assert signhost.calls["cancel"] == 1
    assert old.state == "ingetrokken" and old.state_reason == REASON
    # the old documents are kept, with their SHA-256
    assert {d.id: d.pdf_sha256 for d in db.session.scalars(
        sa.select(Document).where(Document.package_id == package_id))} == old_hashes
    # the new version: linked both ways, its own documents, sent again through Signhost
    assert new.replaces_id == package_id and old.replaced_by.id == new.id
    assert new.state == "verzonden" and new.provider == "signhost"
    assert new.envelope_id not in (None, old_envelope) and signhost.created == 2
    assert new.signers[0].name == "Hans Bouwmeester"
    assert any(d.solution_code == "participatiematch" and d.pdf_sha256 for d in new.documents)
    assert "Ondertekenaar: Sharon Dijksma" in " ".join(result.changes)
    # one mail: the earlier request is void, to the people of both versions
    mails = db.session.scalars(sa.select(OutgoingMail).where(
        OutgoingMail.kind == "correctie")).all()
    assert len(mails) == 1 and mails[0].package_id == package_id
    assert old.reference_number in mails[0].subject and new.reference_number in mails[0].subject
    assert "vervalt" in mails[0].body_text and REASON in mails[0].body_text
    assert "vervalt" in mails[0].body_html
    addresses = " ".join(mails[0].recipients)
    assert "sharon.dijksma@" in addresses and "h.bouwmeester@" in addresses
    # both timelines say what happened and who did it
    old_lines = timeline_messages(package_id)
    assert any(line.startswith(f"Ingetrokken voor correctie: {REASON}") for line in old_lines)
    assert any(f"vervangen door de nieuwe versie {new.reference_number}" in line
               for line in old_lines)
    new_lines = timeline_messages(new.id)
    assert any(f"Nieuwe versie van pakket {old.reference_number}" in line for line in new_lines)
    actors = set(db.session.scalars(sa.select(TimelineEvent.actor).where(
        TimelineEvent.kind == "correctie")))
    assert actors == {"medewerker@nvsi.nl"}


def test_a_package_not_sent_is_refused_with_the_rules_reason(ctx, signhost):
    package_id = package_with_stub_pdfs()  # klaar
    before = snapshot(package_id)
    with pytest.raises(Refused) as refused:
        correct_package(package_id, corrected_input(), REASON, "medewerker")
    assert refused.value.message == refusal(situation_of(package(package_id)), Action.CORRECT)
    assert "Pakket wijzigen" in refused.value.message
    assert snapshot(package_id) == before


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_correction_without_a_reason_changes_nothing(ctx, signhost, reason):
    package_id = sent_package(signhost)
    before = snapshot(package_id)
    with pytest.raises(ServiceError) as refused:
        correct_package(package_id, corrected_input(), reason, "medewerker")
    assert refused.value.field == "reason" and "reden" in refused.value.message
    assert snapshot(package_id) == before
    assert signhost.calls["cancel"] == 0  # nothing at the provider either


def test_a_correction_that_breaks_a_rule_changes_nothing(ctx, signhost):
    package_id = sent_package(signhost)
    before = snapshot(package_id)
    past = corrected_input(solutions=(*new_package().solutions,
                                      SolutionRequest("participatiematch",
                                                      dt.date.today() - dt.timedelta(days=3))))
    with pytest.raises(RuleError, match="ligt in het verleden") as broken:
        correct_package(package_id, past, REASON, "medewerker")
    assert broken.value.field == "solutions-1-start"
    with pytest.raises(ServiceError, match="Er is niets gewijzigd"):
        correct_package(package_id, new_package(), REASON, "medewerker")
    assert snapshot(package_id) == before
    assert signhost.calls["cancel"] == 0


def test_a_provider_that_fails_refuses_and_a_retry_completes(ctx, signhost, monkeypatch):
    """A 503 on the DELETE may have been acted on: not repeated blindly, refused in Dutch with
    nothing changed; the same correction again goes through. A 429 is retried at once."""
    use_fake_converter(monkeypatch)
    package_id = sent_package(signhost)
    envelope = package(package_id).envelope_id
    before = snapshot(package_id)
    signhost.fail("cancel", 503)
    with pytest.raises(ServiceError, match="Intrekken bij Signhost is mislukt"):
        correct_package(package_id, corrected_input(), REASON, "medewerker")
    assert snapshot(package_id) == before
    assert signhost.transactions[envelope]["Status"] != 60

    signhost.fail("cancel", 429)  # refused before processing: repeated by the HTTP client
    result = correct_package(package_id, corrected_input(), REASON, "medewerker")
    drain_jobs()
    assert signhost.calls["cancel"] == 3
    assert signhost.transactions[envelope]["CancelationReason"] == REASON
    assert package(package_id).state == "ingetrokken"
    assert package(result.new.id).state == "verzonden"
    assert package(result.new.id).signers[0].name == "Hans Bouwmeester"  # nothing lost


def test_an_envelope_the_provider_no_longer_knows_is_taken_as_withdrawn(ctx, signhost,
                                                                        monkeypatch):
    use_fake_converter(monkeypatch)
    package_id = sent_package(signhost)
    del signhost.transactions[package(package_id).envelope_id]  # purged at Signhost: 404
    result = correct_package(package_id, corrected_input(), REASON, "medewerker")
    drain_jobs()
    assert package(package_id).state == "ingetrokken"
    assert any("kende de envelop al niet meer" in line
               for line in timeline_messages(package_id))
    assert package(result.new.id).replaces_id == package_id


def test_a_gemeente_keeps_its_raad_step_and_collegebesluit(ctx, signhost, monkeypatch):
    """The raad was heard and the college decided on joining; a corrected request (another
    signer) is sent without the raad step again, with the decision on the new version."""
    from app.domain.organisations import OrgKind

    use_fake_converter(monkeypatch)
    burgemeester = Person("Sharon Dijksma", "burgemeester", "burgemeester@utrecht.example")
    new = dataclasses.replace(new_package(kind=OrgKind.GEMEENTE, name="Utrecht"),
                              signatory=burgemeester)
    package_id = package_with_stub_pdfs(new)
    through_the_raad(package_id)
    assert send_package(package_id, "signhost", "medewerker").state == "verzonden"
    drain_jobs()

    corrected = dataclasses.replace(new, signatory=Person(
        "Sharon Dijksma", "burgemeester", "s.dijksma@utrecht.example"))
    result = correct_package(package_id, corrected, REASON, "medewerker")
    drain_jobs()
    version = package(result.new.id)
    assert version.needs_council and version.college_decision_reference == "B&W 2026/118"
    assert version.state == "verzonden" and signhost.created == 2
    assert version.signers[0].email == "s.dijksma@utrecht.example"

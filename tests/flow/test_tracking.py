"""The rules of tracking that no single provider flow shows: events that come too early,
an envelope the provider gave up on, the council step, which providers staff may choose."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from app import create_app
from app.domain.organisations import OrgKind
from app.extensions import db
from app.domain.organisations import Person
from app.services.errors import ServiceError
from app.services.providers import available_providers
from app.services.providers import provider
from app.services.sending import send_package
from app.services.tracking import apply_events
from app.store.models import AppliedEvent
from signing import ConfigurationError
from signing import EventKind
from signing import SigningEvent
from tests.conftest import base_settings

from .helpers import drain_jobs
from .helpers import new_package
from .helpers import package
from .helpers import package_with_stub_pdfs
from .helpers import through_the_raad
from .helpers import transitions


def test_events_before_the_send_finished_are_left_for_later(ctx, signhost):
    package_id = package_with_stub_pdfs()
    early = package(package_id)
    early.provider, early.envelope_id = "signhost", "tx-being-sent"  # on_created stored it
    db.session.commit()
    event = SigningEvent("tx-being-sent", EventKind.COMPLETED, None,
                         "signhost:status:tx-being-sent:completed")
    assert apply_events(package_id, "signhost", [event], "signhost") == 0
    assert db.session.scalar(sa.select(sa.func.count(AppliedEvent.id))) == 0
    assert package(package_id).state == "klaar"


def test_events_of_another_envelope_or_provider_are_ignored(ctx, signhost):
    package_id = package_with_stub_pdfs()
    sent = send_package(package_id, "signhost", "medewerker")
    events = [SigningEvent("some-other-tx", EventKind.COMPLETED, None, "a"),
              SigningEvent(sent.envelope_id, EventKind.COMPLETED, None, "b")]
    assert apply_events(package_id, "signhost", events[:1], "signhost") == 0
    assert apply_events(package_id, "validsign", events[1:], "validsign") == 0
    assert package(package_id).state == "verzonden"


def test_an_envelope_signhost_gave_up_on_is_replaced_by_a_new_send(ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    first = send_package(package_id, "signhost", "medewerker").envelope_id
    signhost.break_down(first)
    client.post("/webhooks/signhost", data=signhost.postback(first)[1],
                headers=signhost.postback(first)[0])
    drain_jobs()
    failed = package(package_id)
    assert failed.state == "mislukt"
    assert failed.envelope_id is None and "opnieuw" in failed.last_error
    second = send_package(package_id, "signhost", "medewerker")
    assert second.state == "verzonden"
    assert second.envelope_id not in (None, first)
    assert signhost.created == 2
    assert transitions(package_id) == ["klaar", "verzonden", "mislukt", "verzonden"]


def test_a_gemeente_package_waits_for_the_college_decision(ctx, signhost):
    new = dataclasses.replace(new_package(kind=OrgKind.GEMEENTE, name="Utrecht"),
                              signatory=Person("Sharon Dijksma", "burgemeester",
                                               "burgemeester@utrecht.example"))
    package_id = package_with_stub_pdfs(new)
    assert package(package_id).needs_council
    with pytest.raises(ServiceError, match="artikel 160 Gemeentewet"):
        send_package(package_id, "signhost", "medewerker")
    assert signhost.calls["create"] == 0
    through_the_raad(package_id)
    assert send_package(package_id, "signhost", "medewerker").state == "verzonden"
    assert transitions(package_id) == ["klaar", "wacht_op_raad", "besluit_genomen",
                                       "verzonden"]


def test_a_sent_package_is_not_sent_again(ctx, signhost):
    package_id = package_with_stub_pdfs()
    send_package(package_id, "signhost", "medewerker")
    with pytest.raises(ServiceError, match="kan niet worden verzonden"):
        send_package(package_id, "signhost", "medewerker")
    assert signhost.created == 1


def test_staff_choose_only_providers_whose_settings_are_complete(ctx, tmp_path):
    assert available_providers() == ["builtin", "manual", "signhost", "validsign"]
    bare = create_app(base_settings(tmp_path / "bare",
                                    database_url=f"sqlite:///{tmp_path / 'bare.db'}"))
    with bare.app_context():
        assert available_providers() == ["builtin", "manual"]  # no keys: ours only
        with pytest.raises(ConfigurationError) as caught:
            provider("signhost")
        assert "ontbreekt voor 'signhost'" in caught.value.message
    bare.extensions["tekenklaar"].close()


def test_an_agreement_put_on_file_meanwhile_is_kept(ctx, signhost):
    """Two packages of one organisation signed at the same moment: the second one to record
    an agreement finds it on file (here: put there between its check and its insert)."""
    import datetime as dt

    from app.services import archive
    from app.store.models import Agreement

    first_id = package_with_stub_pdfs()
    first = package(first_id)
    real_scalar = db.session.scalar
    queries = []

    def racing_scalar(statement, *args, **kwargs):
        found = real_scalar(statement, *args, **kwargs)
        if "agreement" in str(statement):
            queries.append(statement)
        if len(queries) == 2 and found is None:  # the verwerkersovereenkomst: someone is quicker
            with db.session.begin_nested():
                db.session.add(Agreement(organisation_id=first.organisation_id,
                                         kind="verwerkersovereenkomst", solution_code="",
                                         signed_on=dt.date(2026, 1, 1)))
        return found

    db.session.scalar = racing_scalar
    try:
        archive.record_agreements(first, dt.date(2026, 12, 1))
    finally:
        del db.session.scalar
    db.session.commit()
    kinds = sorted(a.kind for a in package(first_id).organisation.agreements)
    assert kinds == ["gebruiksovereenkomst", "registratie_lid", "verwerkersovereenkomst"]

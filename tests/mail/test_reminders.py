"""Automatic reminders on a schedule: sent when due (to a real SMTP server for signing on
paper), each in the timeline, never twice, stopped when the step is done or paused."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.domain.formatting import format_date
from app.extensions import db
from app.runtime import runtime
from app.services import mailing
from app.services.reminders import due_reminder
from app.services.reminders import send_due_reminders
from app.services.reminders import set_paused
from app.store.models import Package
from app.store.models import ReminderSent
from tests.conftest import base_settings
from tests.mail.factories import CONTACT_EMAIL
from tests.mail.factories import SIGNATORY_EMAIL
from tests.mail.factories import ready_package
from tests.web.support import wait_for_background_jobs

# Sent just now: the hourly periodic run that the test app's job runner may start on its own
# (with the real clock) finds nothing due; the tests pass their own `now`.
SENT = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def app_settings(tmp_path, database_url, smtp_server):
    return base_settings(tmp_path, database_url=database_url, mail_backend="smtp",
                         smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                         smtp_starttls=False, smtp_timeout=5, reminder_days="7, 14,21")


def sent_on_paper() -> int:
    package = ready_package()
    package.state, package.provider, package.sent_at = "verzonden", "manual", SENT
    for signer in package.signers:
        signer.state = "uitgenodigd" if signer.party == "organisatie" else "wachtend"
    db.session.commit()
    return package.id


def runtime_days(app) -> int:
    with app.app_context():
        return runtime().settings.overdue_signature_days


def reminders_in_timeline(package_id: int) -> list[tuple[str, str]]:
    package = db.session.get(Package, package_id)
    return [(e.actor, e.message) for e in package.events if e.kind == "herinnering"]


def test_reminders_go_out_on_schedule_once_each_and_arrive(app, smtp_server):
    with app.app_context():
        package_id = sent_on_paper()
        assert send_due_reminders(SENT + dt.timedelta(days=6)) == {"verstuurd": 0, "mislukt": 0}
        assert send_due_reminders(SENT + dt.timedelta(days=7, hours=1))["verstuurd"] == 1
        assert send_due_reminders(SENT + dt.timedelta(days=8))["verstuurd"] == 0  # not twice
        assert reminders_in_timeline(package_id) == [
            ("systeem", "Herinnering verstuurd per e-mail.")]
        wait_for_background_jobs(app)  # the mail job the reminder started
        assert len(smtp_server.messages) == 1
        # runs missed between day 14 and 21: one reminder, not two
        assert send_due_reminders(SENT + dt.timedelta(days=30))["verstuurd"] == 1
        assert send_due_reminders(SENT + dt.timedelta(days=90))["verstuurd"] == 0
        numbers = db.session.scalars(sa.select(ReminderSent.number)
                                     .where(ReminderSent.package_id == package_id)).all()
        assert sorted(numbers) == [1, 2, 3]
        assert len(reminders_in_timeline(package_id)) == 2
        wait_for_background_jobs(app)
        mailing.deliver_pending()
    first, second = smtp_server.messages
    assert sorted(smtp_server.handler.envelopes[0].rcpt_tos) == sorted(
        [CONTACT_EMAIL, SIGNATORY_EMAIL])
    assert "Herinnering" in str(first["Subject"]) and "Herinnering" in str(second["Subject"])


def test_no_reminders_when_paused_and_again_when_resumed(app, smtp_server):
    with app.app_context():
        package_id = sent_on_paper()
        set_paused(package_id, True, "medewerker@nvsi.nl")
        assert send_due_reminders(SENT + dt.timedelta(days=8))["verstuurd"] == 0
        set_paused(package_id, False, "medewerker@nvsi.nl")
        assert send_due_reminders(SENT + dt.timedelta(days=8))["verstuurd"] == 1
        assert [m for _, m in reminders_in_timeline(package_id)] == [
            "Automatische herinneringen gepauzeerd.",
            "Automatische herinneringen staan weer aan.",
            "Herinnering verstuurd per e-mail."]
        wait_for_background_jobs(app)
        mailing.deliver_pending()
    assert len(smtp_server.messages) == 1


def test_reminders_stop_when_the_step_is_done(app, smtp_server):
    """Once the organisation has signed it gets no more reminders: on paper they go to NVSI's
    board signers instead (by e-mail, formally, with the date to sign by), and a signed or
    withdrawn package gets none at all."""
    with app.app_context():
        package_id = sent_on_paper()
        package = db.session.get(Package, package_id)
        for signer in package.signers:
            if signer.party == "organisatie":
                signer.state, signer.state_at = "ondertekend", SENT + dt.timedelta(days=2)
        package.state = "deels_ondertekend"
        db.session.commit()
        assert send_due_reminders(SENT + dt.timedelta(days=30)) == {"verstuurd": 1,
                                                                      "mislukt": 0}
        assert send_due_reminders(SENT + dt.timedelta(days=31))["verstuurd"] == 0
        package.state = "ondertekend"
        db.session.commit()
        assert send_due_reminders(SENT + dt.timedelta(days=60))["verstuurd"] == 0
        assert len(reminders_in_timeline(package_id)) == 1
        wait_for_background_jobs(app)
        mailing.deliver_pending()
        board = [m.email for m in runtime().reference.association.board]
    [message] = smtp_server.messages
    assert sorted(smtp_server.handler.envelopes[0].rcpt_tos) == sorted(board)
    assert CONTACT_EMAIL not in smtp_server.handler.envelopes[0].rcpt_tos
    text = message.get_body(("plain",)).get_content()
    assert str(message["Subject"]).startswith("Herinnering: uw handtekening namens de NVSI")
    assert text.startswith("Geachte mevrouw/heer De Vries, geachte mevrouw/heer Bakker,")
    sign_by = (SENT + dt.timedelta(days=2)).date() + dt.timedelta(
        days=runtime_days(app))
    assert f"uiterlijk op {format_date(sign_by)}" in text


def test_the_board_is_reminded_from_the_day_the_organisation_signed(app):
    """The schedule of NVSI's board signers starts when the organisation has signed."""
    with app.app_context():
        package = db.session.get(Package, sent_on_paper())
        signed = SENT + dt.timedelta(days=10)
        for signer in package.signers:
            if signer.party == "organisatie":
                signer.state, signer.state_at = "ondertekend", signed
        package.state = "deels_ondertekend"
        schedule = (7, 14)
        assert due_reminder(package, schedule, signed + dt.timedelta(days=6), set()) is None
        due = due_reminder(package, schedule, signed + dt.timedelta(days=7), set())
        assert (due.step, due.number, due.turn_began) == ("nvsi", 1, signed)
        assert due_reminder(package, schedule, signed + dt.timedelta(days=8),
                            {("nvsi", 1)}) is None
        assert due_reminder(package, (), signed + dt.timedelta(days=8), set()) is None


def test_the_cli_command_sends_the_due_reminders(app, runner, monkeypatch):
    with app.app_context():
        package = db.session.get(Package, sent_on_paper())
        package.sent_at = SENT - dt.timedelta(days=8)
        db.session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 herinnering verstuurd, 0 niet verstuurd."
    assert runner.invoke(args=["reminders", "send"]).output.strip() == (
        "0 herinneringen verstuurd, 0 niet verstuurd.")


def test_the_reminders_run_as_an_hourly_periodic_job(app):
    from app.jobs import PERIODIC

    task = PERIODIC["app.services.reminders:send_due_reminders"]
    assert task.every == dt.timedelta(hours=1)

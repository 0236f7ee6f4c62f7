"""A mail server that is down is tried again by itself: nobody has to press a button."""

import datetime as dt
import time

import pytest

from app.extensions import db
from app.runtime import runtime
from app.services import mailing
from app.store.models import JobRun
from app.store.models import OutgoingMail
from tests.conftest import base_settings
from tests.mail.test_mailing import queue_sent


@pytest.fixture
def app_settings(tmp_path, database_url, smtp_server):
    return base_settings(tmp_path, database_url=database_url, mail_backend="smtp",
                         smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                         smtp_starttls=False, smtp_timeout=5)


def test_the_mail_job_plans_its_next_attempt_and_delivers_when_the_server_is_back(
        app, smtp_server, monkeypatch):
    # the first retry comes after a second here instead of a minute
    monkeypatch.setattr(mailing, "retry_delay", lambda attempts: dt.timedelta(seconds=1))
    smtp_server.stop()
    with app.app_context():
        _package, (mail_id,) = queue_sent()
        counts = mailing.deliver_mail_job()
        assert counts == {"sent": 0, "retrying": 1, "failed": 0}
        smtp_server.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            db.session.remove()
            if db.session.get(OutgoingMail, mail_id).state == "verzonden":
                break
            time.sleep(0.2)
        runtime().peek("background-jobs").wait()  # the job records itself done after the mail
        db.session.remove()
        mail = db.session.get(OutgoingMail, mail_id)
        assert (mail.state, mail.attempts) == ("verzonden", 2)
        # the second attempt ran as a recorded job, planned by the first
        runs = db.session.query(JobRun).filter_by(name="app.services.mailing:deliver_mail_job").all()
        assert [r.state for r in runs] == ["klaar"]
    assert len(smtp_server.messages) == 1

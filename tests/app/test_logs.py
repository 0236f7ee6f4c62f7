"""Logs: one JSON object a line in production, and no personal data in them."""

import json
import logging

from app.logs import JsonFormatter
from config.settings import load_settings


def test_production_logs_json_by_default(tmp_path):
    assert load_settings(environment="production", secret_key="s",
                         instance_path=tmp_path).log_format == "json"
    assert load_settings(instance_path=tmp_path).log_format == "text"


def test_a_record_is_one_json_object_on_one_line():
    record = logging.LogRecord("app.services.tracking", logging.WARNING, __file__, 1,
                               "callback rejected", None, None)
    record.provider = "signhost"
    record.reason = "bad_signature"
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "app.services.tracking"
    assert entry["message"] == "callback rejected"
    assert entry["provider"] == "signhost" and entry["reason"] == "bad_signature"


def test_making_and_sending_a_package_logs_no_names_or_addresses(app, caplog):
    """The service's own log lines carry ids and states, never the people in a package."""
    import datetime as dt

    from app.services.packages import create_package
    from tests.app.test_packages import new_package

    caplog.set_level(logging.DEBUG, logger="app")
    with app.app_context():
        create_package(new_package(solutions=[("schuldenradar", dt.date(2026, 1, 1))]),
                       actor="test")
    text = "\n".join(r.getMessage() + " " + json.dumps(vars(r), default=str)
                     for r in caplog.records)
    for personal in ("Fatima", "Amrani", "Dijksma", "@utrecht.nl", "f@", "b@"):
        assert personal not in text

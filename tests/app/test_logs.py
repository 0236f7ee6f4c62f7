"""Logs: one JSON object a line in production.

(That the service logs no personal data is checked where it logs: tests/mail and tests/flow.)
"""

import json
import logging

from app.logs import JsonFormatter
from config.settings import load_settings


def test_production_logs_json_by_default(tmp_path):
    assert load_settings(environment="production", secret_key="0123456789abcdefghijklmnopqrstuvwxyz",
                         public_url="https://contracten.nvsi.nl", session_cookie_secure=True,
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


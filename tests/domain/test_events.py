"""Package events for other systems: which move is which event, the message, the address."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.domain.events import PackageEvent
from app.domain.events import check_receiver_url
from app.domain.events import event_for
from app.domain.events import message_body
from app.domain.events import parse_events
from app.domain.states import PackageState
from app.domain.validation import InputError


@pytest.mark.parametrize(("kind", "state_to", "expected"), [
    ("aangemaakt", None, PackageEvent.CREATED),
    ("status", "verzonden", PackageEvent.SENT),
    ("status", "ondertekend", PackageEvent.SIGNED),
    ("status", "gearchiveerd", PackageEvent.ARCHIVED),
    ("status", "geweigerd", PackageEvent.DECLINED),
    ("status", "ingetrokken", PackageEvent.WITHDRAWN),
    ("status", "klaar", None),
    ("status", "deels_ondertekend", None),
    ("status", "mislukt", None),
    ("mail", None, None),
])
def test_which_change_is_announced(kind, state_to, expected):
    assert event_for(kind, state_to) is expected


def test_every_final_state_but_verlopen_has_an_event():
    quiet = {s for s in PackageState if s.is_final} - {
        s for s in PackageState if event_for("status", s.value)}
    assert quiet == {PackageState.VERLOPEN}


def test_the_message_names_the_package_only():
    body = message_body(PackageEvent.SENT, dt.datetime(2026, 11, 30, 9, 15, 2, 123456),
                        package_id=7, reference="NVSI-2026-0007", organisation="Gemeente Één",
                        state="verzonden")
    assert json.loads(body) == {
        "type": "package.sent", "timestamp": "2026-11-30T09:15:02Z",
        "data": {"package_id": 7, "reference": "NVSI-2026-0007",
                 "organisation": "Gemeente Één", "state": "verzonden"}}
    assert " " not in body.replace("Gemeente Één", "")  # compact: the signed bytes are fixed


def test_events_are_chosen_from_the_list():
    assert parse_events(["package.signed", "package.created"]) == [
        PackageEvent.CREATED, PackageEvent.SIGNED]
    with pytest.raises(InputError, match="ten minste één"):
        parse_events([])
    with pytest.raises(InputError, match="kies uit de lijst"):
        parse_events(["package.deleted"])


@pytest.mark.parametrize(("url", "message"), [
    ("", "vul het adres in"),
    ("http://crm.nvsi.nl/hooks", "https://"),
    ("ftp://crm.nvsi.nl/hooks", "https://"),
    ("crm.nvsi.nl/hooks", "https://"),
    ("https:///hooks", "servernaam"),
    ("https://beheer:geheim@crm.nvsi.nl/hooks", "gebruikersnaam of wachtwoord"),
    ("https://crm.nvsi.nl:poort/hooks", "geen geldig webadres"),
    ("https://crm.nvsi.nl/hooks#deel", "na #"),
    ("https://crm.nvsi.nl/ho oks", "spaties"),
    ("https://crm.nvsi.nl/" + "a" * 2000, "2000 tekens"),
])
def test_a_wrong_address_is_refused_in_dutch(url, message):
    with pytest.raises(InputError, match=message) as refused:
        check_receiver_url(url, allow_plain_http=False)
    assert refused.value.field == "url"


def test_plain_http_only_when_allowed():
    assert check_receiver_url(" http://127.0.0.1:8000/h ", allow_plain_http=True) == \
        "http://127.0.0.1:8000/h"
    assert check_receiver_url("https://crm.nvsi.nl/h?x=1", allow_plain_http=False) == \
        "https://crm.nvsi.nl/h?x=1"

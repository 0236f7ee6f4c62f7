"""Helpers for the staff page tests: a signed-in test client, forms, and what is in the DB."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

import sqlalchemy as sa

from app.extensions import db
from app.store.models import Organisation
from app.store.models import Package
from tests.pdfs import tiny_pdf  # noqa: F401  (the web tests' PDFs)

STAFF_EMAIL = "medewerker@nvsi.nl"
STAFF_NAME = "Mees Medewerker"
STAFF_PASSWORD = "een-heel-lang-wachtwoord"

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

# A gemeente joining as lid with two solutions (the fees the issue worked out by hand).
GEMEENTE_LID = {
    "org_source": "gemeente",
    "cbs_code": "GM0344",
    "org_street": "Stadsplateau 1",
    "org_postcode": "3521AZ",
    "org_city": "Utrecht",
    "involvement": "lid",
    "contact_name": "Fatima el Amrani",
    "contact_function": "Beleidsadviseur sociaal domein",
    "contact_email": "f.elamrani@utrecht.example",
    "contact_phone": "030 286 0000",
    "signatory_name": "Sharon Dijksma",
    "signatory_function": "Burgemeester",
    "signatory_email": "burgemeester@utrecht.example",
    "fg_name": "mr. Noor El Amrani", "fg_email": "fg@utrecht.example",
    "fg_phone": "030 286 1000",
    "breach_name": "Servicedesk Informatiebeveiliging", "breach_email": "datalek@utrecht.example",
    "breach_phone": "06 12345678",
    "solutions-0-code": "schuldenradar",
    "solutions-0-start": "01-01-2027",
    "solutions-1-code": "wijkteamdossier",
    "solutions-1-start": "01-03-2027",
    "solutions-2-code": "",
    "solutions-2-start": "",
    "solutions-3-code": "",
    "solutions-3-start": "",
}

# Hand-worked: schuldenradar 2026: 4250.00 + 1275.50 = 5525.50, 12.5% = 690.6875 -> 690.69,
# total 6216.19; wijkteamdossier 2026: 6850.00 + 2140.00 = 8990.00, 12.5% = 1123.75, total
# 10113.75; package 16329.94.
# 2027 rates (config/data/fees.toml): schuldenradar 4377.50 + 1313.75 + 695.00 = 6386.25;
# wijkteamdossier 7055.50 + 2204.20 + 695.00 = 9954.70. The 2027 invoices: schuldenradar from
# 1 January in full; wijkteamdossier from 1 March 10/12 of 9954.70 = 8295.5833… → 8295.58;
# 6386.25 + 8295.58 = 14681.83. VAT 21%: 1341.1125 → 1341.11 and 1742.0718 → 1742.07,
# together 3083.18; including VAT 17765.01.
GEMEENTE_LID_AMOUNTS = [
    "€ 4.377,50", "€ 1.313,75", "€ 695,00", "€ 6.386,25",
    "€ 7.055,50", "€ 2.204,20", "€ 9.954,70", "€ 8.295,58",
    "€ 14.681,83", "€ 3.083,18", "€ 17.765,01",
]


def make_user(app, email=STAFF_EMAIL, password=STAFF_PASSWORD, name=STAFF_NAME):
    from app.services.accounts import create_user

    with app.app_context():
        create_user(email, name, password)


def beheerder_client(app, email="beheer@nvsi.nl", password="beheer zin met vier woorden"):
    """A test client signed in as a new beheerder."""
    from app.services.accounts import create_user

    with app.app_context():
        create_user(email, "Bea Beheer", password, role="beheerder")
    client = app.test_client()
    assert sign_in(client, email, password).status_code == 302
    return client


def csrf_token(client, path="/inloggen") -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True))[1]


def sign_in(client, email=STAFF_EMAIL, password=STAFF_PASSWORD):
    return client.post("/inloggen", data={"email": email, "password": password,
                                          "csrf_token": csrf_token(client)})


def post(client, path, data=None, **kwargs):
    """POST with a valid CSRF token taken from the overview."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, "/"))
    return client.post(path, data=data, **kwargs)


def text(response) -> str:
    """The page as text with entities decoded (for Dutch amounts and quotes)."""
    return html.unescape(response.get_data(as_text=True))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts(app) -> tuple[int, int]:
    return count(app, Package), count(app, Organisation)


def error_for(page: str, field: str) -> str | None:
    """The error text the input `field` points at with aria-describedby, or None."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field)}"[^>]*>', page)
    if not match:
        raise AssertionError(f"no input with id {field!r}")
    tag = match[0]
    described = re.search(r'aria-describedby="([^"]*)"', tag)
    if not described or f"{field}-error" not in described[1].split():
        return None
    assert 'aria-invalid="true"' in tag, f"{field} has an error but no aria-invalid"
    error = re.search(rf'<p class="error" id="{re.escape(field)}-error">(.*?)</p>', page, re.S)
    assert error, f"{field}-error is referenced but not on the page"
    return re.sub(r"<[^>]+>", "", error[1]).replace("Fout: ", "", 1).strip()


def value_of(page: str, field: str) -> str | None:
    """The value shown in an input, or the selected option of a select."""
    tag = re.search(rf'<input[^>]*\bid="{re.escape(field)}"[^>]*>', page)
    if tag:
        value = re.search(r'\bvalue="([^"]*)"', tag[0])
        return value[1] if value else ""
    select = re.search(rf'<select[^>]*\bid="{re.escape(field)}".*?</select>', page, re.S)
    if select:
        chosen = re.search(r'<option value="([^"]*)" selected>', select[0])
        return chosen[1] if chosen else ""
    raise AssertionError(f"no input with id {field!r}")


def make_package(app, data=None, actor="test"):
    """Create a package through the intake and service, as the form would; return its id."""
    from app.domain.municipalities import load_municipalities
    from app.runtime import runtime
    from app.services.packages import create_package
    from app.web.forms import parse_package_form

    with app.app_context():
        new = parse_package_form(data or GEMEENTE_LID,
                                 load_municipalities(runtime().settings.data_dir),
                                 set(runtime().reference.solutions))
        return create_package(new, actor=actor).id


def set_state(app, package_id, state, **fields):
    """Put a package in a state directly (test set-up for pages of later states)."""
    with app.app_context():
        package = db.session.get(Package, package_id)
        package.state = state
        for key, value in fields.items():
            setattr(package, key, value)
        db.session.commit()


def days_ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)


class FakeConverter:
    """Stands in for LibreOffice in the test-client tests: every .docx becomes a small PDF."""

    def __init__(self, fail: bool = False):
        self.fail = fail
        self.converted = 0

    def convert(self, docx: bytes) -> bytes:
        if self.fail:
            from app.documents import ConversionError

            raise ConversionError("LibreOffice reageert niet. Probeer het over een paar minuten "
                                  "opnieuw.")
        self.converted += 1
        return tiny_pdf(hashlib.sha256(docx).hexdigest())

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        pass


def use_fake_converter(monkeypatch, fail: bool = False) -> FakeConverter:
    """Make the documents service convert with a FakeConverter instead of LibreOffice."""
    fake = FakeConverter(fail)
    monkeypatch.setattr("app.services.documents.converter", lambda: fake)
    return fake


def wait_for_background_jobs(app) -> None:
    """Let inline background jobs (archiving after the last signature) finish."""
    runner = app.extensions["tekenklaar"].peek("background-jobs")
    if runner is not None:
        runner.wait()

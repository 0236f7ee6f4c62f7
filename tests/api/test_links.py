"""The signed, expiring download links that e-mails carry: GET /api/v1/links/<token>."""

import hashlib

import pytest
from itsdangerous import TimestampSigner

from app.extensions import db
from app.mail.links import make_link
from app.store.models import Package
from tests.api.conftest import check_problem
from tests.mail.factories import ready_package
from tests.mail.factories import sign_everything


@pytest.fixture
def package_id(app):
    with app.app_context():
        return ready_package().id


def _link(app, package_id, index, variant):
    with app.app_context():
        package = db.session.get(Package, package_id)
        document_id = None if variant == "audit" else package.documents[index].id
        url = make_link(package_id, document_id, variant)
    assert url.startswith("http://tekenklaar.test/api/v1/links/")
    return url.removeprefix("http://tekenklaar.test")


def test_a_link_downloads_without_a_token(app, api, package_id):
    response = api.get(_link(app, package_id, 1, "pdf"), token=None)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    with app.app_context():
        recorded = db.session.get(Package, package_id).documents[1].pdf_sha256
    assert hashlib.sha256(response.data).hexdigest() == recorded
    assert response.headers["Cache-Control"] == "private, no-store"


def test_links_to_the_signed_pdf_and_the_audit_trail(app, api, package_id):
    with app.app_context():
        sign_everything(db.session.get(Package, package_id), audit=b"Verslag\n")
    response = api.get(_link(app, package_id, 1, "signed"), token=None)
    assert response.status_code == 200
    response = api.get(_link(app, package_id, 0, "audit"), token=None)
    assert response.status_code == 200 and response.data == b"Verslag\n"
    assert response.mimetype == "text/plain"


def test_an_expired_link_is_410(app, api, package_id, monkeypatch):
    days = app.extensions["tekenklaar"].settings.mail_link_days
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: real(self) - (days * 86400 + 60))
    path = _link(app, package_id, 1, "pdf")
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    body = check_problem(api.get(path, token=None), 410)
    assert "verlopen" in body["detail"]


def test_an_expired_link_shows_a_dutch_page_in_a_browser(app, api, package_id, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 10**8)
    path = _link(app, package_id, 1, "pdf")
    monkeypatch.undo()
    response = api.get(path, token=None, headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 410 and response.mimetype == "text/html"
    assert '<html lang="nl">' in response.get_data(as_text=True)
    assert "Deze downloadlink is verlopen" in response.get_data(as_text=True)


def test_a_tampered_link_is_404(app, api, package_id):
    path = _link(app, package_id, 1, "pdf")
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    check_problem(api.get(tampered, token=None), 404)
    check_problem(api.get("/api/v1/links/zomaar-iets", token=None), 404)


def test_a_link_of_a_withdrawn_package_stops_working(app, api, package_id):
    path = _link(app, package_id, 1, "pdf")
    with app.app_context():
        db.session.get(Package, package_id).state = "ingetrokken"
        db.session.commit()
    assert "niet (meer)" in check_problem(api.get(path, token=None), 404)["detail"]

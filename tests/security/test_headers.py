"""Finding 9, the smaller ones: downloads were `no-cache` (kept on disk) rather than
`no-store`, API JSON had no cache header, and the Host header drove absolute API links."""

from __future__ import annotations

from app.extensions import db
from tests.mail.factories import ready_package


def _package(app) -> tuple[int, int]:
    with app.app_context():
        package = ready_package()
        db.session.commit()
        return package.id, package.documents[0].id


def test_a_download_is_no_store(app, staff):
    _package_id, document_id = _package(app)
    response = staff.get(f"/documenten/{document_id}/pdf")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_api_json_and_files_are_no_store(app, api):
    package_id, document_id = _package(app)
    for path in ("/api/v1/packages", f"/api/v1/packages/{package_id}",
                 f"/api/v1/packages/{package_id}/documents/{document_id}/pdf"):
        response = api.call("GET", path)
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"], path


def test_absolute_api_links_come_from_the_public_url_not_the_host_header(app, api):
    package_id, _document_id = _package(app)
    response = api.call("GET", f"/api/v1/packages/{package_id}",
                        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    body = response.get_data(as_text=True)
    assert "evil.example" not in body
    assert response.get_json()["links"]["send"] == \
        f"http://tekenklaar.test/api/v1/packages/{package_id}/send"

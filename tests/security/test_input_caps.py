"""Finding 3 (one small POST grew the server past 10 GB: solution rows without a cap) and the
unbounded inputs of finding 9 (a 25 MB form accepted and echoed back, an unbounded API cancel
reason): each attack, and that it is now refused with a Dutch message."""

from __future__ import annotations

import tracemalloc

import pytest

from tests.web.support import GEMEENTE_LID
from tests.web.support import make_package
from tests.web.support import post
from tests.web.support import text


@pytest.mark.parametrize("path", ["/pakketten/nieuw", "/bulk"])
@pytest.mark.parametrize("row", ["99999999999", "39999", "40"])
def test_a_solution_row_far_out_is_refused_not_built(staff, path, row):
    tracemalloc.start()
    response = post(staff, path, {**GEMEENTE_LID, f"solutions-{row}-code": ""})
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 422
    assert "Oplossingen: gebruik hoogstens 40 regels." in text(response)
    assert peak < 50 * 1024 * 1024
    assert len(response.get_data()) < 400_000
    assert f'id="solutions-{row}-code"' not in text(response)


def test_the_api_refuses_more_solutions_than_rows(api):
    body = {"organisation_id": 1, "involvement": "lid",
            "solutions": [{"code": "x", "start": "2027-01-01"}] * 5000}
    response = api.call("POST", "/api/v1/packages", json=body, check_request=False)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"solutions": "Oplossingen: gebruik hoogstens 40 "
                                                          "regels."}


def test_a_25_mb_form_is_refused_before_it_is_read(staff):
    response = post(staff, "/pakketten/nieuw", {**GEMEENTE_LID,
                                                "contact_name": "a" * (25 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Dit formulier is te groot" in text(response)
    assert len(response.get_data()) < 100_000


def test_a_long_field_is_refused_and_not_echoed_whole(staff):
    response = post(staff, "/pakketten/nieuw", {**GEMEENTE_LID, "contact_name": "a" * 300_000})
    assert response.status_code == 422
    assert "Naam contactpersoon: gebruik hoogstens 200 tekens." in text(response)
    assert len(response.get_data()) < 100_000


def test_a_multipart_text_field_is_capped_too(staff):
    import io

    from tests.web.support import csrf_token

    response = staff.post("/pakketten/nieuw", content_type="multipart/form-data",
                          data={**GEMEENTE_LID, "csrf_token": csrf_token(staff, "/"),
                                "contact_name": "a" * (300 * 1024),
                                "bijlage": (io.BytesIO(b"x"), "x.txt")})
    assert response.status_code == 413


def test_the_api_cancel_reason_is_capped(app, api):
    package_id = make_package(app)
    response = api.call("POST", f"/api/v1/packages/{package_id}/cancel",
                        json={"reason": "r" * 2001}, check_request=False)
    assert response.status_code == 422
    assert "hoogstens 2000 tekens" in response.get_json()["errors"]["reason"]
    response = api.call("POST", f"/api/v1/packages/{package_id}/cancel",
                        json={"reason": "r" * 2000})
    assert response.status_code == 200

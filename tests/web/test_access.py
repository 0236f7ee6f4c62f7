"""Sign-in, lock-out, sign-in on every page, CSRF, security headers and the error pages."""

import io
import re

import pytest

from tests.web.support import STAFF_EMAIL
from tests.web.support import STAFF_PASSWORD
from tests.web.support import make_package
from tests.web.support import make_user
from tests.web.support import post
from tests.web.support import sign_in
from tests.web.support import text

STAFF_PAGES = [
    "/", "/pakketten/nieuw", "/pakketten/1", "/organisaties", "/organisaties/1",
    "/documenten/1/pdf", "/pakketten/1/archief", "/uitgaande-mail", "/bulk", "/bulk/1",
]
ACTIONS = [
    "/pakketten/nieuw", "/pakketten/1/documenten", "/pakketten/1/raadsprocedure",
    "/pakketten/1/collegebesluit", "/pakketten/1/verzenden", "/pakketten/1/herinneren",
    "/pakketten/1/status", "/pakketten/1/intrekken", "/pakketten/1/documenten/1/scan",
    "/bulk", "/bulk/1/opnieuw",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_every_page_needs_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")


@pytest.mark.parametrize("path", ACTIONS)
def test_every_action_needs_sign_in(app, client, path):
    package_id = make_package(app)
    response = client.post(path, data={"csrf_token": _token(client), "reason": "x"})
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    with app.app_context():
        from app.extensions import db
        from app.store.models import Package

        assert db.session.get(Package, package_id).state == "concept"


def _token(client):
    from tests.web.support import csrf_token

    return csrf_token(client, "/inloggen")


def test_sign_in_and_go_to_the_page_asked_for(app, client):
    make_user(app)
    response = client.get("/organisaties")
    target = response.headers["Location"]
    response = client.post(target, data={"email": STAFF_EMAIL.upper(), "password": STAFF_PASSWORD,
                                         "csrf_token": _token(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisaties"
    assert "Organisaties" in text(client.get("/organisaties"))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_sends_you_elsewhere(app, client, target):
    make_user(app)
    response = client.post("/inloggen", query_string={"next": target},
                           data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
                                 "csrf_token": _token(client)})
    assert response.headers["Location"] == "/"


def test_wrong_password_says_so_in_dutch_and_keeps_the_address(app, client):
    make_user(app)
    response = sign_in(client, password="fout-wachtwoord")
    page = text(response)
    assert response.status_code == 401
    assert "Het e-mailadres of het wachtwoord klopt niet." in page
    assert f'value="{STAFF_EMAIL}"' in page
    assert 'aria-describedby="login-error"' in page
    assert "<title>Fout: Inloggen" in page


def test_lock_out_is_visible_even_with_the_right_password(app, client):
    make_user(app)
    failures = app.extensions["tekenklaar"].settings.login_max_failures
    for _ in range(failures):
        sign_in(client, password="fout-wachtwoord")
    response = sign_in(client)
    assert response.status_code == 401
    minutes = app.extensions["tekenklaar"].settings.login_lockout_minutes
    assert f"Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw." in text(response)
    assert client.get("/").status_code == 302


def test_sign_out(staff):
    response = post(staff, "/uitloggen")
    assert response.status_code == 302
    assert "U bent uitgelogd." in text(staff.get("/inloggen"))
    assert staff.get("/").status_code == 302


def test_signed_in_user_on_the_login_page_goes_to_the_overview(staff):
    assert staff.get("/inloggen").headers["Location"] == "/"


def test_a_form_without_csrf_token_is_refused_in_dutch(staff, app):
    response = staff.post("/pakketten/nieuw", data={"action": "aanmaken"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in text(response)


@pytest.mark.parametrize("path", ["/inloggen", "/", "/bestaat-niet"])
def test_security_headers(staff, path):
    response = staff.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(staff, app):
    package_id = make_package(app)
    for path in ["/", "/pakketten/nieuw", f"/pakketten/{package_id}", "/organisaties"]:
        page = text(staff.get(path))
        # the new-package form loads its few lines of script from this site, nothing inline
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
        assert all(body == "" for body in scripts)
        expected = ['<script src="/static/web/new-package.js" defer>'] \
            if path == "/pakketten/nieuw" else []
        assert re.findall(r"<script[^>]*>", page) == expected
        assert "style=" not in page and "<style" not in page
        assert not re.search(r"\son[a-z]+=", page)


def test_only_the_form_with_script_may_run_script_from_this_site(staff):
    form_csp = staff.get("/pakketten/nieuw").headers["Content-Security-Policy"]
    assert "script-src 'self'" in form_csp and "unsafe-inline" not in form_csp
    assert "script-src 'none'" in staff.get("/").headers["Content-Security-Policy"]
    with staff.get("/static/web/new-package.js") as script:
        assert script.status_code == 200
        assert "participant-warning" in script.get_data(as_text=True)


def test_staff_pages_are_not_cached(staff):
    assert staff.get("/").headers["Cache-Control"] == "no-store"


def test_not_found_page_in_dutch(staff):
    response = staff.get("/bestaat-niet")
    assert response.status_code == 404
    page = text(response)
    assert "Pagina niet gevonden" in page and 'lang="nl"' in page


def test_not_found_for_a_package_and_an_organisation(staff):
    assert "Pagina niet gevonden" in text(staff.get("/pakketten/999"))
    assert staff.get("/pakketten/999").status_code == 404
    assert staff.get("/organisaties/999").status_code == 404
    assert staff.get("/documenten/999/pdf").status_code == 404
    assert staff.get("/documenten/1/exe").status_code == 404


def test_not_found_outside_the_staff_pages_is_left_to_its_blueprint(client):
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" not in text(response)


def test_server_error_page_in_dutch(staff, app, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr("app.web.dashboard.dashboard", broken)
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = staff.get("/")
    assert response.status_code == 500
    assert "Er ging iets mis" in text(response)
    assert "kapot" not in text(response)


def test_main_menu_links_every_staff_page(staff):
    page = text(staff.get("/"))
    nav = page.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    for href, label in (("/", "Overzicht"), ("/pakketten/nieuw", "Nieuw pakket"),
                        ("/organisaties", "Organisaties"), ("/uitgaande-mail", "Uitgaande mail"),
                        ("/gemeenten", "Gemeenten"), ("/zo-werkt-het", "Zo werkt het")):
        assert f'href="{href}"' in nav and label in nav
    assert 'aria-current="page">Uitgaande mail' in text(staff.get("/uitgaande-mail"))


def test_zo_werkt_het_explains_the_procedure(staff):
    page = text(staff.get("/zo-werkt-het"))
    assert 'aria-current="page">Zo werkt het' in page
    assert "<h1>Zo werkt het</h1>" in page
    for step in ("Nieuw pakket.", "Documenten maken.", "Raadsprocedure", "Verzenden.",
                 "Ondertekenen.", "Ondertekend en gearchiveerd."):
        assert step in page, step
    assert 'href="/gemeenten"' in page


def test_https_only_sites_get_hsts(app, client):
    assert "Strict-Transport-Security" not in client.get("/inloggen").headers
    app.extensions["tekenklaar"].settings.session_cookie_secure = True
    assert client.get("/inloggen").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_forbidden_page_in_dutch(app):
    from app.web.views import error_page

    with app.test_request_context("/"):
        body, status = error_page(403)
    assert status == 403 and "Geen toegang" in body


def test_too_large_an_upload_is_refused_in_dutch(staff, app):
    package_id = make_package(app)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = post(staff, f"/pakketten/{package_id}/documenten/1/scan",
                    {"file": (io.BytesIO(b"%PDF" + b"0" * 4096), "scan.pdf")},
                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Bestand te groot" in text(response)

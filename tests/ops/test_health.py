"""/health: ok or not for anyone (load balancers); each part's state only for staff or an API
token (finding 9: it told anyone its internals)."""


def test_anyone_gets_only_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_reports_every_part_to_a_token(app, client):
    from app.services.accounts import create_token

    with app.app_context():
        token = create_token("Monitoring")
    response = client.get("/health", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["parts"]) == {"database", "queue", "documents", "pdf"}
    assert body["parts"]["queue"]["detail"] == "inline"
    assert body["parts"]["database"]["detail"] in {"sqlite", "postgresql"}
    wrong = client.get("/health", headers={"Authorization": "Bearer tk_fout"})
    assert wrong.get_json() == {"status": "ok"}


def test_health_reports_every_part_to_signed_in_staff(app, client):
    from tests.web.support import make_user
    from tests.web.support import sign_in

    make_user(app)
    sign_in(client)
    body = client.get("/health").get_json()
    assert set(body["parts"]) == {"database", "queue", "documents", "pdf"}

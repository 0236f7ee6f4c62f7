"""/health reports each part for load balancers and monitoring."""


def test_health_reports_every_part(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["parts"]) == {"database", "queue", "documents", "pdf"}
    assert body["parts"]["queue"]["detail"] == "inline"
    assert body["parts"]["database"]["detail"] in {"sqlite", "postgresql"}

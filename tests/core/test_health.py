"""Probes for load balancers and the API's self-description."""

from __future__ import annotations

import re


def test_liveness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readiness_checks_database_and_queue(client):
    body = client.get("/readyz").get_json()
    assert body == {"status": "ok", "checks": {"database": "ok", "queue": "in-process"}}


def test_readiness_fails_when_redis_is_unreachable(sibling_app):
    broken = sibling_app("unreachable-redis", REDIS_URL="redis://127.0.0.1:1/0")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["queue"].startswith("error")


def test_openapi_documents_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/t/"):
            path = rule.rule.replace("<tenant>", "{tenant}")
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
            assert path in document["paths"], rule.rule
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                operation = document["paths"][path][method.lower()]
                assert operation.get("tags"), f"{method} {rule.rule} is not declared with api_route"


def test_unknown_api_paths_answer_problem_json(client):
    response = client.get("/api/v1/t/nowhere/anything")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "未找到"
    english = client.get("/api/v1/t/nowhere/anything", headers={"Accept-Language": "en"})
    assert english.get_json()["status"] == 404

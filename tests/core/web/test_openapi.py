"""The OpenAPI document covers every tenant API route, and the core API's in full."""

from __future__ import annotations

import re

_PARAM = re.compile(r"<(?:[a-z]+:)?(\w+)>")


def _doc_path(rule: str) -> str:
    return _PARAM.sub(lambda m: "{" + m[1] + "}", rule)


def test_every_tenant_api_route_is_in_the_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/t/")]
    assert rules
    for rule in rules:
        path = _doc_path(rule.rule)
        assert path in document["paths"], rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], (rule.rule, method)


def test_core_api_routes_are_documented_with_schemas(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    core_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("core_api.")]
    expected = {
        ("GET", "/api/v1/t/{tenant}/me"),
        ("GET", "/api/v1/t/{tenant}/tokens"),
        ("POST", "/api/v1/t/{tenant}/tokens"),
        ("DELETE", "/api/v1/t/{tenant}/tokens/{token_id}"),
        ("GET", "/api/v1/t/{tenant}/plugins"),
        ("POST", "/api/v1/t/{tenant}/plugins/{name}/enable"),
        ("POST", "/api/v1/t/{tenant}/plugins/{name}/disable"),
        ("GET", "/api/v1/t/{tenant}/settings/{plugin}"),
        ("PATCH", "/api/v1/t/{tenant}/settings/{plugin}"),
        ("GET", "/api/v1/t/{tenant}/users"),
        ("POST", "/api/v1/t/{tenant}/users"),
        ("PATCH", "/api/v1/t/{tenant}/users/{membership_id}"),
        ("DELETE", "/api/v1/t/{tenant}/users/{membership_id}"),
        ("POST", "/api/v1/t/{tenant}/users/{membership_id}/password"),
        ("GET", "/api/v1/t/{tenant}/roles"),
        ("PATCH", "/api/v1/t/{tenant}/roles/{role_id}"),
        ("GET", "/api/v1/t/{tenant}/audit"),
    }
    found = {
        (method, _doc_path(rule.rule))
        for rule in core_rules
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert found == expected
    for method, path in expected:
        operation = document["paths"][path][method.lower()]
        view = app.view_functions[f"core_api.{operation['operationId'].split('.')[1]}"]
        assert getattr(view, "zugong_api", None) is not None, path  # made by api_route
        assert operation["summary"] and operation["summary"] != operation["operationId"]
        if method in ("POST", "PATCH") and not path.endswith(("/enable", "/disable")):
            assert "requestBody" in operation, path
    me = document["paths"]["/api/v1/t/{tenant}/me"]["get"]["responses"]["200"]
    assert me["content"]["application/json"]["schema"]
    users = document["paths"]["/api/v1/t/{tenant}/users"]["get"]
    assert {"cursor", "limit", "role", "q", "active"} <= {p["name"] for p in users["parameters"]}
    assert "core.manage_users" in users["description"]


def test_every_documented_path_is_where_the_route_is(app, client):
    """One server, the site's root, and full paths: the portal's operations live at
    ``/p/{tenant}/api/…``, not under ``/api/v1`` (path-level servers are widely ignored)."""
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": "/"}]
    routes = {_doc_path(r.rule) for r in app.url_map.iter_rules()}
    for path, item in document["paths"].items():
        assert path in routes, path
        assert "servers" not in item, path
    assert any(path.startswith("/p/{tenant}/api/") for path in document["paths"])

"""The OpenAPI document covers every tenant API route, and the core API's in full."""

from __future__ import annotations

import re

from core.api.openapi import API_PREFIX

_PARAM = re.compile(r"<(?:[a-z]+:)?(\w+)>")


def _doc_path(rule: str) -> str:
    return _PARAM.sub(lambda m: "{" + m[1] + "}", rule[len(API_PREFIX) :])


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
        ("GET", "/t/{tenant}/me"),
        ("GET", "/t/{tenant}/tokens"),
        ("POST", "/t/{tenant}/tokens"),
        ("DELETE", "/t/{tenant}/tokens/{token_id}"),
        ("GET", "/t/{tenant}/plugins"),
        ("POST", "/t/{tenant}/plugins/{name}/enable"),
        ("POST", "/t/{tenant}/plugins/{name}/disable"),
        ("GET", "/t/{tenant}/settings/{plugin}"),
        ("PATCH", "/t/{tenant}/settings/{plugin}"),
        ("GET", "/t/{tenant}/users"),
        ("POST", "/t/{tenant}/users"),
        ("PATCH", "/t/{tenant}/users/{membership_id}"),
        ("DELETE", "/t/{tenant}/users/{membership_id}"),
        ("POST", "/t/{tenant}/users/{membership_id}/password"),
        ("GET", "/t/{tenant}/roles"),
        ("PATCH", "/t/{tenant}/roles/{role_id}"),
        ("GET", "/t/{tenant}/audit"),
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
    me = document["paths"]["/t/{tenant}/me"]["get"]["responses"]["200"]
    assert me["content"]["application/json"]["schema"]
    users = document["paths"]["/t/{tenant}/users"]["get"]
    assert {"cursor", "limit", "role", "q", "active"} <= {p["name"] for p in users["parameters"]}
    assert "core.manage_users" in users["description"]

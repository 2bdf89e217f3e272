"""The OpenAPI 3 document, generated from the routes ``api_route`` registered."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

API_PREFIX = "/api/v1"
#: The public portal's JSON routes live beside its pages (``/p/<tenant>/api/…``) and need
#: no token. They are documented too, so the server is the site's root and every path is
#: the full path: a server of ``/api/v1`` put them where they are not, and path-level
#: servers are ignored by most clients and by schemathesis.
PORTAL_PREFIX = "/p/"
_PARAM = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


def build_openapi(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Zugong 组工 API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": "每个租户的接口位于 /api/v1/t/{tenant}/ 下，使用 Bearer 令牌认证。"},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        api = getattr(view, "zugong_api", None)
        portal = rule.rule.startswith(PORTAL_PREFIX) and api is not None
        if not (rule.rule.startswith(API_PREFIX) or portal):
            continue
        path, params = _openapi_path(rule.rule)
        operations = {}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operations[method.lower()] = _operation(api, params, method, rule.endpoint)
            if portal:
                operations[method.lower()]["security"] = []  # public: no token
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    document["servers"] = [{"url": "/"}]
    return document


def _schema_name(schema: Any) -> str:
    """Component names: the class name, marked when a route uses a modified instance
    (e.g. ``MemberIn(partial=True)`` for PATCH), so each variant gets its own component."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type):
        if schema.partial:
            name += "Patch"
        if schema.only:
            name += "Only" + "".join(sorted(f.title() for f in schema.only))
        if schema.exclude:
            name += "Without" + "".join(sorted(f.title() for f in schema.exclude))
    return name


def _openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for match in _PARAM.finditer(rule):
        kind = "integer" if match["conv"] == "int" else "string"
        params.append(
            {"name": match["name"], "in": "path", "required": True, "schema": {"type": kind}}
        )
    return _PARAM.sub(lambda m: "{" + m["name"] + "}", rule), params


def _operation(
    api: Any, params: list[dict[str, Any]], method: str, endpoint: str
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{endpoint}.{method.lower()}",
        "parameters": list(params),
        "responses": {
            "401": {"description": "未认证"},
            "404": {"description": "不存在（含其他租户的对象）"},
            "422": {"description": "数据有误（problem+json，逐字段说明）"},
        },
        "security": [{"bearer": []}],
    }
    if api is None:
        op["summary"] = endpoint
        op["responses"]["200"] = {"description": "OK"}
        return op
    op["summary"] = api.summary
    op["tags"] = list(api.tags)
    if api.permission:
        op["description"] = f"需要权限 `{api.permission}`"
    if api.query is not None:
        op["parameters"].append({"in": "query", "schema": api.query})
    if api.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": api.body}},
        }
    op["responses"][str(api.status)] = _success(api)
    for code, schema, text in api.also:
        op["responses"][str(code)] = {
            "description": text,
            "content": {"application/json": {"schema": schema}},
        }
    return op


def _success(api: Any) -> dict[str, Any]:
    if api.raw_response:
        return {"description": "文件", "content": {api.raw_response: {}}}
    if api.response is None:
        return {"description": "完成"}
    if api.paginated:
        schema = {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": api.response},
                "next_cursor": {"type": "string", "nullable": True},
            },
        }
    elif api.many:
        schema = {"type": "array", "items": api.response}
    else:
        schema = api.response
    return {"description": "成功", "content": {"application/json": {"schema": schema}}}

"""``api_route``: one decorator that validates input, checks permission, serializes
output and records the route for the OpenAPI document.

    @api_route(bp, "/members", methods=["POST"], body=MemberIn, response=MemberOut,
               permission="core.edit_members", summary="登记党员", status=201)
    def create_member(body):
        ...

Query strings are validated by ``query``; JSON bodies by ``body`` (unknown fields are
refused). A view returning a :class:`~core.api.pagination.Page` is serialized as
``{"items": [...], "next_cursor": ...}``. The view runs inside the request's single
transaction, committed by core after a successful response.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from core.api.pagination import Page
from core.auth.users import current_actor


@dataclass(frozen=True)
class ApiSpec:
    summary: str
    body: Schema | None
    query: Schema | None
    response: Schema | None
    many: bool
    paginated: bool
    status: int
    permission: str | None
    tags: tuple[str, ...]
    raw_response: str | None  # a mimetype for file downloads
    #: Other successful answers the view may return itself: (status, schema, description).
    also: tuple[tuple[int, Schema, str], ...] = ()


class RequestBodyError(Exception):
    """The body is not a JSON object (a 400, before field validation)."""


def api_route(
    bp: Blueprint,
    rule: str,
    *,
    methods: Iterable[str] = ("GET",),
    summary: str,
    body: type[Schema] | Schema | None = None,
    query: type[Schema] | Schema | None = None,
    response: type[Schema] | Schema | None = None,
    many: bool = False,
    paginated: bool = False,
    status: int = 200,
    permission: str | None = None,
    raw_response: str | None = None,
    also: Iterable[tuple[int, type[Schema] | Schema, str]] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    spec = ApiSpec(
        summary=summary,
        body=_instance(body),
        query=_instance(query),
        response=_instance(response),
        many=many,
        paginated=paginated,
        status=status,
        permission=permission,
        tags=(bp.name,),
        raw_response=raw_response,
        also=tuple((code, _instance(schema), text) for code, schema, text in also),
    )

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**view_args: Any) -> Any:
            if spec.permission and not current_actor().can(spec.permission):
                abort(403)
            if spec.query is not None:
                view_args["query"] = spec.query.load(_without_nul(request.args.to_dict()))
            if spec.body is not None:
                view_args["body"] = spec.body.load(_without_nul(_json_object()))
            result = view(**view_args)
            return _respond(spec, result)

        wrapper.zugong_api = spec  # type: ignore[attr-defined]
        bp.add_url_rule(rule, view_func=wrapper, methods=list(methods))
        return wrapper

    return decorate


def _instance(schema: type[Schema] | Schema | None) -> Schema | None:
    return schema() if isinstance(schema, type) else schema


def _json_object() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise RequestBodyError()
    return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _without_nul(data: dict[str, Any]) -> dict[str, Any]:
    """No text holds U+0000 (PostgreSQL refuses it in text columns and parameters, a 500
    otherwise): the fields carrying one are refused before any schema sees them."""
    bad = {key: [_("不能包含空字符（U+0000）。")] for key, value in data.items() if _has_nul(value)}
    if bad:
        raise ValidationError(bad)
    return data


def _respond(spec: ApiSpec, result: Any) -> Any:
    if isinstance(result, Response) or spec.response is None:
        return result if result is not None else ("", 204)
    if spec.paginated and isinstance(result, Page):
        payload = {
            "items": spec.response.dump(result.items, many=True),
            "next_cursor": result.next_cursor,
        }
    else:
        payload = spec.response.dump(result, many=spec.many)
    return jsonify(payload), spec.status

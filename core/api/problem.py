"""Errors as RFC 9457 problem+json, in the user's language, naming each bad field."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, json, request
from flask_babel import gettext as _

from core.i18n import N_

PROBLEM_MIMETYPE = "application/problem+json"

_TITLES = {
    400: N_("请求无效"),
    401: N_("需要登录或有效的令牌"),
    403: N_("没有权限"),
    404: N_("未找到"),
    405: N_("不支持该请求方法"),
    409: N_("操作与当前状态冲突"),
    413: N_("上传内容过大"),
    415: N_("不支持的内容类型"),
    422: N_("提交的数据有误"),
    429: N_("请求过于频繁，请稍后再试"),
    500: N_("服务器内部错误"),
    503: N_("服务暂时不可用"),
}
_ERROR = N_("错误")


def problem(status: int, detail: str | None = None, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": _(_TITLES.get(status, _ERROR)), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update({k: plain(v) for k, v in extra.items()})
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)


def plain(value: Any) -> Any:
    """Turn lazy translated strings inside nested error structures into plain text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


#: The public portal's JSON API (``/p/<tenant>/api/…``), which answers like the API.
_PORTAL_API = re.compile(r"^/p/[^/]+/api/")


def wants_problem_json() -> bool:
    return request.path.startswith("/api/") or bool(_PORTAL_API.match(request.path))

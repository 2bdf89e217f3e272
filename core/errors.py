"""How failures answer: problem+json for the API, a page for people, never a stack trace."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException, NotFound

from core.api.messages import localize
from core.api.pagination import BadCursor
from core.api.problem import plain, problem, wants_problem_json
from core.api.routes import RequestBodyError
from core.db import db
from core.routing import TokenRejected, Unauthenticated, login_redirect
from core.workflow import WorkflowError

log = logging.getLogger(__name__)
#: Seconds a client is asked to wait when a backing service is unreachable.
UNAVAILABLE_RETRY_AFTER = 30
_TENANT_PATH = re.compile(r"^/(t|p|api/v1/t)/[^/]+/")


def register_error_handlers(app: Flask) -> None:
    for exception, handler in HANDLERS:
        app.register_error_handler(exception, handler)
    if app.config.get("REDIS_URL"):
        # Only a configured Redis can fail (the embedded mode has none, and so need not
        # import the client at start-up).
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        app.register_error_handler(RedisConnectionError, _redis_unreachable)
        app.register_error_handler(RedisTimeoutError, _redis_unreachable)


def answer(status: int, message: str | None, *, errors: dict | None = None, page_status=None):
    """problem+json for the API, the error page (with ``page_status``, default the
    same) for people."""
    if wants_problem_json():
        return problem(status, message, **({"errors": errors} if errors else {}))
    page_status = page_status or status
    return render_template("error.html", status=page_status, message=message), page_status


def _http(exc: HTTPException):
    status = exc.code or 500
    if status == 405 and _TENANT_PATH.match(request.path):
        # Routing answers 405 before any tenant check; under a tenant, reveal nothing.
        exc, status = NotFound(), 404
    # Werkzeug's default descriptions are English; only our own (given to abort()) are
    # shown to people.
    return answer(status, exc.description if exc.description != type(exc).description else None)


def _invalid(exc: ValidationError):
    errors = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    errors = localize(plain(errors))
    if wants_problem_json():
        return problem(422, _("请检查标出的字段。"), errors=errors)
    message = "；".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in errors.items())
    return render_template("error.html", status=422, message=message), 422


def _not_json(_exc: RequestBodyError):
    return problem(400, _("请求体应为 JSON 对象（Content-Type: application/json）。"))


def _bad_cursor(_exc: BadCursor):
    message = _("分页游标无效。")
    return answer(422, message, errors={"cursor": [message]}, page_status=400)


def _workflow(exc: WorkflowError):
    return answer(exc.status, exc.message)


def _integrity(exc: IntegrityError):
    return duplicate_response() if is_duplicate(exc) else _unexpected(exc)


def _unauthenticated(_exc: Unauthenticated):
    if wants_problem_json():
        return problem(401, _("请先登录，或在 Authorization 头中提供 Bearer 令牌。"))
    return login_redirect()


def _token_rejected(exc: TokenRejected):
    return problem(401, _("令牌无效。") if exc.invalid else _("令牌已过期或已吊销。"))


def _csrf(_exc: CSRFError):
    return answer(400, _("页面已过期，请刷新后重试。"))


def _redis_unreachable(exc: Exception):
    # Redis holds the portal's limits (and the RQ queue): without it, say so, and change
    # nothing, rather than a bare 500.
    log.error("Redis is unreachable: %s", exc)
    return _unavailable()


def _database_error(exc: DBAPIError):
    if not exc.connection_invalidated:
        return _unexpected(exc)
    log.error("database connection lost: %s", exc.orig)  # the pool reconnects
    db.session.rollback()
    return _unavailable()


def _unexpected(exc: Exception):
    log.exception("unhandled error")
    return answer(500, None)


#: Each failure and how it answers; Flask picks the most specific class of an error.
HANDLERS: tuple[tuple[type[Exception], Callable[..., Any]], ...] = (
    (HTTPException, _http),
    (ValidationError, _invalid),
    (RequestBodyError, _not_json),
    (BadCursor, _bad_cursor),
    (WorkflowError, _workflow),
    (IntegrityError, _integrity),
    (Unauthenticated, _unauthenticated),
    (TokenRejected, _token_rejected),
    (CSRFError, _csrf),
    (DBAPIError, _database_error),
    (Exception, _unexpected),
)


def _unavailable():
    """503 with a Retry-After: the request changed nothing (its transaction rolled back)."""
    message = _("服务暂时不可用，请稍后再试。")
    if wants_problem_json():
        response = problem(503, message)
    else:
        try:
            page = render_template("error.html", status=503, message=message)
        except Exception:
            # The layout reads the user and the tenant: with the service still failing,
            # the message goes out as plain text rather than not at all.
            log.exception("the 503 page could not be rendered")
            page = message
        response = make_response(page, 503)
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


def is_duplicate(exc: IntegrityError) -> bool:
    """A unique constraint refused the write: the same thing was done by another request
    (the row locks make this rare; the constraint is the last line of defence)."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def duplicate_response():
    """409, in the user's language, with nothing of the refused request kept."""
    db.session.rollback()
    return answer(409, _("该操作已由另一请求完成，请刷新后查看"))

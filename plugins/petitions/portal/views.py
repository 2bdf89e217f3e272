"""The public portal's pages (``/p/<tenant>/``) and JSON API (``/p/<tenant>/api/…``).

No login. Both blueprints answer 404 unless the tenant enables the plugin and its
``portal_enabled`` setting. The pages post forms with a CSRF token (an anonymous
session carries it); the JSON API takes no cookies, so it needs none. Answers that
carry a query code or a petition's progress are never cached.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, make_response, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.api.messages import localize
from core.api.problem import plain, problem
from core.api.routes import api_route
from core.forms import load_form
from core.routing import check_csrf, tenant_blueprint
from plugins.petitions.attachments import PETITION_FILES
from plugins.petitions.models import KINDS, SATISFACTIONS
from plugins.petitions.portal import schemas
from plugins.petitions.portal import services as portal

pages = tenant_blueprint("petitions_portal", __name__, kind="portal", plugin="petitions")
#: The plugin's templates folder, one level up from this package.
pages.template_folder = "../templates"
api = tenant_blueprint(
    "petitions_portal_api", __name__, kind="portal", plugin="petitions", prefix="/api"
)


@pages.before_request
def _pages_open() -> None:
    g.portal_settings = portal.require_open()


@api.before_request
def _api_open() -> None:
    g.portal_settings = portal.require_open()


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _errors_of(exc: ValidationError) -> dict[str, Any]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    return localize(plain(messages))


# -- pages ------------------------------------------------------------------------------


def _page(template: str, http_status: int = 200, **context: Any) -> Response:
    html = render_template(
        f"petitions/portal/{template}",
        kinds=[(key, _(title)) for key, title in KINDS.items()],
        satisfactions=[(key, _(title)) for key, title in SATISFACTIONS.items()],
        summary_max=schemas.SUMMARY_MAX,
        daily_limit=g.portal_settings["portal_daily_limit"],
        **context,
    )
    return _private(make_response(html, http_status))


def _limited_page(exc: portal.RateLimited) -> Response:
    response = _page("limited.html", 429, message=exc.message)
    response.headers["Retry-After"] = str(exc.decision.retry_after)
    return response


@pages.get("/")
def index():
    return _page("index.html")


@pages.route("/new", methods=["GET", "POST"])
def new():
    form: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    daily_limit = g.portal_settings["portal_daily_limit"]
    if request.method == "POST":
        check_csrf()
        form = request.form.to_dict()
        try:
            portal.check_submit_room(daily_limit)
            data, errors = load_form(schemas.PortalPetitionForm())
            if not errors:
                uploads = request.files.getlist(portal.UPLOADS_FIELD)
                filed = portal.submit(data, daily_limit, uploads)
                return _page("filed.html", 201, filed=filed)
        except ValidationError as exc:
            errors = _errors_of(exc)
        except portal.RateLimited as exc:
            return _limited_page(exc)
    return _page(
        "new.html",
        422 if errors else 200,
        form=form,
        errors=errors,
        categories=portal.categories(),
        max_uploads=portal.MAX_UPLOADS,
        upload_types=", ".join(sorted(upload_extensions())),
    )


def upload_extensions() -> set[str]:
    from core.attachments.filetypes import TYPES

    return {"." + ext for key in PETITION_FILES.types for ext in TYPES[key].extensions}


@pages.route("/lookup", methods=["GET", "POST"])
def lookup():
    if request.method == "GET":
        return _page("lookup.html", form={}, errors={})
    check_csrf()
    form = request.form.to_dict()
    data, errors = load_form(schemas.LookupForm())
    if errors:
        return _page("lookup.html", 422, form=form, errors=errors)
    try:
        petition = portal.lookup(data["serial"], data["code"])
    except portal.RateLimited as exc:
        return _limited_page(exc)
    except portal.NotFound:
        return _not_found_page(form)
    return _status_page(petition, data)


def _not_found_page(form: dict[str, Any]) -> Response:
    # The serial is echoed back so the person can correct it; the code never is.
    return _page(
        "lookup.html",
        404,
        form={"serial": form.get("serial", "")},
        errors={},
        not_found=True,
    )


def _status_page(petition, credentials: dict[str, Any], **extra: Any) -> Response:
    return _page(
        "status.html",
        status=portal.status_of(petition),  # the petition's, not HTTP's
        credentials={"serial": credentials["serial"], "code": credentials["code"]},
        **extra,
    )


@pages.post("/rate")
def rate():
    check_csrf()
    form = request.form.to_dict()
    data, errors = load_form(schemas.RateForm())
    if errors and set(errors) - {"satisfaction"}:
        return _page("lookup.html", 422, form={"serial": form.get("serial", "")}, errors=errors)
    try:
        if errors:  # a valid code, but no choice made: show the page again with the error
            petition = portal.lookup(data["serial"], data["code"])
            return _status_page(petition, data, rate_errors=errors)
        petition = portal.rate(data["serial"], data["code"], data["satisfaction"])
    except portal.RateLimited as exc:
        return _limited_page(exc)
    except portal.NotFound:
        return _not_found_page(form)
    return _status_page(petition, data, rated=True)


# -- JSON API ---------------------------------------------------------------------------


def _options(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "title": _(title)} for key, title in mapping.items()]


@api.errorhandler(portal.RateLimited)
def _api_limited(exc: portal.RateLimited):
    response = problem(429, exc.message)
    response.headers["Retry-After"] = str(exc.decision.retry_after)
    return response


@api.errorhandler(portal.NotFound)
def _api_not_found(_exc: portal.NotFound):
    return _private(problem(404, _("没有找到与该信访编号和查询码相符的信访件，请核对后重试。")))


@api_route(
    api, "/form", summary="网上信访：可选的性质、问题类别与满意度", response=schemas.PortalFormOut
)
def form_options():
    return {
        "kinds": _options(KINDS),
        "categories": [
            {"id": c.id, "name": c.name, "parent_id": c.parent_id, "depth": c.depth}
            for c in portal.categories()
        ],
        "satisfactions": _options(SATISFACTIONS),
        "summary_max": schemas.SUMMARY_MAX,
        "daily_limit": g.portal_settings["portal_daily_limit"],
    }


@api_route(
    api,
    "/petitions",
    methods=["POST"],
    summary="网上信访：提交信访件（返回编号和只显示一次的查询码；每客户端每日限件）",
    body=schemas.PortalPetitionIn,
    response=schemas.FiledOut,
    status=201,
)
def submit(body: dict[str, Any]):
    daily_limit = g.portal_settings["portal_daily_limit"]
    portal.check_submit_room(daily_limit)
    filed = portal.submit(body, daily_limit)
    petition = filed.petition
    result = {"serial": petition.serial, "query_code": filed.grouped_code}
    result["received_on"] = petition.received_on
    return _private(make_response(schemas.FiledOut().dump(result), 201))


@api_route(
    api,
    "/lookup",
    methods=["POST"],
    summary="网上信访：凭编号和查询码查询办理进度与答复（每客户端每小时限次）",
    body=schemas.LookupIn,
    response=schemas.StatusOut,
)
def lookup_api(body: dict[str, Any]):
    petition = portal.lookup(body["serial"], body["code"])
    return _private(make_response(schemas.StatusOut().dump(portal.status_of(petition))))


@api_route(
    api,
    "/rate",
    methods=["POST"],
    summary="网上信访：对已办结答复的信访件评价满意度（仅一次）",
    body=schemas.RateIn,
    response=schemas.StatusOut,
)
def rate_api(body: dict[str, Any]):
    petition = portal.rate(body["serial"], body["code"], body["satisfaction"])
    return _private(make_response(schemas.StatusOut().dump(portal.status_of(petition))))

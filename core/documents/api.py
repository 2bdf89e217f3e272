"""API: the tenant's document templates, and a member's registration form.

``PUT /documents/<name>`` takes ``multipart/form-data`` with the .docx in the field
``file`` (``curl -X PUT -F file=@模板.docx``); a file that is not a .docx, too large, or
does not render with the template's sample data answers 422 naming the problem, and
nothing is stored. ``DELETE`` goes back to the plugin's default.
"""

from __future__ import annotations

from typing import Any

from flask import abort, request

from core.api.routes import api_route
from core.documents import services
from core.documents.schemas import DocumentTemplateOut, TemplateFileQuery
from core.documents.views import MANAGE, VIEW_MEMBERS, member_form_response
from core.exports import MIMETYPES, download_response
from core.routing import tenant_blueprint

bp = tenant_blueprint("documents_api", __name__, kind="api")

DOCX = MIMETYPES["docx"]


def _known(name: str) -> services.Declared:
    try:
        return services.definition(name)
    except KeyError:
        abort(404)


@api_route(
    bp,
    "/documents",
    summary="文书模板列表（本单位可用的模板：默认或已替换）",
    response=DocumentTemplateOut,
    many=True,
    permission=MANAGE,
)
def list_templates():
    return services.states()


@api_route(
    bp,
    "/documents/<name>",
    summary="下载文书模板（.docx；version=default 取默认模板）",
    query=TemplateFileQuery,
    permission=MANAGE,
    raw_response=DOCX,
)
def get_template(name: str, query: dict[str, Any]):
    entry = _known(name)
    data = services.template_file(name, query["version"])
    return download_response(data, f"{entry.title}.docx", "docx")


@api_route(
    bp,
    "/documents/<name>",
    methods=["PUT"],
    summary="替换文书模板（multipart/form-data，字段 file：.docx，不超过 2 MiB）",
    response=DocumentTemplateOut,
    permission=MANAGE,
)
def put_template(name: str):
    _known(name)
    return services.replace(name, request.files.get(services.FIELD))


@api_route(
    bp,
    "/documents/<name>",
    methods=["DELETE"],
    summary="恢复默认文书模板",
    response=DocumentTemplateOut,
    permission=MANAGE,
)
def delete_template(name: str):
    _known(name)
    return services.reset(name)


@api_route(
    bp,
    "/orgs/members/<int:member_id>/form.docx",
    summary="党员信息登记表（.docx；无 core.view_identity 时身份证号打码，有则记入审计）",
    permission=VIEW_MEMBERS,
    raw_response=DOCX,
)
def member_registration(member_id: int):
    return member_form_response(member_id, "document.api")

"""Downloading a petition's notices (.docx), for people and for programs.

``/t/<tenant>/petitions/<id>/notices/<notice>.docx`` and the same under
``/api/v1/t/<tenant>/``, with ``<notice>`` one of ``acceptance`` (受理告知书),
``non_acceptance`` (不予受理告知书), ``reply`` (答复意见书), ``assignment`` (交办函).
One route per notice (not a path parameter), so the isolation suite probes each one.
Permission ``petitions.view``; another tenant's petition is not found (404); a notice
the petition has not reached answers 409.
"""

from __future__ import annotations

from flask import g

from core.api.routes import api_route
from core.exports import MIMETYPES, download_response
from core.routing import require_permission, tenant_blueprint
from plugins.petitions import notices
from plugins.petitions.models import Petition
from plugins.petitions.queries import petition_or_404

VIEW = "petitions.view"

pages = tenant_blueprint("petitions_notices", __name__, kind="pages", plugin="petitions")
api = tenant_blueprint("petitions_notices_api", __name__, kind="api", plugin="petitions")


def notice_response(petition_id: int, slug: str, via: str):
    petition = petition_or_404(petition_id)
    data = notices.render(petition, g.tenant, g.actor, slug, via)
    return download_response(data, notices.filename(petition, slug), "docx")


def _page_view(slug: str):
    def view(petition_id: int):
        require_permission(VIEW)
        return notice_response(petition_id, slug, "notice.page")

    view.__name__ = f"{slug}_notice"
    return view


def _api_view(slug: str):
    def view(petition_id: int):
        return notice_response(petition_id, slug, "notice.api")

    view.__name__ = f"{slug}_notice"
    return view


#: Chinese summaries for the OpenAPI document (built at import, outside any request).
_TITLES = {
    "acceptance": "受理告知书",
    "non_acceptance": "不予受理告知书",
    "reply": "答复意见书",
    "assignment": "交办函",
}

for _slug in notices.NOTICES:
    _rule = f"/petitions/<int:petition_id>/notices/{_slug}.docx"
    pages.add_url_rule(_rule, view_func=_page_view(_slug))
    api_route(
        api,
        _rule,
        summary=f"{_TITLES[_slug]}（.docx；无 petitions.view_identity 时不写信访人姓名）",
        permission=VIEW,
        raw_response=MIMETYPES["docx"],
    )(_api_view(_slug))


def notice_links(petition: Petition) -> list[tuple[str, str]]:
    """(title, page URL) of each notice ``petition`` can print now, for its detail page
    (inside a request of its tenant)."""
    from flask import url_for

    return [
        (n.title, url_for(f"petitions_notices.{slug}_notice", petition_id=petition.id))
        for slug, n in notices.NOTICES.items()
        if n.applies(petition)
    ]

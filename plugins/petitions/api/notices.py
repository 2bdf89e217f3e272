"""Downloading a petition's notices (.docx) for programs:
``/api/v1/t/<tenant>/petitions/<id>/notices/<notice>.docx``, one route per notice, as on
the page (:mod:`plugins.petitions.views.notices`)."""

from __future__ import annotations

from flask import g

from core.api.routes import api_route
from core.exports import MIMETYPES
from plugins.petitions.api.blueprint import bp
from plugins.petitions.documents import notices
from plugins.petitions.permissions import VIEW
from plugins.petitions.queries.petitions import petition_or_404

#: Chinese summaries for the OpenAPI document (built at import, outside any request).
_TITLES = {
    "acceptance": "受理告知书",
    "non_acceptance": "不予受理告知书",
    "extension": "延期办理告知书",
    "reply": "答复意见书",
    "assignment": "交办函",
}


def _api_view(slug: str):
    def view(petition_id: int):
        return notices.download(petition_or_404(petition_id), g.tenant, g.actor, slug, "notice.api")

    view.__name__ = f"{slug}_notice"
    return view


for _slug in notices.NOTICES:
    api_route(
        bp,
        f"/<int:petition_id>/notices/{_slug}.docx",
        summary=f"{_TITLES[_slug]}（.docx；无 petitions.view_identity 时不写信访人姓名）",
        permission=VIEW,
        raw_response=MIMETYPES["docx"],
    )(_api_view(_slug))

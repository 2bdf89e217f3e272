"""Downloading a petition's notices (.docx) from its page:
``/t/<tenant>/petitions/<id>/notices/<notice>.docx`` with ``<notice>`` one of
``acceptance`` (受理告知书), ``non_acceptance`` (不予受理告知书), ``extension``
(延期办理告知书), ``reply`` (答复意见书),
``assignment`` (交办函). One route per notice (not a path parameter), so the isolation
suite probes each one. Permission ``petitions.view``; another tenant's petition is not
found (404); a notice the petition has not reached answers 409.
"""

from __future__ import annotations

from flask import g

from core.routing import require_permission
from plugins.petitions.documents import notices
from plugins.petitions.permissions import VIEW
from plugins.petitions.queries.petitions import petition_or_404
from plugins.petitions.views.blueprint import bp


def _page_view(slug: str):
    def view(petition_id: int):
        require_permission(VIEW)
        return notices.download(
            petition_or_404(petition_id), g.tenant, g.actor, slug, "notice.page"
        )

    view.__name__ = f"{slug}_notice"
    return view


for _slug in notices.NOTICES:
    bp.add_url_rule(f"/<int:petition_id>/notices/{_slug}.docx", view_func=_page_view(_slug))

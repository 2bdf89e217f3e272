"""An issue printed as .docx, from a template each tenant may replace (core.documents):
the entries' edited text, paragraph by paragraph, each with its source unit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from core import clock
from core.db import db
from core.documents import services as documents
from core.documents.member_form import chinese_date, unit_full_name
from core.plugins.types import DocumentTemplateDef
from core.tenancy.models import Tenant

ISSUE_NAME = "reporting.issue"
_TITLE = re.compile(r"《(.+?)》")

SAMPLE_CONTEXT: dict[str, Any] = {
    "bulletin_title": "示范组工信息",
    "year": 2026,
    "number": 12,
    "label": "《示范组工信息》2026年第12期",
    "unit_full_name": "中共××市委组织部",
    "published_on": "2026年3月20日",
    "entries": [
        {
            "title": "××县推行“党员积分制”管理",
            "editor_note": "××县的做法值得各地借鉴。",
            "paragraphs": ["今年以来，××县在全县推行党员积分制管理。", "积分结果与评先评优挂钩。"],
            "source": "××县委组织部",
        }
    ],
}

ISSUE = DocumentTemplateDef(
    name=ISSUE_NAME,
    title=_l("组工信息期刊"),
    default_path=Path(__file__).parent.parent / "defaults" / "issue.docx",
    sample_context=SAMPLE_CONTEXT,
    signed=False,
)


def _paragraphs(body: str) -> list[str]:
    return [part.strip() for part in body.split("\n") if part.strip()]


def issue_context(detail: dict[str, Any]) -> dict[str, Any]:
    """A descendant reading a published issue reads the issue, not the publisher's
    bulletin row: the title comes from the label printed when the issue was numbered."""
    tenant = db.session.get(Tenant, detail["tenant_id"])
    titled = _TITLE.match(detail["label"])
    published = detail["published_at"]
    return {
        "bulletin_title": titled.group(1) if titled else detail["label"],
        "year": detail["year"],
        "number": detail["number"],
        "label": detail["label"],
        "unit_full_name": unit_full_name(tenant),
        "published_on": chinese_date(
            published.astimezone(clock.TZ).date() if published else clock.today()
        ),
        "entries": [
            {
                "title": e["edited_title"],
                "editor_note": e["editor_note"] or "",
                "paragraphs": _paragraphs(e["edited_body"]),
                "source": e["source"],
            }
            for e in detail["entries"]
        ],
    }


def issue_docx(detail: dict[str, Any]) -> bytes:
    tenant = db.session.get(Tenant, detail["tenant_id"])
    return documents.render(ISSUE_NAME, issue_context(detail), tenant)

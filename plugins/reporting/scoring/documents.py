"""The ranking bulletin (排名通报) as .docx (from a template each tenant may replace,
core.documents) and as .xlsx, from a published ranking's frozen lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.db import db
from core.documents import services as documents
from core.documents.member_form import chinese_date, unit_full_name
from core.exports import Column, Sheet, xlsx_bytes
from core.plugins.types import DocumentTemplateDef
from core.tenancy.models import Tenant
from plugins.reporting.scoring.periods import period

RANKING_NAME = "reporting.ranking"

SAMPLE_CONTEXT: dict[str, Any] = {
    "unit_full_name": "中共××市委组织部",
    "title": "××市委组织部组工信息积分排名通报（2026年第1季度）",
    "period": "2026年第1季度",
    "children_word": "县（市、区）委组织部",
    "printed_on": "2026年4月2日",
    "lines": [
        {
            "rank": 1,
            "name": "××县委组织部",
            "submitted": 12,
            "adopted": 5,
            "penalty": 1,
            "score": 23,
        },
        {
            "rank": 2,
            "name": "××区委组织部",
            "submitted": 9,
            "adopted": 3,
            "penalty": 0,
            "score": 14,
        },
    ],
}

RANKING = DocumentTemplateDef(
    name=RANKING_NAME,
    title=_l("组工信息积分排名通报"),
    default_path=Path(__file__).parent.parent / "defaults" / "ranking.docx",
    sample_context=SAMPLE_CONTEXT,
)


def _context(detail: dict[str, Any]) -> dict[str, Any]:
    tenant = db.session.get(Tenant, detail["tenant_id"])
    return {
        "unit_full_name": unit_full_name(tenant),
        "title": detail["title"],
        "period": period(detail["period"], detail["year"], detail["period_number"]).label,
        "children_word": _("下级组织部门"),
        "printed_on": chinese_date(clock.today()),
        "lines": detail["lines"],
    }


def ranking_docx(detail: dict[str, Any]) -> bytes:
    tenant = db.session.get(Tenant, detail["tenant_id"])
    return documents.render(RANKING_NAME, _context(detail), tenant)


def ranking_xlsx(detail: dict[str, Any]) -> bytes:
    columns = [
        Column("rank", _("名次"), 8, "int"),
        Column("name", _("单位"), 30),
        Column("submitted", _("报送"), 10, "int"),
        Column("adopted", _("采用"), 10, "int"),
        Column("points", _("采用得分"), 10, "int"),
        Column("bonus", _("批示加分"), 10, "int"),
        Column("penalty", _("扣分"), 10, "int"),
        Column("score", _("积分"), 10, "int"),
    ]
    sheets = [Sheet(_("单位排名"), columns, detail["lines"], caption=detail["title"])]
    if detail["authors"]:
        author_columns = [
            Column("rank", _("名次"), 8, "int"),
            Column("name", _("作者"), 20),
            Column("items", _("报送"), 10, "int"),
            Column("adopted", _("采用"), 10, "int"),
            Column("score", _("积分"), 10, "int"),
        ]
        sheets.append(Sheet(_("作者排名"), author_columns, detail["authors"]))
    return xlsx_bytes(sheets)


def filename(detail: dict[str, Any]) -> str:
    return detail["title"]

"""The supervision plugin's documents: the monthly bulletin (督查通报, .docx from a
template each tenant may replace, core.documents; its values are the texts printed on
paper), the tables' .xlsx exports and the decomposition import template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core import clock
from core.db import db
from core.documents import services as documents
from core.documents.member_form import chinese_date, unit_full_name
from core.exports import Sheet, xlsx_bytes
from core.imports import template_xlsx
from core.orgs.models import OrgUnit
from core.plugins.types import DocumentTemplateDef, RedHead
from core.tenancy.models import Tenant
from plugins.supervision.models import CYCLES, SOURCES, SupervisionItem
from plugins.supervision.permissions import VIEW
from plugins.supervision.queries.records import item_or_404, members_by_id
from plugins.supervision.queries.tables import Table, month_bounds, month_totals, overdue_by_leader
from plugins.supervision.services.imports import EXAMPLE, HEADERS

BULLETIN_NAME = "supervision.bulletin"

SAMPLE_CONTEXT: dict[str, Any] = {
    "issue": "2026年第3期",
    "period": "2026年3月",
    "unit_full_name": "中共××县委组织部",
    "tenant_name": "××县委组织部",
    "printed_on": "2026年4月1日",
    "total": 42,
    "due": 10,
    "closed": 9,
    "on_time": 8,
    "on_time_rate": "88.9%",
    "overdue_count": 2,
    "overdue": [
        {
            "serial": "DC-2026-0007",
            "title": "完成软弱涣散党组织整顿",
            "leader": "张三",
            "person": "李四",
            "days": 5,
        },
    ],
    "excellent": [{"serial": "DC-2026-0003", "title": "组织部务会议定事项落实", "person": "王五"}],
}

BULLETIN = DocumentTemplateDef(
    name=BULLETIN_NAME,
    title=_l("督查通报"),
    default_path=Path(__file__).parent / "defaults" / "bulletin.docx",
    sample_context=SAMPLE_CONTEXT,
    # The bulletin's 版头: its name in red, the issue, then the issuing body and date.
    red_head=RedHead("督 查 通 报", lines=3),
)

NOTICE_NAME = "supervision.notice_form"

NOTICE_SAMPLE: dict[str, Any] = {
    "serial": "DC-2026-0007",
    "title": "完成软弱涣散党组织整顿",
    "source": "部务会议定",
    "source_ref": "2026年第5次部务会",
    "leader": "张三",
    "section": "组织科",
    "person": "李四",
    "deadline": "2026年6月30日",
    "cycle": "每月",
    "requirements": "按月报送进展，6月底前全面完成整顿任务。",
    "unit_full_name": "中共××县委组织部",
    "printed_on": "2026年4月1日",
}


def _display_name(people: dict[int, Any], user_id: int | None) -> str:
    return people[user_id].display_name if user_id in people else ""


def notice_context(item_id: int) -> dict[str, Any]:
    """督办通知单 of one item: every key of :data:`NOTICE_SAMPLE`."""
    item = item_or_404(item_id)
    people = members_by_id([item.leader_user_id, item.person_user_id])
    section = db.session.get(OrgUnit, item.section_id) if item.section_id else None
    return {
        "serial": item.serial,
        "title": item.title,
        "source": _(SOURCES[item.source]) if item.source in SOURCES else item.source,
        "source_ref": item.source_ref or "",
        "leader": _display_name(people, item.leader_user_id),
        "section": section.name if section else "",
        "person": _display_name(people, item.person_user_id),
        "deadline": chinese_date(item.deadline),
        "cycle": _(CYCLES[item.feedback_cycle]) if item.feedback_cycle in CYCLES else "",
        "requirements": item.requirements or "",
        "unit_full_name": unit_full_name(db.session.get(Tenant, item.tenant_id)),
        "printed_on": chinese_date(clock.today()),
    }


NOTICE = DocumentTemplateDef(
    name=NOTICE_NAME,
    title=_l("督办通知单"),
    default_path=Path(__file__).parent / "defaults" / "notice_form.docx",
    sample_context=NOTICE_SAMPLE,
    record_permission=VIEW,
    record_context=notice_context,
)


def bulletin_context(tenant: Tenant, month: str | None) -> dict[str, Any]:
    """Every key of :data:`SAMPLE_CONTEXT` for ``month`` (YYYY-MM, default this month)."""
    start, end = month_bounds(month)
    totals = month_totals(month)
    due, closed, on_time = totals["due"], totals["closed"], totals["on_time"]
    overdue = overdue_by_leader(min(clock.today(), end)).rows
    excellent = db.session.execute(
        select(SupervisionItem.serial, SupervisionItem.title, SupervisionItem.person_user_id)
        .where(SupervisionItem.rating == "excellent", SupervisionItem.closed_on.between(start, end))
        .order_by(SupervisionItem.id)
    ).all()
    people = members_by_id([p for _s, _t, p in excellent if p])
    total = db.session.scalar(select(func.count()).select_from(SupervisionItem)) or 0
    return {
        "issue": f"{start.year}年第{start.month}期",
        "period": f"{start.year}年{start.month}月",
        "unit_full_name": unit_full_name(tenant),
        "tenant_name": tenant.name,
        "printed_on": chinese_date(clock.today()),
        "total": total,
        "due": due,
        "closed": closed,
        "on_time": on_time,
        "on_time_rate": f"{100 * on_time / closed:.1f}%" if closed else "—",
        "overdue_count": len(overdue),
        "overdue": [
            {
                "serial": r["serial"],
                "title": r["title"],
                "leader": r["leader_name"],
                "person": r["person_name"],
                "days": r["days_overdue"],
            }
            for r in overdue
        ],
        "excellent": [
            {"serial": s, "title": t, "person": people[p].display_name if p in people else ""}
            for s, t, p in excellent
        ],
    }


def bulletin_filename(month: str | None) -> str:
    start, _end = month_bounds(month)
    return f"督查通报_{start.year}年{start.month}月.docx"


def bulletin_docx(tenant: Tenant, month: str | None) -> bytes:
    return documents.render(BULLETIN_NAME, bulletin_context(tenant, month))


def table_xlsx(table: Table) -> bytes:
    """One of the tables of :mod:`plugins.supervision.queries.tables` as a workbook."""
    return xlsx_bytes(
        [Sheet(table.title, table.columns, table.rows, caption=table.caption or table.title)]
    )


def import_template() -> bytes:
    """The decomposition .xlsx to fill in, with one example row."""
    return template_xlsx(HEADERS, EXAMPLE)

"""Supervision records shaped for the API and the pages: the tables as JSON, the
board's rows, an item's history in words, and what a page says after an action."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from core.i18n import N_
from core.web.present import HistoryRow, history_rows
from plugins.supervision.models import (
    ACCOUNTABILITY_KINDS,
    CYCLES,
    PRIORITIES,
    RATINGS,
    SupervisionItem,
)
from plugins.supervision.queries import records
from plugins.supervision.queries.tables import Table
from plugins.supervision.schemas import SupervisionItemOut
from plugins.supervision.workflow import ITEM_FLOW

NAME_KEYS = ("leader_name", "person_name", "section_name")


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def table_dict(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "columns": [{"key": c.key, "title": c.title} for c in table.columns],
        "rows": [{k: _json(v) for k, v in row.items()} for row in table.rows],
    }


def board_rows(table: Table) -> list[dict[str, Any]]:
    """The board's rows: the item's fields, the names and the live light."""
    fields = SupervisionItemOut().fields
    return [
        {
            **{f: getattr(row["item"], f) for f in fields},
            **{k: row[k] for k in NAME_KEYS},
            "light": row["light"],
        }
        for row in table.rows
    ]


def history_dict(item: SupervisionItem) -> dict[str, Any]:
    """The item's history as a table (state changes and notes, oldest first)."""
    return {
        "title": _("办理过程"),
        "columns": [],
        "rows": [
            {
                "transition": c.transition,
                "from_state": c.from_state,
                "to_state": c.to_state,
                "actor_name": c.actor_name,
                "comment": c.comment,
                "at": c.at.isoformat() if c.at else None,
            }
            for c in ITEM_FLOW.history(item)
        ],
    }


#: The keys of a history row's data a reader is shown, by their titles.
HISTORY_LABELS = {
    "percent": N_("进度"),
    "rating": N_("评价"),
    "new_deadline": N_("新期限"),
    "kind": N_("问责方式"),
    "title": N_("事项名称"),
    "source_ref": N_("来源文号或说明"),
    "leader_user_id": N_("责任领导"),
    "section_id": N_("责任科室"),
    "person_user_id": N_("责任人"),
    "feedback_cycle": N_("反馈周期"),
    "priority": N_("优先级"),
}
_CODES = {
    "rating": RATINGS,
    "kind": ACCOUNTABILITY_KINDS,
    "feedback_cycle": CYCLES,
    "priority": PRIORITIES,
}


def history(item: SupervisionItem, people: dict[int, str]) -> list[HistoryRow]:
    """The item's history as a person reads it: ids as names, codes as titles."""
    sections = {u.id: u.name for u in records.sections()}

    def value(key: str, raw: Any) -> str:
        if key in ("leader_user_id", "person_user_id"):
            return people.get(_int(raw), _("（已离开本单位的人员）"))
        if key == "section_id":
            return sections.get(_int(raw), _("（已撤销的科室）"))
        if key in _CODES:
            return _(_CODES[key].get(raw, "")) or str(raw)
        if key == "percent":
            return f"{raw}%"
        return str(raw)

    return history_rows(ITEM_FLOW.history(item), labels=HISTORY_LABELS, values=value)


def _int(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def done_message(name: str, item: SupervisionItem) -> str:
    """What the page says after action ``name`` on ``item`` succeeded."""
    deadline = item.deadline.isoformat()
    messages = {
        "assign": lambda: _("已交办：%(serial)s", serial=item.serial),
        "acknowledge": lambda: _("已签收，期限 %(d)s", d=deadline),
        "report": lambda: _("已反馈进展，进度 %(p)s%%", p=item.percent),
        "request_completion": lambda: _("已申请办结，待督查专员核验"),
        "verify": lambda: _("已核验办结"),
        "send_back": lambda: _("已退回重办"),
        "rate": lambda: _("已评价：%(r)s", r=_(RATINGS.get(item.rating or "", ""))),
        "archive": lambda: _("已归档"),
        "remind": lambda: _("已催办，提醒已发给责任人"),
        "escalate": lambda: _("已提请责任领导督促"),
        "extension": lambda: _("已申请延期，待责任领导审批"),
        "approve_extension": lambda: _("已批准延期，期限 %(d)s", d=deadline),
        "reject_extension": lambda: _("已不批准延期，期限仍为 %(d)s", d=deadline),
        "back_schedule": lambda: _("已按倒排工期生成时间节点"),
        "milestone_done": lambda: _("已确认节点完成"),
        "accountability": lambda: _("已记录问责"),
    }
    return messages[name]() if name in messages else _("已保存")

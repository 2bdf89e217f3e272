"""信访台账: the petitions a list's filters find, as .xlsx for people or .csv for systems.

Reporters' identities stay out and ID numbers are masked unless the exporting user holds
``petitions.view_identity``; when they do, the export itself is an audited view of every
identity in it. Every export is audited with its filters either way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core import clock
from core.api.problem import plain
from core.audit.service import record
from core.db import db
from core.exports import Column, Sheet, csv_bytes, xlsx_bytes
from plugins.petitions.confidentiality import ledger_contacts, ledger_names
from plugins.petitions.models import (
    CHANNELS,
    KINDS,
    NOT_ACCEPTED_REASONS,
    OUTCOMES,
    SATISFACTIONS,
    URGENCIES,
    Petition,
    PetitionCategory,
)
from plugins.petitions.queries.petitions import iter_petitions
from plugins.petitions.workflow import STATES

COLUMNS = [
    Column("serial", "编号", width=16),
    Column("received_on", "收件日期", width=12, kind="date"),
    Column("channel", "来源", width=10),
    Column("kind", "性质", width=10),
    Column("category", "问题类别", width=24),
    Column("petitioners", "信访人", width=16),
    Column("contacts", "联系方式", width=26),
    Column("people_count", "人数", width=6, kind="int"),
    Column("flags", "标记", width=16),
    Column("reported", "被反映人", width=24),
    Column("summary", "主要问题", width=40),
    Column("urgency", "紧急程度", width=8),
    Column("state", "状态", width=12),
    Column("accept_due", "受理期限", width=12, kind="date"),
    Column("decision", "受理情况", width=24),
    Column("close_due", "办结期限", width=12, kind="date"),
    Column("outcome", "处理意见", width=12),
    Column("replied_on", "答复日期", width=12, kind="date"),
    Column("satisfaction", "满意度", width=10),
]


def _label(table: dict[str, str], key: str | None) -> str:
    return _(table[key]) if key in table else (key or "")


def _category_paths() -> dict[int, str]:
    rows = {c.id: c for c in db.session.scalars(select(PetitionCategory))}

    def path(cid: int) -> str:
        names, seen = [], set()
        while cid in rows and cid not in seen:
            seen.add(cid)
            names.append(rows[cid].name)
            cid = rows[cid].parent_id
        return " / ".join(reversed(names))

    return {cid: path(cid) for cid in rows}


def _flags(p: Petition) -> str:
    flags = []
    if p.is_12380:
        flags.append("12380")
    if p.is_collective:
        flags.append(_("集体访"))
    if p.is_bypassed_level:
        flags.append(_("越级"))
    if p.is_repeat:
        flags.append(_("重复"))
    if p.is_anonymous:
        flags.append(_("匿名"))
    return "、".join(flags)


def ledger_row(p: Petition, paths: Mapping[int, str], *, full: bool) -> dict[str, Any]:
    decision = ""
    if p.state == "not_accepted":
        decision = _label(NOT_ACCEPTED_REASONS, p.not_accepted_reason)
    elif p.target_name:
        decision = p.target_name
    elif p.accepted_on:
        decision = _("%(day)s 受理", day=p.accepted_on.isoformat())
    return {
        "serial": p.serial,
        "received_on": p.received_on,
        "channel": _label(CHANNELS, p.channel),
        "kind": _label(KINDS, p.kind),
        "category": paths.get(p.category_id, "") if p.category_id else "",
        "petitioners": _("匿名") if p.is_anonymous else ledger_names(p, full=full),
        "contacts": ledger_contacts(p, full=full),
        "people_count": p.people_count,
        "flags": _flags(p),
        "reported": "；".join(
            " ".join(x for x in (r.name, r.unit, r.post) if x) for r in p.reported_persons
        ),
        "summary": p.summary,
        "urgency": _label(URGENCIES, p.urgency),
        "state": _label(STATES, p.state),
        "accept_due": p.accept_due,
        "decision": decision,
        "close_due": p.close_due,
        "outcome": _label(OUTCOMES, p.outcome),
        "replied_on": p.replied_on,
        "satisfaction": _label(SATISFACTIONS, p.satisfaction),
    }


def ledger_file(
    filters: Mapping[str, Any], *, fmt: str, full_identity: bool, tenant_name: str
) -> bytes:
    detail = {"filters": {k: plain(v) for k, v in filters.items()}, "full_identity": full_identity}
    record("petition.exported", object_type="petitions", detail=detail)
    if full_identity:
        record(
            "petition.identity_viewed", object_type="petitions", detail={"via": "export", **detail}
        )
    paths = _category_paths()
    rows: Iterator[dict[str, Any]] = (
        ledger_row(p, paths, full=full_identity) for p in iter_petitions(filters)
    )
    if fmt == "csv":
        return csv_bytes(COLUMNS, rows)
    caption = _(
        "%(tenant)s 信访台账（导出于 %(day)s）", tenant=tenant_name, day=clock.today().isoformat()
    )
    return xlsx_bytes([Sheet(_("信访台账"), COLUMNS, rows, caption=caption)])

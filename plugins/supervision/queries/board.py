"""The traffic-light board (红黄绿灯看板): the items with their live light and the names
of their leader, person and section, filtered as the board's query asks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import aliased

from core.api.pagination import decode_cursor, encode_cursor
from core.auth.models import User
from core.db import db
from core.exports import Column
from core.i18n import N_
from core.orgs.models import OrgUnit
from core.tenancy.models import Tenant
from plugins.supervision.models import (
    LIGHTS,
    OPEN_STATES,
    PRIORITIES,
    SOURCES,
    SupervisionItem,
)
from plugins.supervision.queries.lights import light_expression, window_for
from plugins.supervision.queries.tables import Table, localized
from plugins.supervision.workflow import STATES

Item = SupervisionItem
Leader = aliased(User)
Person = aliased(User)

# -- The board ------------------------------------------------------------------------------


def board_statement(tenant: Tenant, filters: Mapping[str, Any]) -> Any:
    """Items with their live light and the names of leader, person and section."""
    colour = light_expression(window_for(tenant)).label("live_light")
    statement = (
        select(
            Item,
            colour,
            Leader.display_name.label("leader_name"),
            Person.display_name.label("person_name"),
            OrgUnit.name.label("section_name"),
        )
        .outerjoin(Leader, Leader.id == Item.leader_user_id)
        .outerjoin(Person, Person.id == Item.person_user_id)
        .outerjoin(
            OrgUnit, and_(OrgUnit.tenant_id == Item.tenant_id, OrgUnit.id == Item.section_id)
        )
    )
    if not filters.get("include_closed") and not filters.get("state"):
        statement = statement.where(Item.state.in_(OPEN_STATES))
    for key in ("leader_user_id", "section_id", "person_user_id", "source", "state"):
        if filters.get(key):
            statement = statement.where(getattr(Item, key) == filters[key])
    if filters.get("light"):
        statement = statement.where(colour == filters["light"])
    return statement.order_by(Item.deadline, Item.id)


def board_rows(tenant: Tenant, filters: Mapping[str, Any], limit: int = 1000) -> list[dict]:
    return _rows(db.session.execute(board_statement(tenant, filters).limit(limit)))


def _rows(result: Any) -> list[dict]:
    rows = []
    for item, colour, leader, person, section in result:
        rows.append(
            {
                "item": item,
                "id": item.id,
                "serial": item.serial,
                "title": item.title,
                "source": _(SOURCES.get(item.source, item.source)),
                "leader_name": leader or "",
                "person_name": person or "",
                "section_name": section or "",
                "deadline": item.deadline,
                "deadline_estimated": item.deadline_estimated,
                "state": _(STATES.get(item.state, item.state)),
                "state_key": item.state,
                "percent": item.percent,
                "light": colour,
                "light_title": _(LIGHTS[colour]) if colour else "",
                "priority": _(PRIORITIES.get(item.priority, item.priority)),
            }
        )
    return rows


#: The board's order, ending in the primary key: its pages go by keyset on these.
PAGE_KEYS = (Item.deadline, Item.id)
PAGE_SIZE = 50


def board_page(
    tenant: Tenant, filters: Mapping[str, Any], cursor: str | None = None, limit: int = PAGE_SIZE
) -> tuple[Table, str | None]:
    """One page of the board (by keyset on deadline and id, so page 6 costs what page 1
    does) with the light counts of every matching item; and the next page's cursor.
    A bad cursor raises :class:`core.api.pagination.BadCursor`."""
    statement = board_statement(tenant, filters)
    if cursor:
        bound = tuple_(*decode_cursor(cursor, PAGE_KEYS))
        statement = statement.where(tuple_(*PAGE_KEYS) > bound)
    rows = _rows(db.session.execute(statement.limit(limit + 1)))
    more, rows = len(rows) > limit, rows[:limit]
    table = Table(_("督办事项红黄绿灯看板"), localized(BOARD_COLUMNS), rows)
    table.extra["counts"] = light_totals(tenant, filters)
    next_cursor = encode_cursor([rows[-1]["deadline"], rows[-1]["id"]]) if more else None
    return table, next_cursor


def light_totals(tenant: Tenant, filters: Mapping[str, Any]) -> dict[str, int]:
    """How many matching items show each light (all pages, counted in SQL)."""
    matching = board_statement(tenant, filters).order_by(None).subquery()
    counts = dict(
        db.session.execute(
            select(matching.c.live_light, func.count()).group_by(matching.c.live_light)
        ).all()
    )
    return {light: counts.get(light, 0) for light in ("green", "yellow", "red")}


BOARD_COLUMNS = [
    Column("serial", N_("编号"), 16),
    Column("title", N_("事项"), 40),
    Column("source", N_("来源"), 16),
    Column("leader_name", N_("责任领导"), 10),
    Column("section_name", N_("责任科室"), 14),
    Column("person_name", N_("责任人"), 10),
    Column("deadline", N_("办结期限"), 12, "date"),
    Column("state", N_("状态"), 10),
    Column("percent", N_("进度%"), 8, "int"),
    Column("light_title", N_("亮灯"), 8),
]


def board_table(tenant: Tenant, filters: Mapping[str, Any]) -> Table:
    rows = board_rows(tenant, filters)
    table = Table(_("督办事项红黄绿灯看板"), localized(BOARD_COLUMNS), rows)
    table.extra["counts"] = light_counts(rows)
    return table


def light_counts(rows: list[dict]) -> dict[str, int]:
    counts = {"green": 0, "yellow": 0, "red": 0}
    for row in rows:
        if row["light"] in counts:
            counts[row["light"]] += 1
    return counts

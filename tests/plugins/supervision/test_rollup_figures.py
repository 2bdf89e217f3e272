"""The 汇总's supervision figures kept by PostgreSQL triggers, with the day's part (已超期,
the lights) counted live, equal a direct count of the items after inserts, moves and
deletes, and as the days pass; a milestone past its date lights an item red early."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, update

from core.db import db
from core.rollup.period import resolve, spans_of
from core.rollup.types import Period
from core.tenancy.scope import cross_tenant_scope, tenant_scope
from plugins.supervision import rollup
from plugins.supervision.models import SupervisionItem, SupervisionMilestone

YEAR = resolve({"period": "year", "year": 2026})
H2 = Period("custom", date(2026, 6, 1), date(2026, 12, 31), "")


def _item(n: int, deadline: date, state: str = "in_progress", **values) -> SupervisionItem:
    return SupervisionItem(
        serial=f"DC-2026-{n:04d}",
        title=f"事项{n}",
        source="priorities",
        deadline=deadline,
        state=state,
        **values,
    )


def _both(ids: tuple[int, ...], period, scope: int) -> tuple[dict, dict]:
    with tenant_scope(scope), cross_tenant_scope("test: supervision figures", ids):
        fast = rollup.stored(ids, period, spans_of(period))
        slow = rollup.counted(ids, period)
    [a], [b] = fast, slow
    shaped = [{t: dict(v) for t, v in s.values.items() if any(v.values())} for s in (a, b)]
    return shaped[0], shaped[1]


def test_the_table_and_the_live_lights_equal_a_direct_count(pg_app, pg_factory, set_today):
    set_today(date(2026, 11, 30))
    city = pg_factory.tenant("city", plugins=["supervision"])
    county = pg_factory.tenant("county", parent="city", plugins=["supervision"])
    ids = (city, county)
    with pg_app.app_context():
        with tenant_scope(county):
            late_milestone = _item(3, date(2026, 12, 20))
            db.session.add_all(
                [
                    _item(1, date(2026, 11, 20), "closed", closed_on=date(2026, 11, 18)),
                    _item(2, date(2026, 11, 10)),  # overdue: red
                    late_milestone,  # its milestone passed: red before its deadline
                    _item(4, date(2026, 12, 2)),  # due within the warning window: yellow
                    _item(5, date(2026, 12, 28)),  # green
                    _item(6, date(2026, 7, 1), "closed", closed_on=date(2026, 7, 9)),  # late
                ]
            )
            db.session.flush()
            db.session.add(
                SupervisionMilestone(
                    item_id=late_milestone.id, seq=1, title="阶段一", due=date(2026, 11, 25)
                )
            )
            db.session.commit()
        with tenant_scope(city):
            db.session.add(_item(7, date(2026, 12, 31), "assigned"))
            db.session.commit()
        fast, slow = _both(ids, YEAR, city)
        assert fast == slow
        assert (fast[county]["red"], fast[county]["overdue"], fast[county]["open"]) == (2, 1, 4)
        assert fast[county]["closed_on_time"] == 1 and fast[county]["total"] == 6
        with tenant_scope(county):
            i = SupervisionItem
            db.session.execute(
                update(i)
                .where(i.serial == "DC-2026-0004")
                .values(state="closed", closed_on=date(2026, 11, 30))
            )
            db.session.execute(
                update(i).where(i.serial == "DC-2026-0006").values(deadline=date(2026, 5, 1))
            )
            db.session.execute(delete(i).where(i.serial == "DC-2026-0005"))
            db.session.commit()
        assert _both(ids, H2, city)[0] == _both(ids, H2, city)[1]
        set_today(date(2026, 12, 21))  # item 3's deadline has passed too
        fast, slow = _both(ids, YEAR, city)
        assert fast == slow and fast[county]["overdue"] == 2

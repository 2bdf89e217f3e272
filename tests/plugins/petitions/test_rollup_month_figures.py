"""The 汇总's monthly petition figures (kept by PostgreSQL triggers) equal a direct count
of the petitions after every kind of write: inserts, moves that change figures, a
petition moved to another month, deletes, and as the days pass (未办结且已超期)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from core.db import db
from core.rollup.period import resolve, spans_of
from core.rollup.types import Period
from core.tenancy.scope import cross_tenant_scope, tenant_scope
from plugins.petitions import rollup
from plugins.petitions.models import Petition
from plugins.petitions.month_figures import COLUMNS, PetitionRollupFigures
from tests.core.rollup.world import accepted, petition, replied

YEAR = resolve({"period": "year", "year": 2026})
NOV = resolve({"period": "month", "year": 2026, "month": 11})
AUTUMN = Period("custom", date(2026, 9, 1), date(2026, 11, 30), "2026-09-01 — 2026-11-30")


def _both(ids: tuple[int, ...], period) -> tuple[dict, dict]:
    """``(monthly, counted)`` as ``{set: {tenant: values}}``, a tenant with only zeros
    left out (the direct count has no row for it; both mean zero)."""
    with cross_tenant_scope("test: month figures", ids):
        fast = rollup.stored(ids, period, spans_of(period))
        slow = rollup.counted(ids, period)

    def shaped(sets) -> dict:
        return {s.key: {t: dict(v) for t, v in s.values.items() if any(v.values())} for s in sets}

    return shaped(fast), shaped(slow)


def test_the_table_follows_every_write(pg_app, pg_factory, set_today):
    set_today(date(2026, 11, 30))
    ids = (pg_factory.tenant("city", plugins=["petitions"]),)
    ids += (pg_factory.tenant("county", parent="city", plugins=["petitions"]),)
    with pg_app.app_context():
        with tenant_scope(ids[0]):
            db.session.add_all(
                [
                    replied(1, date(2026, 11, 20), satisfaction="satisfied"),
                    accepted(2, "visit", people_count=7),  # overdue since 11-25
                    accepted(3, "phone", close_due=date(2026, 12, 5)),  # not yet due
                    petition(4, "online", kind="report", received_on=date(2026, 10, 3)),
                ]
            )
            db.session.commit()
        with tenant_scope(ids[1]):
            db.session.add_all([accepted(5, is_bypassed_level=True), petition(6)])
            db.session.commit()
        fast, slow = _both(ids, YEAR)
        assert fast == slow and fast["overview"][ids[0]]["open_overdue"] == 1
        assert fast["overview"][ids[0]]["total"] == 4
        with tenant_scope(ids[0]):
            p = Petition
            db.session.execute(
                update(p)
                .where(p.serial == "XF-2026-000002")
                .values(replied_on=date(2026, 11, 29), state="closed", satisfaction="dissatisfied")
            )
            db.session.execute(
                update(p).where(p.serial == "XF-2026-000004").values(received_on=date(2026, 11, 9))
            )
            db.session.execute(delete(p).where(p.serial == "XF-2026-000001"))
            db.session.commit()
        fast, slow = _both(ids, NOV)
        assert fast == slow and _both(ids, AUTUMN)[0] == _both(ids, AUTUMN)[1]
        assert fast["overview"][ids[0]]["total"] == 3 and fast["kinds"][ids[0]]["report"] == 1
        set_today(date(2026, 12, 6))  # petition 3 is now past its deadline too
        fast, slow = _both(ids, YEAR)
        assert fast == slow and fast["overview"][ids[0]]["open_overdue"] == 1 + 0
        assert fast["overview"][ids[1]]["open_overdue"] == 1


def test_a_statement_that_changes_no_figure_writes_no_row(pg_app, pg_factory):
    tenant = pg_factory.tenant("county", plugins=["petitions"])
    with pg_app.app_context(), tenant_scope(tenant):
        db.session.add(petition(1))
        db.session.commit()
        months = select(PetitionRollupFigures).where(PetitionRollupFigures.span == "month")
        before = db.session.scalars(months).all()
        db.session.execute(update(Petition).values(light="green"))  # the deadline scan's kind
        db.session.commit()
        after = db.session.scalars(months).all()
        assert len(before) == len(after) == 1 and after[0].total == 1
        assert {c for c in COLUMNS if getattr(after[0], c)} == {
            "total",
            "channel_letter",
            "kind_request",
        }


def test_a_period_is_read_as_its_fewest_whole_spans():
    q4 = resolve({"period": "quarter", "year": 2026, "quarter": 4})
    assert spans_of(YEAR) == [("year", date(2026, 1, 1))]
    assert spans_of(q4) == [("quarter", date(2026, 10, 1))]
    assert [d.month for _s, d in spans_of(AUTUMN)] == [9, 10, 11]
    h2 = Period("custom", date(2026, 6, 1), date(2026, 12, 31), "")
    assert spans_of(h2) == [("month", date(2026, 6, 1)), ("quarter", date(2026, 7, 1))] + [
        ("quarter", date(2026, 10, 1))
    ]
    cut = Period("custom", date(2026, 9, 2), date(2026, 11, 30), "")
    assert spans_of(cut) is None

"""信访统计 checked against a known set of petitions, on SQLite and PostgreSQL: totals,
rates, breakdowns, periods, year on year, lower levels (audited), the API, the page with
its charts, the .xlsx and the dashboard widget."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.auth.users import Actor
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition, PetitionCategory
from plugins.petitions.queries import statistics
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW
from tests.factories import bearer, login

TODAY = date(2026, 11, 30)
ACTOR = Actor(
    user=None,
    permissions=frozenset(
        {"petitions.view", "petitions.register", "petitions.handle", "petitions.approve"}
    ),
)


def _at(day: date) -> None:
    clock.freeze(datetime.combine(day, time(12), tzinfo=clock.TZ))


@pytest.fixture(autouse=True)
def _clock():
    yield
    clock.freeze(None)


def _person(n: int) -> list[dict]:
    return [{"name": f"信访人{n}", "phone": f"1390000{n:04d}"}]


def _file(received: date, category_id: int | None, person: int | None, **data) -> Petition:
    _at(received)
    values = {
        "received_on": received,
        "channel": "letter",
        "kind": "request",
        "category_id": category_id,
        "summary": f"{received} 的信访件",
        **data,
    }
    return register(values, _person(person) if person else [], [], ACTOR)


def _move(petition: Petition, day: date, name: str, **data) -> None:
    _at(day)
    PETITION_FLOW.fire(petition, name, ACTOR, comment="依规办理", data=data)


def _close(petition: Petition, handler: int, day: date) -> None:
    _move(petition, day, "assign_handler", handler_user_id=handler)
    _move(petition, day, "draft", outcome="support", basis="符合规定")
    _move(petition, day, "approve")
    _move(petition, day, "close", reply_text="已办结")


def seed_county(handler: int) -> None:
    """September 2026: seven petitions; October one; September 2025 one (see totals)."""
    category = PetitionCategory(name="选人用人")
    db.session.add(category)
    db.session.flush()
    c = category.id
    # 1: a letter, accepted, closed on time, satisfied.
    one = _file(date(2026, 9, 1), c, 1)
    _move(one, date(2026, 9, 2), "accept")
    _close(one, handler, date(2026, 9, 20))
    _move(one, date(2026, 9, 21), "rate", satisfaction="satisfied")
    # 2: a collective visit that bypassed a level, closed late, dissatisfied.
    two = _file(date(2026, 9, 5), c, 2, channel="visit", people_count=6, is_bypassed_level=True)
    _move(two, date(2026, 9, 6), "accept")
    _close(two, handler, date(2026, 11, 20))  # due 2026-11-05
    _move(two, date(2026, 11, 21), "rate", satisfaction="dissatisfied")
    # 3: an anonymous online report, not accepted.
    three = _file(date(2026, 9, 10), c, None, channel="online", kind="report", is_anonymous=True)
    _move(three, date(2026, 9, 11), "not_accept", reason="legal_channel")
    # 4: an appeal by phone, accepted, in time (3 months: due 2026-12-14).
    four = _file(date(2026, 9, 12), c, 4, channel="phone", kind="appeal")
    _move(four, date(2026, 9, 13), "accept")
    # 5: a letter, accepted, open past its deadline (due 2026-11-16).
    five = _file(date(2026, 9, 15), c, 5)
    _move(five, date(2026, 9, 15), "accept")
    # 6: referred from above, a repeat of 1 (same phone, same category), forwarded on.
    six = _file(date(2026, 9, 20), c, 1, channel="referred", kind="suggestion")
    assert six.repeat_of_id == one.id
    _move(six, date(2026, 9, 21), "forward", target_name="县人社局")
    # 9: a visit with no category yet, undecided.
    _file(date(2026, 9, 30), None, 9, channel="visit")
    # 7: October, assigned down with a report-back deadline.
    seven = _file(date(2026, 10, 3), c, 7, kind="enquiry")
    _move(
        seven,
        date(2026, 10, 8),
        "assign",
        target_name="青山镇党委",
        report_back_due=date(2026, 11, 8),
    )
    # 8: a year before, for the year-on-year figure.
    _file(date(2025, 9, 8), c, 8)


@pytest.fixture
def county(app, factory) -> dict:
    tenant_id = factory.tenant("county", plugins=["petitions"])
    handler = factory.user("county", "li", roles=(), display_name="李承办")
    clerk = factory.user("county", "clerk", roles=["petition_clerk"])
    nobody = factory.user("county", "nobody", roles=["staff"])
    with app.app_context(), tenant_scope(tenant_id):
        seed_county(handler.user_id)
        db.session.commit()
    _at(TODAY)
    return {
        "id": tenant_id,
        "clerk": factory.token(clerk),
        "nobody": factory.token(nobody),
    }


def _compute(app, tenant_id: int, **query) -> statistics.Statistics:
    with app.app_context(), tenant_scope(tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        result = statistics.compute(tenant, query, TODAY)
        db.session.commit()
        return result


def _counts(buckets) -> dict[str, int]:
    return {b.key: b.count for b in buckets}


SEPTEMBER = {
    "total": 7,
    "decided": 6,
    "accepted": 4,
    "not_accepted": 1,
    "forwarded": 1,
    "assigned": 0,
    "closed": 2,
    "closed_on_time": 1,
    "closed_overdue": 1,
    "open_overdue": 1,
    "rated": 2,
    "satisfied": 1,
    "basically_satisfied": 0,
    "dissatisfied": 1,
    "collective": 1,
    "bypassed_level": 1,
    "repeat": 1,
    "anonymous": 1,
}


def test_a_month_counts_the_known_petitions(app, county):
    stats = _compute(app, county["id"], period="month", year=2026, month=9)
    assert (stats.date_from, stats.date_to) == (date(2026, 9, 1), date(2026, 9, 30))
    assert stats.totals == SEPTEMBER
    assert stats.rates == {
        "acceptance_rate": 66.7,
        "closure_rate": 50.0,
        "on_time_rate": 50.0,
        "satisfaction_rate": 50.0,
        "repeat_rate": 14.3,
    }
    assert stats.previous_year_total == 1
    assert _counts(stats.by_channel) == {
        "letter": 2,
        "visit": 2,
        "phone": 1,
        "online": 1,
        "referred": 1,
    }
    assert [b.title for b in stats.by_channel][:2] == ["来信", "来访"]  # in declared order
    assert _counts(stats.by_kind) == {"report": 1, "appeal": 1, "suggestion": 1, "request": 4}
    assert [(b.title, b.count) for b in stats.by_category] == [("选人用人", 6), ("未分类", 1)]
    assert _counts(stats.by_state) == {
        "registered": 1,
        "accepted": 2,
        "not_accepted": 1,
        "forwarded": 1,
        "rated": 2,
    }
    assert [(b.key, b.count) for b in stats.by_month] == [("2026-09", 7)]
    assert [(b.title, b.count) for b in stats.by_handler] == [("未指定承办人", 5), ("李承办", 2)]
    assert stats.by_unit == []


def test_quarter_year_and_range(app, county):
    quarter = _compute(app, county["id"], period="quarter", year=2026, quarter=3)
    assert quarter.totals == SEPTEMBER
    assert [b.count for b in quarter.by_month] == [0, 0, 7]
    year = _compute(app, county["id"], period="year", year=2026)
    assert year.totals["total"] == 8 and year.totals["assigned"] == 1
    assert [b.count for b in year.by_month] == [0] * 8 + [7, 1, 0, 0]
    assert year.previous_year_total == 1
    span = _compute(
        app,
        county["id"],
        period="range",
        date_from=date(2025, 9, 1),
        date_to=date(2026, 9, 30),
    )
    assert span.totals["total"] == 8
    assert len(span.by_month) == 13
    empty = _compute(app, county["id"], period="month", year=2026, month=1)
    assert empty.totals["total"] == 0
    assert set(empty.rates.values()) == {None}  # no denominator, no rate


def test_another_tenants_petitions_never_count(app, county, factory):
    other = factory.tenant("other", plugins=["petitions"])
    with app.app_context(), tenant_scope(other):
        _file(date(2026, 9, 3), None, 3)
        db.session.commit()
    assert _compute(app, county["id"], year=2026, month=9).totals["total"] == 7
    assert _compute(app, other, year=2026, month=9).totals["total"] == 1


def test_a_parent_includes_its_lower_levels_through_an_audited_scope(app, factory):
    city = factory.tenant("city", plugins=["petitions"])
    town = factory.tenant("town", parent="city", plugins=["petitions"])
    factory.tenant("village", parent="town", plugins=["petitions"])
    factory.tenant("bureau", parent="city")  # petitions not enabled: never read
    village = factory.tenant_id("village")
    for tenant_id, count in ((city, 1), (town, 2), (village, 3)):
        with app.app_context(), tenant_scope(tenant_id):
            for n in range(count):
                _file(date(2026, 9, 3), None, n + 1, channel="visit" if n else "letter")
            db.session.commit()
    _at(TODAY)
    alone = _compute(app, city, year=2026, month=9)
    assert alone.totals["total"] == 1 and alone.by_unit == []
    together = _compute(app, city, year=2026, month=9, include_children=True)
    assert together.totals["total"] == 6
    assert _counts(together.by_channel) == {"letter": 3, "visit": 3}
    assert [(b.title, b.count) for b in together.by_unit] == [
        ("city单位", 1),
        ("town单位", 2),
        ("village单位", 3),
    ]
    with app.app_context(), tenant_scope(city):
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "cross_tenant.read")
        ).all()
        assert entry.detail["tenants"] == sorted([town, village])
        assert "statistics" in entry.detail["reason"]
    # A lower level cannot include its parent: it has none below it but the village.
    assert _compute(app, town, year=2026, month=9, include_children=True).totals["total"] == 5


# -- API, page, workbook, widget ----------------------------------------------------------


def test_the_api_answers_the_same_numbers(app, county, client):
    response = client.get(
        "/api/v1/t/county/petitions/statistics?period=month&year=2026&month=9",
        headers=bearer(county["clerk"]),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["totals"] == SEPTEMBER
    assert body["rates"]["on_time_rate"] == 50.0
    assert body["date_from"] == "2026-09-01" and body["title"] == "2026年9月"
    assert {b["key"]: b["count"] for b in body["by_kind"]}["request"] == 4


@pytest.mark.parametrize(
    "query",
    [
        "period=week",
        "period=month&month=13",
        "period=range&date_from=2026-09-30&date_to=2026-09-01",
        "period=range&date_from=2026-09-01",
        "period=range&date_from=2000-01-01&date_to=2026-01-01",
        "year=abc",
    ],
)
def test_the_api_refuses_a_bad_period(app, county, client, query):
    response = client.get(
        f"/api/v1/t/county/petitions/statistics?{query}", headers=bearer(county["clerk"])
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_statistics_need_their_permission(app, county, client):
    for path in ("/petitions/statistics", "/petitions/statistics.xlsx"):
        response = client.get(f"/api/v1/t/county{path}", headers=bearer(county["nobody"]))
        assert response.status_code == 403


def test_the_workbook_holds_the_summary_and_each_breakdown(app, county, client):
    response = client.get(
        "/api/v1/t/county/petitions/statistics.xlsx?period=month&year=2026&month=9",
        headers=bearer(county["clerk"]),
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames == [
        "总体情况",
        "按来源",
        "按性质",
        "按问题类别",
        "按状态",
        "按月份",
        "按承办人",
    ]
    summary = {
        row[0]: row[1] for row in workbook["总体情况"].iter_rows(min_row=3, values_only=True)
    }
    assert summary["收到信访件"] == "7" and summary["按期办结"] == "1"
    assert summary["按期办结率"] == "50.0%" and summary["上年同期收到"] == "1"
    kinds = {row[0]: row[1] for row in workbook["按性质"].iter_rows(min_row=2, values_only=True)}
    assert kinds == {"检举控告": 1, "申诉": 1, "意见建议": 1, "求决": 4}


def test_the_page_shows_numbers_charts_and_the_export_link(app, county, client, factory):
    factory.user("county", "viewer", roles=["petition_clerk"])
    assert login(client, "viewer").status_code == 302
    response = client.get("/t/county/petitions/statistics?period=month&year=2026&month=9")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-total="total">\n    <div class="fs-5 fw-semibold">7</div>' in html
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    assert 'id="chart-channel"' in html and 'id="stats-data"' in html
    assert "/t/county/petitions/statistics.xlsx?" in html
    workbook = client.get("/t/county/petitions/statistics.xlsx?period=year&year=2026")
    assert workbook.status_code == 200
    assert workbook.mimetype.endswith("spreadsheetml.sheet")
    bad = client.get("/t/county/petitions/statistics?period=month&month=99")
    assert bad.status_code == 400 and "应在 1 到 12 之间" in bad.get_data(as_text=True)
    dashboard = client.get("/t/county/")
    assert 'id="petition-statistics-chart"' in dashboard.get_data(as_text=True)
    nav = dashboard.get_data(as_text=True)
    assert 'data-endpoint="petitions.statistics_page"' in nav


def test_the_widget_is_for_holders_of_the_permission_only(app, county, client, factory):
    factory.user("county", "plain", roles=["staff"])
    assert login(client, "plain").status_code == 302
    html = client.get("/t/county/").get_data(as_text=True)
    assert "petition-statistics-chart" not in html
    assert 'data-endpoint="petitions.statistics_page"' not in html
    assert client.get("/t/county/petitions/statistics").status_code == 403

"""信访台账: the list's filters as .xlsx or .csv, labelled in Chinese, formula-safe."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook

from tests.plugins.petitions.web import World, report_payload
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture


def rows_of(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(r) for r in book.active.iter_rows(values_only=True)]


def test_the_ledger_follows_the_filters(world: World):
    category = world.category("拉票贿选")
    older = (date.today() - timedelta(days=3)).isoformat()
    world.register(received_on=older, summary="第一件", category_id=category, urgency="urgent")
    second = world.register(summary="第二件", channel="visit", people_count=6)
    world.fire("clerk", second["id"], "not_accept", reason="outside_remit")
    response = world.call("clerk", "GET", "/export")
    assert response.status_code == 200
    assert response.mimetype.startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    caption, header, *rows = rows_of(response.data)
    assert "信访台账" in caption[0]
    assert header[:5] == ("编号", "收件日期", "来源", "性质", "问题类别")
    assert [r[header.index("主要问题")] for r in rows] == ["第一件", "第二件"]  # oldest first
    first, last = rows
    assert first[header.index("问题类别")] == "选人用人 / 拉票贿选"
    assert first[header.index("紧急程度")] == "紧急"
    assert last[header.index("状态")] == "不予受理"
    assert last[header.index("受理情况")] == "不属本部门职责范围"
    assert "集体访" in last[header.index("标记")]
    filtered = world.call("clerk", "GET", "/export", query_string={"state": "not_accepted"})
    assert [r[header.index("主要问题")] for r in rows_of(filtered.data)[2:]] == ["第二件"]


def test_csv_for_systems_and_formulas_stay_text(world: World):
    world.register(summary='=HYPERLINK("http://evil")')
    world.call("clerk", "POST", json=report_payload())
    response = world.call("clerk", "GET", "/export", query_string={"format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("编号,收件日期,来源")
    assert "'=HYPERLINK" in text
    assert "检举人甲" not in text and "***" in text
    bad = world.call("clerk", "GET", "/export", query_string={"format": "pdf"})
    assert bad.status_code == 422
    assert world.call("staff", "GET", "/export").status_code == 403

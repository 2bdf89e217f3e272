"""CSV exports for machines: the same columns and masking as the spreadsheets."""

from __future__ import annotations

import csv
import io

from tests.core.orgs.helpers import World


def _rows(response) -> list[dict[str, str]]:
    text = response.data.decode("utf-8-sig")  # the BOM lets Excel/WPS open it too
    return list(csv.DictReader(io.StringIO(text)))


def test_members_export_as_csv_masks_without_the_identity_permission(world: World):
    unit = world.unit(name="第一党支部", kind="branch")
    world.member(name="张三", branch_id=unit["id"])
    response = world.call("registrar", "GET", "/members/export?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert ".csv" in response.headers["Content-Disposition"]
    (row,) = _rows(response)
    assert row["姓名"] == "张三"
    assert "*" in row["公民身份号码"]


def test_units_export_as_csv_lists_parents_first(world: World):
    party = world.unit(name="机关党委", kind="committee")
    world.unit(name="第一党支部", kind="branch", parent_id=party["id"])
    rows = _rows(world.call("admin", "GET", "/units/export?format=csv"))
    assert [(r["名称"], r["上级组织"]) for r in rows] == [
        ("机关党委", ""),
        ("第一党支部", "机关党委"),
    ]


def test_an_unknown_format_is_refused(world: World):
    response = world.call("admin", "GET", "/members/export?format=pdf")
    assert response.status_code == 422
    assert "format" in response.get_json()["errors"]

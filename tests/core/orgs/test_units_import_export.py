"""Org units in and out as spreadsheets: parents by code or name, earlier rows first,
all-or-nothing unless the valid rows only, an export that imports back as it is."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook

from core.orgs.models import OrgUnit
from tests.core.orgs.helpers import World, xlsx
from tests.factories import csrf_token, login

HEADER = ["名称", "类型", "编码", "上级组织", "排序", "状态", "备注"]
EXPORT_HEADER = ["名称", "类型", "编码", "上级组织", "排序", "状态", "党员数"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_ERROR = "应为以下之一：党委、党总支、党支部、党小组、科室。"


def upload(world: World, data: io.BytesIO, *, valid_only: bool = False, who: str = "admin"):
    query = "?valid_only=true" if valid_only else ""
    return world.call(who, "POST", f"/units/import{query}", data={"file": (data, "组织.xlsx")})


def errors_by_row(body: dict[str, Any]) -> dict[int, dict[str, list[str]]]:
    return {e["row_number"]: e["errors"] for e in body["row_errors"]}


def tree(world: World, who: str = "admin") -> list[tuple]:
    """(depth, name, kind, code, parent's name, sort order, active, members) in tree order."""
    units = world.call(who, "GET", "/units?include_inactive=true").get_json()
    names = {u["id"]: u["name"] for u in units}
    return [
        (
            u["depth"],
            u["name"],
            u["kind"],
            u["code"],
            names.get(u["parent_id"]),
            u["sort_order"],
            u["is_active"],
        )
        for u in units
    ]


# -- import ------------------------------------------------------------------------------


def test_a_valid_file_builds_the_tree_under_earlier_rows_and_existing_units(world: World):
    top = world.unit(name="县委组织部机关党委", kind="committee", code="JGDW")
    data = xlsx(
        HEADER,
        ["机关第一党总支", "党总支", "ZZ01", "JGDW", 1, None, None],  # existing, by code
        ["第一党支部", "党支部", "ZB01", "ZZ01", 1, None, None],  # earlier row, by code
        ["第二党支部", "branch", 2002, "机关第一党总支", 2, "正常", "新建"],  # by name; a key
        ["第一党小组", "党小组", None, "ZB01", None, None, None],
        ["办公室", "科室", None, "县委组织部机关党委", 9, None, None],  # existing, by name
        ["原第三党支部", "党支部", "ZB03", "ZZ01", 3, "已撤销", None],
    )
    response = upload(world, data)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ok"] is True and body["imported"] == 6 and body["total_rows"] == 6
    assert body["row_errors"] == [] and body["file_errors"] == []
    assert tree(world) == [
        (0, "县委组织部机关党委", "committee", "JGDW", None, 0, True),
        (1, "机关第一党总支", "general_branch", "ZZ01", "县委组织部机关党委", 1, True),
        (2, "第一党支部", "branch", "ZB01", "机关第一党总支", 1, True),
        (3, "第一党小组", "group", None, "第一党支部", 0, True),
        (2, "第二党支部", "branch", "2002", "机关第一党总支", 2, True),
        (2, "原第三党支部", "branch", "ZB03", "机关第一党总支", 3, False),
        (1, "办公室", "section", None, "县委组织部机关党委", 9, True),
    ]
    units = {u["name"]: u for u in world.call("admin", "GET", "/units").get_json()}
    assert units["第二党支部"]["notes"] == "新建"
    assert units["机关第一党总支"]["parent_id"] == top["id"]

    created = world.audit("alpha", "org_unit.created")
    assert len(created) == 7  # the API's own, then one per imported unit
    assert {e.object_id for e in created[1:]} == {
        str(u["id"]) for u in world.call("admin", "GET", "/units?include_inactive=true").get_json()
    } - {str(top["id"])}
    assert created[2].detail["after"]["name"] == "第一党支部"
    assert created[2].detail["after"]["parent_id"] == int(created[1].object_id)
    [deactivated] = world.audit("alpha", "org_unit.deactivated")
    assert deactivated.object_id == created[6].object_id
    [summary] = world.audit("alpha", "org_unit.imported")
    assert summary.detail["count"] == 6 and summary.detail["valid_only"] is False
    assert summary.detail["skipped_rows"] == []


def setup_existing(world: World) -> None:
    world.unit(name="机关党委", kind="committee", code="JG")
    world.unit(name="重名支部")
    world.unit(name="重名支部")
    old = world.unit(name="旧支部", code="OLD")
    assert world.call("admin", "DELETE", f"/units/{old['id']}").status_code == 200


def bad_file() -> io.BytesIO:
    return xlsx(
        HEADER,
        ["第一党支部", "党支部", "ZB01", "JG"],  # 2: valid
        ["第二党支部", "俱乐部", "ZB02", "JG"],  # 3: bad type
        ["第三党支部", "党支部", "JG", "JG"],  # 4: code already in the tenant
        ["第四党支部", "党支部", "ZB01", "JG"],  # 5: code of row 2
        ["第五党支部", "党支部", "ZB05", "不存在的组织"],  # 6: unknown parent
        ["第六党支部", "党支部", "ZB06", "ZB08"],  # 7: parent defined later
        ["第七党总支", "党总支", "ZB08", "JG"],  # 8: valid
        ["甲支部", "党支部", "A1", "B1"],  # 9: cycle 9 -> 10 -> 9
        ["乙支部", "党支部", "B1", "A1"],  # 10: its parent row (9) is invalid
        ["丙小组", "党小组", "C1", "C1"],  # 11: its own parent
        ["", "党支部", "D1", "JG", "第一", "存在"],  # 12: no name, bad order and status
        ["丁支部", "党支部", "E1", "重名支部"],  # 13: ambiguous name
        ["戊支部", "党支部", "F1", "OLD"],  # 14: active under a deactivated unit
        ["己支部", "党支部", "G1", "OLD", None, "已撤销"],  # 15: valid (both deactivated)
    )


def test_bad_rows_write_nothing_and_the_report_names_rows_and_fields(world: World):
    setup_existing(world)
    before = world.count("alpha", OrgUnit)
    response = upload(world, bad_file())
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["detail"] == "导入文件未通过校验，未写入任何数据。"
    assert body["ok"] is False and body["imported"] == 0
    assert body["total_rows"] == 14 and body["valid_rows"] == 3
    assert errors_by_row(body) == {
        3: {"kind": [KIND_ERROR]},
        4: {"code": ["该编码已被本单位其他组织使用。"]},
        5: {"code": ["与第 2 行的编码重复。"]},
        6: {"parent": ["本单位没有名称或编码为“不存在的组织”的组织。"]},
        7: {"parent": ["上级组织“ZB08”在第 8 行，须写在本行之前（先上级、后下级）。"]},
        9: {"parent": ["上级组织形成循环：第 9 → 10 → 9 行。"]},
        10: {"parent": ["上级组织所在的第 9 行有错误，本行不能导入。"]},
        11: {"parent": ["不能把组织设为自己的上级。"]},
        12: {
            "name": ["必填项。"],
            "sort_order": ["应为整数。"],
            "status": ["应为以下之一：正常、已撤销。"],
        },
        13: {"parent": ["有多个组织名为“重名支部”，请填写组织编码。"]},
        14: {"parent": ["该组织机构已撤销。"]},
    }
    assert body["titles"] == {
        "name": "名称",
        "kind": "类型",
        "code": "编码",
        "parent": "上级组织",
        "sort_order": "排序",
        "status": "状态",
        "notes": "备注",
    }
    assert world.count("alpha", OrgUnit) == before
    assert world.audit("alpha", "org_unit.imported") == []
    assert len(world.audit("alpha", "org_unit.created")) == before


def test_valid_only_skips_bad_rows_and_every_row_below_them(world: World):
    world.unit(name="机关党委", kind="committee", code="JG")
    data = xlsx(
        HEADER,
        ["第一党支部", "党支部", "ZB01", "JG"],  # 2
        ["坏支部", "俱乐部", "BAD", "JG"],  # 3: bad type
        ["坏支部第一党小组", "党小组", "BAD1", "BAD"],  # 4: under row 3
        ["坏小组的下级", "党小组", None, "坏支部第一党小组"],  # 5: under row 4
        ["第一党小组", "党小组", None, "第一党支部"],  # 6: under row 2
    )
    content = data.getvalue()
    body = upload(world, io.BytesIO(content)).get_json()
    assert body["imported"] == 0 and body["valid_rows"] == 2
    assert errors_by_row(body) == {
        3: {"kind": [KIND_ERROR]},
        4: {"parent": ["上级组织所在的第 3 行有错误，本行不能导入。"]},
        5: {"parent": ["上级组织所在的第 4 行有错误，本行不能导入。"]},
    }
    assert world.count("alpha", OrgUnit) == 1

    response = upload(world, io.BytesIO(content), valid_only=True)
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is False and body["imported"] == 2
    assert [e["row_number"] for e in body["row_errors"]] == [3, 4, 5]
    assert tree(world) == [
        (0, "机关党委", "committee", "JG", None, 0, True),
        (1, "第一党支部", "branch", "ZB01", "机关党委", 0, True),
        (2, "第一党小组", "group", None, "第一党支部", 0, True),
    ]
    [summary] = world.audit("alpha", "org_unit.imported")
    assert summary.detail["skipped_rows"] == [3, 4, 5] and summary.detail["valid_only"] is True
    assert len(summary.detail["unit_ids"]) == 2
    assert len(world.audit("alpha", "org_unit.created")) == 3


def test_malformed_files_are_refused_clearly(world: World):
    cases = [
        (io.BytesIO(b"\x00\x01garbage\xff" * 40), "文件不是 .xlsx 格式"),
        (io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "旧版 .xls"),
        (xlsx(["类型", "编码", "上级组织"], ["党支部", "ZB01", None]), "缺少必填列：名称"),
        (xlsx(["组织", "种类"], ["第一党支部", "党支部"]), "第 1 行不是模板的表头"),
    ]
    for data, message in cases:
        content = data.getvalue()
        for valid_only in (False, True):
            response = upload(world, io.BytesIO(content), valid_only=valid_only)
            assert response.status_code == 422
            body = response.get_json()
            assert body["imported"] == 0 and body["row_errors"] == []
            assert len(body["file_errors"]) == 1 and message in body["file_errors"][0]
    assert world.count("alpha", OrgUnit) == 0


def test_no_file_and_permissions(world: World):
    response = world.call("admin", "POST", "/units/import", data={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"file": ["请选择要导入的 .xlsx 文件。"]}
    good = xlsx(HEADER, ["机关党委", "党委"]).getvalue()
    assert upload(world, io.BytesIO(good), who="staff").status_code == 403
    assert world.call("staff", "GET", "/units/import-template").status_code == 403
    assert world.call("staff", "GET", "/units/export").status_code == 200
    assert world.count("alpha", OrgUnit) == 0
    assert upload(world, io.BytesIO(good), who="registrar").status_code == 200  # manage_org


def test_template_has_the_import_headers(world: World):
    response = world.call("admin", "GET", "/units/import-template")
    assert response.status_code == 200 and response.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == HEADER


def test_units_of_another_tenant_are_never_parents(world: World):
    world.unit("beta", name="乙县机关党委", kind="committee", code="YDW")
    world.unit("beta", name="乙的支部", code="ZB01")
    data = xlsx(
        HEADER,
        ["第一党支部", "党支部", "ZB01", None],  # beta's code is not a duplicate here
        ["第二党支部", "党支部", "ZB02", "乙县机关党委"],
        ["第三党支部", "党支部", "ZB03", "YDW"],
    )
    body = upload(world, data).get_json()
    assert errors_by_row(body) == {
        3: {"parent": ["本单位没有名称或编码为“乙县机关党委”的组织。"]},
        4: {"parent": ["本单位没有名称或编码为“YDW”的组织。"]},
    }
    assert world.count("alpha", OrgUnit) == 0 and world.count("beta", OrgUnit) == 2


# -- export ------------------------------------------------------------------------------


def build_tree(world: World) -> None:
    top = world.unit(name="机关党委", kind="committee", code="JGDW")
    general = world.unit(
        name="第一党总支", kind="general_branch", parent_id=top["id"], sort_order=1
    )
    branch = world.unit(name="第一党支部", code="ZB01", parent_id=general["id"], sort_order=1)
    world.unit(name="第一党支部", parent_id=top["id"], sort_order=2)  # the same name, no code
    world.unit(name="第一党小组", kind="group", parent_id=branch["id"])
    world.unit(name="=办公室", kind="section", parent_id=top["id"], sort_order=9)
    old = world.unit(name="旧支部", parent_id=top["id"], sort_order=5)
    assert world.call("admin", "DELETE", f"/units/{old['id']}").status_code == 200
    world.member(branch_id=branch["id"])


def exported(world: World, who: str = "staff", query: str = "") -> list[list]:
    response = world.call(who, "GET", f"/units/export{query}")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_has_the_headers_and_the_tree_parents_first(world: World):
    build_tree(world)
    rows = exported(world)
    assert rows[0] == EXPORT_HEADER
    assert rows[1:] == [
        ["机关党委", "党委", "JGDW", None, 0, "正常", 0],
        ["第一党总支", "党总支", None, "机关党委", 1, "正常", 0],
        ["第一党支部", "党支部", "ZB01", "第一党总支", 1, "正常", 1],
        ["第一党小组", "党小组", None, "ZB01", 0, "正常", 0],  # the name is not unique
        ["第一党支部", "党支部", None, "机关党委", 2, "正常", 0],
        ["'=办公室", "科室", None, "机关党委", 9, "正常", 0],  # never a formula
    ]
    with_old = exported(world, query="?include_inactive=true")
    assert ["旧支部", "党支部", None, "机关党委", 5, "已撤销", 0] in with_old
    assert len(with_old) == len(rows) + 1


def test_an_export_imports_back_into_an_empty_tenant_as_the_same_tree(world: World):
    build_tree(world)
    rows = exported(world, "admin", "?include_inactive=true")
    assert world.count("beta", OrgUnit) == 0
    response = upload(world, xlsx(*rows), who="beta")
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] is True, body
    assert body["imported"] == len(rows) - 1
    beta_tree = tree(world, "beta")
    alpha_tree = tree(world, "admin")
    # The formula guard adds a quote on export, which a re-import keeps as text.
    assert [t for t in beta_tree if t[1] != "'=办公室"] == [
        t for t in alpha_tree if t[1] != "=办公室"
    ]
    assert len(beta_tree) == len(alpha_tree)


# -- pages -------------------------------------------------------------------------------

BASE = "/t/alpha/orgs"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_import_page_reports_rows_then_imports_the_valid_ones(world: World):
    world.unit(name="机关党委", kind="committee", code="JG")
    assert login(world.client, "alice").status_code == 302
    token = csrf_token(world.client, f"{BASE}/units")

    html = text(world.client.get(f"{BASE}/units"))
    assert 'lang="zh-CN"' in html
    export = re.search(r'href="([^"]+)" id="export-link"', html).group(1)
    assert export == "/api/v1/t/alpha/orgs/units/export"
    assert world.client.get(export).status_code == 200  # the session reaches the API
    assert f'href="{BASE}/units/import" id="import-link"' in html
    html = text(world.client.get(f"{BASE}/units?include_inactive=1"))
    assert "/units/export?include_inactive=true" in html

    page = world.client.get(f"{BASE}/units/import")
    assert page.status_code == 200
    html = text(page)
    assert "导入组织机构" in html and "上级组织填编码或名称" in html
    template = re.search(r'href="([^"]+)" id="template-link"', html).group(1)
    assert world.client.get(template).status_code == 200

    data = xlsx(
        HEADER,
        ["第一党支部", "党支部", "ZB01", "JG"],
        ["第二党支部", "支部", "ZB02", "JG"],
        ["第一党小组", "党小组", None, "ZB02"],
    )
    response = world.client.post(
        f"{BASE}/units/import",
        data={"csrf_token": token, "file": (data, "组织.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = text(response)
    assert "共 3 行，校验通过 1 行。" in html and "未写入任何数据" in html
    assert f'<tr data-row="3"><td>3</td><td>类型</td><td>{KIND_ERROR}</td></tr>' in html
    assert re.search(
        r'<tr data-row="4"><td>4</td><td>上级组织</td><td>上级组织所在的第 3 行有错误', html
    )
    assert "仅导入校验通过的 1 行" in html
    assert world.count("alpha", OrgUnit) == 1

    carried = re.search(r'name="file_data" value="([^"]+)"', html).group(1)
    response = world.client.post(
        f"{BASE}/units/import",
        data={"csrf_token": token, "file_data": carried, "valid_only": "1"},
    )
    assert response.status_code == 200
    html = text(response)
    assert "已导入 1 个组织。" in html and "下列行有错误，已跳过" in html
    assert world.count("alpha", OrgUnit) == 2

    data = xlsx(
        HEADER, ["第二党支部", "党支部", "ZB02", "JG"], ["第一党小组", "党小组", None, "ZB02"]
    )
    response = world.client.post(
        f"{BASE}/units/import",
        data={"csrf_token": token, "file": (data, "组织.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/orgs/units")
    assert "已导入 2 个组织。" in text(world.client.get(response.headers["Location"]))
    assert world.count("alpha", OrgUnit) == 4

    response = world.client.post(f"{BASE}/units/import", data={"csrf_token": token})
    assert response.status_code == 422 and "请选择要导入的 .xlsx 文件。" in text(response)


def test_read_only_staff_can_export_but_not_import(world: World):
    assert login(world.client, "sam").status_code == 302
    html = text(world.client.get(f"{BASE}/units"))
    assert 'id="export-link"' in html and 'id="import-link"' not in html
    assert world.client.get(f"{BASE}/units/import").status_code == 403

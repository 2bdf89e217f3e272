"""Spreadsheets in and out: row-by-row reports, all-or-nothing, masked exports."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from core.orgs.models import Member
from tests.core.orgs.helpers import World, ident, xlsx

HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "联系电话",
    "所属党组织",
    "入党日期",
    "党员类别",
    "离退休",
    "下岗失业",
    "流动党员",
    "备注",
]


def upload(world: World, data: io.BytesIO, *, valid_only: bool = False, who: str = "registrar"):
    query = "?valid_only=true" if valid_only else ""
    return world.call(who, "POST", f"/members/import{query}", data={"file": (data, "党员.xlsx")})


def good_rows() -> list[list]:
    return [
        [
            "王建国",
            "男",
            datetime(1929, 3, 12),
            ident(date(1929, 3, 12), 101),
            "13800138000",
            "ZB03",
            datetime(1948, 6, 20),
            "正式党员",
            "是",
            "否",
            None,
            "老党员",
        ],
        [
            "李秀英",
            "女",
            None,
            ident(date(1952, 8, 3), 102),
            13905710001,
            "第一党支部",
            "1975-07-01",
            "正式",
            None,
            None,
            None,
            None,
        ],
        ["赵磊", "male", "1990-04-27", None, None, None, None, "预备党员", "否", "否", "是", None],
    ]


def setup_branches(world: World) -> None:
    world.unit(name="第一党支部", code="ZB01")
    world.unit(name="离退休干部党支部", code="ZB03")


def test_valid_file_imports_every_row(world: World):
    setup_branches(world)
    response = upload(world, xlsx(HEADER, *good_rows()))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ok"] is True and body["imported"] == 3 and body["total_rows"] == 3
    assert body["row_errors"] == [] and body["file_errors"] == []
    members = {m["name"]: m for m in world.call("admin", "GET", "/members").get_json()["items"]}
    assert members["王建国"]["branch_name"] == "离退休干部党支部"
    assert members["王建国"]["is_veteran"] and members["王建国"]["is_retired"]
    assert (
        members["李秀英"]["birth_date"] == "1952-08-03"
        and members["李秀英"]["phone"] == "13905710001"
    )
    assert members["李秀英"]["gender"] == "female" and members["李秀英"]["status"] == "formal"
    assert members["赵磊"]["status"] == "probationary" and members["赵磊"]["is_floating"] is True
    [entry] = world.audit("alpha", "member.imported")
    assert entry.detail["count"] == 3 and entry.detail["valid_only"] is False


def bad_file() -> io.BytesIO:
    rows = good_rows()
    rows.insert(
        1, ["", "男", None, None, None, None, None, None, None, None, None, "无名"]
    )  # row 3
    rows.append(
        [
            "钱二",
            "未知",
            None,
            "330122198005060012",
            None,
            "不存在的支部",
            "2030-01-01",
            None,
            "也许",
            None,
            None,
            None,
        ]
    )  # row 6
    rows.append(
        [
            "孙三",
            "男",
            None,
            ident(date(1929, 3, 12), 101),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ]
    )  # row 7: dup of row 2
    return xlsx(HEADER, *rows)


def test_bad_rows_write_nothing_and_the_report_names_them(world: World):
    setup_branches(world)
    response = upload(world, bad_file())
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["detail"] == "导入文件未通过校验，未写入任何数据。"
    assert body["ok"] is False and body["imported"] == 0
    assert body["total_rows"] == 6 and body["valid_rows"] == 3
    by_row = {e["row_number"]: e["errors"] for e in body["row_errors"]}
    assert set(by_row) == {3, 6, 7}
    assert by_row[3] == {"name": ["必填项。"]}
    assert by_row[6]["gender"] == ["应为以下之一：男、女。"]
    assert by_row[6]["id_number"] == ["公民身份号码校验位不正确，请逐位核对。"]
    assert by_row[6]["branch_id"] == ["本单位没有名称或编码为“不存在的支部”的党组织。"]
    assert by_row[6]["joined_on"] == ["日期不能晚于今天。"]
    assert by_row[6]["is_retired"] == ["应为是或否。"]
    assert by_row[7] == {"id_number": ["与第 2 行的公民身份号码重复。"]}
    assert body["titles"]["branch_id"] == "所属党组织"
    assert world.count("alpha", Member) == 0
    assert world.audit("alpha", "member.imported") == []


def test_valid_only_writes_only_the_good_rows(world: World):
    setup_branches(world)
    response = upload(world, bad_file(), valid_only=True)
    assert response.status_code == 200
    body = response.get_json()
    assert body["imported"] == 3 and body["ok"] is False
    assert [e["row_number"] for e in body["row_errors"]] == [3, 6, 7]
    names = {m["name"] for m in world.call("admin", "GET", "/members").get_json()["items"]}
    assert names == {"王建国", "李秀英", "赵磊"}
    [entry] = world.audit("alpha", "member.imported")
    assert entry.detail["skipped_rows"] == [3, 6, 7] and entry.detail["valid_only"] is True


def test_rows_already_registered_are_refused(world: World):
    setup_branches(world)
    existing = world.member(
        name="王建国", id_number=ident(date(1929, 3, 12), 101), joined_on="1948-06-20"
    )
    body = upload(world, xlsx(HEADER, *good_rows())).get_json()
    assert body["row_errors"] == [
        {
            "row_number": 2,
            "errors": {"id_number": [f"该公民身份号码已登记（党员编号 {existing['id']}）。"]},
        }
    ]
    assert world.count("alpha", Member) == 1


def test_malformed_files_are_refused_clearly(world: World):
    cases = [
        (io.BytesIO(b"name,gender\n\xe5\xbc\xa0,male\n"), "文件不是 .xlsx 格式"),
        (io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "旧版 .xls"),
        (xlsx(["名字", "性别"], ["张三", "男"]), "缺少必填列：姓名"),
        (xlsx(["随便", "什么"], ["张三", "男"]), "第 1 行不是模板的表头"),
    ]
    for data, message in cases:
        content = data.getvalue()
        for valid_only in (False, True):
            response = upload(world, io.BytesIO(content), valid_only=valid_only)
            assert response.status_code == 422
            body = response.get_json()
            assert body["imported"] == 0
            assert len(body["file_errors"]) == 1 and message in body["file_errors"][0]
    assert world.count("alpha", Member) == 0


def test_no_file_and_no_permission(world: World):
    response = world.call("registrar", "POST", "/members/import", data={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"file": ["请选择要导入的 .xlsx 文件。"]}
    assert upload(world, xlsx(HEADER, *good_rows()), who="staff").status_code == 403
    assert world.count("alpha", Member) == 0


def test_template_has_the_import_headers(world: World):
    response = world.call("registrar", "GET", "/members/import-template")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == HEADER


def exported(world: World, who: str, query: str = "") -> list[list]:
    response = world.call(who, "GET", f"/members/export{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_has_chinese_headers_and_masks_without_the_permission(world: World):
    branch = world.unit(name="第一党支部")
    number = ident(date(1929, 3, 12), 101)
    world.member(
        name="王建国",
        id_number=number,
        joined_on="1948-06-20",
        branch_id=branch["id"],
        is_retired=True,
    )
    world.member(name='=HYPERLINK("x")', id_number=ident(date(1980, 1, 1), 11))

    rows = exported(world, "staff")
    assert "党员信息" in rows[0][0]  # the caption
    assert rows[1] == [
        "编号",
        "姓名",
        "性别",
        "出生日期",
        "公民身份号码",
        "联系电话",
        "所属党组织",
        "入党日期",
        "党员类别",
        "建国前老党员",
        "离退休",
        "下岗失业",
        "流动党员",
        "备注",
    ]
    data = {row[1]: row for row in rows[2:]}
    veteran = data["王建国"]
    assert veteran[2] == "男" and veteran[3] == datetime(1929, 3, 12)
    assert veteran[4] == number[:3] + "*" * 11 + number[-4:]
    assert veteran[6] == "第一党支部" and veteran[8] == "正式党员"
    assert veteran[9:13] == ["是", "是", "否", "否"]
    assert '\'=HYPERLINK("x")' in data  # a name cannot become a formula
    assert [e.detail["full_identity"] for e in world.audit("alpha", "member.exported")] == [False]
    assert world.audit("alpha", "member.identity_viewed") == []

    rows = exported(world, "admin", "?is_veteran=true")
    assert [row[4] for row in rows[2:]] == [number]
    [viewed] = world.audit("alpha", "member.identity_viewed")
    assert viewed.detail["via"] == "export" and viewed.detail["filters"]["is_veteran"] is True


def test_an_export_imports_back(world: World):
    setup_branches(world)
    upload(world, xlsx(HEADER, *good_rows()))
    rows = exported(world, "admin")
    for number in [m["id"] for m in world.call("admin", "GET", "/members").get_json()["items"]]:
        world.call("admin", "DELETE", f"/members/{number}")
    again = xlsx(*rows[1:])  # without the caption line
    body = upload(world, again).get_json()
    assert body["ok"] is True and body["imported"] == 3, body

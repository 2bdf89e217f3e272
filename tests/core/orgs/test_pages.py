"""The pages: Chinese, forms with errors beside the fields, audited reveal, import flow."""

from __future__ import annotations

import io
import re
from datetime import date

from core.orgs.models import Member, OrgUnit
from tests.core.orgs.helpers import World, ident, xlsx
from tests.factories import csrf_token, login

BASE = "/t/alpha/orgs"


def logged_in(world: World, username: str = "alice") -> str:
    assert login(world.client, username).status_code == 302
    return csrf_token(world.client, f"{BASE}/members")


def text(response) -> str:
    return response.get_data(as_text=True)


def test_unit_tree_page(world: World):
    committee = world.unit(name="机关党委", kind="committee")
    world.unit(name="第一党支部", parent_id=committee["id"])
    logged_in(world, "sam")
    page = world.client.get(f"{BASE}/units")
    assert page.status_code == 200
    html = text(page)
    assert "组织机构" in html and 'lang="zh-CN"' in html
    assert re.search(r'data-depth="0"[^>]*>\s*<td[^>]*>\s*机关党委', html)
    assert re.search(
        r'data-depth="1"[^>]*>\s*<td[^>]*>\s*<span class="text-muted">└</span> 第一党支部', html
    )
    assert 'data-endpoint="orgs.units"' in html  # the navigation links here
    assert "新建组织" not in html  # staff cannot manage units
    assert world.client.get(f"{BASE}/units/new").status_code == 403


def test_create_and_edit_a_unit_through_the_form(world: World):
    token = logged_in(world)
    response = world.client.post(
        f"{BASE}/units/new",
        data={"csrf_token": token, "name": "", "kind": "club", "sort_order": "x"},
    )
    assert response.status_code == 422
    html = text(response)
    assert re.search(r'data-error-for="name">必填项。<', html)
    assert re.search(r'data-error-for="kind">应为以下之一', html)
    assert re.search(r'data-error-for="sort_order">应为整数。<', html)
    assert world.count("alpha", OrgUnit) == 0

    response = world.client.post(
        f"{BASE}/units/new",
        data={"csrf_token": token, "name": "机关党委", "kind": "committee", "code": "JG"},
    )
    assert response.status_code == 302
    [unit] = world.call("admin", "GET", "/units").get_json()
    response = world.client.post(
        f"{BASE}/units/new",
        data={
            "csrf_token": token,
            "name": "另一个",
            "kind": "branch",
            "code": "JG",
            "parent_id": str(unit["id"]),
        },
    )
    assert response.status_code == 422 and "该编码已被本单位其他组织使用。" in text(response)

    edit = world.client.get(f"{BASE}/units/{unit['id']}/edit")
    assert edit.status_code == 200 and 'value="机关党委"' in text(edit)
    response = world.client.post(
        f"{BASE}/units/{unit['id']}/edit",
        data={
            "csrf_token": token,
            "name": "机关党委（新）",
            "kind": "committee",
            "sort_order": "3",
        },
    )
    assert response.status_code == 302
    stored = world.stored("alpha", OrgUnit, unit["id"])
    assert (
        stored["name"] == "机关党委（新）" and stored["code"] is None and stored["sort_order"] == 3
    )


def test_deactivating_a_unit_with_members_says_why(world: World):
    branch = world.unit(name="第一党支部")
    world.member(branch_id=branch["id"])
    token = logged_in(world)
    response = world.client.post(
        f"{BASE}/units/{branch['id']}/deactivate", data={"csrf_token": token}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "还有 1 名在册党员" in text(response)
    assert world.stored("alpha", OrgUnit, branch["id"])["is_active"] is True


def test_post_without_csrf_token_is_refused(world: World):
    logged_in(world)
    response = world.client.post(
        f"{BASE}/units/new", data={"name": "机关党委", "kind": "committee"}
    )
    assert response.status_code == 400
    assert world.count("alpha", OrgUnit) == 0


def test_member_list_masks_filters_and_pages(world: World):
    for n in range(5):
        world.member(name=f"党员{n}", id_number=ident(date(1980, 1, 1 + n), 11))
    logged_in(world, "rita")
    seen, url = [], f"{BASE}/members?limit=2"
    while url:
        page = world.client.get(url)
        assert page.status_code == 200
        html = text(page)
        seen += re.findall(r'data-member-id="(\d+)"', html)
        assert ident(date(1980, 1, 1), 11) not in html
        assert "330***********" in html
        found = re.search(r'href="([^"]+)" id="next-page"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == len(set(seen)) == 5

    html = text(world.client.get(f"{BASE}/members?name=党员3&sort=name&utm_source=mail"))
    assert len(re.findall(r'data-member-id="', html)) == 1
    export = re.search(r'href="([^"]+)" id="export-link"', html).group(1).replace("&amp;", "&")
    assert export.startswith("/api/v1/t/alpha/orgs/members/export") and "name=" in export
    assert "sort=" not in export and "utm_source" not in export
    assert world.client.get(export).status_code == 200  # the session reaches the API

    page = world.client.get(f"{BASE}/members?cursor=garbage")
    assert page.status_code == 200 and "翻页链接已失效" in text(page)


def test_member_detail_and_the_audited_reveal(world: World):
    number = ident()
    member = world.member(id_number=number)
    token = logged_in(world)
    page = world.client.get(f"{BASE}/members/{member['id']}")
    assert page.status_code == 200
    html = text(page)
    assert number not in html and number[:3] + "*" * 11 + number[-4:] in html
    assert (
        'id="reveal-identity"' in html
        and f'hx-post="{BASE}/members/{member["id"]}/identity"' in html
    )

    url = f"{BASE}/members/{member['id']}/identity"
    assert (
        world.client.post(url, headers={"HX-Request": "true"}).status_code == 400
    )  # no CSRF header
    response = world.client.post(url, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and number in text(response)
    [entry] = world.audit("alpha", "member.identity_viewed")
    assert entry.object_id == str(member["id"]) and entry.detail["via"] == "page"
    assert entry.actor_name == "管理员甲"


def test_no_reveal_without_the_permission(world: World):
    member = world.member()
    token = logged_in(world, "rita")
    assert 'id="reveal-identity"' not in text(world.client.get(f"{BASE}/members/{member['id']}"))
    response = world.client.post(
        f"{BASE}/members/{member['id']}/identity", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 403
    assert world.audit("alpha", "member.identity_viewed") == []


def test_create_form_shows_field_errors_then_registers(world: World):
    branch = world.unit(name="第一党支部")
    token = logged_in(world, "rita")
    assert world.client.get(f"{BASE}/members/new").status_code == 200
    bad = {
        "csrf_token": token,
        "name": "",
        "gender": "male",
        "id_number": "330122198005060019",
        "birth_date": "2999-01-01",
        "joined_on": "1998-13-01",
        "status": "formal",
    }
    response = world.client.post(f"{BASE}/members/new", data=bad)
    assert response.status_code == 422
    html = text(response)
    assert 'id="form-error-summary"' in html
    assert re.search(r'data-error-for="name">必填项。<', html)
    assert re.search(r'data-error-for="id_number">公民身份号码校验位不正确', html)
    assert re.search(r'data-error-for="birth_date">日期不能晚于今天。<', html)
    assert re.search(r'data-error-for="joined_on">不是有效的日期', html)
    assert 'value="330122198005060019"' in html  # what was typed comes back
    assert world.count("alpha", Member) == 0

    good = {
        "csrf_token": token,
        "name": "刘芳",
        "gender": "female",
        "id_number": ident(date(1983, 9, 9), 12),
        "joined_on": "2006-12-01",
        "status": "formal",
        "branch_id": str(branch["id"]),
        "is_floating": "1",
    }
    response = world.client.post(f"{BASE}/members/new", data=good)
    assert response.status_code == 302
    member_id = int(response.headers["Location"].rsplit("/", 1)[1])
    stored = world.stored("alpha", Member, member_id)
    assert stored["birth_date"] == date(1983, 9, 9) and stored["is_floating"] is True
    assert stored["is_retired"] is False and stored["branch_id"] == branch["id"]
    assert "已登记党员 刘芳" in text(world.client.get(response.headers["Location"]))


def test_edit_form_keeps_the_id_number_unless_retyped(world: World):
    number = ident()
    member = world.member(id_number=number, is_retired=True)
    token = logged_in(world, "rita")
    page = text(world.client.get(f"{BASE}/members/{member['id']}/edit"))
    assert number not in page and 'placeholder="330***********' in page
    form = {
        "csrf_token": token,
        "name": "张三丰",
        "gender": "male",
        "status": "formal",
        "joined_on": "2005-07-01",
    }
    response = world.client.post(f"{BASE}/members/{member['id']}/edit", data=form)
    assert response.status_code == 302
    stored = world.stored("alpha", Member, member["id"])
    assert stored["name"] == "张三丰" and stored["id_number"] == number
    assert stored["is_retired"] is False  # an unticked box
    assert stored["birth_date"] == date(1980, 5, 6)  # still known from the ID number
    [entry] = world.audit("alpha", "member.updated")
    assert entry.detail["after"] == {"name": "张三丰", "is_retired": False, "phone": None}


def test_other_tenants_pages_are_404(world: World):
    unit = world.unit("beta", name="乙的支部")
    member = world.member("beta", name="乙的党员")
    token = logged_in(world)
    for path in (
        f"/members/{member['id']}",
        f"/members/{member['id']}/edit",
        f"/units/{unit['id']}/edit",
    ):
        assert world.client.get(BASE + path).status_code == 404
    for path in (
        f"/members/{member['id']}/deactivate",
        f"/members/{member['id']}/identity",
        f"/units/{unit['id']}/deactivate",
    ):
        assert world.client.post(BASE + path, data={"csrf_token": token}).status_code == 404
    assert world.client.get("/t/beta/orgs/members").status_code == 404
    assert world.stored("beta", Member, member["id"])["is_active"] is True
    assert world.audit("alpha", "member.identity_viewed") == []


def test_import_page_reports_rows_then_imports_the_valid_ones(world: World):
    world.unit(name="第一党支部", code="ZB01")
    token = logged_in(world, "rita")
    page = world.client.get(f"{BASE}/members/import")
    assert page.status_code == 200 and "下载导入模板" in text(page)

    data = xlsx(
        ["姓名", "性别", "公民身份号码", "所属党组织"],
        ["刘芳", "女", ident(date(1983, 9, 9), 12), "ZB01"],
        ["", "男", None, None],
        ["赵磊", "男", ident(date(1990, 4, 27), 13), "第一党支部"],
    )
    response = world.client.post(
        f"{BASE}/members/import",
        data={"csrf_token": token, "file": (data, "党员.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = text(response)
    assert "未写入任何数据" in html
    assert re.search(r'<tr data-row="3"><td>3</td><td>姓名</td><td>必填项。</td></tr>', html)
    assert world.count("alpha", Member) == 0

    carried = re.search(r'name="file_data" value="([^"]+)"', html).group(1)
    response = world.client.post(
        f"{BASE}/members/import",
        data={"csrf_token": token, "file_data": carried, "valid_only": "1"},
    )
    assert response.status_code == 200
    assert "已导入 2 名党员" in text(response)
    assert world.count("alpha", Member) == 2

    response = world.client.post(f"{BASE}/members/import", data={"csrf_token": token})
    assert response.status_code == 422 and "请选择要导入的 .xlsx 文件。" in text(response)
    response = world.client.post(
        f"{BASE}/members/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"not a workbook"), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "文件不是 .xlsx 格式" in text(response)
    assert world.count("alpha", Member) == 2


def test_a_fully_valid_import_lands_on_the_list(world: World):
    token = logged_in(world, "rita")
    data = xlsx(["姓名", "性别"], ["刘芳", "女"])
    response = world.client.post(
        f"{BASE}/members/import",
        data={"csrf_token": token, "file": (data, "党员.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/orgs/members")
    assert "已导入 1 名党员" in text(world.client.get(response.headers["Location"]))

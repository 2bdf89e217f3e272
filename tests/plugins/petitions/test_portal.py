"""网上信访: filing without an account, the query code shown once, looking up progress,
rating once, the portal closed where it is not enabled, limits per client, and input
that is hostile or wrong changing nothing."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.db import db
from core.workflow import StateChange
from plugins.petitions.models import PetitionQueryCode
from tests.plugins.petitions.portal_world import TODAY, PortalWorld, build_portal
from tests.services import free_port


@pytest.fixture(autouse=True)
def _today(set_today):
    set_today(TODAY)


@pytest.fixture
def portal(app, client, factory) -> PortalWorld:
    return build_portal(app, client, factory)


@pytest.fixture
def handler_id(portal) -> int:
    return portal.factory.user(portal.slug, "handler", roles=()).user_id


def _history(portal: PortalWorld, petition_id: int) -> list[StateChange]:
    def load():
        rows = list(
            db.session.scalars(
                select(StateChange)
                .where(StateChange.record_id == petition_id)
                .order_by(StateChange.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows

    return portal.read(load)


def _audit(portal: PortalWorld, action: str) -> list[AuditEntry]:
    def load():
        rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        for row in rows:
            db.session.expunge(row)
        return rows

    return portal.read(load)


# -- filing -----------------------------------------------------------------------------


def test_the_home_page_offers_filing_and_lookup(portal):
    response = portal.client.get(portal.url("/"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "网上信访" in html and "填写信访件" in html and "查询办理进度" in html
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    assert portal.client.get(portal.url("/new")).status_code == 200


def test_the_form_shows_the_categories_as_a_tree_and_the_daily_limit_in_words(portal):
    html = portal.client.get(portal.url("/new")).get_data(as_text=True)
    # The default taxonomy seeded on enable: a heading, then its own items indented.
    top = html.index(">选人用人</option>")
    child = html.index("拉票贿选</option>")
    assert top < child
    assert 'data-depth="1"' in html[top : child + 40] and "└ 拉票贿选" in html
    assert "同一台电脑或同一部手机每天最多可以在网上提交 5 件信访件" in html
    assert "每个客户端" not in html  # not the engineers' word
    assert "带区号的固定电话" in html


def test_a_named_petition_is_registered_online_with_a_serial_and_a_code_shown_once(portal):
    response = portal.file()
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    serial = html.split('id="filed-serial">')[1].split("<")[0]
    code = html.split('id="filed-code">')[1].split("<")[0]
    assert serial == "XF-2026-000001"
    assert len(code.replace("-", "")) >= 10
    assert "只显示这一次" in html

    [petition] = portal.petitions()
    assert petition.channel == "online" and petition.state == "registered"
    assert petition.received_on == TODAY and petition.kind == "request"
    assert petition.summary == "反映退休待遇未落实问题"
    assert petition.category_id == portal.category_id
    names = portal.read(lambda: [(p.name, p.phone) for p in petition_petitioners(petition.id)])
    assert names == [("王某", "13800000000")]
    [created] = _history(portal, petition.id)
    assert created.transition == "create" and created.actor_name == "系统"

    # Nothing shows the code again: not the lookup page, not the petition's status.
    status = portal.lookup(serial, code)
    assert status.status_code == 200
    assert code not in portal.client.get(portal.url("/lookup")).get_data(as_text=True)


def petition_petitioners(petition_id: int):
    from plugins.petitions.models import Petitioner

    rows = list(db.session.scalars(select(Petitioner).where(Petitioner.petition_id == petition_id)))
    return rows


def test_the_code_is_stored_only_as_a_salted_digest(portal):
    serial, code = portal.file_ok()
    plain = code.replace("-", "")

    def stored():
        row = db.session.scalar(select(PetitionQueryCode))
        return row.salt, row.digest

    salt, digest = portal.read(stored)
    assert plain not in digest and plain not in salt
    assert len(digest) == 64 and len(salt) == 32
    # A second petition gets another salt: equal codes would still differ in the table.
    portal.file_ok()
    salts = portal.read(lambda: [r.salt for r in db.session.scalars(select(PetitionQueryCode))])
    assert len(set(salts)) == 2


def test_an_anonymous_petition_keeps_no_identity(portal):
    portal.file_ok(is_anonymous="1", name="", phone="", id_number="")
    [petition] = portal.petitions()
    assert petition.is_anonymous
    assert portal.read(lambda: petition_petitioners(petition.id)) == []


def test_a_named_petition_needs_a_name_and_a_phone(portal):
    response = portal.file(name="", phone="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "实名反映须填写姓名" in html and "实名反映须留下联系电话" in html
    assert portal.petitions() == []


def test_identity_fields_are_checked(portal):
    response = portal.file(phone="call me", id_number="330122195001011235")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请填写 11 位手机号码" in html and "校验位不正确" in html
    assert portal.petitions() == []


def test_reported_person_is_kept_for_a_report(portal):
    portal.file_ok(kind="report", reported_name="张某", reported_unit="某镇", reported_post="书记")

    def reported():
        from plugins.petitions.models import ReportedPerson

        return [(r.name, r.unit, r.post) for r in db.session.scalars(select(ReportedPerson))]

    assert portal.read(reported) == [("张某", "某镇", "书记")]


# -- closed portals ---------------------------------------------------------------------


def test_a_portal_not_enabled_in_the_settings_is_not_found(app, client, factory):
    factory.tenant("quiet", plugins=["petitions"])  # plugin on, portal_enabled off
    factory.tenant("none")  # plugin off
    for slug in ("quiet", "none", "nowhere"):
        for path in ("/", "/new", "/lookup", "/api/form"):
            assert client.get(f"/p/{slug}{path}").status_code == 404, (slug, path)
        response = client.post(f"/p/{slug}/api/lookup", json={"serial": "x", "code": "y"})
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_switching_the_portal_off_closes_it(portal):
    assert portal.client.get(portal.url("/")).status_code == 200
    portal.settings(portal_enabled=False)
    assert portal.client.get(portal.url("/")).status_code == 404
    assert portal.client.get(portal.url("/new")).status_code == 404


# -- looking up -------------------------------------------------------------------------


def test_lookup_shows_the_state_in_plain_words_and_accepts_the_code_as_typed(portal):
    serial, code = portal.file_ok()
    typed = code.replace("-", " ").lower()
    response = portal.lookup(serial, typed)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert serial in html
    assert "已收到，正在审查是否受理" in html
    assert "2026-10-08" in html  # 15 days after receipt, moved off the National Day holiday
    assert "rate-form" not in html  # nothing to rate yet


def test_lookup_shows_decision_dates_and_the_reply_once_closed(portal, handler_id, set_today):
    serial, code = portal.file_ok()
    set_today(date(2026, 9, 18))
    portal.move(serial, ("accept", {}))
    html = portal.lookup(serial, code).get_data(as_text=True)
    assert "已受理，正在办理" in html and "受理告知" in html and "2026-09-18" in html
    assert "书面答复" not in html

    portal.move(
        serial,
        ("assign_handler", {"handler_user_id": handler_id}),
        ("draft", {"outcome": "support", "basis": "内部依据，不对外"}),
        ("approve", {}),
        ("close", {"reply_text": "经核实，已落实退休待遇。"}),
    )
    html = portal.lookup(serial, code).get_data(as_text=True)
    assert "已办结并答复" in html
    assert "经核实，已落实退休待遇。" in html
    assert "内部依据" not in html  # the handler's basis stays inside
    assert "rate-form" in html


def test_wrong_serial_and_wrong_code_give_the_identical_answer(portal):
    serial, code = portal.file_ok()
    other_serial, _other_code = portal.file_ok()
    wrong_code = portal.lookup(serial, "ABCD-EFGH-JKMN")
    wrong_serial = portal.lookup("XF-2026-999999", code)
    code_of_another = portal.lookup(other_serial, code)
    assert wrong_code.status_code == wrong_serial.status_code == code_of_another.status_code == 404
    # The page echoes the serial typed (to correct it); apart from that, the same page.
    assert _without_serial(wrong_code.data) == _without_serial(code_of_another.data)
    assert _without_serial(wrong_code.data) == _without_serial(wrong_serial.data)
    assert code.encode() not in wrong_serial.data

    api_wrong_code = portal.api("/lookup", {"serial": serial, "code": "ABCD-EFGH-JKMN"})
    api_wrong_serial = portal.api("/lookup", {"serial": "XF-2026-999999", "code": code})
    assert api_wrong_code.status_code == api_wrong_serial.status_code == 404
    assert api_wrong_code.data == api_wrong_serial.data
    assert api_wrong_code.mimetype == "application/problem+json"


def _without_serial(page: bytes) -> bytes:
    """The page less the serial typed and the CSRF token (signed with the time)."""
    page = re.sub(rb'name="serial"([^>]*) value="[^"]*"', rb'name="serial"\1', page)
    return re.sub(rb'(name="csrf[-_]token" (?:content|value)=)"[^"]*"', rb"\1", page)


def test_a_petition_registered_by_a_clerk_has_no_code_and_cannot_be_looked_up(portal):
    from plugins.petitions.models import Petition as P

    serial, _code = portal.file_ok()
    # Delete the portal code: the petition now looks like one registered by a clerk.
    with portal.scope():
        db.session.delete(db.session.scalar(select(PetitionQueryCode)))
    assert portal.read(lambda: db.session.scalar(select(P.serial))) == serial
    assert portal.lookup(serial, "").status_code == 422  # a code is required
    assert portal.lookup(serial, "2345-6789-ABCD").status_code == 404


# -- rating -----------------------------------------------------------------------------


def test_the_petitioner_rates_once_through_the_workflow(portal, handler_id):
    serial, code = portal.file_ok()
    assert portal.rate(serial, code).status_code == 409  # not closed yet
    portal.close(serial, handler_id)

    response = portal.rate(serial, code, "basically_satisfied")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "感谢您的评价" in html and "基本满意" in html and "rate-form" not in html
    [petition] = portal.petitions()
    assert petition.state == "rated" and petition.satisfaction == "basically_satisfied"
    rate = [h for h in _history(portal, petition.id) if h.transition == "rate"]
    assert len(rate) == 1 and rate[0].actor_name == "系统"
    [entry] = _audit(portal, "petition.rate")
    assert entry.detail["satisfaction"] == "basically_satisfied"

    again = portal.rate(serial, code, "dissatisfied")
    assert again.status_code == 409
    assert "只能评价一次" in again.get_data(as_text=True)
    api_again = portal.api("/rate", {"serial": serial, "code": code, "satisfaction": "satisfied"})
    assert api_again.status_code == 409
    assert portal.petitions()[0].satisfaction == "basically_satisfied"
    assert len(_audit(portal, "petition.rate")) == 1


def test_rating_needs_a_choice_and_the_right_code(portal, handler_id):
    serial, code = portal.file_ok()
    portal.close(serial, handler_id)
    assert portal.rate(serial, code, None).status_code == 200  # shown again, with the error
    assert portal.rate(serial, "2345-6789-ABCD").status_code == 404
    assert portal.rate(serial, code, "delighted").status_code == 200
    assert portal.petitions()[0].state == "closed"


# -- limits -----------------------------------------------------------------------------


def test_submissions_per_client_and_day_are_limited(portal, set_today):
    portal.settings(portal_daily_limit=2)
    portal.file_ok()
    assert portal.file(summary="").status_code == 422  # refused input uses no place
    portal.file_ok()
    refused = portal.file()
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "已达上限（2 件）" in refused.get_data(as_text=True)
    assert len(portal.petitions()) == 2
    api = portal.api("/petitions", {"kind": "request", "summary": "再来一件", "is_anonymous": True})
    assert api.status_code == 429 and api.mimetype == "application/problem+json"

    set_today(date(2026, 9, 17))  # a new day in Beijing
    portal.file_ok()
    assert len(portal.petitions()) == 3


def test_lookups_per_client_are_limited_so_codes_cannot_be_guessed(portal):
    serial, code = portal.file_ok()
    for _ in range(20):
        assert portal.lookup(serial, "2345-6789-ABCD").status_code == 404
    refused = portal.lookup(serial, code)  # even the right code, once over the limit
    assert refused.status_code == 429
    assert "查询过于频繁" in refused.get_data(as_text=True)
    assert portal.api("/lookup", {"serial": serial, "code": code}).status_code == 429


def test_the_limits_hold_across_processes_with_redis(app, sibling_app, redis_url, factory):
    first = sibling_app("portal-redis-1", REDIS_URL=redis_url)
    second = sibling_app("portal-redis-2", REDIS_URL=redis_url)
    world = build_portal(first, first.test_client(), factory)
    world.settings(portal_daily_limit=2)
    world.file_ok()
    other = PortalWorld(
        second, second.test_client(), factory, world.slug, world.tenant_id, world.category_id
    )
    other.file_ok()  # the second "process" counts on the same Redis
    assert world.file().status_code == 429
    assert other.file().status_code == 429
    assert len(world.petitions()) == 2

    from redis import Redis

    keys = Redis.from_url(redis_url).keys("zugong:rate:petitions.portal.submit:*")
    assert len(keys) == 1


def test_the_portal_answers_503_in_chinese_while_redis_is_down(app, sibling_app, factory):
    """Its limits live in Redis: without Redis it refuses clearly and writes nothing."""
    down = sibling_app("portal-redis-down", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    world = build_portal(down, down.test_client(), factory)

    page = world.file()
    assert page.status_code == 503
    assert "服务暂时不可用，请稍后再试。" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) > 0
    api = world.api("/petitions", {"kind": "request", "summary": "一件", "is_anonymous": True})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.get_json()["detail"] == "服务暂时不可用，请稍后再试。"
    lookup = world.api("/lookup", {"serial": "X", "code": "2345-6789-ABCD"})
    assert lookup.status_code == 503
    assert world.petitions() == []


# -- hostile and wrong input ------------------------------------------------------------


def test_a_summary_over_1000_characters_is_refused(portal):
    response = portal.file(summary="问" * 1001)
    assert response.status_code == 422
    assert "长度应在 1 到 1000 之间" in response.get_data(as_text=True)
    assert portal.petitions() == []
    portal.file_ok(summary="问" * 1000)


def test_markup_is_kept_as_typed_and_shown_inert(portal, handler_id):
    script = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    serial, code = portal.file_ok(summary=script, name="<b>王</b>")
    assert portal.petitions()[0].summary == script
    portal.close(serial, handler_id, reply=script)
    html = portal.lookup(serial, code).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"summary": "有\x00空字符"}, "控制字符"),
        ({"details": "换页\x0c符"}, "控制字符"),
        ({"kind": "bribe"}, "应为以下之一"),
        ({"kind": ""}, "必填项"),
        ({"category_id": "abc"}, "应为整数"),
        ({"category_id": "987654321"}, "请从列表中选择问题类别"),
        ({"category_id": "99999999999999999999999"}, "应在"),
        ({"name": "名" * 51}, "长度不能超过 50"),
        ({"summary": "   "}, "必填项"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_writes_nothing(portal, fields, field_error):
    response = portal.file(**fields)
    assert response.status_code == 422
    assert field_error in response.get_data(as_text=True)
    assert portal.petitions() == []


def test_forms_without_the_csrf_token_are_refused(portal):
    response = portal.file(csrf_token=None)
    assert response.status_code == 400
    assert portal.petitions() == []
    serial, code = portal.file_ok()
    no_token = portal.client.post(portal.url("/lookup"), data={"serial": serial, "code": code})
    assert no_token.status_code == 400


# -- JSON API ---------------------------------------------------------------------------


def test_the_api_files_looks_up_and_rates(portal, handler_id):
    options = portal.api("/form", method="GET").get_json()
    assert {k["key"] for k in options["kinds"]} == {
        "report",
        "appeal",
        "suggestion",
        "request",
        "enquiry",
    }
    # The tenant's own category beside the default taxonomy seeded on enable.
    mine = {"id": portal.category_id, "name": "退休待遇", "parent_id": None, "depth": 0}
    assert mine in options["categories"]
    # The tree depth first: each sub-category right after its parent, one level deeper.
    tree = options["categories"]
    for above, row in zip(tree, tree[1:], strict=False):
        if row["parent_id"] is not None:
            assert row["depth"] >= 1 and row["depth"] <= above["depth"] + 1
    parents = {row["id"]: row for row in tree}
    assert all(parents[r["parent_id"]]["depth"] == r["depth"] - 1 for r in tree if r["parent_id"])
    assert options["summary_max"] == 1000 and options["daily_limit"] == 5

    filed = portal.api(
        "/petitions", {"is_anonymous": True, "kind": "suggestion", "summary": "建议"}
    )
    assert filed.status_code == 201, filed.get_json()
    assert filed.headers["Cache-Control"] == "no-store"
    body = filed.get_json()
    assert body["serial"] == "XF-2026-000001" and len(body["query_code"]) == 14

    status = portal.api("/lookup", {"serial": body["serial"], "code": body["query_code"]})
    assert status.status_code == 200
    assert status.get_json()["state"] == "registered"
    assert status.get_json()["notices"][0]["on"] == "2026-09-16"

    portal.close(body["serial"], handler_id, reply="已采纳。")
    rated = portal.api(
        "/rate",
        {"serial": body["serial"], "code": body["query_code"], "satisfaction": "satisfied"},
    )
    assert rated.status_code == 200
    assert rated.get_json()["reply_text"] == "已采纳。"
    assert rated.get_json()["satisfaction"] == "满意"
    assert rated.get_json()["can_rate"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "request", "summary": 123, "is_anonymous": True},
        {"kind": "request", "summary": "x", "is_anonymous": "maybe"},
        {"kind": "request", "summary": "x", "is_anonymous": True, "serial": "XF-1"},
        {"kind": "request", "summary": "问" * 1001, "is_anonymous": True},
        {"kind": "request", "summary": "x"},  # named, with no name
        ["not", "an", "object"],
    ],
)
def test_the_api_refuses_wrong_types_with_problem_json(portal, body):
    response = portal.api("/petitions", body)
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert portal.petitions() == []


def test_the_portal_api_is_in_the_openapi_document(portal):
    document = portal.client.get("/api/v1/openapi.json").get_json()
    for path in ("/p/{tenant}/api/petitions", "/p/{tenant}/api/lookup", "/p/{tenant}/api/rate"):
        operation = document["paths"][path]["post"]
        assert operation["security"] == [] and "requestBody" in operation
    assert "get" in document["paths"]["/p/{tenant}/api/form"]


def test_another_tenants_serial_is_not_found_on_this_portal(app, client, factory, portal):
    other = build_portal(app, client, factory, slug="other")
    serial, code = portal.file_ok()
    assert other.lookup(serial, code).status_code == 404
    assert other.api("/lookup", {"serial": serial, "code": code}).status_code == 404
    assert other.petitions() == []


# -- attachments ------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _files(*pairs: tuple[str, bytes]) -> list:
    return [(io.BytesIO(data), name) for name, data in pairs]


def _attachments(portal: PortalWorld) -> list[tuple[str, int, int | None]]:
    from core.attachments.models import Attachment

    return portal.read(
        lambda: [
            (a.filename, a.owner_id, a.uploaded_by)
            for a in db.session.scalars(select(Attachment).order_by(Attachment.id))
        ]
    )


def test_files_are_attached_to_the_petition_filed(portal):
    serial, _code = portal.file_ok(files=_files(("来信.pdf", PDF), ("照片.png", PNG)))
    [petition] = portal.petitions()
    assert _attachments(portal) == [
        ("来信.pdf", petition.id, None),
        ("照片.png", petition.id, None),
    ]
    [entry, _second] = _audit(portal, "attachment.uploaded")
    assert entry.detail["kind"] == "petitions.petition"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("病毒.exe", b"MZ\x90\x00" + b"\x00" * 60)], "不接受此类文件"),
        ([("假的.pdf", PNG)], "文件内容不是 .pdf 格式"),
        ([(f"{n}.pdf", PDF) for n in range(6)], "最多上传 5 个附件"),
    ],
)
def test_refused_files_keep_nothing_and_use_no_place_of_the_day(portal, files, message):
    portal.settings(portal_daily_limit=1)
    response = portal.file(files=_files(*files))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert portal.petitions() == [] and _attachments(portal) == []
    portal.file_ok()  # the day's one place is still free


def test_lookup_tells_the_extension_its_reason_and_day(portal, handler_id, set_today):
    """信访工作条例 Art. 34: the petitioner is told of the extension and its reason."""
    serial, code = portal.file_ok()
    set_today(date(2026, 9, 18))
    portal.move(serial, ("accept", {}), ("assign_handler", {"handler_user_id": handler_id}))
    set_today(date(2026, 10, 20))
    portal.move(serial, ("extend", {"days": 30, "reason": "需赴外地调取有关材料"}))
    html = portal.lookup(serial, code).get_data(as_text=True)
    assert "延期告知" in html and "办理期限延长 30 日" in html
    assert "延期理由：需赴外地调取有关材料" in html and "2026-10-20" in html

"""申请延期 (信访工作条例 Art. 34): the handler asks for the one extension with its days
and reason; the leader approves it (``extend``, which makes the 延期办理告知书 printable)
or refuses it with a note. Through the API and the page."""

from __future__ import annotations

from tests.plugins.petitions.web import World
from tests.plugins.petitions.web import world as world  # noqa: F401 - the fixture


def _in_handling(world: World) -> int:
    pid = world.register()["id"]
    assert world.fire("clerk", pid, "accept").status_code == 200
    assigned = world.fire("clerk", pid, "assign_handler", handler_user_id=world.users["li"])
    assert assigned.status_code == 200, assigned.get_json()
    return pid


def test_the_handler_requests_and_the_leader_approves(world: World):
    pid = _in_handling(world)
    # The clerk may not extend by herself, but may ask.
    assert world.fire("clerk", pid, "extend", days=20, reason="需调取档案").status_code == 403
    asked = world.fire("clerk", pid, "request_extension", days=20, reason="需调取档案")
    assert asked.status_code == 200, asked.get_json()
    body = world.call("clerk", "GET", f"/{pid}").get_json()
    assert body["extended_days"] in (0, None)
    # Asking twice while pending is refused.
    again = world.fire("clerk", pid, "request_extension", days=10, reason="再议")
    assert again.status_code == 409 and "待领导审批" in again.get_json()["detail"]
    approved = world.fire("leader", pid, "extend", days=20, reason="需调取档案")
    assert approved.status_code == 200, approved.get_json()
    body = world.call("leader", "GET", f"/{pid}").get_json()
    assert body["extended_days"] == 20
    notice = world.call("leader", "GET", f"/{pid}/notices/extension.docx")
    assert notice.status_code == 200
    # Once extended, no further request.
    late = world.fire("clerk", pid, "request_extension", days=5, reason="再延")
    assert late.status_code == 409


def test_the_leader_refuses_with_a_note(world: World):
    pid = _in_handling(world)
    assert world.fire("leader", pid, "refuse_extension", comment="不同意").status_code == 409
    world.fire("clerk", pid, "request_extension", days=20, reason="需调取档案")
    assert world.fire("clerk", pid, "refuse_extension", comment="不同意").status_code == 403
    assert world.fire("leader", pid, "refuse_extension").status_code == 409  # note required
    refused = world.fire("leader", pid, "refuse_extension", comment="期限内可以办结")
    assert refused.status_code == 200, refused.get_json()
    history = world.call("leader", "GET", f"/{pid}/history").get_json()
    moves = [row["transition"] for row in history]
    assert moves[-2:] == ["request_extension", "refuse_extension"]
    assert world.call("clerk", "GET", f"/{pid}/notices/extension.docx").status_code == 409
    # Refused, the handler may ask again.
    assert (
        world.fire("clerk", pid, "request_extension", days=10, reason="补充调查").status_code == 200
    )


def test_a_request_needs_days_and_a_reason(world: World):
    pid = _in_handling(world)
    assert world.fire("clerk", pid, "request_extension", days=20).status_code == 422
    assert world.fire("clerk", pid, "request_extension", days=31, reason="x").status_code in (
        409,
        422,
    )


def test_the_page_shows_the_request_to_the_leader(world: World):
    pid = _in_handling(world)
    world.fire("clerk", pid, "request_extension", days=20, reason="需调取档案")
    world.login("leader")
    html = world.page(f"/{pid}").get_data(as_text=True)
    assert "承办人申请延期 20 日，理由：需调取档案" in html
    assert 'data-transition="refuse_extension"' in html


def test_a_pending_request_waits_on_the_leaders_to_do_list(world: World):
    pid = _in_handling(world)
    serial = world.call("clerk", "GET", f"/{pid}").get_json()["serial"]
    link = f'href="/t/county/petitions/{pid}"'

    def todo(who: str) -> str:
        world.login(who)
        return world.client.get("/t/county/todo").get_data(as_text=True)

    assert "延期申请待审批" not in todo("leader")
    world.fire("clerk", pid, "request_extension", days=20, reason="需调取档案")
    page = todo("leader")
    assert f"延期申请待审批（20日）：{serial}" in page and link in page
    # The handler asked: it waits on the leader, not on him.
    assert "延期申请待审批" not in todo("clerk")
    world.fire("leader", pid, "refuse_extension", comment="期限内可以办结")
    assert "延期申请待审批" not in todo("leader")
    world.fire("clerk", pid, "request_extension", days=10, reason="补充调查")
    assert "延期申请待审批（10日）" in todo("leader")
    world.fire("leader", pid, "extend", days=10, reason="补充调查")
    assert "延期申请待审批" not in todo("leader")

"""Demo data of an upper level, made once its children's stories exist (the last child
to get its story calls :func:`create_level_demo`): a published bulletin issue of what
the level adopted, a 约稿 sent five days ago that one child answered in time and another
never did, and this month's ranking published to the children (迟报 and the missed
request cost points there)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.audit.service import record
from core.auth.users import Actor
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.reporting import page_queries, services
from plugins.reporting.bulletins import services as bulletins
from plugins.reporting.commissions import services as commissions
from plugins.reporting.levels import reporting_parent
from plugins.reporting.models import Bulletin, Request
from plugins.reporting.priorities import services as priorities
from plugins.reporting.scoring import services as scoring
from plugins.reporting.scoring.periods import period

BULLETIN = "示范组工信息"
REQUEST = {
    "topic": "基层党组织服务群众典型经验",
    "requirements": "请各地报送一至两篇，每篇一千五百字以内，注明执笔人及联系电话。",
}
ANSWER = {
    "title": "“党群连心站”让群众办事不出村",
    "body": "在每个行政村设立“党群连心站”，由村干部轮流值守，群众办事不出村。",
    "category": "commissioned",
    "doc_type": "brief",
    "pen_name": "李华",
    "pen_phone": "0571-88881111",
}


def create_level_demo(level: Tenant, children: list[int], actor_of) -> None:
    """The level's issue, request and ranking; the grandparent's issue if it adopted."""
    editor: Actor = actor_of(level.id, "info_leader")
    _request(level, children, editor, actor_of)
    _issue(level, editor)
    with tenant_scope(level.id):
        today = clock.today()
        scoring.publish_ranking(period("month", today.year, today.month), editor)
    above = reporting_parent(level.id)
    if above is not None:
        _issue(above, actor_of(above.id, "info_leader"))


#: 信息要点 every level keeps for the year, offered to the levels below it.
PRIORITIES = ("基层党组织建设“三年行动”", "年轻干部培养选拔", "人才引育留用")


def create_priorities(editor: Actor) -> None:
    """The tenant in scope's priorities of this year; the last one retired."""
    year = clock.today().year
    made = [priorities.create_priority({"title": t, "year": year}, editor) for t in PRIORITIES]
    priorities.move_priority(made[-1], "retire", editor)


def create_own_demo(tenant: Tenant, editor: Actor) -> None:
    """A tenant with no children (the isolation and smoke suites' lone tenant, a county
    at the bottom) still has one of each record its pages open: a draft issue of its own
    bulletin, last month's ranking (of nobody) and a 约稿 addressed to no one yet."""
    _issue(tenant, editor)
    last = clock.today().replace(day=1) - timedelta(days=1)
    scoring.publish_ranking(period("month", last.year, last.month), editor)
    # The service sends a request only to children; with none, the record is made as
    # the service would make it, minus the targets.
    request = Request(
        **REQUEST,
        deadline=clock.now() + timedelta(days=7),
        all_children=True,
        created_by=editor.user_id,
    )
    db.session.add(request)
    db.session.flush()
    record("reporting.request_sent", obj=request, detail={"children": []})


def _issue(level: Tenant, editor: Actor) -> None:
    """A bulletin issue of everything the level adopted, published to its descendants."""
    with tenant_scope(level.id):
        bulletin = db.session.scalar(select(Bulletin).where(Bulletin.title == BULLETIN))
        bulletin = bulletin or bulletins.create_bulletin(BULLETIN)
        issue = bulletins.create_issue(bulletin, editor)
        adopted = page_queries.adopted_in_scope()
        for position, submission in enumerate(adopted, start=1):
            note = "此做法值得各地学习借鉴。" if position == 1 else None
            bulletins.add_entry(
                issue, {"submission_id": submission.id, "position": position, "editor_note": note}
            )
        if adopted:  # an issue with nothing in it stays a draft
            bulletins.publish(issue, editor)


def _request(level: Tenant, children: list[int], editor: Actor, actor_of) -> None:
    """约稿 sent five days ago, due two days ago: the first child answered the next day,
    the others never did (未报)."""
    with clock.shifted(timedelta(days=-5)), tenant_scope(level.id):
        deadline = clock.now() + timedelta(days=3)
        request = commissions.create_request(
            {**REQUEST, "deadline": deadline, "all_children": True}, editor
        )
        db.session.flush()
        request_id = request.id
    first = children[0]
    writer, leader = actor_of(first, "info_officer"), actor_of(first, "info_leader")
    with clock.shifted(timedelta(days=-4)), tenant_scope(first):
        item = services.create_item({**ANSWER, "request_id": request_id}, writer)
        services.move_item(item, "send_for_approval", writer)
        services.move_item(item, "approve", leader)

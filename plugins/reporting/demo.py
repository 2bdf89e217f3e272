"""Demo data of 组工信息报送, for the embedded mode's first start and the isolation suite.

Every tenant gets a draft. A tenant whose parent takes reports also gets an item in every
state: awaiting its leader, waiting in the parent's inbox, returned with a comment,
declined, adopted, and — where the grandparent takes reports too — adopted, forwarded
and adopted again above, with a leader's instruction; plus an incident sent up late.
Tenants are visited parents first, so the upper levels exist when a county's story runs;
the decisions are made in the deciding tenant's scope, as its editor would make them. The
last child's run also makes its parent's part (:mod:`.demo_levels`): an issue, a 约稿 and
a published ranking.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core import clock
from core.auth.models import Membership, MembershipRole, Role, User
from core.auth.users import Actor, system_actor
from core.db import db
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.reporting import services
from plugins.reporting.commissions.services import reporting_children
from plugins.reporting.demo_levels import create_level_demo, create_own_demo, create_priorities
from plugins.reporting.levels import reporting_parent
from plugins.reporting.models import ReportItem, Submission
from plugins.reporting.permissions import PERMISSIONS
from plugins.reporting.priorities.queries import offered

ALL = frozenset(p.key for p in PERMISSIONS)
#: The story's items tagged with the parent's first 信息要点.
TAGGED = ("inbox", "adopted", "forwarded")
PEN = {"pen_name": "张明", "pen_phone": "0571-88880000"}


def _item(title: str, body: str, category: str = "practice", doc_type: str = "brief") -> dict:
    return {"title": title, "body": body, "category": category, "doc_type": doc_type, **PEN}


DRAFT = _item(
    "推行“党员积分制”管理激发党员队伍活力",
    "今年以来，我们在辖区推行党员积分制管理，按月登记、按季公示、按年评定。\n\n"
    "积分结果与评先评优挂钩，党员参与组织生活的积极性明显提高。",
)
STORY = {
    "awaiting": _item(
        "“红色代办”服务队打通服务群众最后一公里",
        "组建由机关党员组成的“红色代办”服务队，为群众代办事项一千二百余件。",
        "news",
    ),
    "inbox": _item(
        "村级后备干部“墩苗”计划成效初显",
        "选派八十名村级后备干部到乡镇站所跟班学习，已有十二人进入村“两委”班子。",
    ),
    "returned": _item(
        "关于部分村级组织活动场所利用率不高的调查",
        "调研发现，部分村级组织活动场所平时使用率不高。\n\n建议统筹用好场所资源。",
        "problem",
        "special",
    ),
    "declined": _item(
        "组织部机关开展读书分享会",
        "部机关开展读书分享会，二十余名党员干部参加。",
        "news",
    ),
    "adopted": _item(
        "“导师帮带制”助力年轻干部成长",
        "为每名新录用公务员配备一名导师，实行一对一帮带，帮带期一年。",
    ),
    "forwarded": _item(
        "探索“党建联盟”推动区域协同发展",
        "以产业链为纽带组建“党建联盟”十二个，联合实施项目三十余个。\n\n"
        "联盟成员单位共享阵地、共育人才、共谋发展，带动集体经济增收。",
        "practice",
        "special",
    ),
}
INCIDENT = _item(
    "某镇一在建厂房发生火情已妥善处置",
    "今日凌晨一在建厂房发生火情，镇党委第一时间组织党员突击队协助处置，无人员伤亡。",
    "incident",
    "urgent",
)


def _actor(tenant_id: int, role: str) -> Actor:
    """A member of the tenant holding ``role`` (the demo logins), or the system."""
    with tenant_scope(tenant_id):
        user = db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .join(Role, Role.id == MembershipRole.role_id)
            .where(Role.key == role, Membership.is_active)
            .order_by(Membership.id)
            .limit(1)
        )
    return Actor(user=user, permissions=ALL) if user is not None else system_actor()


def create_demo_data(tenant: Tenant) -> None:
    if db.session.scalar(select(ReportItem.id).limit(1)) is not None:
        return  # already there: demo data is created once
    writer = _actor(tenant.id, "info_officer")
    create_priorities(_actor(tenant.id, "info_leader"))
    services.create_item(DRAFT, writer)
    if not reporting_children(tenant.id):
        create_own_demo(tenant, _actor(tenant.id, "info_leader"))
    parent = reporting_parent(tenant.id)
    if parent is None:
        return
    _story(tenant, parent, writer, _actor(tenant.id, "info_leader"))
    children = reporting_children(parent.id)
    if children and children[-1] == tenant.id:  # the last child: the level's part now
        create_level_demo(parent, children, _actor)


def _story(tenant: Tenant, parent: Tenant, writer: Actor, leader: Actor) -> None:
    tags = {"priority_ids": [p["id"] for p in offered(clock.today().year)[:1]]}
    made = {
        name: services.create_item({**data, **(tags if name in TAGGED else {})}, writer)
        for name, data in STORY.items()
    }
    for name, item in made.items():
        services.move_item(item, "send_for_approval", writer)
        if name != "awaiting":
            services.move_item(item, "approve", leader)
    editor = _actor(parent.id, "info_leader")
    _decide(parent, made["returned"], "return", editor, "请补充调研样本数量和具体建议。")
    _decide(parent, made["declined"], "decline", editor)
    _decide(parent, made["adopted"], "adopt", editor)
    _decide(parent, made["forwarded"], "adopt", editor)
    above = reporting_parent(parent.id)
    if above is not None:
        _decide(parent, made["forwarded"], "forward", editor)
        _forwarded_and_instructed(made["forwarded"], above)
    _late_incident(writer, leader)


def _decide(level: Tenant, item: ReportItem, move: str, actor: Actor, comment: Any = None) -> None:
    """The level's decision on the item's submission to it."""
    submission = next(s for s in _submissions(item) if s.receiver_tenant_id == level.id)
    with tenant_scope(level.id):
        services.decide(submission, move, actor, comment=comment)


def _submissions(item: ReportItem) -> list[Submission]:
    with tenant_scope(item.tenant_id):
        return list(db.session.scalars(select(Submission).where(Submission.item_id == item.id)))


def _forwarded_and_instructed(item: ReportItem, above: Tenant) -> None:
    """The upper level adopts what was forwarded to it, and its leader writes on it."""
    editor = _actor(above.id, "info_leader")
    _decide(above, item, "adopt", editor)
    with tenant_scope(above.id):
        services.record_instruction(
            item,
            {
                "leader_name": "王省长" if above.kind == "province_org_dept" else "王部长",
                "leader_level": "province" if above.kind == "province_org_dept" else "city",
                "text": "“党建联盟”的做法很好，请省委组织部总结推广。",
                "instructed_on": clock.today(),
            },
            editor,
        )


def _late_incident(writer: Actor, leader: Actor) -> None:
    """An incident that happened eleven hours ago, sent up now: past the six hours (迟报)."""
    occurred = clock.now() - timedelta(hours=11)
    item = services.create_item({**INCIDENT, "occurred_at": occurred}, writer)
    services.move_item(item, "send_for_approval", writer)
    services.move_item(item, "approve", leader)

"""Demo items for the embedded mode's first start (and for the isolation suite, which
needs one of every object that has an id in a URL: items, milestones, extensions,
reminders, reports and accountability records).

Each tenant gets items of its own, dated relative to today, and each step is taken by
the demo user whose role takes it: the 督查专员 opens and assigns, the 责任人 (a clerk
holding ``task_owner``) acknowledges and reports, the 责任领导 decides an extension —
so the demo shows who does what. A tenant without such users falls back to its first
member for every part.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.auth.models import Membership, MembershipRole, Role, User
from core.auth.users import Actor, system_actor
from core.db import db
from core.orgs.models import OrgUnit
from core.tenancy.models import Tenant
from plugins.supervision.jobs import scan
from plugins.supervision.models import SupervisionItem
from plugins.supervision.permissions import PERMISSIONS
from plugins.supervision.services import followup, items
from plugins.supervision.workflow import ITEM_FLOW

ALL = frozenset(p.key for p in PERMISSIONS)
#: Who plays each part, by role key, in order of preference.
PARTS = {
    "supervisor": ("supervisor",),
    "person": ("task_owner",),
    "leader": ("supervision_leader",),
}


def create_demo_data(tenant: Tenant) -> None:
    if db.session.scalar(select(SupervisionItem.id).limit(1)) is not None:
        return  # already there: demo data is created once
    cast = _cast()
    section = _section()
    if tenant.kind == "city_org_dept":
        _city_items(cast, section)
    else:
        _county_items(cast, section)
    db.session.flush()
    scan()


def _cast() -> dict[str, Actor]:
    first = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.is_active)
        .order_by(Membership.id)
        .limit(1)
    )
    cast = {}
    for part, role_keys in PARTS.items():
        user = _holder(role_keys) or first
        cast[part] = Actor(user=user, permissions=ALL) if user else system_actor()
    return cast


def _holder(role_keys: tuple[str, ...]) -> User | None:
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .join(Role, Role.id == MembershipRole.role_id)
        .where(Membership.is_active, Role.key.in_(role_keys))
        .order_by(Membership.id)
        .limit(1)
    )


def _section() -> OrgUnit:
    section = db.session.scalar(
        select(OrgUnit).where(OrgUnit.kind == "section").order_by(OrgUnit.id).limit(1)
    )
    if section is None:
        section = OrgUnit(name="组织科", kind="section", code="DEMO-DC")
        db.session.add(section)
        db.session.flush()
    return section


def _opener(cast: dict[str, Actor], section: OrgUnit):
    today = clock.today()
    common = {
        "leader_user_id": cast["leader"].user_id,
        "person_user_id": cast["person"].user_id,
        "section_id": section.id,
    }

    def item(title, source, days, **extra):
        return items.open_item(
            {**common, "title": title, "source": source, "deadline": today + timedelta(days=days)}
            | extra,
            cast["supervisor"],
        )

    return item


def _county_items(cast: dict[str, Actor], section: OrgUnit) -> None:
    boss, person, leader = cast["supervisor"], cast["person"], cast["leader"]
    today = clock.today()
    item = _opener(cast, section)
    plan = item(
        "基层党组织标准化规范化建设",
        "priorities",
        60,
        source_ref=f"{today.year}年全县组织工作要点第3条",
        requirements="年底前所有村级党组织达到标准化要求",
        feedback_cycle="monthly",
        priority="high",
    )
    items.replace_milestones(plan, [("制定方案", 5), ("组织自查", 15), ("验收评估", 10)], boss)
    child = item("完成村级党组织达标验收", "priorities", 30, parent_id=plan.id)
    meeting = item(
        "干部教育培训年度计划",
        "meeting",
        -3,
        source_ref=f"部务会纪要〔{today.year}〕5号",
        feedback_cycle="weekly",
    )
    instruction = item("关于加强流动党员管理的批示", "instruction", 10, priority="urgent")
    review = item("党员发展工作专项检查整改", "upper", 20)
    item("人大代表建议第12号答复", "proposal", 45)  # 已立项, not yet assigned
    if cast["person"].user_id is None:
        return
    for record in (plan, child, meeting, instruction, review):
        ITEM_FLOW.fire(record, "assign", boss)
    for record in (plan, meeting, instruction, review):
        ITEM_FLOW.fire(record, "acknowledge", person)
        ITEM_FLOW.fire(record, "report", person, data={"text": "已部署推进", "percent": 40})
    followup.request_extension(meeting, today + timedelta(days=20), "培训场地调整", person)
    followup.remind(meeting, "请抓紧推进，本周内报送进展", boss)
    followup.add_accountability(
        meeting, {"kind": "notice", "subject": "干部科", "reason": "逾期未完成"}, boss
    )
    ITEM_FLOW.fire(review, "request_completion", person)  # waits on the 督查专员
    ITEM_FLOW.fire(instruction, "request_completion", person)
    ITEM_FLOW.fire(instruction, "verify", boss)
    ITEM_FLOW.fire(instruction, "rate", boss, data={"rating": "excellent"})
    if leader.user_id != person.user_id:
        plan_ext = followup.request_extension(plan, today + timedelta(days=75), "验收推迟", person)
        followup.decide_extension(plan, plan_ext.id, True, "同意", leader)


def _city_items(cast: dict[str, Actor], section: OrgUnit) -> None:
    boss, person = cast["supervisor"], cast["person"]
    item = _opener(cast, section)
    plan = item("全市组织工作要点任务分解落实", "priorities", 40, priority="high")
    rectify = item("市委巡察反馈问题整改", "committee_office", -2, feedback_cycle="weekly")
    item("市级机关党建述职评议筹备", "meeting", 25)
    if person.user_id is None:
        return
    for record in (plan, rectify):
        ITEM_FLOW.fire(record, "assign", boss)
        ITEM_FLOW.fire(record, "acknowledge", person)
    ITEM_FLOW.fire(rectify, "report", person, data={"text": "已完成8项，余2项", "percent": 80})

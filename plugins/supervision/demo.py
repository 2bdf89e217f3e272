"""Demo items for the embedded mode's first start (and for the isolation suite, which
needs one of every object that has an id in a URL: items, milestones, extensions,
reminders, reports and accountability records)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.auth.models import Membership, User
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


def create_demo_data(tenant: Tenant) -> None:
    if db.session.scalar(select(SupervisionItem.id).limit(1)) is not None:
        return  # already there: demo data is created once
    user = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.is_active)
        .order_by(Membership.id)
        .limit(1)
    )
    section = db.session.scalar(
        select(OrgUnit).where(OrgUnit.kind == "section").order_by(OrgUnit.id).limit(1)
    )
    if section is None:
        section = OrgUnit(name="组织科", kind="section", code="DEMO-DC")
        db.session.add(section)
        db.session.flush()
    today = clock.today()
    actor = Actor(user=user, permissions=ALL) if user else system_actor()
    uid = user.id if user else None
    common = {"leader_user_id": uid, "person_user_id": uid, "section_id": section.id}

    def item(title, source, days, **extra):
        return items.open_item(
            {
                **common,
                "title": title,
                "source": source,
                "deadline": today + timedelta(days=days),
                **extra,
            },
            actor,
        )

    plan = item(
        "基层党组织标准化规范化建设",
        "priorities",
        60,
        source_ref="2026年全县组织工作要点第3条",
        requirements="年底前所有村级党组织达到标准化要求",
        feedback_cycle="monthly",
        priority="high",
    )
    items.replace_milestones(plan, [("制定方案", 5), ("组织自查", 15), ("验收评估", 10)], actor)
    child = item("完成村级党组织达标验收", "priorities", 30, parent_id=plan.id)
    meeting = item(
        "干部教育培训年度计划",
        "meeting",
        -3,
        source_ref="部务会纪要〔2026〕5号",
        feedback_cycle="weekly",
    )
    instruction = item("关于加强流动党员管理的批示", "instruction", 10, priority="urgent")
    item("人大代表建议第12号答复", "proposal", 45)
    if user is None:
        db.session.flush()
        return
    for record in (plan, child, meeting, instruction):
        ITEM_FLOW.fire(record, "assign", actor)
    for record in (plan, meeting, instruction):
        ITEM_FLOW.fire(record, "acknowledge", actor)
        ITEM_FLOW.fire(record, "report", actor, data={"text": "已部署推进", "percent": 40})
    followup.request_extension(meeting, today + timedelta(days=20), "培训场地调整", actor)
    followup.remind(meeting, "请抓紧推进，本周内报送进展", actor)
    followup.add_accountability(
        meeting, {"kind": "notice", "subject": "干部科", "reason": "逾期未完成"}, actor
    )
    ITEM_FLOW.fire(instruction, "request_completion", actor)
    ITEM_FLOW.fire(instruction, "verify", actor)
    ITEM_FLOW.fire(instruction, "rate", actor, data={"rating": "excellent"})
    db.session.flush()
    scan()

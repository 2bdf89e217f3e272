"""Demo petitions for the embedded mode's first start and for the isolation suite (which
probes every route with the ids found here): one in each kind of situation — a request
being screened, a report whose reporter's identity is secret (in handling, with a
declared conflict), an anonymous letter filed for reference, a collective visit, and
one closed and rated.

The ID numbers are valid in form but belong to nobody (invented sequence codes)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core import clock
from core.auth.models import Membership
from core.auth.users import system_actor
from core.calendar import add_months
from core.db import db
from core.orgs import id_numbers
from core.tenancy.models import Tenant
from plugins.petitions.models import (
    LongtermPetitioner,
    Petition,
    PetitionCategory,
    PetitionConflict,
)
from plugins.petitions.services.categories import seed_defaults
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW


def _category(name: str) -> int | None:
    return db.session.scalar(select(PetitionCategory.id).where(PetitionCategory.name == name))


def _id_number(tenant: Tenant, born: date, sequence: int) -> str:
    region = (tenant.locality_code or "330122")[:6].ljust(6, "0")
    return id_numbers.make(region, born, sequence)


def create_demo_data(tenant: Tenant) -> None:
    if db.session.scalar(select(Petition.id).limit(1)) is not None:
        return  # demo data once
    seed_defaults()
    actor = system_actor()
    today = clock.today()
    handler = db.session.scalar(
        select(Membership.user_id).where(Membership.is_active).order_by(Membership.id).limit(1)
    )

    # 1. A retired cadre's request by letter, being screened.
    screening = register(
        {
            "received_on": today - timedelta(days=3),
            "channel": "letter",
            "kind": "request",
            "category_id": _category("离退休干部生活待遇"),
            "summary": "反映离休干部生活补贴未按规定调整",
            "details": "来信称自 2025 年起生活补贴未随政策调整，请求核查。",
        },
        [
            {
                "name": "王振华",
                "id_number": _id_number(tenant, date(1941, 5, 2), 31),
                "phone": "13900000001",
                "address": "城关镇解放路 12 号",
            }
        ],
        [],
        actor,
    )
    PETITION_FLOW.fire(screening, "screen", actor)

    # 2. A 12380 report on canvassing: the reporter's identity is secret.
    report = register(
        {
            "received_on": today - timedelta(days=10),
            "channel": "online",
            "is_12380": True,
            "kind": "report",
            "category_id": _category("拉票贿选"),
            "summary": "举报某乡镇换届中存在拉票行为",
            "urgency": "urgent",
        },
        [
            {
                "name": "陈明",
                "id_number": _id_number(tenant, date(1980, 9, 17), 53),
                "phone": "13700000002",
                "address": "新城街道幸福小区 3 幢",
            }
        ],
        [{"name": "赵某某", "unit": "某乡镇党委", "post": "副书记", "cadre_rank": "乡科级"}],
        actor,
    )
    PETITION_FLOW.fire(report, "accept", actor, comment="属本部门职责范围")
    if handler is not None:
        PETITION_FLOW.fire(report, "assign_handler", actor, data={"handler_user_id": handler})

    # 3. An anonymous letter with nothing checkable: filed for reference.
    anonymous = register(
        {
            "received_on": today - timedelta(days=20),
            "channel": "letter",
            "kind": "report",
            "is_anonymous": True,
            "category_id": _category("不作为、慢作为"),
            "summary": "匿名反映某单位干部上班时间经常不在岗",
        },
        [],
        [{"name": "某单位干部"}],
        actor,
    )
    PETITION_FLOW.fire(anonymous, "file", actor, comment="匿名且无具体可查线索，存查")

    # 4. A collective visit (6 people, 3 representatives) about village elections.
    people = [
        {"name": name, "phone": f"1360000000{i}", "is_representative": i < 3}
        for i, name in enumerate(["刘大山", "刘二河", "张桂英", "李文", "周平", "吴海"])
    ]
    collective = register(
        {
            "received_on": today - timedelta(days=5),
            "channel": "visit",
            "kind": "suggestion",
            "category_id": _category("村（社区）“两委”换届"),
            "summary": "村民集体反映村委会换届选举程序问题",
            "people_count": 6,
            "is_bypassed_level": True,
        },
        people,
        [],
        actor,
    )
    PETITION_FLOW.fire(collective, "accept", actor)

    # 5. An enquiry answered and rated.
    closed = register(
        {
            "received_on": today - timedelta(days=40),
            "channel": "phone",
            "kind": "enquiry",
            "category_id": _category("组织关系转接"),
            "summary": "咨询流动党员组织关系转接手续",
        },
        [{"name": "孙丽", "phone": "13500000005"}],
        [],
        actor,
    )
    PETITION_FLOW.fire(closed, "accept", actor)
    if handler is not None:  # handling needs a handler: a tenant without users stops here
        PETITION_FLOW.fire(closed, "assign_handler", actor, data={"handler_user_id": handler})
        PETITION_FLOW.fire(
            closed,
            "draft",
            actor,
            data={"outcome": "explain", "basis": "依据《中国共产党党员教育管理工作条例》答复。"},
        )
        PETITION_FLOW.fire(closed, "approve", actor)
        PETITION_FLOW.fire(
            closed, "close", actor, data={"reply_text": "已电话告知转接所需材料和办理流程。"}
        )
        PETITION_FLOW.fire(closed, "rate", actor, data={"satisfaction": "satisfied"})

    # A declared conflict, so the conflict routes have a row to probe.
    if handler is not None:
        db.session.add(
            PetitionConflict(petition_id=screening.id, user_id=handler, reason="与信访人系亲属")
        )
    db.session.flush()
    _longterm_demo(today)


def _longterm_demo(today: date) -> None:
    """The retired cadre of petition 1 as a long-term petitioner, a review falling due."""
    db.session.add(
        LongtermPetitioner(
            key_type="phone",
            key_value="13900000001",
            name="王振华",
            reason="frequent",
            petition_count=6,
            first_received_on=add_months(today, -11),
            last_received_on=today - timedelta(days=3),
            flagged_on=add_months(today, -3),
            review_months=3,
            next_review_on=today + timedelta(days=2),
            light="yellow",
            is_active=True,
        )
    )
    db.session.flush()

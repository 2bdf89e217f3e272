"""Demo data: a draft item in each tenant that enables reporting (the full demo — items in
every state, a forwarded one with a leader's instruction, a bulletin — is still to come)."""

from __future__ import annotations

from core.auth.users import system_actor
from core.tenancy.models import Tenant
from plugins.reporting import services

DRAFT = {
    "title": "推行“党员积分制”管理激发党员队伍活力",
    "body": "今年以来，我们在辖区推行党员积分制管理，按月登记、按季公示、按年评定。\n\n"
    "积分结果与评先评优挂钩，党员参与组织生活的积极性明显提高。",
    "category": "practice",
    "doc_type": "brief",
    "pen_name": "张明",
    "pen_phone": "0571-88880000",
}


def create_demo_data(tenant: Tenant) -> None:
    services.create_item(DRAFT, system_actor())

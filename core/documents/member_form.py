"""Core's own document: 党员信息登记表, a member's registration form from the registry.

The values are the texts printed on paper (Chinese labels, dates as 1980年5月6日, blank
when unknown), so a tenant's replacement template needs no filters to look right.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from core import clock
from core.orgs.models import GENDERS, MEMBER_STATUSES, Member
from core.plugins.manager import CORE
from core.plugins.settings import resolved_settings
from core.plugins.types import DocumentTemplateDef
from core.tenancy.models import Tenant

NAME = "core.member_registration"
DEFAULTS = Path(__file__).parent / "defaults"

SAMPLE_CONTEXT: dict[str, str] = {
    "name": "张三",
    "gender": "男",
    "birth_date": "1980年5月6日",
    "id_number": "330***********1234",
    "phone": "13800138000",
    "branch": "机关第一党支部",
    "joined_on": "2005年7月1日",
    "status": "正式党员",
    "unit_full_name": "中共××县委组织部",
    "tenant_name": "××县委组织部",
    "printed_on": "2025年1月2日",
}

DEFINITION = DocumentTemplateDef(
    name=NAME,
    title=_l("党员信息登记表"),
    default_path=DEFAULTS / "member_registration.docx",
    sample_context=SAMPLE_CONTEXT,
)


def chinese_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def unit_full_name(tenant: Tenant) -> str:
    """The signature line of formal documents (core setting), else the tenant's name."""
    return resolved_settings(tenant, CORE).get("unit_full_name") or tenant.name


def context(member: Member, tenant: Tenant, *, full_identity: bool) -> dict[str, Any]:
    """Every key of :data:`SAMPLE_CONTEXT`, for ``member``; the ID number masked unless
    ``full_identity`` (the caller holds core.view_identity and audits the view)."""
    number = member.id_number if full_identity else member.masked_id_number
    return {
        "name": member.name,
        "gender": GENDERS.get(member.gender, member.gender),
        "birth_date": chinese_date(member.birth_date),
        "id_number": number or "",
        "phone": member.phone or "",
        "branch": member.branch.name if member.branch else "",
        "joined_on": chinese_date(member.joined_on),
        "status": MEMBER_STATUSES.get(member.status, member.status),
        "unit_full_name": unit_full_name(tenant),
        "tenant_name": tenant.name,
        "printed_on": chinese_date(clock.today()),
    }


def filename(member: Member) -> str:
    return f"党员信息登记表_{member.name}.docx"

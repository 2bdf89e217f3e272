"""信访登记表（阅批单）: the registration sheet a clerk prints for the leader, who writes
the proposed handling (拟办意见) and the instruction (领导批示) on paper.

The petitioners appear as on the ledger: a reporter's (检举控告) name and contacts only
for a holder of petitions.view_identity, and printing them is audited like viewing them.
Served by core's record-form route (``core.documents.views.record_form``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.db import db
from core.documents.member_form import chinese_date, unit_full_name
from core.orgs.models import OrgUnit
from core.plugins.types import DocumentTemplateDef
from core.tenancy.models import Tenant
from plugins.petitions import confidentiality
from plugins.petitions.models import CHANNELS, KINDS, URGENCIES
from plugins.petitions.permissions import VIEW
from plugins.petitions.queries import categories
from plugins.petitions.queries.petitions import petition_or_404

NAME = "petitions.registration_form"

SAMPLE: dict[str, Any] = {
    "serial": "XF-2026-000012",
    "received_on": "2026年3月2日",
    "channel": "来信",
    "kind": "申诉",
    "urgency": "一般",
    "category": "组织工作 / 干部选拔任用",
    "petitioners": "王某某",
    "contacts": "13900000001",
    "people_count": 1,
    "summary": "反映某村党支部换届选举程序不规范",
    "details": "信中称……",
    "handler": "组织科",
    "accept_due": "2026年3月17日",
    "blank": "",
    "unit_full_name": "中共××县委组织部",
    "printed_on": "2026年3月2日",
}


def _title(table: dict[str, str], key: str | None) -> str:
    return _(table[key]) if key in table else ""


def context(petition_id: int) -> dict[str, Any]:
    """Every key of :data:`SAMPLE` for one petition."""
    petition = petition_or_404(petition_id)
    full = confidentiality.may_view_identity()
    if full and confidentiality.has_identity(petition):
        confidentiality.reveal(petition, "document.registration_form")
    handler = (
        db.session.get(OrgUnit, petition.handler_unit_id) if petition.handler_unit_id else None
    )
    return {
        "serial": petition.serial,
        "received_on": chinese_date(petition.received_on),
        "channel": _title(CHANNELS, petition.channel),
        "kind": _title(KINDS, petition.kind),
        "urgency": _title(URGENCIES, petition.urgency),
        "category": categories.path_title(categories.find_category(petition.category_id)),
        "petitioners": confidentiality.ledger_names(petition, full=full),
        "contacts": confidentiality.ledger_contacts(petition, full=full),
        "people_count": petition.people_count,
        "summary": petition.summary,
        "details": petition.details or "",
        "handler": handler.name if handler else "",
        "accept_due": chinese_date(petition.accept_due),
        "blank": "",  # 拟办意见 and 领导批示: written by hand
        "unit_full_name": unit_full_name(db.session.get(Tenant, petition.tenant_id)),
        "printed_on": chinese_date(clock.today()),
    }


DEFINITION = DocumentTemplateDef(
    name=NAME,
    title=_l("信访登记表（阅批单）"),
    default_path=Path(__file__).parent.parent / "defaults" / "registration_form.docx",
    sample_context=SAMPLE,
    record_permission=VIEW,
    record_context=context,
)

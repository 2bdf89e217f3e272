"""Visit campaigns (走访慰问)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from core.i18n import N_
from core.workflow import Transition, Workflow
from plugins.assistance.models import Campaign
from plugins.assistance.permissions import APPROVE, REGISTER
from plugins.assistance.queries import records
from plugins.assistance.services import moves

if TYPE_CHECKING:
    from core.auth.users import Actor


# -- Visit campaigns ----------------------------------------------------------------------

CAMPAIGN_STATES = {"draft": N_("筹备中"), "approved": N_("已审批"), "closed": N_("已结束")}


def _has_targets(campaign: Campaign, _actor: Actor, _data) -> str | None:
    if not records.target_count(campaign):
        return _("尚未选定走访对象")
    return None


def _undelivered_confirmed(
    campaign: Campaign, _actor: Actor, data: Mapping[str, Any]
) -> str | None:
    waiting = records.campaign_totals(campaign)["undelivered"]
    if waiting and not data.get("confirm_undelivered"):
        return _("尚有 %(n)s 户未送达，确认后才能结束活动", n=waiting)
    return None


CAMPAIGN_FLOW = Workflow(
    "assistance_campaign",
    states=CAMPAIGN_STATES,
    initial="draft",
    transitions=[
        Transition(
            "approve",
            ("draft",),
            "approved",
            N_("审批"),
            permission=APPROVE,
            guards=(_has_targets,),
            effects=(moves.approve_campaign,),
        ),
        Transition(
            "close",
            ("approved",),
            "closed",
            N_("结束"),
            permission=REGISTER,
            guards=(_undelivered_confirmed,),
        ),
    ],
)

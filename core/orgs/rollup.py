"""党员和组织 in the 汇总: the member registry and the branches of each tenant, as they
stand now (the registry is a state, not a flow), plus members who joined in the period."""

from __future__ import annotations

from core.i18n import N_
from core.orgs.models import UNIT_KINDS, VETERAN_BEFORE, Member, OrgUnit
from core.rollup.sql import Spec, asked, by_value, count_if, figure_sets
from core.rollup.types import FigureSet, Period, Rate

#: Party organisations only: internal sections (科室) are no 基层组织.
UNIT_TITLES = {k: t for k, t in UNIT_KINDS.items() if k != "section"}


def figures(tenant_ids: tuple[int, ...], period: Period) -> list[FigureSet]:
    m = Member
    members = Spec(
        "members",
        N_("党员队伍"),
        {
            "total": (N_("党员总数"), count_if(m.id.is_not(None))),
            "formal": (N_("正式党员"), count_if(m.status == "formal")),
            "probationary": (N_("预备党员"), count_if(m.status == "probationary")),
            "veterans": (N_("建国前老党员"), count_if(m.joined_on < VETERAN_BEFORE)),
            "retired": (N_("离退休"), count_if(m.is_retired)),
            "unemployed": (N_("下岗失业"), count_if(m.is_unemployed)),
            "floating": (N_("流动党员"), count_if(m.is_floating)),
            "joined": (
                N_("本期新入党"),
                count_if((m.joined_on >= period.start) & (m.joined_on <= period.end)),
            ),
        },
        rates=(Rate("floating_rate", N_("流动党员占比"), ("floating",), ("total",)),),
    )
    units = Spec("org_units", N_("基层组织"), by_value(OrgUnit.kind, UNIT_TITLES))
    return [
        *figure_sets(m.tenant_id, (asked(m.tenant_id, tenant_ids), m.is_active), [members]),
        *figure_sets(
            OrgUnit.tenant_id, (asked(OrgUnit.tenant_id, tenant_ids), OrgUnit.is_active), [units]
        ),
    ]

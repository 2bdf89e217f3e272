"""The pages of pairing (结对帮扶) and visit campaigns (走访慰问): the lists with their
forms, the pairing log, a campaign with its roster and deliveries, the roster export."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, url_for
from flask_babel import gettext as _

from core.exports import download_response
from core.forms import as_typed, load_form
from core.money import yuan
from core.routing import require_permission
from plugins.assistance import documents
from plugins.assistance.models import Campaign, Pairing
from plugins.assistance.permissions import REGISTER, VIEW
from plugins.assistance.presenters import campaign_detail, history_rows
from plugins.assistance.queries import records
from plugins.assistance.queries.reports import roster_rows
from plugins.assistance.schemas.forms import CampaignForm, PairingLogForm, form_of
from plugins.assistance.schemas.visits import DeliveryIn, PairingIn
from plugins.assistance.services import visits
from plugins.assistance.views.blueprint import act, attempt, bp, form_page, loaded
from plugins.assistance.workflow import CAMPAIGN_FLOW

# -- Pairing ------------------------------------------------------------------------------


def _pairings_context() -> dict[str, Any]:
    rows = records.latest(Pairing)
    return {
        "pairings": rows,
        "logs": records.pairing_logs(rows),
        "options": records.register_options(),
        "names": {p.id: records.member_name(p.record_id) for p in rows},
    }


@bp.get("/pairings")
def pairings():
    require_permission(VIEW)
    return form_page("assistance/pairings.html", _pairings_context, {}, {})


@bp.post("/pairings")
def new_pairing():
    require_permission(REGISTER)
    schema = form_of(PairingIn)
    data, errors = load_form(schema)
    if not errors:
        pairing, errors = attempt(lambda: visits.create_pairing(data, g.actor))
        if pairing is not None:
            name = records.member_name(pairing.record_id)
            message = _("已建立结对：%(cadre)s 帮扶 %(name)s", cadre=pairing.cadre_name, name=name)
            return act(lambda: message, url_for(".pairings"))
    return form_page("assistance/pairings.html", _pairings_context, as_typed(schema), errors)


@bp.post("/pairings/<int:pairing_id>/logs")
def pairing_log(pairing_id: int):
    row = records.pairing_or_404(pairing_id)

    def log() -> str:
        entry = visits.log_pairing(row, loaded(PairingLogForm()), g.actor)
        if entry.amount_fen:
            return _("已记录帮扶，发放 %(amount)s 元", amount=yuan(entry.amount_fen))
        return _("已记录走访帮扶。")

    return act(log, url_for(".pairings"))


# -- Campaigns ----------------------------------------------------------------------------


def _campaigns_context() -> dict[str, Any]:
    return {"campaigns": records.latest(Campaign, 100), "states": CAMPAIGN_FLOW.states}


@bp.get("/campaigns")
def campaigns():
    require_permission(VIEW)
    form = {"levels": ["general", "relatively", "special"]}
    return form_page("assistance/campaigns.html", _campaigns_context, form, {})


@bp.post("/campaigns")
def new_campaign():
    require_permission(REGISTER)
    schema = CampaignForm()
    data, errors = load_form(schema)
    if not errors:
        campaign, errors = attempt(lambda: visits.create_campaign(data, g.actor))
        if campaign is not None:
            n = len(records.targets(campaign))
            message = _("已新建走访慰问活动，选定对象 %(n)s 户。", n=n)
            return act(lambda: message, url_for(".campaign", campaign_id=campaign.id))
    form = as_typed(schema)
    return form_page("assistance/campaigns.html", _campaigns_context, form, _by_input(errors))


def _by_input(errors: dict[str, Any]) -> dict[str, Any]:
    """A level's amount error beside that level's input (``amount_<level>``)."""
    amounts = errors.get("amounts_fen")
    if not isinstance(amounts, dict):
        return errors
    out = {k: v for k, v in errors.items() if k != "amounts_fen"}
    for level, found in amounts.items():
        out[f"amount_{level}"] = found.get("value", found) if isinstance(found, dict) else found
    return out


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    require_permission(VIEW)
    row = records.campaign_or_404(campaign_id)
    ready = {t.name for t in CAMPAIGN_FLOW.available(row, g.actor, {"confirm_undelivered": True})}
    return render_template(
        "assistance/campaign.html",
        campaign=row,
        detail=campaign_detail(row),
        roster=roster_rows(row),
        actions=[t for t in CAMPAIGN_FLOW.transitions if t.name in ready],
        history=history_rows(CAMPAIGN_FLOW, row),
    )


@bp.post("/campaign-targets/<int:target_id>/delivery")
def deliver(target_id: int):
    target = records.target_or_404(target_id)

    def give() -> str:
        visits.deliver(target, loaded(form_of(DeliveryIn))["signed_by"], g.actor)
        return _(
            "已送达 %(amount)s 元，签收人 %(name)s",
            amount=yuan(target.amount_fen),
            name=target.signed_by,
        )

    return act(give, url_for(".campaign", campaign_id=target.campaign_id))


@bp.get("/campaigns/<int:campaign_id>/roster.xlsx")
def roster_xlsx(campaign_id: int):
    require_permission(VIEW)
    row = records.campaign_or_404(campaign_id)
    return download_response(documents.roster_xlsx(row), f"慰问名单_{row.name}.xlsx", "xlsx")

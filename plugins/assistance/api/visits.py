"""The routes of pairing and visit campaigns: pairings and their log, campaigns with
their roster, deliveries (paid through the fund)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.api.pagination import CursorQuery
from core.api.routes import api_route
from core.auth.users import current_actor
from plugins.assistance.api.blueprint import bp, page_of
from plugins.assistance.models import Campaign, Pairing
from plugins.assistance.permissions import PAY, REGISTER, VIEW
from plugins.assistance.presenters import campaign_detail
from plugins.assistance.queries import records
from plugins.assistance.schemas.visits import (
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    DeliveryIn,
    PairingIn,
    PairingLogIn,
    PairingLogOut,
    PairingOut,
)
from plugins.assistance.services import visits


@api_route(
    bp,
    "/pairings",
    summary="结对帮扶列表",
    query=CursorQuery,
    response=PairingOut,
    paginated=True,
    permission=VIEW,
)
def list_pairings(query: dict[str, Any]):
    return page_of(select(Pairing), Pairing.id, query)


@api_route(
    bp,
    "/pairings",
    methods=["POST"],
    summary="建立结对",
    body=PairingIn,
    response=PairingOut,
    status=201,
    permission=REGISTER,
)
def create_pairing(body: dict[str, Any]):
    return visits.create_pairing(body, current_actor())


@api_route(
    bp,
    "/pairings/<int:pairing_id>/logs",
    methods=["POST"],
    summary="记录走访和帮扶（送钱的经基金记账）",
    body=PairingLogIn,
    response=PairingLogOut,
    status=201,
    permission=REGISTER,
)
def pairing_log(pairing_id: int, body: dict[str, Any]):
    return visits.log_pairing(records.pairing_or_404(pairing_id), body, current_actor())


# -- Campaigns ------------------------------------------------------------------------------


@api_route(
    bp,
    "/campaigns",
    summary="走访慰问活动",
    query=CursorQuery,
    response=CampaignOut,
    paginated=True,
    permission=VIEW,
)
def list_campaigns(query: dict[str, Any]):
    return page_of(select(Campaign), Campaign.id, query)


@api_route(
    bp,
    "/campaigns",
    methods=["POST"],
    summary="新建走访慰问活动（按困难程度、类别从台账选定对象，按程度定额）",
    body=CampaignIn,
    response=CampaignDetailOut,
    status=201,
    permission=REGISTER,
)
def create_campaign(body: dict[str, Any]):
    return campaign_detail(visits.create_campaign(body, current_actor()))


@api_route(
    bp,
    "/campaigns/<int:campaign_id>",
    summary="活动详情、名单与合计",
    response=CampaignDetailOut,
    permission=VIEW,
)
def get_campaign(campaign_id: int):
    return campaign_detail(records.campaign_or_404(campaign_id))


@api_route(
    bp,
    "/campaign-targets/<int:target_id>/delivery",
    methods=["POST"],
    summary="登记送达与签收（经基金记账）",
    body=DeliveryIn,
    response=CampaignDetailOut,
    permission=PAY,
)
def deliver(target_id: int, body: dict[str, Any]):
    target = records.target_or_404(target_id)
    visits.deliver(target, body["signed_by"], current_actor())
    return campaign_detail(records.campaign_or_404(target.campaign_id))

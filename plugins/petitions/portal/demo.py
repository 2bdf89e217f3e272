"""Demo data of the public portal (embedded mode, first start): one petition filed
online and accepted (so its acceptance notice prints), with a query code
the demo instructions name (:data:`DEMO_CODE`), so the lookup and rating can be tried."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.auth.users import system_actor
from core.db import db
from core.tenancy.models import Tenant
from plugins.petitions.models import Petition, PetitionQueryCode
from plugins.petitions.services import querycodes
from plugins.petitions.services.registration import register
from plugins.petitions.workflow import PETITION_FLOW

log = logging.getLogger(__name__)
#: Only ever for the demo tenants (a real code is random): ZUGD-EM23-4567.
DEMO_CODE = "ZUGDEM234567"


def create_demo_data(tenant: Tenant) -> Petition | None:
    if db.session.scalar(select(PetitionQueryCode.id).limit(1)) is not None:
        return None  # demo data once
    actor = system_actor()
    received = clock.today() - timedelta(days=20)
    petition = register(
        {
            "received_on": received,
            "channel": "online",
            "kind": "request",
            "summary": "（演示）反映所在村党支部换届选举程序不规范的问题",
            "details": "演示数据：通过网上信访提交。",
            "is_anonymous": True,
        },
        [],
        [],
        actor,
    )
    querycodes.issue(petition, DEMO_CODE)
    PETITION_FLOW.fire(petition, "accept", actor, comment="演示")
    db.session.flush()
    log.info(
        "demo portal: /p/%s/ — serial %s, query code %s",
        tenant.slug,
        petition.serial,
        querycodes.grouped(DEMO_CODE),
    )
    return petition

"""Demo records of the back office: a petition (if the tenant has none) and a long-term
petitioner with a review falling due, so every page and route has something to show."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import clock
from core.auth.users import Actor
from core.calendar import add_months
from core.db import db
from core.tenancy.models import Tenant
from plugins.petitions.models import LongtermPetitioner, Petition
from plugins.petitions.services import register
from plugins.petitions.workflow import REGISTER


def create_back_office_demo(tenant: Tenant) -> None:
    today = clock.today()
    if db.session.scalar(select(Petition.id).limit(1)) is None:
        register(
            {
                "received_on": today - timedelta(days=20),
                "channel": "letter",
                "kind": "request",
                "summary": "反映退休待遇未落实问题",
            },
            [{"name": "王某某", "phone": "13800000000"}],
            [],
            Actor(user=None, permissions=frozenset({REGISTER})),
        )
    db.session.add(
        LongtermPetitioner(
            key_type="phone",
            key_value="13800000000",
            name="王某某",
            reason="frequent",
            petition_count=6,
            first_received_on=add_months(today, -11),
            last_received_on=today - timedelta(days=20),
            flagged_on=add_months(today, -3),
            review_months=3,
            next_review_on=today + timedelta(days=2),
            light="yellow",
            is_active=True,
        )
    )
    db.session.flush()

"""The petitions plugin's hook ``zugong_petition_escalate``, called through core's plugin
host as the petitions plugin calls it: with both plugins enabled, and with supervision
alone (it works without the petitions plugin)."""

from __future__ import annotations

from datetime import date

import pytest

from core.auth.users import Actor
from core.db import db
from core.plugins.manager import hook_for
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from plugins.petitions.hookspecs import EscalatedPetition
from plugins.supervision.models import SupervisionItem

PETITION = EscalatedPetition(
    id=42,
    serial="XF-2026-000042",
    summary="反映村干部违规选任问题",
    url="/t/county/petitions/42",
    received_on=date(2026, 1, 5),
    due=date(2099, 3, 6),
    handler_user_id=None,
    reason="逾期未办结",
)


@pytest.fixture(params=[["petitions", "supervision"], ["supervision"]], ids=["both", "alone"])
def tenant(request, app_context, factory):
    tenant_id = factory.tenant("county", plugins=request.param)
    handler = factory.user("county", "handler", roles=())
    with tenant_scope(tenant_id):
        yield db.session.get(Tenant, tenant_id), handler


def test_an_escalated_petition_becomes_a_linked_item(tenant):
    t, handler = tenant
    petition = EscalatedPetition(**{**PETITION.__dict__, "handler_user_id": handler.user_id})
    actor = Actor(user=None, permissions=frozenset({"petitions.approve"}))
    escalation = hook_for(t).zugong_petition_escalate(tenant=t, actor=actor, petition=petition)
    item = db.session.get(SupervisionItem, int(escalation.ref))
    assert (escalation.plugin, escalation.url) == (
        "supervision",
        f"/t/county/supervision/items/{item.id}",
    )
    assert item.serial in escalation.title
    assert (item.source, item.source_ref, item.origin_plugin, item.origin_ref) == (
        "petition",
        "XF-2026-000042",
        "petitions",
        "42",
    )
    assert (item.origin_url, item.deadline, item.person_user_id, item.state) == (
        "/t/county/petitions/42",
        date(2099, 3, 6),
        handler.user_id,
        "created",
    )
    assert "逾期未办结" in item.requirements
    again = hook_for(t).zugong_petition_escalate(tenant=t, actor=actor, petition=petition)
    assert again.ref == escalation.ref  # escalating twice follows the same item


def test_duck_typed_petitions_are_enough(tenant):
    """The implementation reads attributes only: any object with them will do."""
    from types import SimpleNamespace

    t, _handler = tenant
    petition = SimpleNamespace(**{**PETITION.__dict__, "id": 7, "due": None, "reason": ""})
    escalation = hook_for(t).zugong_petition_escalate(
        tenant=t, actor=Actor(user=None), petition=petition
    )
    item = db.session.get(SupervisionItem, int(escalation.ref))
    assert item.deadline > date(2026, 1, 1)
    assert item.person_user_id is None

"""The roll-up's world (tests/core/rollup/world.py) with a leader in each tenant."""

from __future__ import annotations

from datetime import date

from core.db import db
from core.rollup.period import resolve
from core.rounds import service
from core.rounds.workflow import OPEN, SUBMIT
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.core.rollup.world import NOV, build
from tests.race import actor_of

LEADER = frozenset({OPEN, SUBMIT, "core.rollup.view"})
DUE = date(2026, 12, 10)


def world(app, factory) -> tuple[dict[str, int], dict[str, int]]:
    ids = build(app, factory)
    users = {slug: factory.user(slug, f"leader-{slug}", roles=("leader",)).user_id for slug in ids}
    return ids, users


def open_round(app, ids, users, slug: str = "city", **changes) -> int:
    with app.app_context(), tenant_scope(ids[slug]):
        fields = {
            "title": "2026年11月信访统计",
            "plugins": ["petitions", "core"],
            "period": resolve(NOV),
            "due_on": DUE,
            **changes,
        }
        opened = service.open_round(
            db.session.get(Tenant, ids[slug]), actor_of(users[slug], LEADER), **fields
        )
        db.session.commit()
        return opened.id


def submit(app, ids, users, slug: str, notes: str = "已核对") -> int:
    with app.app_context(), tenant_scope(ids[slug]):
        draft = service.my_submissions()[0]
        tenant = db.session.get(Tenant, ids[slug])
        service.submit(tenant, draft, actor_of(users[slug], LEADER), notes)
        db.session.commit()
        return draft.id

"""Row locks for state changes: what is checked after the lock is what others committed,
changes made before it are kept, a row is locked (and re-read) once per transaction.
That the second of two racing transactions waits is shown by the races in
tests/core/test_workflow_races.py."""

from __future__ import annotations

from sqlalchemy import update

from core.db import db
from core.locking import lock_for_update
from core.orgs.models import OrgUnit
from core.tenancy.scope import tenant_scope


def _unit(app, tenant_id) -> int:
    with app.app_context(), tenant_scope(tenant_id):
        unit = OrgUnit(name="东村党支部", kind="branch")
        db.session.add(unit)
        db.session.commit()
        return unit.id


def _rename_elsewhere(app, tenant_id, unit_id, name) -> None:
    """Another request (its own app context, session and connection) commits a change."""
    with app.app_context(), tenant_scope(tenant_id):
        db.session.execute(update(OrgUnit).where(OrgUnit.id == unit_id).values(name=name))
        db.session.commit()


def test_the_lock_rereads_what_another_transaction_committed(app, factory):
    tenant_id = factory.tenant("county")
    unit_id = _unit(app, tenant_id)
    with app.app_context(), tenant_scope(tenant_id):
        unit = db.session.get(OrgUnit, unit_id)
        assert unit.name == "东村党支部"
        _rename_elsewhere(app, tenant_id, unit_id, "西村党支部")
        assert unit.name == "东村党支部"  # a stale read: what a racing request decides on
        lock_for_update(unit)
        assert unit.name == "西村党支部"
        db.session.rollback()


def test_changes_made_before_the_lock_are_kept_and_a_second_lock_rereads_nothing(app, factory):
    tenant_id = factory.tenant("county")
    unit_id = _unit(app, tenant_id)
    with app.app_context(), tenant_scope(tenant_id):
        unit = db.session.get(OrgUnit, unit_id)
        unit.name = "南村党支部"
        lock_for_update(unit)
        assert unit.name == "南村党支部"
        unit.name = "北村党支部"
        lock_for_update(unit)  # already locked in this transaction: nothing reloaded
        assert unit.name == "北村党支部"
        db.session.commit()
    with app.app_context(), tenant_scope(tenant_id):
        assert db.session.get(OrgUnit, unit_id).name == "北村党支部"


def test_a_new_transaction_locks_and_rereads_again(app, factory):
    tenant_id = factory.tenant("county")
    unit_id = _unit(app, tenant_id)
    with app.app_context(), tenant_scope(tenant_id):
        unit = db.session.get(OrgUnit, unit_id)
        lock_for_update(unit)
        db.session.commit()
        assert unit.name == "东村党支部"  # read again in the next transaction…
        _rename_elsewhere(app, tenant_id, unit_id, "西村党支部")
        lock_for_update(unit)  # …whose lock is a new one, with a re-read
        assert unit.name == "西村党支部"
        db.session.rollback()


def test_objects_that_are_not_rows_yet_are_left_alone(app_context):
    unit = OrgUnit(name="新支部", kind="branch")
    lock_for_update(unit)  # transient
    lock_for_update(object())  # not mapped at all (a workflow may drive any object)
    assert unit.name == "新支部"

"""The audit log is a hash chain per tenant; `zugong audit verify` finds any tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, pool, select, text

from core.audit.models import AuditEntry
from core.audit.service import record
from core.db import db
from core.tenancy.scope import tenant_scope


@pytest.fixture
def chained(app, factory):
    alpha = factory.tenant("alpha")
    beta = factory.tenant("beta")
    with app.app_context():
        for tenant in (alpha, beta):
            with tenant_scope(tenant):
                for i in range(3):
                    record("test.event", object_type="thing", object_id=i, detail={"n": i})
        db.session.commit()
    return alpha, beta


def _owner_sql(app, *statements: str) -> None:
    """Tamper as the database owner, with the append-only trigger out of the way."""
    url = app.config["OWNER_DATABASE_URL"]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_immutable"))
        else:
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER audit_entries_no_delete"))
        for statement in statements:
            conn.execute(text(statement))
        if postgres:
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_immutable"))
    engine.dispose()


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_entries_are_numbered_and_linked_per_tenant(app_context, chained):
    alpha, _beta = chained
    with tenant_scope(alpha):
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash


def test_an_untouched_log_verifies(app, chained):
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_an_edited_entry_is_found(app, chained):
    alpha, _beta = chained
    _owner_sql(
        app, f"UPDATE audit_entries SET action = 'forged' WHERE tenant_id = {alpha} AND seq = 2"
    )
    result = _verify(app)
    assert result.exit_code == 1
    assert f"tenant {alpha} seq 2: edited" in result.output


def test_a_deleted_entry_is_found(app, chained):
    alpha, _beta = chained
    _owner_sql(app, f"DELETE FROM audit_entries WHERE tenant_id = {alpha} AND seq = 2")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"tenant {alpha} seq 2: missing" in result.output


def test_a_deleted_last_entry_is_found(app, chained):
    _alpha, beta = chained
    _owner_sql(app, f"DELETE FROM audit_entries WHERE tenant_id = {beta} AND seq = 3")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"tenant {beta} seq 3: truncated" in result.output


def test_the_app_cannot_edit_entries_through_the_orm(app_context, chained):
    alpha, _beta = chained
    with tenant_scope(alpha):
        entry = db.session.scalars(select(AuditEntry)).first()
        entry.action = "forged"
        with pytest.raises(Exception, match="append-only|permission denied"):
            db.session.flush()
        db.session.rollback()


def test_actions_read_as_titles(app):
    from core.audit.labels import action_title
    from tests.core.test_workflow import FLOW

    assert FLOW.name == "case"
    with app.test_request_context():
        assert action_title("member.created") == "登记党员"
        assert action_title("case.accept") == "受理"  # a workflow move, titled by its declaration
        assert action_title("something.unknown") == "something.unknown"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert action_title("member.created") != "登记党员"

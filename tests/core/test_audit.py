"""The audit log is a hash chain per tenant; `zugong audit verify` finds any tampering."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, pool, select, text

from core.audit.models import AuditEntry
from core.audit.service import record, record_each
from core.db import db
from core.tenancy.scope import tenant_scope
from tests.statements import counted


@pytest.fixture(autouse=True)
def _no_checkpoints(app):
    """Checkpoint files live in the (session-wide) instance folder: none may outlive a test."""
    folder = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    shutil.rmtree(folder, ignore_errors=True)
    yield
    shutil.rmtree(folder, ignore_errors=True)


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


def test_entries_written_together_follow_the_chain_in_a_fixed_number_of_statements(app, chained):
    alpha, _beta = chained
    with app.app_context(), tenant_scope(alpha):
        things = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        with counted(app) as few:
            record_each("test.viewed", things[:1], detail={"via": "list"})
        with counted(app) as many:
            record_each("test.viewed", things, detail={"via": "list"})
        db.session.commit()
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # one multi-row INSERT there (SQLite's driver: a statement per row)
        assert len(many) == len(few), many
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6, 7]
    assert [e.object_id for e in entries[3:]] == ["1", "1", "2", "3"]
    assert {e.object_type for e in entries[3:]} == {"audit_entries"}
    assert all(e.prev_hash == p.hash for p, e in zip(entries, entries[1:], strict=False))
    result = _verify(app)
    assert result.exit_code == 0, result.output


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


def _rewrite_from(app, tenant_id: int, seq: int, action: str) -> tuple[list[str], str]:
    """The statements that edit entry ``seq`` and recompute its hash and every later one
    (a chain consistent in itself), and the new last hash."""
    from core.audit.service import entry_hash
    from core.tenancy.scope import cross_tenant_scope

    with app.app_context(), cross_tenant_scope("test: forge", action="test"):
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.tenant_id == tenant_id, AuditEntry.seq >= seq)
            .order_by(AuditEntry.seq)
        ).all()
        prev = entries[0].prev_hash
        statements = []
        for entry in entries:
            if entry.seq == seq:
                entry.action = action
            entry.prev_hash = prev
            entry.hash = prev = entry_hash(entry)
            statements.append(
                f"UPDATE audit_entries SET action = '{entry.action}', "
                f"prev_hash = '{entry.prev_hash}', hash = '{entry.hash}' "
                f"WHERE tenant_id = {tenant_id} AND seq = {entry.seq}"
            )
        db.session.rollback()
    return statements, prev


def test_an_edited_last_entry_with_its_hash_recomputed_is_found(app, chained):
    alpha, _beta = chained
    statements, _head = _rewrite_from(app, alpha, 3, "forged")
    _owner_sql(app, *statements)
    result = _verify(app)
    assert result.exit_code == 1
    assert f"tenant {alpha} seq 3: head_mismatch" in result.output


def test_a_rechained_log_is_found_against_the_signed_checkpoint(app, chained):
    alpha, _beta = chained
    checkpoint = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert checkpoint.exit_code == 0, checkpoint.output
    statements, head = _rewrite_from(app, alpha, 2, "forged")
    _owner_sql(
        app, *statements, f"UPDATE audit_heads SET hash = '{head}' WHERE tenant_id = {alpha}"
    )
    result = _verify(app)
    assert result.exit_code == 1
    assert f"tenant {alpha} seq 3: checkpoint_mismatch" in result.output
    assert "head_mismatch" not in result.output  # the forger made the chain consistent


def test_a_forged_checkpoint_file_is_reported(app, chained):
    import json

    alpha, _beta = chained
    app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    path = Path(app.config["AUDIT_CHECKPOINT_PATH"]) / f"{alpha}.jsonl"
    line = json.loads(path.read_text().splitlines()[-1])
    path.write_text(json.dumps(line | {"seq": 2}) + "\n")
    result = _verify(app)
    assert result.exit_code == 1
    assert f"tenant {alpha} seq 0: checkpoint_forged" in result.output


def test_the_checkpoint_key_is_not_in_the_database(app, chained):
    app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert (Path(app.config["INSTANCE_PATH"]) / "audit_key").stat().st_mode & 0o077 == 0
    assert _verify(app).exit_code == 0


def test_a_cross_tenant_read_is_refused_when_nothing_records_it(app_context, monkeypatch):
    """The scope sits below the log and asks it through a recorder: with none plugged in,
    opening a cross-tenant read fails closed instead of going unaudited."""
    from core.tenancy import scope

    monkeypatch.setattr(scope, "_opening_recorder", [])
    with pytest.raises(RuntimeError, match="core.audit.service"), scope.cross_tenant_scope("t"):
        pass


def test_a_cross_tenant_read_is_recorded_in_the_log(app_context, factory):
    from core.tenancy.scope import cross_tenant_scope

    alpha = factory.tenant("alpha")
    with tenant_scope(alpha):
        with cross_tenant_scope("reading the county", [alpha], action="test.opened"):
            pass
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "test.opened")
        ).one()
    assert entry.detail == {"reason": "reading the county", "tenants": [alpha]}

"""Grants, the planned exception to isolation: a record one tenant granted to another is
readable by that tenant — inside a granted scope, never writable, invisible to everyone
else, gone when revoked — through the ORM criteria and through PostgreSQL's row-level
security alone. Attachments are the core's grantable model (a file follows its record)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, select, text, update

from core.attachments.models import Attachment
from core.audit.models import AuditEntry
from core.db import db
from core.tenancy import session as scoped_session
from core.tenancy.grants import GrantRefused, RecordGrant, grant, grants_of, revoke
from core.tenancy.scope import CrossTenantWrite, granted_scope, tenant_scope
from core.tenancy.session import TENANT_CHECKED

KIND = "test_record"
RECORD_ID = 42


@pytest.fixture
def tree(factory):
    """A city with two counties; a cousin under another city; an unrelated tenant."""
    ids = {"city": factory.tenant("city", kind="city_org_dept")}
    ids["county"] = factory.tenant("county", parent="city")
    ids["sibling"] = factory.tenant("sibling", parent="city")
    ids["other_city"] = factory.tenant("other_city", kind="city_org_dept")
    ids["cousin"] = factory.tenant("cousin", parent="other_city")
    return ids


def _file(tenant_id: int, owner_id: int = RECORD_ID, name: str = "材料.pdf") -> Attachment:
    with tenant_scope(tenant_id):
        row = Attachment(
            owner_kind=KIND,
            owner_id=owner_id,
            filename=name,
            file_type="pdf",
            size=3,
            sha256="0" * 64,
        )
        db.session.add(row)
        db.session.flush()
        return row


def _names(tenant_id: int) -> list[str]:
    with tenant_scope(tenant_id), granted_scope("test: read what was granted"):
        return db.session.scalars(select(Attachment.filename).order_by(Attachment.id)).all()


@pytest.fixture
def granted(app_context, tree):
    """The county's file of record 42 granted to the city; another file not granted."""
    shared = _file(tree["county"])
    _file(tree["county"], owner_id=7, name="内部.pdf")
    with tenant_scope(tree["county"]):
        grant(shared, tree["city"], "test: submitted upward")
    shared_id = shared.id
    db.session.commit()
    return shared_id


def _own(tree, attachment_id: int) -> Attachment:
    """The county's row, loaded as the county (expired objects refresh in the scope)."""
    with tenant_scope(tree["county"]):
        return db.session.get(Attachment, attachment_id)


def test_the_grantee_reads_the_granted_row_in_a_granted_scope(granted, tree):
    assert _names(tree["city"]) == ["材料.pdf"]
    with tenant_scope(tree["city"]), granted_scope("test: by id"):
        assert db.session.get(Attachment, granted).filename == "材料.pdf"


def test_outside_a_granted_scope_the_grantee_reads_nothing(granted, tree):
    with tenant_scope(tree["city"]):
        assert db.session.scalars(select(Attachment)).all() == []
        assert db.session.get(Attachment, granted) is None


@pytest.mark.parametrize("who", ["sibling", "cousin", "other_city"])
def test_nobody_else_reads_a_granted_row(granted, tree, who):
    assert _names(tree[who]) == []
    with tenant_scope(tree[who]), granted_scope("test: by id"):
        assert db.session.get(Attachment, granted) is None


def test_the_owner_still_reads_all_its_rows(granted, tree):
    assert _names(tree["county"]) == ["材料.pdf", "内部.pdf"]


def test_a_granted_row_is_not_writable_by_the_grantee(granted, tree):
    with tenant_scope(tree["city"]), granted_scope("test: try to write"):
        row = db.session.get(Attachment, granted)
        row.filename = "改.pdf"
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
        db.session.rollback()
    with tenant_scope(tree["city"]), granted_scope("test: try to delete"):
        db.session.delete(db.session.get(Attachment, granted))
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
        db.session.rollback()
    assert _names(tree["county"]) == ["材料.pdf", "内部.pdf"]


def test_bulk_updates_and_deletes_in_a_granted_scope_reach_only_own_rows(granted, tree):
    with tenant_scope(tree["city"]), granted_scope("test: bulk write"):
        changed = db.session.execute(update(Attachment).values(filename="x")).rowcount
        removed = db.session.execute(delete(Attachment)).rowcount
    assert (changed, removed) == (0, 0)
    assert _names(tree["county"]) == ["材料.pdf", "内部.pdf"]


def test_revoked_the_row_is_invisible_again(granted, tree):
    with tenant_scope(tree["county"]):
        assert revoke(_own(tree, granted), tree["city"], "test: withdrawn") is True
    db.session.commit()
    assert _names(tree["city"]) == []


def test_granting_and_revoking_are_audited_in_the_owners_log(granted, tree):
    with tenant_scope(tree["county"]):
        revoke(_own(tree, granted), tree["city"], "test: withdrawn")
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("grant.%"))
        ).all()
    assert actions == ["grant.create", "grant.revoke"]


def test_opening_a_granted_scope_is_audited_as_a_cross_tenant_read(granted, tree):
    _names(tree["city"])
    with tenant_scope(tree["city"]):
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "cross_tenant.read")
        ).one()
    assert entry.detail == {"reason": "test: read what was granted", "tenants": "granted"}


def test_the_grantee_sees_its_grant_rows_and_may_pass_the_grant_on(granted, tree):
    province = tree["other_city"]  # any tenant: the receiving side decides where to pass on
    with tenant_scope(tree["city"]), granted_scope("test: forward"):
        assert [g.record_id for g in db.session.scalars(select(RecordGrant))] == [RECORD_ID]
        row = db.session.get(Attachment, granted)
        grant(row, province, "test: forwarded")
        forwarded = row
    db.session.commit()
    assert _names(province) == ["材料.pdf"]
    with tenant_scope(tree["county"]):
        assert [g.grantee_tenant_id for g in grants_of(forwarded)] == [tree["city"], province]
    # The sibling may not withdraw what the city passed on.
    with tenant_scope(tree["sibling"]), pytest.raises(GrantRefused):
        revoke(forwarded, province, "test: not mine")


def test_a_tenant_without_a_grant_cannot_grant(granted, tree):
    row = _own(tree, granted)
    with tenant_scope(tree["sibling"]), pytest.raises(GrantRefused):
        grant(row, tree["cousin"], "test: leak")
    db.session.rollback()
    assert _names(tree["cousin"]) == []


# -- PostgreSQL row-level security alone (the ORM criteria switched off) --------------


@pytest.fixture
def rls_only():
    event.remove(scoped_session.TenantSession, "do_orm_execute", scoped_session._scope_statement)
    yield
    event.listen(scoped_session.TenantSession, "do_orm_execute", scoped_session._scope_statement)


RAW = {TENANT_CHECKED: True}


def _raw_names(tenant_id: int, *, grants: bool = True) -> list[str]:
    sql = text("select filename from attachments order by id")
    with tenant_scope(tenant_id):
        if not grants:
            return db.session.execute(sql, execution_options=RAW).scalars().all()
        with granted_scope("test: raw"):
            return db.session.execute(sql, execution_options=RAW).scalars().all()


@pytest.fixture
def pg_tree(pg_factory):
    ids = {"city": pg_factory.tenant("city", kind="city_org_dept")}
    ids["county"] = pg_factory.tenant("county", parent="city")
    ids["sibling"] = pg_factory.tenant("sibling", parent="city")
    return ids


@pytest.fixture
def pg_granted(pg_app, pg_tree):
    with pg_app.app_context():
        shared = _file(pg_tree["county"])
        _file(pg_tree["county"], owner_id=7, name="内部.pdf")
        with tenant_scope(pg_tree["county"]):
            grant(shared, pg_tree["city"], "test: submitted upward")
        shared_id = shared.id
        db.session.commit()
        yield shared_id
        db.session.rollback()


def test_rls_alone_admits_exactly_the_granted_rows(pg_granted, pg_tree, rls_only):
    assert _raw_names(pg_tree["city"]) == ["材料.pdf"]
    assert _raw_names(pg_tree["city"], grants=False) == []
    assert _raw_names(pg_tree["sibling"]) == []
    assert _raw_names(pg_tree["county"]) == ["材料.pdf", "内部.pdf"]
    # ORM statements, unfiltered by the app, get the same answer from PostgreSQL.
    with tenant_scope(pg_tree["city"]), granted_scope("test: orm without criteria"):
        assert db.session.scalars(select(Attachment.filename)).all() == ["材料.pdf"]


def test_rls_alone_refuses_writes_to_granted_rows(pg_granted, pg_tree, rls_only):
    with tenant_scope(pg_tree["city"]), granted_scope("test: raw write"):
        updated = db.session.execute(
            text("update attachments set filename = 'x'"), execution_options=RAW
        ).rowcount
        deleted = db.session.execute(text("delete from attachments"), execution_options=RAW)
        assert (updated, deleted.rowcount) == (0, 0)
        grants_deleted = db.session.execute(
            text("delete from record_grants"), execution_options=RAW
        ).rowcount
        assert grants_deleted == 0
    db.session.commit()
    assert _raw_names(pg_tree["county"]) == ["材料.pdf", "内部.pdf"]
    assert _raw_names(pg_tree["city"]) == ["材料.pdf"]


def test_rls_alone_hides_a_revoked_row(pg_granted, pg_tree, rls_only):
    with tenant_scope(pg_tree["county"]):
        row = db.session.get(Attachment, pg_granted)
        revoke(row, pg_tree["city"], "test: withdrawn")
    db.session.commit()
    assert _raw_names(pg_tree["city"]) == []

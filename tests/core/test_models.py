"""Schema invariants that keep tenancy enforceable and the schema shardable by tenant."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint

from core.db import GLOBAL_TABLES, Base, TenantOwned, tenant_owned_tables


def test_every_table_is_tenant_owned_or_declared_global(app):
    owned = set(tenant_owned_tables())
    for table in Base.metadata.sorted_tables:
        assert table.name in owned or table.name in GLOBAL_TABLES, table.name
        assert not (table.name in owned and table.name in GLOBAL_TABLES), table.name


def test_tenant_owned_tables_have_a_non_null_tenant_id(app):
    for name in tenant_owned_tables():
        column = Base.metadata.tables[name].c.tenant_id
        assert not column.nullable, name


def test_indexes_of_tenant_tables_lead_with_tenant_id(app):
    for name in tenant_owned_tables():
        table = Base.metadata.tables[name]
        for index in table.indexes:
            # Or the tenant that reads the rows: a record grant's index on its grantee
            # serves (and would shard with) the grantee's own queries.
            leading = index.columns.values()[0].name
            assert leading == "tenant_id" or leading.endswith("_tenant_id"), f"{name}.{index.name}"


def test_references_between_tenant_tables_are_composite(app):
    owned = set(tenant_owned_tables())
    for name in owned:
        for fk in Base.metadata.tables[name].foreign_key_constraints:
            target = fk.referred_table.name
            if target in owned:
                assert isinstance(fk, ForeignKeyConstraint)
                assert [c.name for c in fk.columns][0] == "tenant_id", f"{name} -> {target}"


def test_tenant_owned_models_subclass_the_marker(app):
    for mapper in Base.registry.mappers:
        has_tenant = "tenant_id" in mapper.local_table.c
        if mapper.local_table.name not in GLOBAL_TABLES:
            assert has_tenant and issubclass(mapper.class_, TenantOwned), mapper.class_

"""The schema is ready to shard by tenant (Citus, issue 14).

Distributing every tenant-owned table by ``tenant_id`` needs: every primary key and
unique constraint of such a table includes ``tenant_id``; every foreign key between two
of them includes it on both sides; every join between two of them equates their
``tenant_id`` (so it runs on one shard). Constraints are read from the migrated
PostgreSQL catalog (what a deployment really has), joins from the ORM relationships.
``deploy/SCALING.md`` lists the ``create_distributed_table``/``create_reference_table``
calls the metadata implies; a test keeps the file in step.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, pool, text
from sqlalchemy.orm import RelationshipProperty

from core.db import GLOBAL_TABLES, Base, TenantOwned, tenant_owned_tables

SCALING = Path(__file__).resolve().parents[2] / "deploy" / "SCALING.md"
BEGIN, END = "<!-- citus:begin (tests/core/test_shard_ready.py) -->", "<!-- citus:end -->"

_CONSTRAINTS = """
select c.conrelid::regclass::text, c.conname, c.contype,
       array(select a.attname from unnest(c.conkey) with ordinality k(num, pos)
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.num
             order by k.pos)::text[],
       c.confrelid::regclass::text,
       array(select a.attname from unnest(c.confkey) with ordinality k(num, pos)
             join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.num
             order by k.pos)::text[]
from pg_constraint c join pg_namespace n on n.oid = c.connamespace
where n.nspname = 'public' and c.contype in ('p', 'u', 'f')
"""


def _constraints(pg_app) -> list[tuple]:
    owner = create_engine(pg_app.config["OWNER_DATABASE_URL"], poolclass=pool.NullPool)
    with owner.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(_CONSTRAINTS))]
        unique_indexes = conn.execute(
            text(
                "select tablename, indexname, indexdef from pg_indexes where schemaname = "
                "'public' and indexdef like 'CREATE UNIQUE INDEX%'"
            )
        ).all()
    owner.dispose()
    return rows, unique_indexes


def test_keys_of_tenant_tables_include_tenant_id(pg_app):
    tenant_tables = set(tenant_owned_tables())
    rows, unique_indexes = _constraints(pg_app)
    bad = [
        f"{table}.{name} ({kind}: {', '.join(cols)})"
        for table, name, kind, cols, _ref, _ref_cols in rows
        if table in tenant_tables and kind in "pu" and "tenant_id" not in cols
    ]
    bad += [
        f"{table}.{name}"
        for table, name, definition in unique_indexes
        if table in tenant_tables and "tenant_id" not in definition
    ]
    assert bad == []


def test_foreign_keys_between_tenant_tables_include_tenant_id(pg_app):
    tenant_tables = set(tenant_owned_tables())
    rows, _ = _constraints(pg_app)
    bad = [
        f"{table}.{name}: ({', '.join(cols)}) → {ref}({', '.join(ref_cols)})"
        for table, name, kind, cols, ref, ref_cols in rows
        if kind == "f"
        and table in tenant_tables
        and ref in tenant_tables
        and not (
            "tenant_id" in cols and cols[ref_cols.index("tenant_id")] == "tenant_id"
            if "tenant_id" in ref_cols
            else False
        )
    ]
    assert bad == []


def _pairs(rel: RelationshipProperty) -> list[tuple]:
    return [
        (left.table.name, left.name, right.table.name, right.name)
        for left, right in rel.local_remote_pairs
    ]


def test_orm_joins_between_tenant_tables_equate_tenant_id():
    bad = []
    for mapper in Base.registry.mappers:
        for rel in mapper.relationships:
            target = rel.mapper.class_
            if not (issubclass(mapper.class_, TenantOwned) and issubclass(target, TenantOwned)):
                continue
            pairs = _pairs(rel)
            tenant_pairs = [p for p in pairs if p[1] == "tenant_id" and p[3] == "tenant_id"]
            # A many-to-many needs it on both joins (to and from the secondary table).
            needed = 2 if rel.secondary is not None else 1
            if len(tenant_pairs) < needed:
                bad.append(f"{mapper.class_.__name__}.{rel.key}: {pairs}")
    assert bad == []


def _shipped_tables() -> list[str]:
    """Tables of core's and the built-in plugins' models (test modules add throwaway
    plugins' tables to the same metadata), in dependency order."""
    modules = {m.local_table.name: m.class_.__module__ for m in Base.registry.mappers}
    return [
        t.name
        for t in Base.metadata.sorted_tables
        if modules.get(t.name, "core").startswith(("core.", "plugins."))
    ]


def citus_calls() -> list[str]:
    """The Citus calls the metadata implies: global tables as reference tables, every
    tenant-owned table distributed by ``tenant_id``, all co-located with the first (so a
    join on ``tenant_id`` stays on one node)."""
    tables = _shipped_tables()
    reference = sorted(t for t in tables if t in GLOBAL_TABLES)
    distributed = [t for t in tables if t in tenant_owned_tables()]
    return [
        *(f"SELECT create_reference_table('{t}');" for t in reference),
        *(
            f"SELECT create_distributed_table('{t}', 'tenant_id', colocate_with => 'none');"
            if i == 0
            else f"SELECT create_distributed_table('{t}', 'tenant_id', colocate_with => '{distributed[0]}');"
            for i, t in enumerate(distributed)
        ),
    ]


def test_scaling_notes_list_the_citus_calls_of_the_metadata():
    text_ = SCALING.read_text(encoding="utf-8")
    assert BEGIN in text_ and END in text_, f"{SCALING} lacks the generated block"
    block = text_.split(BEGIN, 1)[1].split(END, 1)[0]
    listed = [line for line in block.splitlines() if line.startswith("SELECT ")]
    assert listed == citus_calls(), (
        "deploy/SCALING.md is out of step with the metadata; regenerate the block with\n"
        "PYTHONPATH=. python -c 'from tests.core.test_shard_ready import print_block; print_block()'"
    )


def print_block() -> None:
    from core.app import create_app

    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    print("\n".join([BEGIN, "```sql", *citus_calls(), "```", END]))

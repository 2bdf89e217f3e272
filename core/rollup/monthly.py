"""Figures per tenant and calendar month, quarter and year kept by PostgreSQL itself, for
plugins whose roll-up would otherwise count millions of rows on every load (used by
their migrations; read by their ``rollup`` modules through :func:`core.rollup.period.spans_of`).

:func:`install` creates ``<figures>`` (tenant, ``span`` and its ``start`` day, optional
further keys, one bigint per figure) and three statement-level AFTER triggers on
``<source>`` with transition tables: each INSERT, UPDATE or DELETE adds its new rows'
counts and subtracts its old rows', grouped by tenant and span, as one upsert in the
writing transaction (set-based, never per row). Groups where nothing changed are
skipped, so a statement that touches no figure (a deadline scan writing lights) writes
nothing; groups are upserted in key order, so two writers lock them in the same order.
The upsert lands in the written rows' tenants: the tenant policy admits it exactly
where it admitted the write. The rows already there are counted once, with row
security off (a role the policies restrict fails loudly instead of counting too few).

Why quarters and years besides months: under row-level security every row read costs
a look-up in the subtree's list of tenants (3,101 for a province), so a year reads one
row per tenant, not twelve. The price: each write also updates its tenant's quarter
and year rows (row locks held to commit, so writers of one tenant queue briefly).

A condition is SQL on one row of ``<source>``; the plugin's roll-up reads the sums and
its tests compare them with a direct count, so the two cannot drift apart unseen.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.tenancy import rls

SPANS = ("month", "quarter", "year")
_EVENTS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows", [("new_rows", "")]),
    "update": (
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        [("new_rows", ""), ("old_rows", "-")],
    ),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows", [("old_rows", "-")]),
}


def upsert_sql(
    figures: str, day: str, conditions: dict[str, str], sources, keys: dict[str, str]
) -> str:
    """The upsert adding the signed counts of ``sources`` (``[(relation, sign)]``), per
    tenant, span of ``day`` and ``keys`` (``column → SQL``)."""
    names, extra = list(conditions), list(keys)
    counts = ", ".join(f"count(*) FILTER (WHERE {c}) AS {n}" for n, c in conditions.items())
    group = ", ".join(str(i) for i in range(1, 4 + len(extra)))
    extra_sql = "".join(f", {sql} AS {k}" for k, sql in keys.items())
    union = " UNION ALL ".join(
        f"SELECT tenant_id, '{span}' AS span, date_trunc('{span}', {day})::date AS start"
        f"{extra_sql}, {counts}, {sign}1 AS sign FROM {source} GROUP BY {group}"
        for source, sign in sources
        for span in SPANS
    )
    key_columns = ", ".join(["tenant_id", "span", "start", *extra])
    sums = ", ".join(f"sum(sign * {n}) AS {n}" for n in names)
    changed = " OR ".join(f"{n} <> 0" for n in names)
    updates = ", ".join(f"{n} = {figures}.{n} + excluded.{n}" for n in names)
    return (
        f"INSERT INTO {figures} ({key_columns}, created_at, {', '.join(names)}) "
        f"SELECT {key_columns}, now(), {', '.join(names)} FROM ("
        f"SELECT {key_columns}, {sums} FROM ({union}) AS change GROUP BY {group}"
        f") AS delta WHERE {changed} ORDER BY {group} "
        f"ON CONFLICT ({key_columns}) DO UPDATE SET {updates}"
    )


def install(
    figures: str,
    source: str,
    day: str,
    conditions: dict[str, str],
    keys: dict[str, str] | None = None,
) -> None:
    """Create ``figures`` and, on PostgreSQL, its triggers on ``source``; count what is
    there. ``day`` is the column whose span a row counts in; ``keys`` further date keys."""
    keys = keys or {}
    op.create_table(
        figures,
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.BigInteger(), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("span", sa.String(7), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        *(sa.Column(k, sa.Date(), nullable=False) for k in keys),
        *(sa.Column(n, sa.BigInteger(), nullable=False, server_default="0") for n in conditions),
        sa.UniqueConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "span", "start", *keys),
    )
    if not rls.is_postgres():
        return  # the embedded mode counts directly
    rls.enable(figures)
    for name, (event, referencing, sources) in _EVENTS.items():
        function = f"{figures}_{name}"
        op.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{upsert_sql(figures, day, conditions, sources, keys)}; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {function} AFTER {event} ON {source} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    op.execute("SET LOCAL row_security = off")
    op.execute(upsert_sql(figures, day, conditions, [(source, "")], keys))
    op.execute("SET LOCAL row_security = on")


def remove(figures: str, source: str) -> None:
    if rls.is_postgres():
        for name in _EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {figures}_{name} ON {source}")
            op.execute(f"DROP FUNCTION IF EXISTS {figures}_{name}()")
        rls.disable(figures)
    op.drop_table(figures)

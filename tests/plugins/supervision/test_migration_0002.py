"""Migration supervision_0002 moves stored accountability kinds to the 问责条例 (2019)
terms and adds the estimated marks with ``false`` for existing rows; its downgrade maps
the keys back. On an SQLite file migrated step by step (rows written with plain SQL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from core.app import create_app
from core.migrate import alembic_config

ROWS = [
    (1, "criticism", "逾期"),
    (2, "talk", "推进不力"),
    (3, "self_review", "拖延"),
    (4, "admonition", "敷衍"),
    (5, "other", "其他"),
]


def _kinds(path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(path) as con:
        return con.execute(
            "SELECT id, kind, reason FROM supervision_accountabilities ORDER BY id"
        ).fetchall()


def test_stored_kinds_move_to_the_2019_terms_and_back(tmp_path: Path):
    path = tmp_path / "m.db"
    url = f"sqlite:///{path}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": url,
            "OWNER_DATABASE_URL": url,
            "REDIS_URL": None,
        }
    )
    config = alembic_config(app)
    command.upgrade(config, "supervision_0001")
    with sqlite3.connect(path) as con:  # no PRAGMA foreign_keys: the rows stand alone
        con.executemany(
            "INSERT INTO supervision_accountabilities (id, tenant_id, item_id, kind, subject,"
            " reason, decided_on, created_at) VALUES (?, 1, 1, ?, '组织科', ?, '2026-03-02',"
            " '2026-03-02 00:00:00')",
            ROWS,
        )
        con.execute(
            "INSERT INTO supervision_items (id, tenant_id, serial, title, source, deadline,"
            " feedback_cycle, priority, state, percent, created_at) VALUES (1, 1, 'DC-1', 't',"
            " 'meeting', '2026-03-31', 'weekly', 'normal', 'assigned', 0, '2026-03-02')"
        )
    command.upgrade(config, "supervision_0002")
    assert _kinds(path) == [
        (1, "notice", "逾期"),
        (2, "other", "约谈：推进不力"),
        (3, "inspection", "拖延"),
        (4, "admonition", "敷衍"),
        (5, "other", "其他"),
    ]
    with sqlite3.connect(path) as con:
        flags = con.execute(
            "SELECT acknowledge_due_estimated, report_due_estimated, deadline_estimated"
            " FROM supervision_items"
        ).fetchall()
    assert flags == [(0, 0, 0)]
    command.downgrade(config, "supervision_0001")
    assert [kind for _id, kind, _r in _kinds(path)] == [
        "criticism",
        "other",
        "self_review",
        "admonition",
        "other",
    ]

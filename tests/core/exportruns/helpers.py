"""A county with petitions to export, and reading what an export answered."""

from __future__ import annotations

import io
import time
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from tests.factories import Factory
from tests.plugins.petitions.web import World, build_world

ROWS = 5


def county(app: Flask, rows: int = ROWS) -> World:
    """The petitions world (county, other, their users) with ``rows`` petitions."""
    world = build_world(app, Factory(app))
    for n in range(rows):
        world.register(summary=f"第{n + 1}件")
    return world


def sheet_rows(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(r) for r in book.active.iter_rows(values_only=True)]


def run_api(world: World, who: str, run_id: int, suffix: str = "", tenant: str = "county"):
    return world.client.get(
        f"/api/v1/t/{tenant}/exports/{run_id}{suffix}",
        headers={"Authorization": f"Bearer {world.tokens[who]}"},
    )


def wait_done(world: World, who: str, run_id: int, seconds: float = 20) -> dict[str, Any]:
    """The run once it finished (the embedded pool runs it on a thread)."""
    deadline = time.monotonic() + seconds
    while True:
        run = run_api(world, who, run_id).get_json()
        if run["state"] in ("done", "failed") or time.monotonic() > deadline:
            return run
        time.sleep(0.1)

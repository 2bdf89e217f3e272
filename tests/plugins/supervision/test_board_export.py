"""The board's .xlsx through core.exportruns: more items than a page make a run whose
file holds what the direct export holds (the demo items)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.factories import bearer
from tests.plugins.supervision.test_web import API
from tests.plugins.supervision.test_web import world as world  # noqa: F401 - fixture


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_the_board_export_runs_as_a_job_with_the_same_rows(app, client, world, monkeypatch):
    token = bearer(world["officer_token"])
    direct = client.get(f"{API}/board?format=xlsx&include_closed=true", headers=token)
    assert direct.status_code == 200
    caption, header, *items = _rows(direct.data)
    assert header[:3] == ("编号", "事项", "来源") and items
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", len(items) - 1)

    queued = client.get(f"{API}/board?format=xlsx&include_closed=true", headers=token)
    assert queued.status_code == 202
    run = client.get(queued.headers["Location"], headers=token).get_json()
    assert (run["state"], run["rows_done"]) == ("done", len(items))
    file = client.get(run["download_url"], headers=token)
    assert file.status_code == 200 and _rows(file.data) == _rows(direct.data)
    assert run["filename"] == "督办事项看板.xlsx"

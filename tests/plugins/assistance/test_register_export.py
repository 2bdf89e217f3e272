"""The register's .xlsx through core.exportruns: more records than a page make a run
whose workbook (the register and its 分类统计) is the direct export's; incomes stay
audited when the job writes them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.factories import login

PAGES = "/t/county/assistance"


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_register_export_runs_as_a_job_with_the_same_workbook(app, world, client, monkeypatch):
    assert login(client, "leader").status_code == 302
    direct = client.get(f"{PAGES}/reports/register.xlsx")
    assert direct.status_code == 200
    sheets = _sheets(direct.data)
    assert list(sheets) == ["困难党员台账", "分类统计"]
    records = len(sheets["困难党员台账"]) - 2  # the caption and the header
    assert records > 1
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", records - 1)

    queued = client.get(f"{PAGES}/reports/register.xlsx")
    assert queued.status_code == 303
    page = client.get(queued.headers["Location"]).get_data(as_text=True)
    assert "困难党员台账" in page and 'data-state="done"' in page
    file = client.get(queued.headers["Location"] + "/file")
    assert file.status_code == 200 and _sheets(file.data) == sheets

"""List exports through core.exportruns: a page of rows answered at once, more made by a
job (inline, on the embedded thread pool, on RQ) whose file holds exactly what the
direct export holds, downloaded by its user only, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, pool, text

from core.exportruns import job as export_job
from core.exportruns import service
from tests.core.exportruns.helpers import ROWS, county, run_api, sheet_rows, wait_done
from tests.core.jobs.helpers import queue_of, work_burst
from tests.factories import login

#: The embedded mode (SQLite, in-process jobs) must export exactly as production does.
pytestmark = pytest.mark.embedded


def test_a_page_of_rows_is_answered_at_once(app, monkeypatch):
    world = county(app)
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", ROWS)
    response = world.call("clerk", "GET", "/export")
    assert response.status_code == 200
    assert response.mimetype.startswith("application/vnd.openxmlformats")
    caption, header, *rows = sheet_rows(response.data)
    assert len(rows) == ROWS
    assert world.audit("export.queued") == []


def test_more_than_a_page_is_a_run_whose_file_is_the_same(app, monkeypatch):
    world = county(app)
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", ROWS)
    direct = world.call("clerk", "GET", "/export")
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", ROWS - 1)

    response = world.call("clerk", "GET", "/export")
    assert response.status_code == 202
    run = response.get_json()
    assert response.headers["Location"].endswith(f"/exports/{run['id']}")
    assert (run["name"], run["rows_total"]) == ("petitions.ledger", ROWS)

    # Jobs run inline in tests, where the request commits: the run is done.
    done = run_api(world, "clerk", run["id"]).get_json()
    assert (done["state"], done["rows_done"], done["rows_total"]) == ("done", ROWS, ROWS)
    assert done["filename"].endswith(".xlsx")
    file = world.client.get(
        done["download_url"], headers={"Authorization": f"Bearer {world.tokens['clerk']}"}
    )
    assert file.status_code == 200
    assert "filename*=UTF-8''" in file.headers["Content-Disposition"]
    assert sheet_rows(file.data) == sheet_rows(direct.data)
    assert [e["object_id"] for e in world.audit("export.downloaded")] == [str(run["id"])]
    assert len(world.audit("petition.exported")) == 2  # the direct one and the job's


def test_csv_runs_and_filters_travel_with_the_run(app, monkeypatch):
    world = county(app)
    world.register(summary="另一件", channel="visit")
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", 0)
    run = world.call("clerk", "GET", "/export", query_string={"format": "csv", "channel": "visit"})
    assert run.status_code == 202
    done = run_api(world, "clerk", run.get_json()["id"]).get_json()
    assert done["rows_total"] == done["rows_done"] == 1
    file = run_api(world, "clerk", done["id"], "/file")
    lines = file.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("编号,收件日期,来源") and len(lines) == 2 and "另一件" in lines[1]
    bad = world.call("clerk", "GET", "/export", query_string={"format": "pdf"})
    assert bad.status_code == 422


def test_a_run_is_its_users_and_the_managers(app, factory, monkeypatch):
    world = county(app)
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", 0)
    run_id = world.call("clerk", "GET", "/export").get_json()["id"]
    boss = factory.user("county", "boss", roles=["admin", "petition_clerk"])
    world.tokens["boss"] = factory.token(boss)
    assert run_api(world, "li", run_id).status_code == 404  # a colleague's run
    assert run_api(world, "li", run_id, "/file").status_code == 404
    assert run_api(world, "boss", run_id).status_code == 200
    assert run_api(world, "boss", run_id, "/file").status_code == 200
    assert run_api(world, "staff", run_id).status_code == 404  # cannot see petitions
    assert world.call("staff", "GET", "/export").status_code == 403
    assert run_api(world, "outsider", run_id, tenant="other").status_code == 404
    assert run_api(world, "clerk", 987654321).status_code == 404


def test_a_browser_goes_to_the_progress_page_and_downloads(app, monkeypatch):
    world = county(app)
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", 2)
    assert login(world.client, "clerk").status_code == 302
    response = world.client.get("/api/v1/t/county/petitions/export")
    assert response.status_code == 303
    page_url = response.headers["Location"]
    assert "/t/county/exports/" in page_url
    page = world.client.get(page_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "信访台账" in html and 'id="export-download"' in html
    assert 'data-state="done"' in html and "hx-trigger" not in html  # no more polling
    status = world.client.get(page_url + "/status").get_data(as_text=True)
    assert 'id="export-progress"' in status and "<html" not in status
    file = world.client.get(page_url + "/file")
    assert file.status_code == 200 and len(sheet_rows(file.data)) == ROWS + 2


def test_a_failing_export_says_so(app, monkeypatch):
    world = county(app)
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", 0)

    def broken(filters, fmt, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_job, "write_file", lambda *a, **k: broken(*a, **k))
    run_id = world.call("clerk", "GET", "/export").get_json()["id"]
    run = run_api(world, "clerk", run_id).get_json()
    assert (run["state"], run["download_url"]) == ("failed", None)
    assert run_api(world, "clerk", run_id, "/file").status_code == 404
    assert len(world.audit("export.failed")) == 1


def test_embedded_thread_pool_makes_the_file(app, make_app, monkeypatch):
    threaded = make_app(app, JOBS_INLINE=False)
    world = county(threaded)
    monkeypatch.setitem(threaded.config, "EXPORT_DIRECT_ROWS", 1)
    run_id = world.call("clerk", "GET", "/export").get_json()["id"]
    run = wait_done(world, "clerk", run_id)
    assert (run["state"], run["rows_done"]) == ("done", ROWS)
    assert len(sheet_rows(run_api(world, "clerk", run_id, "/file").data)) == ROWS + 2


def test_rq_worker_makes_the_file_and_progress_is_seen_meanwhile(rq_app, monkeypatch):
    world = county(rq_app, rows=7)
    monkeypatch.setitem(rq_app.config, "EXPORT_DIRECT_ROWS", 1)
    monkeypatch.setattr(service, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    owner = create_engine(rq_app.config["OWNER_DATABASE_URL"], poolclass=pool.NullPool)
    original = export_job._progress

    def watched(run_id, **values):
        original(run_id, **values)
        with owner.connect() as conn:  # another connection: what the page would read
            sql = text("SELECT rows_done FROM export_runs WHERE id = :i")
            seen.append(conn.execute(sql, {"i": run_id}).scalar_one())

    monkeypatch.setattr(export_job, "_progress", watched)
    response = world.call("clerk", "GET", "/export")
    run_id = response.get_json()["id"]
    assert queue_of(rq_app).count == 1
    assert run_api(world, "clerk", run_id).get_json()["state"] == "queued"

    work_burst(rq_app)

    assert seen[:4] == [0, 2, 4, 6]  # committed while the job still streamed
    run = run_api(world, "clerk", run_id).get_json()
    assert (run["state"], run["rows_done"], run["rows_total"]) == ("done", 7, 7)
    assert len(sheet_rows(run_api(world, "clerk", run_id, "/file").data)) == 7 + 2


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_write_file_counts_every_row(app, fmt, monkeypatch):
    world = county(app, rows=3)
    monkeypatch.setitem(app.config, "EXPORT_DIRECT_ROWS", 0)
    run = world.call("clerk", "GET", "/export", query_string={"format": fmt}).get_json()
    assert run_api(world, "clerk", run["id"]).get_json()["rows_done"] == 3

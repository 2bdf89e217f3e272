"""The API and the pages over demo data: every page renders, the API runs the flows,
bad input is a 422 that changes nothing, incomes are masked without the permission and
audited with it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db import db
from core.tenancy.scope import tenant_scope
from plugins.assistance.models import (
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Loan,
    Objection,
    Pairing,
    Posting,
)
from tests.factories import bearer, csrf_token, login

API = "/api/v1/t/county/assistance"
PAGES = "/t/county/assistance"


def _ids(app, tenant_id, model):
    with app.app_context(), tenant_scope(tenant_id):
        return db.session.scalars(select(model.id).order_by(model.id)).all()


def _count(app, tenant_id, model):
    with app.app_context(), tenant_scope(tenant_id):
        return db.session.scalar(select(func.count(model.id)))


def test_every_page_renders_over_the_demo_data(app, world, client):
    assert login(client, "leader").status_code == 302
    tid = world["tenant_id"]
    urls = [
        f"{PAGES}/",
        f"{PAGES}/records/new",
        f"{PAGES}/fund",
        f"{PAGES}/fund?start=2020-01-01&end=2030-12-31",
        f"{PAGES}/grants",
        f"{PAGES}/loans",
        f"{PAGES}/pairings",
        f"{PAGES}/campaigns",
        f"{PAGES}/reports",
        f"{PAGES}/import",
        "/t/county/",
        "/t/county/todo",
    ]
    urls += [f"{PAGES}/records/{i}" for i in _ids(app, tid, HardshipRecord)]
    urls += [f"{PAGES}/grants/{i}" for i in _ids(app, tid, Grant)]
    urls += [f"{PAGES}/loans/{i}" for i in _ids(app, tid, Loan)]
    urls += [f"{PAGES}/campaigns/{i}" for i in _ids(app, tid, Campaign)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    for url in (
        f"{PAGES}/reports/register.xlsx",
        f"{PAGES}/reports/statement.xlsx",
        f"{PAGES}/reports/loans.xlsx",
        f"{PAGES}/reports/annual.docx",
        f"{PAGES}/import-template.xlsx",
        f"{PAGES}/campaigns/{_ids(app, tid, Campaign)[0]}/roster.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data[:2] == b"PK"
    dashboard = client.get("/t/county/").get_data(as_text=True)
    assert "assistance-widget" in dashboard


def test_the_statement_reconciles_through_the_api(client, world):
    body = client.get(f"{API}/fund/statement", headers=bearer(world["leader"])).get_json()
    for line in body["lines"]:
        assert line["closing_fen"] == line["balance_fen"]
    assert body["fund_balance_fen"] == sum(
        line["closing_fen"] for line in body["lines"] if line["code"].startswith("cash_")
    )


def test_incomes_are_masked_without_the_permission_and_audited_with_it(app, client, world):
    tid = world["tenant_id"]
    record_id = _ids(app, tid, HardshipRecord)[0]
    masked = client.get(f"{API}/records/{record_id}", headers=bearer(world["clerk"])).get_json()
    assert masked["household_income_fen"] is None
    assert all(h["annual_income_fen"] is None for h in masked["household"])
    assert "*" in masked["id_number"]
    before = _count(app, tid, AuditEntry)
    full = client.get(f"{API}/records/{record_id}", headers=bearer(world["leader"])).get_json()
    assert full["household_income_fen"] == 40_000
    with app.app_context(), tenant_scope(tid):
        actions = db.session.scalars(
            select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)
        ).all()
    assert _count(app, tid, AuditEntry) == before + 1
    assert actions == ["assistance.income_viewed"]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/fund/receipts", {"source": "fiscal", "amount_fen": -5, "document_no": "x"}),
        ("/fund/receipts", {"source": "fiscal", "amount_fen": 10.5, "document_no": "x"}),
        ("/fund/receipts", {"source": "fiscal", "amount_fen": "100", "document_no": "x"}),
        ("/fund/receipts", {"source": "lottery", "amount_fen": 100, "document_no": "x"}),
        ("/grants", {"record_id": 1, "kind": "living", "amount_fen": 0, "reason": "r"}),
        (
            "/pairings",
            {
                "record_id": 1,
                "cadre_name": "张",
                "goal": "g",
                "measures": "m",
                "starts_on": "2026-05-01",
                "ends_on": "2026-04-01",
            },
        ),
        (
            "/records",
            {
                "member_id": 1,
                "category": "temporary",
                "level": "special",
                "causes": ["illness"],
                "household_income_fen": 10**15,
            },
        ),
    ],
)
def test_bad_input_is_a_clear_422_and_changes_nothing(app, client, world, path, body):
    tid = world["tenant_id"]
    counts = [_count(app, tid, m) for m in (Posting, Grant, Pairing, HardshipRecord)]
    response = client.post(f"{API}{path}", json=body, headers=bearer(world["leader"]))
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert [_count(app, tid, m) for m in (Posting, Grant, Pairing, HardshipRecord)] == counts


def test_statement_dates_out_of_order_are_refused(client, world):
    response = client.get(
        f"{API}/fund/statement?start=2026-05-01&end=2026-01-01", headers=bearer(world["leader"])
    )
    assert response.status_code == 422


def test_a_grant_through_the_api_with_a_ledger_refusal_is_409(app, client, world):
    tid = world["tenant_id"]
    record_id = _ids(app, tid, HardshipRecord)[0]
    headers = bearer(world["leader"])
    grant = client.post(
        f"{API}/grants",
        json={"record_id": record_id, "kind": "living", "amount_fen": 100_000_000, "reason": "r"},
        headers=headers,
    ).get_json()
    client.post(f"{API}/grants/{grant['id']}/transitions/review", json={}, headers=headers)
    client.post(f"{API}/grants/{grant['id']}/transitions/approve", json={}, headers=headers)
    postings = _count(app, tid, Posting)
    response = client.post(f"{API}/grants/{grant['id']}/transitions/pay", json={}, headers=headers)
    assert response.status_code == 409
    assert "余额不足" in response.get_json()["title"] + response.get_json().get("detail", "")
    assert _count(app, tid, Posting) == postings
    again = client.get(f"{API}/grants/{grant['id']}", headers=headers).get_json()
    assert again["state"] == "approved"


def test_a_clerk_cannot_pay(app, client, world):
    tid = world["tenant_id"]
    response = client.post(
        f"{API}/fund/receipts",
        json={"source": "fiscal", "amount_fen": 100, "document_no": "x"},
        headers=bearer(world["clerk"]),
    )
    assert response.status_code == 403
    assert _ids(app, tid, Objection)  # the demo has an objection to resolve
    assert _ids(app, tid, CampaignTarget)


def test_page_forms_take_yuan_and_refuse_fractions_of_a_fen(app, client, world):
    tid = world["tenant_id"]
    assert login(client, "leader").status_code == 302
    token = csrf_token(client, f"{PAGES}/fund")
    before = _count(app, tid, Posting)
    bad = client.post(
        f"{PAGES}/fund/receipts",
        data={"csrf_token": token, "source": "donation", "amount": "10.005", "document_no": "x"},
        follow_redirects=True,
    )
    assert "两位小数" in bad.get_data(as_text=True)
    assert _count(app, tid, Posting) == before
    client.post(
        f"{PAGES}/fund/receipts",
        data={"csrf_token": token, "source": "donation", "amount": "1,000.50", "document_no": "x"},
    )
    with app.app_context(), tenant_scope(tid):
        last = db.session.scalar(select(Posting).order_by(Posting.id.desc()).limit(1))
        assert last.amount_fen == 100_050


def test_lists_page_by_cursor_and_refuse_a_forged_one(client, world):
    headers = bearer(world["leader"])
    first = client.get(f"{API}/records?limit=1", headers=headers).get_json()
    second = client.get(
        f"{API}/records?limit=1&cursor={first['next_cursor']}", headers=headers
    ).get_json()
    assert first["items"][0]["id"] > second["items"][0]["id"]
    from core.api.pagination import encode_cursor

    for path in ("/records", "/grants", "/fund/postings"):
        forged = client.get(f"{API}{path}?cursor={encode_cursor([2**70])}", headers=headers)
        assert forged.status_code == 422, path


def test_every_workflow_move_is_a_generated_transitions_route_and_actions_are_gone(pg_app):
    rules = {rule.rule for rule in pg_app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    for records, flow in (
        ("records", "record_id"),
        ("grants", "grant_id"),
        ("loans", "loan_id"),
        ("campaigns", "campaign_id"),
    ):
        assert not any(r.endswith(f"/assistance/{records}/<int:{flow}>/actions") for r in rules)
    assert any(r.endswith("/assistance/grants/<int:grant_id>/transitions/approve") for r in rules)
    assert any(r.endswith("/assistance/loans/<int:loan_id>/transitions/approve") for r in rules)
    assert any(r.endswith("/assistance/records/<int:record_id>/transitions/file") for r in rules)

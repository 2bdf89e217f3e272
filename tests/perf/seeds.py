"""Rows for the statement budgets, made through the API as a client would: each seed
adds one row of its list (``seed(client, headers, i)``, ``i`` counting from 0)."""

from __future__ import annotations

from datetime import timedelta

from core import clock
from tests.core.orgs.helpers import ident, member_payload
from tests.plugins.petitions.web import petition_payload

API = "/api/v1/t/county"


def _created(response) -> dict:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def member(client, headers, i: int) -> dict:
    body = member_payload(name=f"党员{i}", id_number=ident(sequence=11 + 2 * i))
    return _created(client.post(f"{API}/orgs/members", json=body, headers=headers))


def unit(client, headers, i: int) -> None:
    body = {"name": f"第{i}支部", "kind": "branch"}
    _created(client.post(f"{API}/orgs/units", json=body, headers=headers))


def item(client, headers, i: int) -> None:
    body = {
        "title": f"督办事项{i}",
        "source": "meeting",
        "deadline": (clock.today() + timedelta(days=30)).isoformat(),
        "assign": False,
    }
    _created(client.post(f"{API}/supervision/items", json=body, headers=headers))


def petition(client, headers, i: int) -> None:
    body = petition_payload(summary=f"反映问题{i}")
    _created(client.post(f"{API}/petitions", json=body, headers=headers))


def hardship_record(client, headers, i: int) -> None:
    """A member of the register (a member of its own, with a household of one)."""
    member_id = member(client, headers, 100 + i)["id"]
    body = {
        "member_id": member_id,
        "category": "rural_low_income",
        "level": "general",
        "causes": ["illness"],
        "household_income_fen": 100_000,
        "household_size": 1,
        "household": [{"name": f"党员{100 + i}", "relation": "self", "annual_income_fen": 100_000}],
    }
    _created(client.post(f"{API}/assistance/records", json=body, headers=headers))


def petition_and_item(client, headers, i: int) -> None:
    """What the dashboard counts: a petition and a supervision item."""
    petition(client, headers, i)
    item(client, headers, i)

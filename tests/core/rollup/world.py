"""A small tree with known records, for the roll-up tests (figures computed by hand).

    province ─ city ─┬─ county-a ── town-a1
                     └─ county-b                (petitions not enabled: 未启用)
             └ city2 ── county-c                (sibling and cousin: never in city's roll-up)

Records of November 2026 (today 2026-11-30), the petitions' summaries all carry SECRET,
which no roll-up route may ever show.
"""

from __future__ import annotations

from datetime import date

from core.db import db
from core.orgs.models import Member, OrgUnit
from core.tenancy.scope import tenant_scope
from plugins.petitions.models import Petition
from plugins.supervision.models import SupervisionItem

TODAY = date(2026, 11, 30)
SECRET = "绝密摘要"
NOV = {"period": "month", "year": 2026, "month": 11}


def petition(n: int, channel: str = "letter", **values) -> Petition:
    fields = {
        "serial": f"XF-2026-{n:06d}",
        "received_on": date(2026, 11, 2),
        "channel": channel,
        "kind": "request",
        "summary": f"{SECRET}{n}",
        "state": "registered",
        "accept_due": date(2026, 11, 17),
        **values,
    }
    return Petition(**fields)


def accepted(n: int, channel: str = "letter", **values) -> Petition:
    given = {
        "decided_on": date(2026, 11, 3),
        "accepted_on": date(2026, 11, 3),
        "close_due": date(2026, 11, 25),
        "state": "in_handling",
        **values,
    }
    return petition(n, channel, **given)


def replied(n: int, on: date, **values) -> Petition:
    return accepted(n, replied_on=on, state="closed", **values)


RECORDS = {
    # city: two replied on time, one of them rated satisfied.
    "city": lambda: [
        replied(1, date(2026, 11, 20), satisfaction="satisfied"),
        replied(2, date(2026, 11, 24)),
        Member(name="甲", gender="male", is_floating=True),
        Member(name="乙", gender="female", joined_on=date(2010, 7, 1)),
    ],
    # county-a: a collective visit replied late (dissatisfied), an undecided online
    # report, and one of October (outside the period).
    "county-a": lambda: [
        replied(
            3, date(2026, 11, 28), channel="visit", people_count=6, satisfaction="dissatisfied"
        ),
        petition(4, "online", kind="report"),
        petition(5, received_on=date(2026, 10, 30)),
        Member(name="丙", gender="male", joined_on=date(1948, 5, 1)),
        OrgUnit(name="机关党支部", kind="branch"),
        SupervisionItem(
            serial="DC-2026-0001",
            title="按期办结",
            source="priorities",
            deadline=date(2026, 11, 20),
            state="closed",
            closed_on=date(2026, 11, 18),
        ),
        SupervisionItem(
            serial="DC-2026-0002",
            title="超期未办",
            source="priorities",
            deadline=date(2026, 11, 10),
            state="in_progress",
        ),
    ],
    # town-a1 (below county-a): an accepted phone petition, open past its deadline.
    "town-a1": lambda: [accepted(6, "phone")],
    "county-b": lambda: [
        Member(name="丁", gender="female"),
        SupervisionItem(
            serial="DC-2026-0001",
            title="今日到期",
            source="priorities",
            deadline=TODAY,
            state="in_progress",
        ),
    ],
    # The cousin: large numbers, so that any leak shows in every total.
    "county-c": lambda: (
        [replied(100 + n, date(2026, 11, 5)) for n in range(5)]
        + [Member(name=f"戊{n}", gender="male") for n in range(4)]
    ),
    "city2": lambda: [petition(200)],
}


def build(app, factory) -> dict[str, int]:
    ids = {"province": factory.tenant("province", kind="province_org_dept", plugins=["petitions"])}
    tree = [
        ("city", "province", "city_org_dept", ["petitions"]),
        ("city2", "province", "city_org_dept", ["petitions"]),
        ("county-a", "city", "county_org_dept", ["petitions", "supervision"]),
        ("county-b", "city", "county_org_dept", ["supervision"]),
        ("county-c", "city2", "county_org_dept", ["petitions", "supervision"]),
        ("town-a1", "county-a", "township_committee", ["petitions"]),
    ]
    for slug, parent, kind, plugins in tree:
        ids[slug] = factory.tenant(slug, parent=parent, kind=kind, plugins=plugins)
    with app.app_context():
        for slug, make in RECORDS.items():
            with tenant_scope(ids[slug]):
                db.session.add_all(make())
                db.session.flush()
        db.session.commit()
    return ids

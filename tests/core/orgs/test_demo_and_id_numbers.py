"""The ID-number arithmetic, and demo data that passes the same checks as real input."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from core.orgs import id_numbers
from core.orgs.demo import create_demo_data
from core.orgs.models import Member, OrgUnit
from core.orgs.schemas import MemberIn
from core.orgs.units import unit_tree
from core.tenancy.models import Tenant
from core.tenancy.scope import tenant_scope
from tests.factories import Factory


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002X", None),  # the standard's own example
        ("11010519491231002x", "shape"),  # normalize() upper-cases first
        ("110105194912310021", "checksum"),
        ("110105194902300021", "birth_date"),
        ("110105189912310021", "birth_range"),
        ("1101051949123100", "shape"),
    ],
)
def test_problems(number: str, problem: str | None):
    assert id_numbers.problem(number, date(2026, 1, 1)) == problem


def test_helpers():
    assert id_numbers.normalize(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"
    assert id_numbers.gender_of("11010519491231002X") == "female"
    assert id_numbers.birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert id_numbers.birth_date_of("110105194902300021") is None
    future = id_numbers.make("110105", date(2030, 1, 1), 1)
    assert id_numbers.problem(future, date(2026, 1, 1)) == "birth_range"
    with pytest.raises(ValueError):
        id_numbers.make("1101", date(1980, 1, 1), 1)


def test_demo_data_is_a_valid_tree_and_register(app: Flask, factory: Factory):
    factory.tenant("demo", locality_code="330122")
    with app.app_context(), app.test_request_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "demo"))
        with tenant_scope(tenant.id):
            create_demo_data(tenant)
            create_demo_data(tenant)  # a second call adds nothing
            tree = [(e.name, e.depth, e.kind) for e in unit_tree()]
            members = list(db.session.scalars(select(Member)))
            for member in members:
                loaded = MemberIn().load(
                    {
                        "name": member.name,
                        "gender": member.gender,
                        "birth_date": member.birth_date.isoformat(),
                        "id_number": member.id_number,
                        "branch_id": member.branch_id,
                        "joined_on": member.joined_on.isoformat(),
                        "status": member.status,
                    }
                )
                assert loaded["id_number"].startswith("330122")
            units = db.session.scalar(select(db.func.count()).select_from(OrgUnit))
            assert [m.name for m in members if m.is_veteran] == ["王建国"]
            assert any(m.is_retired for m in members) and any(m.is_floating for m in members)
            assert any(m.status == "probationary" for m in members)
            assert len({m.id_number for m in members}) == len(members)
            assert 10 <= len(members) <= 15
    assert tree[:2] == [("机关党委", 0, "committee"), ("第一党支部", 1, "branch")]
    assert units == 6 and sum(kind == "section" for _name, _depth, kind in tree) == 2

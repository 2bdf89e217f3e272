"""Which tenants a platform-level change addresses (shared by the CLI and the platform page)."""

from __future__ import annotations

import pytest

from core.tenancy.models import platform_tenant
from core.tenancy.targets import resolve_targets


@pytest.fixture
def tree(factory):
    factory.tenant("prov", kind="province_org_dept", locality_code="330000")
    factory.tenant("city", parent="prov", kind="city_org_dept", locality_code="330100")
    factory.tenant("county-b", parent="city", locality_code="330127")
    factory.tenant("county-a", parent="city", locality_code="330122")
    factory.tenant("town", parent="county-a", kind="township_committee", locality_code="330122")
    factory.tenant("elsewhere", kind="city_org_dept", locality_code="320100")


def _slugs(tenants):
    return [t.slug for t in tenants]


def test_one_tenant(app_context, tree):
    assert _slugs(resolve_targets(tenant="county-a")) == ["county-a"]


def test_a_subtree_is_the_tenant_first_then_breadth_first(app_context, tree):
    assert _slugs(resolve_targets(under="city")) == ["city", "county-a", "county-b", "town"]
    assert _slugs(resolve_targets(under="town")) == ["town"]


def test_a_locality_prefix_by_code_then_slug(app_context, tree):
    platform_tenant()  # locality 000000, never a target
    assert _slugs(resolve_targets(locality="3301")) == ["city", "county-a", "town", "county-b"]
    assert _slugs(resolve_targets(locality="33")) == [
        "prov",
        "city",
        "county-a",
        "town",
        "county-b",
    ]
    assert _slugs(resolve_targets(locality="330122")) == ["county-a", "town"]
    assert resolve_targets(locality="0") == []
    assert resolve_targets(locality="44") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "只指定一项"),
        ({"tenant": "city", "under": "city"}, "只指定一项"),
        ({"tenant": "city", "locality": "33"}, "只指定一项"),
        ({"tenant": "nowhere"}, "没有标识为“nowhere”的单位"),
        ({"under": "_platform"}, "没有标识为“_platform”的单位"),
        ({"locality": "33%"}, "1 至 6 位数字"),
        ({"locality": "3301001"}, "1 至 6 位数字"),
        ({"locality": "3301\n"}, "1 至 6 位数字"),
        ({"locality": "３３"}, "1 至 6 位数字"),  # full-width digits are no code
    ],
)
def test_refusals_say_why_in_chinese(app_context, tree, kwargs, message):
    platform_tenant()
    with pytest.raises(ValueError, match=message):
        resolve_targets(**kwargs)

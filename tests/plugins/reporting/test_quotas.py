"""Quotas: the city sets the county's first quarter (3 items, at least 1 问题建议); the
county submits two items (one 问题建议); both see 2/3 and the part met; the sibling
sees no quota of the county's; bad input changes nothing."""

from __future__ import annotations

from tests.plugins.reporting.test_api import BODY, _ok, _submit, _url
from tests.plugins.reporting.test_api import tokens as tokens  # noqa: F401 - fixture

QUARTER = {"year": 2026, "period": "quarter", "number": 1}


def test_the_child_and_the_parent_see_the_same_completion(client, tokens, factory):
    county = factory.tenant_id("county")
    quota = {
        "child_tenant_id": county,
        "year": 2026,
        "period": "quarter",
        "period_number": 1,
        "total": 3,
        "parts": [{"category": "problem", "minimum": 1}],
    }
    row = _ok(client.put(_url("city", "/quotas"), json=quota, headers=tokens["city"]))
    assert (row["total"], row["sent"], row["percent"], row["met"]) == (3, 0, 0, False)
    _submit(client, tokens, "county", "writer", "leader")
    _submit(client, tokens, "county", "writer", "leader", category="problem")
    # A draft does not count: only what went up.
    _ok(client.post(_url("county", "/items"), json=BODY, headers=tokens["writer"]), 201)
    for tenant, who in (("city", "city"), ("county", "writer")):
        (seen,) = _ok(
            client.get(_url(tenant, "/quotas"), query_string=QUARTER, headers=tokens[who])
        )
        assert (seen["child_tenant_id"], seen["sent"], seen["percent"]) == (county, 2, 66), tenant
        assert [(p["category"], p["sent"], p["met"]) for p in seen["parts"]] == [
            ("problem", 1, True)
        ]
    assert (
        _ok(client.get(_url("sibling", "/quotas"), query_string=QUARTER, headers=tokens["sibling"]))
        == []
    )
    second = {**QUARTER, "number": 2}
    assert (
        _ok(client.get(_url("city", "/quotas"), query_string=second, headers=tokens["city"])) == []
    )
    # Setting it again replaces it (one quota per child and period).
    _ok(
        client.put(
            _url("city", "/quotas"), json={**quota, "total": 2, "parts": []}, headers=tokens["city"]
        )
    )
    (seen,) = _ok(client.get(_url("city", "/quotas"), query_string=QUARTER, headers=tokens["city"]))
    assert (seen["total"], seen["met"], seen["parts"]) == (2, True, [])


def test_bad_quotas_are_refused(client, tokens, factory):
    base = {
        "child_tenant_id": factory.tenant_id("county"),
        "year": 2026,
        "period_number": 1,
        "total": 1,
    }
    for body in (
        {**base, "child_tenant_id": factory.tenant_id("province")},
        {**base, "parts": [{"category": "problem", "minimum": 2}]},
        {**base, "period_number": 5},
        {**base, "total": -1},
    ):
        response = client.put(_url("city", "/quotas"), json=body, headers=tokens["city"])
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
    assert (
        _ok(client.get(_url("city", "/quotas"), query_string=QUARTER, headers=tokens["city"])) == []
    )
    assert (
        client.put(_url("county", "/quotas"), json=base, headers=tokens["writer"]).status_code
        == 403
    )

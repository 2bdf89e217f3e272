"""Bad input never gets a 500: every API route, fed hostile bodies, query strings and ids.

For each route registered with ``api_route``, Hypothesis builds inputs from the route's
own schemas — the declared field names with values of every JSON type, oversized and
hostile strings, huge and negative numbers, unknown fields — plus arbitrary path ids. A
route may accept or refuse them, but a refusal is a 4xx problem+json, never a 500.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import Factory, bearer

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "=cmd|' /C calc'!A0",
        "\x00",
        "𠜎𠜱𠝹",
        "9" * 40,
        "党" * 5000,
        "2026-02-30",
        "-1",
        "null",
    ]
)
JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50)
    | HOSTILE_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
PATH_ID = st.one_of(st.integers(min_value=0, max_value=2**70), st.just(1))
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        spec = getattr(view, "zugong_api", None)
        if spec is None or "<tenant>" not in rule.rule:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.rule, method, spec


def _fields(schema) -> list[str]:
    return [f.data_key or name for name, f in schema.fields.items()] if schema is not None else []


def _body(spec):
    names = _fields(spec.body)
    keys = st.sampled_from(names + ["unknown_field"]) if names else st.text(max_size=8)
    return st.one_of(
        st.dictionaries(keys, JSON_VALUE, max_size=len(names) + 1),
        JSON_VALUE,  # not even an object
    )


def _query(spec):
    names = _fields(spec.query) or ["cursor", "limit"]
    return st.dictionaries(
        st.sampled_from(names), st.one_of(HOSTILE_TEXT, st.text(max_size=20)), max_size=4
    )


def _url(rule: str, tenant: str, ident: int) -> str:
    def fill(match: re.Match) -> str:
        converter, name = match.groups()
        if name == "tenant":
            return tenant
        return str(ident) if converter == "int" else "petitions"

    return _PARAM.sub(fill, rule)


@pytest.fixture
def token(app):
    factory = Factory(app)
    plugins = app.extensions["zugong.plugins"]
    factory.tenant("fuzz", plugins=plugins.names)
    roles = ["admin", *sorted({r.key for n in plugins.names for r in plugins.default_roles(n)})]
    return factory.token(factory.user("fuzz", "fuzzer", roles=roles))


def test_no_api_route_answers_500_to_bad_input(app, token):
    client = app.test_client()
    failures: list[str] = []
    routes = list(_routes(app))
    assert routes

    for rule, method, spec in routes:
        _probe(client, token, rule, method, spec, failures)
        if failures:
            break
    assert not failures, "\n".join(failures[:10])


def _probe(client, token, rule, method, spec, failures: list[str]) -> None:
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(body=_body(spec), query=_query(spec), ident=PATH_ID)
    def probe(body, query, ident):
        kwargs = {"headers": bearer(token), "query_string": query}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["json"] = body
        response = client.open(_url(rule, "fuzz", ident), method=method, **kwargs)
        if response.status_code >= 500:
            failures.append(
                f"{method} {rule} body={body!r:.200} query={query!r:.200}: {response.status_code}"
            )
        elif response.status_code >= 400 and response.mimetype != "application/problem+json":
            failures.append(f"{method} {rule}: {response.status_code} without problem+json")

    probe()

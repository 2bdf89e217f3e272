"""A tenant's template may not pin a worker: every render has a budget of steps,
characters and time, and the first one passed stops it."""

from __future__ import annotations

import pytest

from core import sandbox
from core.sandbox import BoundedEnvironment, RenderLimitExceeded


def render(source: str, **context) -> str:
    return BoundedEnvironment(autoescape=True).from_string(source).render(**context)


HOSTILE = [
    pytest.param(
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
        "steps",
        id="nested-loops-printing-nothing",
    ),
    pytest.param("{% for i in range(100000) %}{% endfor %}", "steps", id="one-huge-range"),
    pytest.param(
        "{% for x in rows %}{% for y in rows %}{{ x }}{% endfor %}{% endfor %}",
        "steps",
        id="nested-loops-over-data",
    ),
    pytest.param(
        "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(30) }}",
        "steps",
        id="exponential-macro",
    ),
    pytest.param("{% set s = 'ab' %}" + "{% set s = s ~ s %}" * 40, "size", id="doubling-tilde"),
    pytest.param("{% set s = 'ab' %}" + "{% set s = s + s %}" * 40, "size", id="doubling-plus"),
    pytest.param("{{ 'x' * 1000000000 }}", "size", id="repeat"),
    pytest.param("{{ 9 ** 99999999 }}", "size", id="power"),
    pytest.param("{{ 'x'|center(1000000000) }}", "size", id="pad-filter"),
    pytest.param("{{ 'x'.ljust(1000000000) }}", "size", id="pad-method"),
    pytest.param("{{ '%1000000000d' % 1 }}", "size", id="percent-width"),
    pytest.param("{{ '{:>1000000000}'.format(1) }}", "size", id="format-width"),
    pytest.param("{% for i in range(9000) %}" + "x" * 2000 + "{% endfor %}", "size", id="output"),
]


@pytest.mark.parametrize(("source", "limit"), HOSTILE)
def test_a_costly_template_is_stopped(source: str, limit: str):
    with pytest.raises(RenderLimitExceeded) as raised:
        render(source, rows=list(range(1000)))
    assert raised.value.limit == limit


def test_a_render_past_its_time_is_stopped(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.0)
    with pytest.raises(RenderLimitExceeded) as raised:
        render("{% for r in rows %}{{ r }}{% endfor %}", rows=[1, 2])
    assert raised.value.limit == "time"


def test_the_budget_is_per_environment_and_shared_by_its_templates():
    env = BoundedEnvironment()
    loop = env.from_string("{% for i in range(6000) %}{% endfor %}")
    loop.render()  # the body and a header of one document share one environment
    with pytest.raises(RenderLimitExceeded):
        for _ in range(20):
            loop.render()
    BoundedEnvironment().from_string("{% for i in range(6000) %}{% endfor %}").render()


def test_ordinary_templates_render_as_before():
    source = (
        "{% for r in rows %}{{ loop.index }}/{{ loop.length }}:{{ r }} {% endfor %}"
        "{{ name ~ '同志' }} {{ '%s'|format(13800138000) }} {{ '第{}号'.format(3) }}"
        "{{ 'x'|center(5) }}|{{ [1, 2] + [3] }}|{{ 2 ** 10 }}|{{ '-' * 3 }}"
    )
    assert render(source, rows=["甲", "乙"], name="张<三>") == (
        "1/2:甲 2/2:乙 张&lt;三&gt;同志 13800138000 第3号  x  |[1, 2, 3]|1024|---"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% for x in [1, 2, 3] %}{{ x }}{% endfor %}", "123"),
        ("{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}", "a=1"),
        ("{% for x in rows if x %}{{ loop.revindex }}{% else %}无{% endfor %}", "21"),
        ("{% for x in [] %}x{% else %}无{% endfor %}", "无"),
        (
            "{% for x in [[1], [2]] recursive %}{{ loop(x) if x is iterable else x }}{% endfor %}",
            "12",
        ),
        ("{% autoescape false %}{{ '<b>' ~ name }}{% endautoescape %}", "<b>张<三>"),
        ("{{ '<b>' ~ name }}", "&lt;b&gt;张&lt;三&gt;"),
        ("{{ 'a' ~ 'b' }}", "ab"),
    ],
)
def test_loops_and_joins_behave_as_in_jinja(source: str, expected: str):
    assert render(source, rows=["甲", "", "乙"], name="张<三>") == expected

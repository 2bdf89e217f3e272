"""Every deadline goes through ``core.calendar.period_end`` (issue 12).

The scan reads the plugins' source (AST, not text) and lists every place that does date
arithmetic of its own: ``timedelta(...)`` added to or taken from something,
``relativedelta``, and the month helper ``add_months`` or the old per-rule helpers of
core.calendar. A place listed in :data:`ALLOWED` is arithmetic that is not a deadline
(a look-back window, a report period, demo data, a job interval), each with the reason.
A new place fails the test: route the deadline through ``period_end`` with its rule, or,
when it truly is no deadline, add it here with the reason. An entry that no longer
matches anything fails too, so the list stays the true inventory.

It also lists the calls of ``period_end`` and requires each to name its rule as a
literal, so a reader sees at the call which rule the regulation prescribes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.calendar import RULES

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"

#: Helpers that do a period's arithmetic without saying the rule (period_end does).
HELPERS = {"add_months", "add_natural_days", "add_working_days", "subtract_working_days"}

#: (file relative to the repository, enclosing function or "<module>") → why it is no
#: deadline, or who routes it. Keep it short: most entries should disappear over time.
ALLOWED: dict[tuple[str, str], str] = {
    # Look-back windows, horizons and report periods: not deadlines.
    ("plugins/supervision/queries/lights.py", "window_for"): "warning/reminder horizon",
    ("plugins/supervision/queries/lights.py", "windows_for"): "warning/reminder horizon",
    ("plugins/supervision/queries/tables.py", "week_schedule"): "this week, Monday-Sunday",
    ("plugins/supervision/queries/tables.py", "month_summary"): "end of the month, inclusive",
    ("plugins/petitions/services/registration.py", "find_repeat_of"): "repeat look-back window",
    ("plugins/petitions/services/registration.py", "relink_later"): "repeat look-ahead window",
    ("plugins/petitions/services/longterm.py", "flag_tenant"): "long-term petitioner look-back",
    ("plugins/petitions/services/longterm.py", "scan_reviews"): "warning horizon of the light",
    ("plugins/petitions/services/longterm.py", "_flag_rows"): "periodic review horizon",
    ("plugins/petitions/queries/deadlines.py", "light_expression"): "warning horizon of the light",
    ("plugins/petitions/services/lights.py", "windows_table"): "warning horizon of the light",
    ("plugins/petitions/services/lights.py", "_moved_by_calendar"): "widest warning horizon",
    ("plugins/petitions/rollup.py", "_open_overdue"): "the month after this one (figures' spans)",
    ("plugins/petitions/todo.py", "statistics_widget"): "statistics window of the widget",
    ("plugins/petitions/queries/statistics.py", "year_before"): "report period",
    ("plugins/petitions/queries/statistics.py", "resolve_period"): "report period",
    ("plugins/petitions/queries/statistics.py", "_by_month"): "report period",
    ("plugins/assistance/jobs.py", "open_annual_reviews"): "review horizon",
    # Demo data: dates before or after today, not deadlines.
    ("plugins/supervision/demo.py", "item"): "demo data",
    ("plugins/supervision/demo.py", "_county_items"): "demo data",
    ("plugins/reporting/demo.py", "_late_incident"): "demo data",
    ("plugins/reporting/demo_levels.py", "create_own_demo"): "demo data",
    ("plugins/reporting/demo_levels.py", "_request"): "demo data",
    (
        "plugins/reporting/rollup.py",
        "_bounds",
    ): "a period's end (the day after its last), not a deadline",
    ("plugins/assistance/demo.py", "create_demo_data"): "demo data",
    ("plugins/petitions/demo.py", "create_demo_data"): "demo data",
    ("plugins/petitions/demo.py", "_longterm_demo"): "demo data",
    ("plugins/petitions/portal/demo.py", "create_demo_data"): "demo data",
    # Deadlines still to route through period_end: the 定期研判 cycle of long-term
    # petitioners, and the assistance items of issue 12 (another helper owns
    # plugins/assistance). They use the old helpers, which call period_end.
    # An extended appeal: the months' length in days, then period_end adds the extension.
    ("plugins/petitions/queries/deadlines.py", "close_due"): "length of the appeal months",
    (
        "plugins/petitions/services/longterm.py",
        "update_record",
    ): "issue 12 Phase B (定期研判 cycle)",
    (
        "plugins/petitions/services/longterm.py",
        "record_review",
    ): "issue 12 Phase B (定期研判 cycle)",
    ("plugins/assistance/services/moves.py", "publish"): "assistance helper (issue 12)",
    ("plugins/assistance/services/moves.py", "file"): "assistance helper (issue 12)",
    ("plugins/assistance/services/moves.py", "reviewed"): "assistance helper (issue 12)",
    ("plugins/assistance/services/imports.py", "_write"): "assistance helper (issue 12)",
}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_call_of(node: ast.expr, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in names


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.scope: list[str] = []
        self.sites: list[tuple[str, int, str]] = []  # (function, line, what)
        self.calls: list[ast.Call] = []

    def _here(self) -> str:
        return self.scope[-1] if self.scope else "<module>"

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Add | ast.Sub) and any(
            _is_call_of(side, {"timedelta", "relativedelta"}) for side in (node.left, node.right)
        ):
            self.sites.append((self._here(), node.lineno, "timedelta arithmetic"))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name == "relativedelta" or name in HELPERS:
            self.sites.append((self._here(), node.lineno, f"{name}()"))
        if name == "period_end":
            self.calls.append(node)
        self.generic_visit(node)


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PLUGINS.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def _scan() -> tuple[dict[tuple[str, str], list[str]], list[tuple[str, ast.Call]]]:
    sites: dict[tuple[str, str], list[str]] = {}
    calls: list[tuple[str, ast.Call]] = []
    for relative, tree in _sources():
        finder = _Finder()
        finder.visit(tree)
        for function, line, what in finder.sites:
            sites.setdefault((relative, function), []).append(f"line {line}: {what}")
        calls += [(relative, call) for call in finder.calls]
    return sites, calls


def test_no_deadline_is_computed_outside_core_calendar():
    sites, _calls = _scan()
    new = {key: found for key, found in sites.items() if key not in ALLOWED}
    assert not new, (
        "date arithmetic outside core.calendar.period_end (route the deadline through it "
        f"with its rule, or list a non-deadline in ALLOWED with the reason): {new}"
    )


def test_the_allow_list_names_only_places_that_exist():
    sites, _calls = _scan()
    stale = sorted(set(ALLOWED) - set(sites))
    assert not stale, f"ALLOWED entries that match nothing any more (remove them): {stale}"


def test_every_period_end_call_names_its_rule_as_a_literal():
    _sites, calls = _scan()
    assert calls, "the plugins compute their deadlines with period_end"
    for relative, call in calls:
        rule = call.args[2] if len(call.args) > 2 else None
        rule = rule or next((k.value for k in call.keywords if k.arg == "rule"), None)
        assert isinstance(rule, ast.Constant) and rule.value in RULES, (
            f"{relative}:{call.lineno}: period_end needs its rule as a literal"
        )


@pytest.mark.parametrize(
    "source",
    [
        "def f(d):\n    return d + timedelta(days=15)\n",
        "def f(d):\n    return d - datetime.timedelta(weeks=1)\n",
        "def f(d):\n    return d + relativedelta(months=1)\n",
        "def f(d):\n    return add_months(d, 1)\n",
        "def f(d):\n    return calendar.add_working_days(d, 5)\n",
    ],
)
def test_the_scan_sees_each_kind_of_bypass(source):
    finder = _Finder()
    finder.visit(ast.parse(source))
    assert {function for function, _line, _what in finder.sites} == {"f"}


def test_the_scan_does_not_flag_period_end_or_plain_intervals():
    finder = _Finder()
    finder.visit(
        ast.parse(
            "INTERVAL = timedelta(hours=1)\ndef f(d):\n    return period_end(d, 1, 'months')\n"
        )
    )
    assert finder.sites == [] and len(finder.calls) == 1

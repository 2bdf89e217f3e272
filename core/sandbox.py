"""A Jinja sandbox that bounds what one render may cost.

Tenants replace document templates, so a template is untrusted code: Jinja's own sandbox
stops it reaching Python's internals, but not from looping ``range(100000)`` inside
``range(100000)`` or doubling a string forty times, which pins a worker for minutes. A
:class:`BoundedEnvironment` counts a render's steps (loop iterations, as every ``for`` is
rewritten to iterate through a counter, and calls), the characters it produces and builds,
and its running time, checked at every step and output chunk; the first limit passed stops the render
with :class:`RenderLimitExceeded`. One environment is one render's budget: make a new one
for each document.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes, pass_eval_context
from jinja2.exceptions import TemplateRuntimeError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

#: Loop iterations and calls of one render, all together; a real document has hundreds.
MAX_STEPS = 100_000
#: Characters one render may produce or build in one value (the document's XML included).
MAX_CHARACTERS = 16_000_000
#: One ``range()``: Jinja's sandbox allows 100,000, which nested twice is 10^10 steps.
MAX_RANGE = 10_000
#: Wall time of one render: well under gunicorn's timeout.
MAX_SECONDS = 10.0
#: An exponent beyond this builds numbers of millions of digits.
MAX_EXPONENT = 1_000
#: A width of seven digits in a format string ("%9999999d", "{:>9999999}") builds
#: megabytes of padding; a "*" width takes it from the arguments.
_HUGE_WIDTH = re.compile(r"%(\([^)]*\))?[-+ #0]*(\d{7,}|\*)|\{[^{}]*:[^{}]*\d{7,}")
#: Filters and ``str`` methods whose number argument is a width to pad to.
_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap"})

_COUNTED = "zg_counted"
_JOINED = "zg_joined"


class RenderLimitExceeded(TemplateRuntimeError):
    """A render went past one of the limits; ``limit`` names which (for the message)."""

    def __init__(self, limit: str, detail: str) -> None:
        super().__init__(detail)
        self.limit = limit


class _CountLoops(NodeTransformer):
    """``for x in items`` becomes ``for x in items|zg_counted``; ``a ~ b`` is measured."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, _COUNTED, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        joined = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(joined, _JOINED, [], [], None, None, lineno=node.lineno)


class BoundedEnvironment(SandboxedEnvironment):
    """A sandbox whose renders stop at :data:`MAX_STEPS`, :data:`MAX_CHARACTERS`,
    :data:`MAX_SECONDS` (read when the environment is made)."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.max_steps = MAX_STEPS
        self.max_characters = MAX_CHARACTERS
        self.deadline = time.monotonic() + MAX_SECONDS
        self.steps = 0
        self.filters = {name: self._guarded(name, f) for name, f in self.filters.items()}
        self.filters[_COUNTED] = self._counted
        self.filters[_JOINED] = pass_eval_context(
            lambda eval_ctx, parts: self._joined(eval_ctx, parts)  # a method cannot be marked
        )
        self.globals["range"] = self._range

    # -- the budget ---------------------------------------------------------------------

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise RenderLimitExceeded("steps", f"more than {self.max_steps} loop steps and calls")
        self.tick()

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimitExceeded("time", f"rendering took longer than {MAX_SECONDS:g} s")

    def _measure(self, value: Any) -> Any:
        if isinstance(value, str | list | tuple | bytes) and len(value) > self.max_characters:
            raise RenderLimitExceeded(
                "size", f"a value of more than {self.max_characters} characters"
            )
        return value

    def _check_padding(self, name: str, args: Iterable[Any]) -> None:
        """Padding to a width allocates it: ``center(10**9)`` is a gigabyte."""
        if name not in _PADDING:
            return
        for arg in args:
            if isinstance(arg, int) and abs(arg) > self.max_characters:
                raise RenderLimitExceeded("size", f"{name} to a width of {arg}")

    def _check_format(self, text: Any) -> None:
        if isinstance(text, str) and _HUGE_WIDTH.search(text):
            raise RenderLimitExceeded("size", "a format width of millions or a '*' width")

    # -- where templates spend: loops, calls, operators, filters, output -----------------

    def _counted(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item

    def _joined(self, eval_ctx: EvalContext, parts: list[Any]) -> Any:
        """``a ~ b`` as Jinja joins it (escaping where autoescape is on), measured first."""
        self.tick()
        total = sum(len(p) for p in parts if isinstance(p, str))
        if total > self.max_characters:
            raise RenderLimitExceeded("size", f"joining {total} characters")
        return markup_join(parts) if eval_ctx.autoescape else str_join(parts)

    def _range(self, *args: int) -> range:
        result = range(*args)
        if len(result) > MAX_RANGE:
            raise RenderLimitExceeded("steps", f"a range of more than {MAX_RANGE} items")
        return result

    def _guarded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment marks
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            self._check_padding(name, [*args, *kwargs.values()])
            if name == "format":
                self._check_format(next((a for a in args if isinstance(a, str)), None))
            return self._measure(function(*args, **kwargs))

        return guarded

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.step()
        # str.format arrives wrapped: its format string may ask for a huge width.
        bound = getattr(__obj, "__wrapped__", __obj)
        name = getattr(bound, "__name__", "")
        if isinstance(getattr(bound, "__self__", None), str):
            __self._check_padding(name, [*args, *kwargs.values()])
            if name in ("format", "format_map"):
                __self._check_format(bound.__self__)
        return __self._measure(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "*":
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sized and counts and len(sized[0]) * counts[0] > self.max_characters:
                raise RenderLimitExceeded("size", "repeating a value millions of times")
        elif operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise RenderLimitExceeded("size", f"an exponent of {right}")
        elif operator == "%":
            self._check_format(left)
        elif operator == "+":
            sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
            if sum(sizes) > self.max_characters:
                raise RenderLimitExceeded("size", "adding values of millions of characters")
        return self._measure(super().call_binop(context, operator, left, right))

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """The render's output, measured chunk by chunk as it is produced."""
        out: list[str] = []
        size = 0
        for part in parts:
            size += len(part)
            if size > self.max_characters:
                raise RenderLimitExceeded(
                    "size", f"a document of more than {self.max_characters} characters"
                )
            self.tick()
            out.append(part)
        return "".join(out)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _CountLoops().visit(super()._parse(source, name, filename))

"""A bounded crawler for the browser tests: from a signed-in user's home, every page
reachable from the navigation and every link on those pages, and what is wrong on
each (a 5xx, a console error, a raw key or id in a Chinese page's visible text, a
time shown in UTC).

Pages of the same shape (``/items/12`` and ``/items/13``) count as one after
:data:`PER_SHAPE` visits, so the bound covers many kinds of page rather than many rows.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

MAX_PAGES = 150
PER_SHAPE = 2
#: Links not to follow: downloads, the API, signing out, the public portal.
SKIP = re.compile(
    r"(/logout|/api/|\.xlsx|\.docx|\.csv|\.pdf|format=xlsx|format=docx|/download"
    r"|/attachments/|/p/|/static/)"
)
#: What a Chinese page must not show a person (ASCII only: \w would match Chinese).
RAW = {
    "key": re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"),
    "move→code": re.compile(r"→ ?[a-z]"),
    "id after a colon": re.compile(r"：\d{1,6}$", re.M),
}
STAMP = re.compile(r"\b(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})")
UTC_MARK = re.compile(r"\d{2}:\d{2}(:\d{2})?(\.\d+)?(\+00:00|Z)\b")


@dataclass
class Problem:
    url: str
    kind: str
    detail: str


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def shape(url: str) -> str:
    """The page's kind: its path with numbers as N, without the query's values."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+", "/N", parts.path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(page: Page, base: str, start: str, allowed: tuple[str, ...] = ()) -> Crawl:
    """Walk from ``start`` (a path) through same-site links, checking every page.

    ``allowed`` are texts that may appear although they look like keys (the demo's
    usernames, shown on purpose on the users page)."""
    result = Crawl()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    queue, seen, shapes = deque([base + start]), {base + start}, {}
    while queue and len(result.visited) < MAX_PAGES:
        url = queue.popleft()
        kind = shape(url)
        if shapes.get(kind, 0) >= PER_SHAPE:
            continue
        shapes[kind] = shapes.get(kind, 0) + 1
        errors.clear()
        try:
            response = page.goto(url)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file, not a page
            raise
        result.visited.append(url)
        status = response.status if response else 0
        if status >= 500:
            result.problems.append(Problem(url, "5xx", str(status)))
            continue
        for text in errors:
            result.problems.append(Problem(url, "console", text[:200]))
        result.problems.extend(check_text(page, url, allowed))
        for link in _links(page, base):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return result


def _links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if href.startswith(base) and not SKIP.search(href[len(base) :]):
            out.append(href)
    return out


def check_text(page: Page, url: str, allowed: tuple[str, ...] = ()) -> list[Problem]:
    """Raw keys and ids in a Chinese page's visible text, and times not in Beijing time."""
    if page.get_attribute("html", "lang") != "zh-CN":
        return []
    text = page.inner_text("body")
    for word in allowed:
        text = text.replace(word, "")
    problems = [
        Problem(url, kind, match.group(0))
        for kind, pattern in RAW.items()
        for match in pattern.finditer(text)
    ]
    problems += [Problem(url, "UTC time", m.group(0)) for m in UTC_MARK.finditer(text)]
    problems += [Problem(url, "UTC time", s) for s in utc_looking(text)]
    return problems


def utc_looking(text: str, now: datetime | None = None) -> list[str]:
    """Times that read as the current UTC wall clock (within two hours of it). Beijing
    is eight hours ahead, so a time written in the last few hours, shown in Beijing
    time, is never within two hours of UTC's wall clock."""
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    found = []
    for match in STAMP.finditer(text):
        day, hour, minute = match.groups()
        try:
            shown = datetime.fromisoformat(f"{day} {hour}:{minute}")
        except ValueError:
            continue
        if abs(shown - now) < timedelta(hours=2):
            found.append(match.group(0))
    return found

"""Core's confirmation dialog (#zg-confirm in layout.html, driven by static/js/zugong.js)
as a browser test meets it: every irreversible action asks there, not in a native
``confirm()``, so a test reads the question and answers it like a clerk."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def asked(page: Page, summary: str | None = None) -> Locator:
    """The dialog, once it is shown (with ``summary`` in its text, where given)."""
    dialog = page.locator("#zg-confirm")
    expect(dialog).to_be_visible()
    if summary is not None:
        expect(dialog).to_contain_text(summary)
    return dialog


def confirm(page: Page, summary: str | None = None, reason: str | None = None) -> None:
    """Answer 确定 (writing ``reason`` first where the action asks for one)."""
    dialog = asked(page, summary)
    if reason is not None:
        dialog.locator("#zg-confirm-reason").fill(reason)
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_be_hidden()


def cancel(page: Page, summary: str | None = None) -> None:
    """Answer 取消: the page stays as it was."""
    dialog = asked(page, summary)
    dialog.locator(".modal-footer").get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()

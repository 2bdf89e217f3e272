"""The to-do list names each item's module by its title, in the reader's language."""

from __future__ import annotations

from flask import render_template_string

from core.plugins.types import TodoItem


def test_the_module_column_shows_the_plugins_title_not_its_key(app) -> None:
    items = [TodoItem("审查信访件", "/x", "petitions"), TodoItem("旧事项", "/y", "uninstalled")]
    with app.test_request_context("/"):
        html = render_template_string('{% include "_todo_list.html" %}', items=items)
    assert "<td>信访</td>" in html
    assert "<td>uninstalled</td>" in html  # a plugin no longer installed keeps its key
    with app.test_request_context("/?lang=en", headers={"Accept-Language": "en"}):
        html = render_template_string('{% include "_todo_list.html" %}', items=items)
    assert "<td>Petitions</td>" in html

"""marshmallow's error messages in the user's language.

marshmallow writes English messages, and some validators format them when the schema
is built, so they cannot be swapped for lazy translations. Instead every error tree is
passed through :func:`localize` on its way out (API problems, form pages, import
reports): for a Chinese user each known English message is rewritten by this table.
"""

from __future__ import annotations

import re
from typing import Any

from flask import has_request_context
from flask_babel import get_locale

_EXACT = {
    "Missing data for required field.": "必填项。",
    "Field may not be null.": "不能为空。",
    "Not a valid string.": "应为文本。",
    "Not a valid utf-8 string.": "不是有效的 UTF-8 文本。",
    "Not a valid integer.": "应为整数。",
    "Not a valid number.": "应为数字。",
    "Number too large.": "数值过大。",
    "Not a valid boolean.": "应为是或否。",
    "Not a valid date.": "不是有效的日期（格式 YYYY-MM-DD）。",
    "Not a valid datetime.": "不是有效的日期时间。",
    "Not a valid list.": "应为列表。",
    "Not a valid mapping type.": "应为对象。",
    "Invalid input type.": "输入类型无效。",
    "Invalid input.": "取值无效。",
    "Invalid value.": "取值无效。",
    "Unknown field.": "未知字段。",
    "Not a valid email address.": "不是有效的电子邮件地址。",
    "Not a valid URL.": "不是有效的网址。",
    "String does not match expected pattern.": "格式不正确。",
    "Special numeric values (nan or infinity) are not permitted.": "不允许特殊数值。",
}
_PATTERNS = [
    (r"Shorter than minimum length (.+)\.", "长度不能少于 {0}。"),
    (r"Longer than maximum length (.+)\.", "长度不能超过 {0}。"),
    (r"Length must be between (.+) and (.+)\.", "长度应在 {0} 到 {1} 之间。"),
    (r"Length must be (.+)\.", "长度应为 {0}。"),
    (
        r"Must be greater than or equal to (.+) and less than or equal to (.+)\.",
        "应在 {0} 到 {1} 之间。",
    ),
    (r"Must be greater than or equal to (.+)\.", "不能小于 {0}。"),
    (r"Must be less than or equal to (.+)\.", "不能大于 {0}。"),
    (r"Must be greater than (.+)\.", "应大于 {0}。"),
    (r"Must be less than (.+)\.", "应小于 {0}。"),
    (r"Must be one of: (.+)\.", "应为以下之一：{0}。"),
]
_COMPILED = [(re.compile(f"^{p}$"), template) for p, template in _PATTERNS]


def to_chinese(message: str) -> str:
    if message in _EXACT:
        return _EXACT[message]
    for pattern, template in _COMPILED:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


def localize(messages: Any) -> Any:
    """Rewrite an error tree (dicts, lists, strings) for the request's language."""
    if not _chinese():
        return messages
    return _walk(messages)


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v) for v in value]
    return to_chinese(value) if isinstance(value, str) else value


def _chinese() -> bool:
    if not has_request_context():
        return True  # jobs and the CLI speak the default language
    return get_locale().language == "zh"

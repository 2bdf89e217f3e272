"""Money on screen and in forms: stored as integer 分, shown and typed as yuan.

Storage and the API speak 分 (integers, exact); people read and type yuan. The two
directions live here once:

* :func:`yuan` shows 123450 as ``"1,234.50"`` (no float anywhere);
* :class:`Yuan` is the marshmallow field of a page form or a settings page: it takes
  ``"1,234.5"`` (or an integer number of yuan) and loads it as 123450 分. More than
  two decimals, a non-number or a negative amount is a field error — never rounded::

      class GrantForm(FormSchema, GrantIn):
          amount_fen = Yuan(data_key="amount", required=True, minimum=1)
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

#: 一亿元: any amount typed above this is a typo (and would overflow nothing, but mislead).
MAX_TYPED_FEN = 10_000_000_000


def yuan(fen: int) -> str:
    """分 as yuan with two decimals and thousands separators, exactly."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def parse_yuan(text: Any) -> int:
    """Yuan as typed (``"1,234.5"``, ``"1234"``, ``12``) → 分; ``ValueError`` with the
    reason in the user's language otherwise."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise ValueError(str(_l("金额格式不正确")))
    cleaned = str(text).strip().replace(",", "").replace("，", "").replace("元", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(str(_l("金额格式不正确"))) from None
    if not value.is_finite():
        raise ValueError(str(_l("金额格式不正确")))
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(str(_l("金额最多保留两位小数")))
    fen = int(value * 100)
    if fen < 0:
        raise ValueError(str(_l("金额不能为负数")))
    if fen > MAX_TYPED_FEN:
        raise ValueError(str(_l("金额过大，请核对")))
    return fen


class Yuan(fields.Field):
    """An amount typed in yuan, loaded as integer 分 (and dumped back as yuan text).

    ``minimum`` and ``maximum`` are in 分, so the form refuses what the API schema's
    range refuses, with the limit shown in yuan."""

    def __init__(self, *, minimum: int = 0, maximum: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else yuan(value).replace(",", "")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        try:
            fen = parse_yuan(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if fen < self.minimum:
            raise ValidationError(str(_l("金额不能少于 %(n)s 元", n=yuan(self.minimum))))
        if self.maximum is not None and fen > self.maximum:
            raise ValidationError(str(_l("金额不能超过 %(n)s 元", n=yuan(self.maximum))))
        return fen

"""Cursors: a forged one is refused centrally (every list gets a 422, never a database
error); a fair one decodes to typed values. The cost of a page is checked per list
route (e.g. tests/core/orgs/test_members_list.py)."""

from __future__ import annotations

import pytest

from core.api.pagination import BadCursor, decode_cursor
from core.api.pagination import encode_cursor as _cursor
from core.orgs.models import Member


@pytest.mark.parametrize("values", [[None], [-1], [2**63], ["x" * 201]])
def test_forged_cursor_values_are_refused_for_every_list(values: list):
    with pytest.raises(BadCursor):
        decode_cursor(_cursor(values), [Member.name if isinstance(values[0], str) else Member.id])


def test_a_fair_cursor_decodes_to_typed_values():
    assert decode_cursor(_cursor(["张三", 7]), [Member.name, Member.id]) == ["张三", 7]

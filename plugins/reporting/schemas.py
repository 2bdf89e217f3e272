"""Every marshmallow schema of the reporting API, input and output."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from core.api.fields import Text, UtcDateTime
from core.api.pagination import CursorQuery
from core.db import MAX_DB_ID
from plugins.reporting.models import CATEGORIES, DOC_TYPES, INCIDENT_STAGES, LEVELS
from plugins.reporting.priorities.schemas import TagOut
from plugins.reporting.workflow import ITEM_STATES, SUBMISSION_STATES


def Id(**kwargs: Any) -> fields.Integer:  # noqa: N802 - reads like a field class
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_DB_ID), **kwargs)


def Choice(choices: dict[str, str], **kwargs: Any) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf(list(choices)), **kwargs)


class AwareDateTime(fields.AwareDateTime):
    """A time with its offset; one without is taken as Beijing time (what users mean).
    Years outside 2000-2099 are typing errors (and would overflow time arithmetic)."""

    default_error_messages = {"range": "时间应在 2000 年到 2099 年之间。"}

    def __init__(self, **kwargs: Any) -> None:
        from core import clock

        super().__init__(default_timezone=clock.TZ, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= result.year <= 2099:
            raise self.make_error("range")
        return result


class ItemIn(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    body = Text(required=True, validate=validate.Length(min=1, max=20000))
    category = Choice(CATEGORIES, required=True)
    doc_type = Choice(DOC_TYPES, required=True)
    pen_name = Text(required=True, validate=validate.Length(min=1, max=50))
    pen_phone = Text(
        required=True,
        validate=validate.Regexp(r"^[0-9+\-() ]{3,30}\Z", error="电话号码格式不正确。"),
    )
    author_ids = fields.List(Id(), validate=validate.Length(max=20))
    occurred_at = AwareDateTime(load_default=None)
    incident_stage = Choice(INCIDENT_STAGES, load_default=None)
    chain_parent_id = Id(load_default=None)
    #: The parent's 约稿 this item answers (null: none).
    request_id = Id(allow_none=True)
    #: 信息要点: priorities the ancestors offer this year (replaces the item's tags).
    priority_ids = fields.List(Id(), validate=validate.Length(max=10))


class MineQuery(CursorQuery):
    state = Choice(ITEM_STATES)
    category = Choice(CATEGORIES)


class InboxQuery(CursorQuery):
    # A query string carries text: not strict, unlike the JSON bodies' ids.
    child_tenant_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_DB_ID), metadata={"description": "报送单位"}
    )
    category = Choice(CATEGORIES)
    state = Choice(SUBMISSION_STATES)
    priority_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_DB_ID), metadata={"description": "信息要点"}
    )
    since = AwareDateTime(metadata={"description": "报送时间起"})
    until = AwareDateTime(metadata={"description": "报送时间止"})


class InstructionIn(Schema):
    leader_name = Text(required=True, validate=validate.Length(min=1, max=50))
    leader_level = Choice(LEVELS, required=True)
    text = Text(required=True, validate=validate.Length(min=1, max=5000))
    instructed_on = fields.Date(
        load_default=None,
        validate=validate.Range(
            min=date(2000, 1, 1), max=date(2099, 12, 31), error="日期应在 2000 年到 2099 年之间。"
        ),
    )


class SubmissionOut(Schema):
    id = fields.Integer()
    item_id = fields.Integer()
    level = fields.Integer()
    sender_tenant_id = fields.Integer()
    sender = fields.String()
    receiver_tenant_id = fields.Integer()
    receiver = fields.String()
    state = fields.String()
    state_title = fields.String()
    version = fields.Integer()
    submitted_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    adopted_level = fields.String(allow_none=True)
    issue_label = fields.String(allow_none=True)


class InboxRowOut(SubmissionOut):
    title = fields.String()
    serial = fields.String()
    category = fields.String()
    doc_type = fields.String()
    word_count = fields.Integer()
    tags = fields.List(fields.Nested(TagOut), metadata={"description": "信息要点"})


class InstructionOut(Schema):
    id = fields.Integer()
    leader_name = fields.String()
    leader_level = fields.String()
    text = fields.String()
    instructed_on = fields.Date()
    recorded_by_tenant_id = fields.Integer()


class VersionOut(Schema):
    number = fields.Integer()
    title = fields.String()
    body = fields.String()
    word_count = fields.Integer()
    at = UtcDateTime()


class ItemOut(Schema):
    id = fields.Integer()
    tenant_id = fields.Integer()
    serial = fields.String()
    title = fields.String()
    body = fields.String()
    word_count = fields.Integer()
    category = fields.String()
    category_title = fields.String()
    doc_type = fields.String()
    state = fields.String()
    state_title = fields.String()
    version = fields.Integer()
    pen_name = fields.String()
    pen_phone = fields.String()
    submitted_at = UtcDateTime(allow_none=True)
    occurred_at = UtcDateTime(allow_none=True)
    due_at = UtcDateTime(allow_none=True)
    is_late = fields.Boolean()
    incident_stage = fields.String(allow_none=True)
    chain_parent_id = fields.Integer(allow_none=True)
    request_tenant_id = fields.Integer(allow_none=True)
    request_id = fields.Integer(allow_none=True)
    tags = fields.List(fields.Nested(TagOut), metadata={"description": "信息要点"})


class ChangeOut(Schema):
    op = fields.String(metadata={"description": "equal / delete / insert"})
    text = fields.String()


class DifferenceOut(Schema):
    from_version = fields.Integer()
    to_version = fields.Integer()
    title = fields.List(fields.Nested(ChangeOut))
    body = fields.List(fields.Nested(ChangeOut))


class ItemDetailOut(ItemOut):
    submissions = fields.List(fields.Nested(SubmissionOut))
    instructions = fields.List(fields.Nested(InstructionOut))
    versions = fields.List(fields.Nested(VersionOut))
    differences = fields.List(fields.Nested(DifferenceOut))


# The pages' small forms: what a move posts beside its button, and where to come back.


class CommentIn(Schema):
    """A move's optional comment (a required one is the workflow's to refuse)."""

    comment = Text(load_default=None, validate=validate.Length(max=2000))


class BackToItem(Schema):
    """``item_id`` when an issue entry was put in from the item page."""

    item_id = Id(load_default=None)


class PeriodBack(Schema):
    """The period a page was showing, as typed, to show it again after a post."""

    year = fields.String(load_default="")
    period = fields.String(load_default="")
    number = fields.String(load_default="")
    period_number = fields.String(load_default="")

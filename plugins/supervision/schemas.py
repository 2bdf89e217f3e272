"""Input and output schemas of the supervision API and pages (the pages load their forms
through the same schemas, so a page can do nothing the API would refuse)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from core.api.fields import Text
from core.api.pagination import CursorQuery
from core.attachments.schemas import AttachmentOut
from core.attachments.services import attachments_of
from plugins.supervision.models import (
    ACCOUNTABILITY_KINDS,
    CYCLES,
    LIGHTS,
    PRIORITIES,
    RATINGS,
    SOURCES,
)
from plugins.supervision.workflow import REPORT_FILES, STATES

MAX_ID = 2**53
FIRST_YEAR, LAST_YEAR = 2000, 2099
#: Dates outside this range are typing errors, and would overflow calendar arithmetic.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def Day(**kwargs: Any) -> fields.Date:  # noqa: N802 - reads like a field class
    return fields.Date(
        validate=validate.Range(
            min=FIRST_DAY, max=LAST_DAY, error="日期应在 2000-01-01 到 2099-12-31 之间。"
        ),
        **kwargs,
    )


def Id(strict: bool = True, **kwargs: Any) -> fields.Integer:  # noqa: N802 - reads like a field class
    """An id: strict in JSON bodies; ``strict=False`` in query strings, whose values
    are always text."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class Month(fields.String):
    """``YYYY-MM`` of a year the calendar knows (2000–2099)."""

    default_error_messages = {"month": "月份应为 2000-01 到 2099-12 之间的 YYYY-MM。"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", text)
        if match is None or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise self.make_error("month")
        return text


#: What an ``…_estimated`` flag means (the OpenAPI description).
ESTIMATED_HELP = (
    "该日期按周末估算：所跨年份尚无节假日数据（平台管理 → 节假日 /platform/calendar 载入后，"
    "新计算的日期不再估算）"
)


class SupervisionMilestoneIn(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    due = Day(required=True)


class SupervisionStepIn(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    working_days = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=1, max=250)
    )


class SupervisionItemIn(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    source = Text(required=True, validate=validate.OneOf(list(SOURCES)))
    source_ref = Text(allow_none=True, validate=validate.Length(max=200))
    requirements = Text(allow_none=True, validate=validate.Length(max=5000))
    leader_user_id = Id(allow_none=True)
    section_id = Id(allow_none=True)
    person_user_id = Id(allow_none=True)
    deadline = Day(required=True)
    feedback_cycle = Text(load_default="monthly", validate=validate.OneOf(list(CYCLES)))
    priority = Text(load_default="normal", validate=validate.OneOf(list(PRIORITIES)))
    parent_id = Id(allow_none=True)
    co_handler_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=20))
    milestones = fields.List(
        fields.Nested(SupervisionMilestoneIn), load_default=list, validate=validate.Length(max=50)
    )
    assign = fields.Boolean(load_default=False, metadata={"description": "立项后立即交办"})


class SupervisionItemPatch(Schema):
    """What may be corrected on an open item (only the fields sent)."""

    title = Text(validate=validate.Length(min=1, max=200))
    source_ref = Text(allow_none=True, validate=validate.Length(max=200))
    requirements = Text(allow_none=True, validate=validate.Length(max=5000))
    leader_user_id = Id(allow_none=True)
    section_id = Id(allow_none=True)
    person_user_id = Id(allow_none=True)
    feedback_cycle = Text(validate=validate.OneOf(list(CYCLES)))
    priority = Text(validate=validate.OneOf(list(PRIORITIES)))


class SupervisionMilestoneOut(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    title = fields.String()
    due = fields.Date()
    due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    done_on = fields.Date(allow_none=True)


class SupervisionItemOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    title = fields.String()
    source = fields.String()
    source_ref = fields.String(allow_none=True)
    requirements = fields.String(allow_none=True)
    leader_user_id = fields.Integer(allow_none=True)
    section_id = fields.Integer(allow_none=True)
    person_user_id = fields.Integer(allow_none=True)
    deadline = fields.Date()
    deadline_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    feedback_cycle = fields.String()
    priority = fields.String()
    parent_id = fields.Integer(allow_none=True)
    state = fields.String()
    light = fields.String(allow_none=True)
    percent = fields.Integer()
    assigned_on = fields.Date(allow_none=True)
    acknowledge_due = fields.Date(allow_none=True)
    acknowledge_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    acknowledged_on = fields.Date(allow_none=True)
    report_due = fields.Date(allow_none=True)
    report_due_estimated = fields.Boolean(metadata={"description": ESTIMATED_HELP})
    closed_on = fields.Date(allow_none=True)
    rating = fields.String(allow_none=True)
    escalated_on = fields.Date(allow_none=True)
    origin_plugin = fields.String(allow_none=True)
    origin_ref = fields.String(allow_none=True)
    origin_url = fields.String(allow_none=True)


class SupervisionItemListQuery(CursorQuery):
    leader_user_id = Id(strict=False)
    section_id = Id(strict=False)
    person_user_id = Id(strict=False)
    source = fields.String(validate=validate.OneOf(list(SOURCES)))
    state = fields.String(validate=validate.OneOf(list(STATES)))
    light = fields.String(validate=validate.OneOf(list(LIGHTS)))


class SupervisionBoardQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    leader_user_id = Id(strict=False)
    section_id = Id(strict=False)
    person_user_id = Id(strict=False)
    source = fields.String(validate=validate.OneOf(list(SOURCES)))
    state = fields.String(validate=validate.OneOf(list(STATES)))
    light = fields.String(validate=validate.OneOf(list(LIGHTS)))
    include_closed = fields.Boolean(load_default=False)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "xlsx"]))


class SupervisionBoardRowOut(SupervisionItemOut):
    leader_name = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    section_name = fields.String(allow_none=True)


class SupervisionCommentIn(Schema):
    comment = Text(allow_none=True, validate=validate.Length(max=2000))


class SupervisionReportIn(Schema):
    text = Text(required=True, validate=validate.Length(min=1, max=5000))
    percent = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=100))


class SupervisionReportOut(Schema):
    id = fields.Integer()
    author_name = fields.String()
    text = fields.String()
    percent = fields.Integer()
    reported_on = fields.Date()
    attachments = fields.Method("_attachments")

    def _attachments(self, report) -> list[dict]:
        return AttachmentOut(many=True).dump(attachments_of(REPORT_FILES.name, report.id))


class SupervisionRateIn(Schema):
    rating = Text(required=True, validate=validate.OneOf(list(RATINGS)))
    comment = Text(allow_none=True, validate=validate.Length(max=2000))


class SupervisionMessageIn(Schema):
    message = Text(required=True, validate=validate.Length(min=1, max=500))


class SupervisionReminderOut(Schema):
    id = fields.Integer()
    item_id = fields.Integer()
    user_id = fields.Integer()
    kind = fields.String()
    occasion = fields.String()
    message = fields.String(allow_none=True)
    due = fields.Date(allow_none=True)
    done_at = fields.DateTime(allow_none=True)


class SupervisionExtensionIn(Schema):
    new_deadline = Day(required=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))


class SupervisionDecisionIn(Schema):
    approve = fields.Boolean(required=True)
    comment = Text(allow_none=True, validate=validate.Length(max=2000))


class SupervisionDecisionForm(Schema):
    """The item page's approve or refuse button (which one says the decision)."""

    extension_id = Id(required=True)
    comment = Text(allow_none=True, validate=validate.Length(max=2000))


class SupervisionEscalateForm(Schema):
    """提级督办 from the item page: the message may be left for the default text."""

    message = Text(load_default="", validate=validate.Length(max=500))


class SupervisionMilestoneForm(Schema):
    milestone_id = Id(required=True)


class SupervisionExtensionOut(Schema):
    id = fields.Integer()
    old_deadline = fields.Date()
    new_deadline = fields.Date()
    reason = fields.String()
    state = fields.String()
    decision_comment = fields.String(allow_none=True)


class SupervisionAccountabilityIn(Schema):
    kind = Text(required=True, validate=validate.OneOf(list(ACCOUNTABILITY_KINDS)))
    subject = Text(required=True, validate=validate.Length(min=1, max=100))
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))
    decided_on = Day(allow_none=True)


class SupervisionAccountabilityOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    subject = fields.String()
    reason = fields.String()
    decided_on = fields.Date()


class SupervisionBackScheduleIn(Schema):
    steps = fields.List(
        fields.Nested(SupervisionStepIn), required=True, validate=validate.Length(min=1, max=30)
    )


class SupervisionBackSchedulePreviewIn(SupervisionBackScheduleIn):
    deadline = Day(required=True)


class SupervisionScheduledStepOut(Schema):
    title = fields.String()
    due = fields.Date()
    estimated = fields.Boolean()


class SupervisionViewQuery(Schema):
    month = Month(metadata={"description": "月份 YYYY-MM（默认本月；月计划、月小结、实绩公开）"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "xlsx"]))


class SupervisionReportRowsOut(Schema):
    """A view's rows (columns as in its .xlsx)."""

    title = fields.String()
    columns = fields.List(fields.Dict())
    rows = fields.List(fields.Dict())


class SupervisionHistoryOut(SupervisionReportRowsOut):
    """An item's history: state changes and notes, oldest first."""


class SupervisionBulletinQuery(Schema):
    month = Month()


class SupervisionImportRowIn(Schema):
    """One row of the decomposition .xlsx (names still unresolved)."""

    number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    parent = fields.String(allow_none=True, validate=validate.Length(max=20))
    requirements = fields.String(allow_none=True, validate=validate.Length(max=5000))
    leader = fields.String(allow_none=True, validate=validate.Length(max=50))
    section = fields.String(allow_none=True, validate=validate.Length(max=100))
    person = fields.String(allow_none=True, validate=validate.Length(max=50))
    deadline = Day(required=True)
    cycle = fields.String(allow_none=True, validate=validate.Length(max=10))
    priority = fields.String(allow_none=True, validate=validate.Length(max=10))
    source_ref = fields.String(allow_none=True, validate=validate.Length(max=200))

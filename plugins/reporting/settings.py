"""The reporting plugin's settings (layered: plugin default → platform → ancestors →
the tenant, so a city's choice is its counties' default).

The scoring table (积分标准) is a handful of flat keys rather than one nested value, so a
city can keep its province's points and change only, say, its base score: layers merge
key by key.
"""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates

from core.i18n import N_
from plugins.reporting.models import DOC_TYPES, LEVELS

#: An incident is due upward within the tenant's setting, never later than this.
INCIDENT_LATEST_HOURS = 24

#: The adopting level's points by document type (published local rules are of this shape).
DEFAULT_ADOPTION_POINTS = {
    "county": {"brief": 1, "special": 2, "urgent": 3},
    "city": {"brief": 2, "special": 4, "urgent": 6},
    "province": {"brief": 5, "special": 10, "urgent": 15},
    "centre": {"brief": 10, "special": 20, "urgent": 30},
}
DEFAULT_INSTRUCTION_BONUS = {"county": 1, "city": 3, "province": 5, "centre": 10}
#: 迟报, 漏报 and a 约稿 left unanswered, each taken off once per occurrence.
DEFAULT_PENALTIES = {"late": 1, "missed": 3, "request_missed": 2}
PENALTIES = {"late": N_("迟报"), "missed": N_("漏报"), "request_missed": N_("约稿未报")}
MULTIPLE_ADOPTIONS = {"highest": N_("取最高一级"), "sum": N_("各级累加")}

_LEVELS = tuple(DEFAULT_ADOPTION_POINTS)
_DOC_TYPES = ("brief", "special", "urgent")


def _points(value: object, keys: tuple[str, ...]) -> None:
    if not isinstance(value, dict) or set(value) != set(keys):
        raise ValidationError(_("须为每一项给出分值"))
    for points in value.values():
        if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 1000:
            raise ValidationError(_("分值须为 0 到 1000 之间的整数"))


class ReportingSettings(Schema):
    incident_due_hours = fields.Integer(
        strict=True,
        load_default=6,
        validate=validate.Range(min=1, max=INCIDENT_LATEST_HOURS),
        metadata={"title": N_("突发事件报送时限（小时）")},
    )
    serial_prefix = fields.String(
        load_default="XX",
        validate=validate.Regexp(r"^[A-Z]{1,6}\Z"),
        metadata={"title": N_("信息编号前缀")},
    )
    scoring_adoption_points = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer(strict=True)),
        load_default=lambda: {k: dict(v) for k, v in DEFAULT_ADOPTION_POINTS.items()},
        metadata={
            "title": N_("采用计分（采用单位层级 × 文种）"),
            "labels": {**LEVELS, **DOC_TYPES},
        },
    )
    scoring_instruction_bonus = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(strict=True),
        load_default=lambda: dict(DEFAULT_INSTRUCTION_BONUS),
        metadata={"title": N_("领导批示加分（按批示领导层级）"), "labels": LEVELS},
    )
    scoring_penalties = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(strict=True),
        load_default=lambda: dict(DEFAULT_PENALTIES),
        metadata={"title": N_("扣分（迟报、漏报、约稿未报）"), "labels": PENALTIES},
    )
    scoring_multiple_adoptions = fields.String(
        load_default="highest",
        validate=validate.OneOf(list(MULTIPLE_ADOPTIONS)),
        metadata={"title": N_("一条信息多级采用时"), "labels": MULTIPLE_ADOPTIONS},
    )
    scoring_base = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(min=0, max=1000),
        metadata={"title": N_("基础分")},
    )

    @validates("scoring_adoption_points")
    def _check_adoption_points(self, value: dict, **_kwargs: object) -> None:
        if not isinstance(value, dict) or set(value) != set(_LEVELS):
            raise ValidationError(_("须为县级、市级、省级、中央四级分别给出分值"))
        for row in value.values():
            _points(row, _DOC_TYPES)

    @validates("scoring_instruction_bonus")
    def _check_bonus(self, value: dict, **_kwargs: object) -> None:
        _points(value, _LEVELS)

    @validates("scoring_penalties")
    def _check_penalties(self, value: dict, **_kwargs: object) -> None:
        _points(value, tuple(DEFAULT_PENALTIES))

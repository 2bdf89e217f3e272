"""The petitions plugin's tenant settings: deadlines, warnings, long-term petitioner
thresholds and the public portal, with their defaults (``load_default``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.i18n import N_


class PetitionSettings(Schema):
    accept_days = fields.Integer(
        strict=True,
        load_default=15,
        validate=validate.Range(min=1, max=15),
        metadata={"title": N_("受理期限（日）")},
    )
    close_days = fields.Integer(
        strict=True,
        load_default=60,
        validate=validate.Range(min=1, max=60),
        metadata={"title": N_("办结期限（日）")},
    )
    extension_max_days = fields.Integer(
        strict=True,
        load_default=30,
        validate=validate.Range(min=0, max=30),
        metadata={"title": N_("延期上限（日）")},
    )
    return_working_days = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=1, max=5),
        metadata={"title": N_("退回期限（工作日）")},
    )
    appeal_months = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=1, max=12),
        metadata={"title": N_("党员申诉办理期限（月）")},
    )
    warning_days = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=0, max=15),
        metadata={"title": N_("临期预警天数")},
    )
    longterm_min_petitions = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=2, max=100),
        metadata={"title": N_("信访老户：期间内信访件数达到")},
    )
    longterm_months = fields.Integer(
        strict=True,
        load_default=12,
        validate=validate.Range(min=1, max=60),
        metadata={"title": N_("信访老户：统计期间（月）")},
    )
    longterm_unresolved_days = fields.Integer(
        strict=True,
        load_default=365,
        validate=validate.Range(min=90, max=3650),
        metadata={"title": N_("信访老户：信访件未办结超过（日）")},
    )
    longterm_review_months = fields.Integer(
        strict=True,
        load_default=3,
        validate=validate.Range(min=1, max=12),
        metadata={"title": N_("信访老户：包案领导复核周期（月）")},
    )
    recuse_reported_unit = fields.Boolean(
        load_default=False,
        metadata={
            "title": N_(
                "对被反映人所在单位人员回避：被反映人所在单位为本单位组织机构时，"
                "该机构的人员看不到此信访件"
            )
        },
    )
    portal_enabled = fields.Boolean(load_default=False, metadata={"title": N_("开放网上信访")})
    portal_daily_limit = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=1, max=50),
        metadata={"title": N_("每客户端每日提交上限")},
    )

"""The assistance plugin's per-tenant settings, with their defaults.

Amounts are stored in 分 and marked ``money`` so the settings page shows and takes them
in yuan (the API keeps 分, like every amount of the API).

The income line of identification is per person (家庭人均), as 民政 counts it, built
on the local minimum-living-allowance line (最低生活保障标准, 低保标准): a household
whose yearly income per person is below ``dibao_monthly_fen`` × 12 ×
``low_income_percent`` % qualifies as 农村低收入. The defaults — 1,000 元 per person
and month, 150 % (the 低收入家庭 line of most provinces' 社会救助 rules) — are the
current practice of a county in the east; each tenant sets its own 低保标准.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates

from core.i18n import N_

#: 两年还本: the sources' rule; a tenant may shorten the term, never exceed it.
MAX_LOAN_TERM_MONTHS = 24


class AssistanceSettings(Schema):
    dibao_monthly_fen = fields.Integer(
        strict=True,
        load_default=100_000,
        validate=validate.Range(min=1, max=10_000_000),
        metadata={
            "title": N_("当地最低生活保障标准（元/人·月）"),
            "description": N_(
                "县（市、区）民政部门公布的城乡低保标准，每人每月，认定收入标准以此为基数"
            ),
            "money": True,
        },
    )
    low_income_percent = fields.Integer(
        strict=True,
        load_default=150,
        validate=validate.Range(min=100, max=300),
        metadata={
            "title": N_("低收入认定线（低保标准的百分比）"),
            "description": N_(
                "家庭人均年收入低于“低保标准 × 12 × 此百分比”的，可认定为农村低收入困难党员；"
                "150 即低保标准的 1.5 倍"
            ),
        },
    )
    loan_term_months = fields.Integer(
        strict=True,
        load_default=MAX_LOAN_TERM_MONTHS,
        metadata={
            "title": N_("借款期限（月）"),
            "description": N_("两年还本：可以缩短，最长 24 个月"),
        },
    )
    annual_borrower_quota = fields.Integer(
        strict=True,
        load_default=50,
        validate=validate.Range(min=0),
        metadata={"title": N_("年度借款户数上限")},
    )
    required_documents = fields.String(
        load_default="困难党员帮扶申请表、家庭收入证明、支部大会初审意见",
        validate=validate.Length(max=500),
        metadata={"title": N_("认定须提交的材料（以顿号分隔）")},
    )
    grant_approval_limit_fen = fields.Integer(
        strict=True,
        load_default=200_000,
        validate=validate.Range(min=0),
        metadata={"title": N_("分管领导救助审批限额（元），超出须部务会审批"), "money": True},
    )
    review_months = fields.Integer(
        strict=True,
        load_default=12,
        validate=validate.Range(min=1, max=24),
        metadata={"title": N_("复核周期（月）")},
    )
    review_warning_days = fields.Integer(
        strict=True,
        load_default=30,
        validate=validate.Range(min=0, max=90),
        metadata={"title": N_("年度复核提前提醒天数")},
    )
    notice_working_days = fields.Integer(
        strict=True,
        load_default=5,
        validate=validate.Range(min=1, max=30),
        metadata={"title": N_("公示期（工作日）")},
    )

    @validates("loan_term_months")
    def _two_years_at_most(self, value: int, **_kwargs: Any) -> None:
        if not 1 <= value <= MAX_LOAN_TERM_MONTHS:
            raise ValidationError(
                _("借款期限须为 1 至 %(n)s 个月（两年还本，只能缩短）", n=MAX_LOAN_TERM_MONTHS)
            )


def per_capita_threshold_fen(values: dict[str, Any]) -> int:
    """The yearly income per person below which a rural household qualifies, in 分."""
    return values["dibao_monthly_fen"] * 12 * values["low_income_percent"] // 100

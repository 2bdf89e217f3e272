"""The tenant's problem categories in and out."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
)

from core.orgs.fields import Text, WholeNumber

# -- categories and conflicts ---------------------------------------------------------


class PetitionCategoryIn(Schema):
    name = Text(required=True, validate=validate.Length(max=50))
    parent_id = WholeNumber(allow_none=True)
    sort_order = WholeNumber(validate=validate.Range(min=0, max=99999))
    is_active = fields.Boolean()


class PetitionCategoryForm(PetitionCategoryIn):
    class Meta:
        unknown = EXCLUDE


class CategoryMoveForm(Schema):
    """The page's ↑/↓ buttons: which way a category moves among its siblings."""

    class Meta:
        unknown = EXCLUDE

    direction = fields.String(required=True)

    @validates("direction")
    def _way(self, value: str, **_kwargs: Any) -> None:
        if value not in ("up", "down"):
            raise ValidationError(_("移动方向无效。"))


class CategoryActiveForm(Schema):
    """The page's 启用/停用 button (a hidden ``is_active`` of 1 or 0)."""

    class Meta:
        unknown = EXCLUDE

    is_active = fields.Boolean(required=True)


class PetitionCategoryOut(Schema):
    id = fields.Integer()
    name = fields.String()
    parent_id = fields.Integer(allow_none=True)
    sort_order = fields.Integer()
    is_active = fields.Boolean()
    depth = fields.Integer(metadata={"description": "在树中的层级，根为 0"})
    used = fields.Integer(metadata={"description": "使用该类别的信访件数"})


class PetitionCategoryListQuery(Schema):
    include_inactive = fields.Boolean(load_default=True)

"""The tenant's problem categories in and out."""

from __future__ import annotations

from marshmallow import (
    EXCLUDE,
    Schema,
    fields,
    validate,
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

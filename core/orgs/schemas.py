"""What comes in and goes out for org units and members (API, forms, imports).

Inputs refuse unknown fields (forms and imports drop them instead), trim text, and check
every reference inside the tenant in scope: the scoped session cannot see another
tenant's unit, so a foreign id is reported as missing, never as a database error.
Messages of our own are gettext msgids in Chinese, formatted when the input is checked
(so in the request's language); marshmallow's own are localized by core.api.messages.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates,
    validates_schema,
)
from sqlalchemy import select

from core.db import MAX_DB_ID, db
from core.forms import FormSchema
from core.import_schemas import ImportQuery
from core.orgs.checks import (
    find_unit,  # noqa: F401 - re-exported: plugins read it from here
    member_problems,
    plausible_birth,
    plausible_joining,
    unit_reference_problem,
)
from core.orgs.fields import (
    Choice,
    IdNumber,
    MaskedIdNumber,
    Text,
    WholeNumber,
    YesNo,
)
from core.orgs.models import (
    GENDERS,
    MEMBER_STATUSES,
    UNIT_KINDS,
    UNIT_STATUSES,
    OrgUnit,
)
from core.phones import check_phone

# -- org units ------------------------------------------------------------------------


class OrgUnitIn(Schema):
    """Creating a unit (PATCH loads it with ``partial=True``)."""

    name = Text(required=True, validate=validate.Length(max=100))
    kind = fields.String(required=True, validate=validate.OneOf(list(UNIT_KINDS)))
    code = Text(allow_none=True, validate=validate.Length(max=40))
    parent_id = WholeNumber(allow_none=True)
    sort_order = WholeNumber(validate=validate.Range(min=0, max=9999))
    notes = Text(allow_none=True, validate=validate.Length(max=2000))

    @validates("parent_id")
    def _parent_in_tenant(self, value: int | None, **_kwargs: Any) -> None:
        if value is not None:
            problem = unit_reference_problem(value, for_member=False)
            if problem:
                raise ValidationError(problem)


class OrgUnitForm(OrgUnitIn):
    class Meta:
        unknown = EXCLUDE


class OrgUnitOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    kind_title = fields.String()
    code = fields.String(allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    sort_order = fields.Integer()
    is_active = fields.Boolean()
    notes = fields.String(allow_none=True)
    depth = fields.Integer(metadata={"description": "在树中的层级，根为 0（仅列表）"})
    member_count = fields.Integer(metadata={"description": "直接编入的在册党员数（仅列表）"})


EXPORT_FORMAT = fields.String(
    load_default="xlsx",
    validate=validate.OneOf(["xlsx", "csv"]),
    metadata={"description": "xlsx（默认，供人阅读）或 csv（UTF-8，供系统对接）"},
)


class UnitListQuery(Schema):
    include_inactive = fields.Boolean(load_default=False)


class UnitExportQuery(UnitListQuery):
    format = EXPORT_FORMAT


class UnitImportRow(Schema):
    """One spreadsheet row of units: the type by key or label, the parent as written.

    The parent (上级组织) is a code or a name that may point at an earlier row of the same
    file, so the service resolves it once the whole file is read. It also needs the name
    and code of rows that failed here (a child of a failed row must say so): every row's
    input is kept in :attr:`seen`, in the order the rows were loaded.
    """

    name = Text(required=True, validate=validate.Length(max=100))
    kind = Choice(UNIT_KINDS, required=True)
    code = Text(allow_none=True, validate=validate.Length(max=40))
    parent = Text(allow_none=True, validate=validate.Length(max=100))
    sort_order = WholeNumber(load_default=0, validate=validate.Range(min=0, max=9999))
    status = Choice(UNIT_STATUSES, load_default="active")
    notes = Text(allow_none=True, validate=validate.Length(max=2000))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[dict[str, Any]] = []

    @pre_load
    def _remember(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        self.seen.append(dict(data))
        return data


#: Chinese spreadsheet header -> UnitImportRow field. The export writes these headers but
#: 备注, plus 党员数 (ignored on import), so an export imports back as it is.
UNIT_IMPORT_HEADERS: dict[str, str] = {
    "名称": "name",
    "类型": "kind",
    "编码": "code",
    "上级组织": "parent",
    "排序": "sort_order",
    "状态": "status",
    "备注": "notes",
}


# -- members --------------------------------------------------------------------------


class _MemberBase(Schema):
    name = Text(required=True, validate=validate.Length(max=50))
    birth_date = fields.Date(allow_none=True, validate=plausible_birth)
    id_number = IdNumber(allow_none=True)
    phone = Text(allow_none=True, validate=[validate.Length(max=20), check_phone])
    joined_on = fields.Date(allow_none=True, validate=plausible_joining)
    notes = Text(allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def _consistent(self, data: dict[str, Any], partial: Any = None, **_kwargs: Any) -> None:
        # A partial update is checked by the service against the stored values.
        if not partial:
            errors = member_problems(data)
            if errors:
                raise ValidationError(errors)


class MemberIn(_MemberBase):
    """Registering a member (PATCH loads it with ``partial=True``)."""

    gender = fields.String(required=True, validate=validate.OneOf(list(GENDERS)))
    branch_id = WholeNumber(allow_none=True)
    status = fields.String(load_default="formal", validate=validate.OneOf(list(MEMBER_STATUSES)))
    is_retired = fields.Boolean(load_default=False)
    is_unemployed = fields.Boolean(load_default=False)
    is_floating = fields.Boolean(load_default=False)

    @validates("branch_id")
    def _branch_in_tenant(self, value: int | None, **_kwargs: Any) -> None:
        if value is not None:
            problem = unit_reference_problem(value, for_member=True)
            if problem:
                raise ValidationError(problem)


class MemberForm(MemberIn):
    """The page's form: the CSRF token and buttons are dropped, unticked boxes are False."""

    class Meta:
        unknown = EXCLUDE


class BranchByName(fields.String):
    """The member's Party organization as a spreadsheet names it: its code or its name."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int | None:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            return None
        units = self._units()
        matches = [u for u in units if u.code == text] or [u for u in units if u.name == text]
        if not matches:
            raise ValidationError(_("本单位没有名称或编码为“%(name)s”的党组织。", name=text))
        if len(matches) > 1:
            raise ValidationError(_("有多个组织名为“%(name)s”，请填写组织编码。", name=text))
        problem = unit_reference_problem(matches[0].id, for_member=True)
        if problem:
            raise ValidationError(problem)
        return matches[0].id

    def _units(self) -> list[OrgUnit]:
        # Fields are copied per schema instance: one lookup per import, not per row.
        if getattr(self, "_cache", None) is None:
            self._cache = list(db.session.scalars(select(OrgUnit)))
        return self._cache


class MemberImportRow(_MemberBase):
    """One spreadsheet row: labels instead of keys, 是/否 for flags, the branch by name."""

    gender = Choice(GENDERS, required=True)
    branch_id = BranchByName(allow_none=True)
    status = Choice(MEMBER_STATUSES, load_default="formal")
    is_retired = YesNo(load_default=False)
    is_unemployed = YesNo(load_default=False)
    is_floating = YesNo(load_default=False)


#: Chinese spreadsheet header -> MemberImportRow field (also the export's columns).
IMPORT_HEADERS: dict[str, str] = {
    "姓名": "name",
    "性别": "gender",
    "出生日期": "birth_date",
    "公民身份号码": "id_number",
    "联系电话": "phone",
    "所属党组织": "branch_id",
    "入党日期": "joined_on",
    "党员类别": "status",
    "离退休": "is_retired",
    "下岗失业": "is_unemployed",
    "流动党员": "is_floating",
    "备注": "notes",
}


class MemberOut(Schema):
    id = fields.Integer()
    name = fields.String()
    gender = fields.String()
    gender_title = fields.Function(lambda m: _(GENDERS.get(m.gender, m.gender)))
    birth_date = fields.Date(allow_none=True)
    id_number = MaskedIdNumber(
        allow_none=True,
        metadata={"description": "持有 core.view_identity 时为完整号码（记入审计），否则打码"},
    )
    phone = fields.String(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    branch_name = fields.Function(lambda m: m.branch.name if m.branch else None)
    joined_on = fields.Date(allow_none=True)
    status = fields.String()
    status_title = fields.Function(lambda m: _(MEMBER_STATUSES.get(m.status, m.status)))
    is_veteran = fields.Boolean(metadata={"description": "建国前老党员（1949-10-01 前入党）"})
    is_retired = fields.Boolean()
    is_unemployed = fields.Boolean()
    is_floating = fields.Boolean()
    is_active = fields.Boolean()
    notes = fields.String(allow_none=True)
    created_at = fields.DateTime()


class IdentityOut(Schema):
    id = fields.Integer()
    name = fields.String()
    id_number = fields.String(allow_none=True)


SORTS = ("id", "name")


class MemberListQuery(Schema):
    branch_id = WholeNumber(validate=validate.Range(min=1, max=MAX_DB_ID))
    subtree = fields.Boolean(
        load_default=False, metadata={"description": "同时列出 branch_id 下级组织的党员"}
    )
    status = fields.String(validate=validate.OneOf(list(MEMBER_STATUSES)))
    name = Text(validate=validate.Length(max=50), metadata={"description": "姓名前缀"})
    is_veteran = fields.Boolean()
    is_retired = fields.Boolean()
    is_unemployed = fields.Boolean()
    is_floating = fields.Boolean()
    include_inactive = fields.Boolean(load_default=False)
    sort = fields.String(load_default="id", validate=validate.OneOf(SORTS))
    order = fields.String(
        validate=validate.OneOf(["asc", "desc"]),
        metadata={"description": "默认：按编号倒序，按姓名正序"},
    )
    cursor = fields.String(validate=validate.Length(max=1000))
    limit = WholeNumber(load_default=50, validate=validate.Range(min=1, max=200))


class MemberFilterForm(MemberListQuery):
    class Meta:
        unknown = EXCLUDE


class MemberExportQuery(MemberListQuery):
    format = EXPORT_FORMAT

    class Meta:
        exclude = ("cursor", "limit", "sort", "order")


class ImportForm(FormSchema, ImportQuery):
    """The import page's second step: the file carried in a hidden field (base64)."""

    file_data = fields.String(load_default="")

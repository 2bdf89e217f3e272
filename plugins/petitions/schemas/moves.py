"""The body of each workflow move (mapped to their moves in
:data:`plugins.petitions.schemas.moves.TRANSITION_SCHEMAS`; a move without an entry takes
:class:`PetitionTransitionIn`, a comment only), for its API route and its page form.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from core.db import MAX_DB_ID
from core.orgs.fields import Text, WholeNumber
from core.orgs.schemas import find_unit
from plugins.petitions.models import (
    NOT_ACCEPTED_REASONS,
    OUTCOMES,
    SATISFACTIONS,
)
from plugins.petitions.schemas.petitions import member_problem

# -- workflow transitions -------------------------------------------------------------


class PetitionTransitionIn(Schema):
    """Any move: an optional comment (说明), required where the move says so."""

    comment = Text(allow_none=True, validate=validate.Length(max=2000))


class PetitionAcceptIn(PetitionTransitionIn):
    """受理: the new facts or reasons, required only where the matter was decided on 复核
    (:mod:`plugins.petitions.services.finality`)."""

    new_facts = Text(allow_none=True, validate=validate.Length(max=2000))


class PetitionNotAcceptIn(PetitionTransitionIn):
    reason = fields.String(required=True, validate=validate.OneOf(list(NOT_ACCEPTED_REASONS)))


class _SendingIn(PetitionTransitionIn):
    """Forward and assign: a copy in a tenant of this platform carries the petitioners
    only when the sender holds the identity permission and asks for it (audited)."""

    include_identity = fields.Boolean(load_default=False)


class PetitionForwardIn(_SendingIn):
    """转送 to a tenant of this platform (a copy is made there), or to a body named in
    free text."""

    target_tenant_id = WholeNumber(
        allow_none=True, load_default=None, validate=validate.Range(min=1, max=MAX_DB_ID)
    )
    target_name = Text(allow_none=True, validate=validate.Length(max=100))

    @validates_schema
    def _some_target(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("target_tenant_id") is None and not (data.get("target_name") or "").strip():
            raise ValidationError(_("须选择或填写接收单位"), "target_name")


class PetitionAssignIn(_SendingIn):
    """交办 to one of this tenant's children, with the date to report back by."""

    target_tenant_id = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_DB_ID))
    report_back_due = fields.Date(required=True)


class PetitionReviewRequestIn(_SendingIn):
    """复查/复核 asked of the upper body (a case opens there)."""


class PetitionAssignHandlerIn(PetitionTransitionIn):
    handler_user_id = WholeNumber(required=True)
    handler_unit_id = WholeNumber(allow_none=True)

    @validates("handler_user_id")
    def _member(self, value: int, **_kwargs: Any) -> None:
        problem = member_problem(value)
        if problem:
            raise ValidationError(problem)

    @validates("handler_unit_id")
    def _unit(self, value: int | None, **_kwargs: Any) -> None:
        if value is None:
            return
        unit = find_unit(value)
        if unit is None or not unit.is_active:
            raise ValidationError(_("承办科室不存在或已撤销。"))


class PetitionExtendIn(PetitionTransitionIn):
    days = WholeNumber(required=True, validate=validate.Range(min=1, max=30))
    reason = Text(required=True, validate=validate.Length(max=2000))


class PetitionDraftIn(PetitionTransitionIn):
    outcome = fields.String(required=True, validate=validate.OneOf(list(OUTCOMES)))
    basis = Text(required=True, validate=validate.Length(max=10000))


class PetitionCloseIn(PetitionTransitionIn):
    reply_text = Text(required=True, validate=validate.Length(max=20000))


class PetitionRateIn(PetitionTransitionIn):
    satisfaction = fields.String(required=True, validate=validate.OneOf(list(SATISFACTIONS)))


TRANSITION_SCHEMAS: dict[str, type[Schema]] = {
    "accept": PetitionAcceptIn,
    "not_accept": PetitionNotAcceptIn,
    "forward": PetitionForwardIn,
    "assign": PetitionAssignIn,
    "assign_handler": PetitionAssignHandlerIn,
    "extend": PetitionExtendIn,
    "request_extension": PetitionExtendIn,
    "draft": PetitionDraftIn,
    "close": PetitionCloseIn,
    "rate": PetitionRateIn,
    "request_review": PetitionReviewRequestIn,
    "request_rereview": PetitionReviewRequestIn,
}


def schema_for(name: str) -> type[Schema]:
    return TRANSITION_SCHEMAS.get(name, PetitionTransitionIn)

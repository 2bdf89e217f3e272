"""The workflow moves of a record as API routes, generated from the declaration.

Every plugin declares its moves once, in its :class:`~core.workflow.Workflow`, and gets
one route per move — ``POST …/<records>/<id>/transitions/<move>`` — each with the body
schema of that move, so the OpenAPI document shows one convention for every plugin:

    transition_routes(
        bp, PETITION_FLOW, records="", id_arg="petition_id",
        lookup=queries.petition_or_404, present=presenters.petition_dict,
        response=PetitionOut, permission=permissions.VIEW,
        body_for=schemas.move_schema, fire=services.fire_move,
    )

The route checks only that the caller may see the record (``permission``) and that the
body is valid (422); the workflow itself answers 403 for a move the actor may not make
and 409 for a move the state or a guard refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint
from marshmallow import Schema, fields, validate

from core.api.fields import UtcDateTime
from core.api.routes import api_route
from core.auth.users import Actor, current_actor
from core.workflow import StateChange, Transition, Workflow

Fire = Callable[[Any, str, Actor, Mapping[str, Any]], Any]


class StateChangeOut(Schema):
    """One row of a record's history (:class:`core.workflow.StateChange`), as every
    plugin's ``…/<id>/history`` route answers it; ``title`` is the move's title in the
    user's language."""

    id = fields.Integer()
    transition = fields.String()
    title = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String()
    comment = fields.String(allow_none=True)
    data = fields.Dict()
    at = UtcDateTime()


class MoveIn(Schema):
    """The body of a move that takes nothing but an optional comment."""

    comment = fields.String(load_default=None, validate=validate.Length(max=2000))


def fire_move(workflow: Workflow) -> Fire:
    """The plain way to fire a move: the comment goes to the history, the rest of the
    body (``None`` values dropped) is the move's data."""

    def fire(obj: Any, name: str, actor: Actor, body: Mapping[str, Any]) -> StateChange:
        data = {k: v for k, v in body.items() if k != "comment" and v is not None}
        return workflow.fire(obj, name, actor, comment=body.get("comment"), data=data)

    return fire


def transition_routes(
    bp: Blueprint,
    workflow: Workflow,
    *,
    records: str,
    id_arg: str,
    lookup: Callable[[int], Any],
    present: Callable[[Any], Any],
    response: type[Schema] | Schema,
    permission: str | None,
    body_for: Callable[[str], type[Schema] | Schema] = lambda name: MoveIn,
    fire: Fire | None = None,
    include: Callable[[Transition], bool] = lambda transition: True,
) -> dict[str, Callable[..., Any]]:
    """Register ``POST {records}/<int:{id_arg}>/transitions/<move>`` on ``bp`` for every
    move of ``workflow`` that ``include`` accepts; returns the views by move name.

    ``lookup`` finds the record or aborts with 404 (another tenant's id included),
    ``fire`` runs the move with the loaded body (default :func:`fire_move`), and
    ``present`` shapes the moved record for ``response``."""
    fire = fire or fire_move(workflow)
    return {
        t.name: _route(
            bp,
            workflow.name,
            t,
            records,
            id_arg,
            lookup,
            present,
            response,
            permission,
            body_for,
            fire,
        )
        for t in workflow.transitions
        if include(t)
    }


def _route(
    bp: Blueprint,
    workflow_name: str,
    transition: Transition,
    records: str,
    id_arg: str,
    lookup: Callable[[int], Any],
    present: Callable[[Any], Any],
    response: type[Schema] | Schema,
    permission: str | None,
    body_for: Callable[[str], type[Schema] | Schema],
    fire: Fire,
) -> Callable[..., Any]:
    name = transition.name

    def view(body: dict[str, Any], **view_args: int) -> Any:
        obj = lookup(view_args[id_arg])
        fire(obj, name, current_actor(), body)
        return present(obj)

    # The workflow in the endpoint: one blueprint may carry several workflows that share
    # move names (assistance's grants, loans and campaigns each have ``approve``).
    view.__name__ = f"{workflow_name}_transition_{name}"
    return api_route(
        bp,
        f"{records}/<int:{id_arg}>/transitions/{name}",
        methods=["POST"],
        summary=f"流转：{transition.title}（状态不允许或条件不满足时 409，无权限时 403）",
        body=body_for(name),
        response=response,
        permission=permission,
    )(view)

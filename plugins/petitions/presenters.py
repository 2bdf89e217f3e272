"""A petition as the API and the pages show it: titles beside codes, deadlines with
their traffic lights, petitioners masked (see :mod:`plugins.petitions.confidentiality`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import g
from flask_babel import gettext as _

from core.auth.users import Actor, current_actor
from core.calendar import Due
from core.deadlines import Deadline, deadline
from core.i18n import N_, translated
from core.workflow import StateChange
from plugins.petitions import attachments
from plugins.petitions.confidentiality import petitioner_rows
from plugins.petitions.models import (
    CHANNELS,
    KINDS,
    NOT_ACCEPTED_REASONS,
    OUTCOMES,
    SATISFACTIONS,
    URGENCIES,
    Petition,
)
from plugins.petitions.queries import categories
from plugins.petitions.queries.deadlines import settings_of
from plugins.petitions.queries.petitions import active_units, offered_transitions
from plugins.petitions.workflow import PETITION_FLOW, STATES

SUMMARY_FIELDS = (
    "id",
    "serial",
    "received_on",
    "channel",
    "is_12380",
    "kind",
    "category_id",
    "summary",
    "urgency",
    "people_count",
    "is_collective",
    "is_bypassed_level",
    "is_anonymous",
    "is_repeat",
    "state",
    "accept_due",
    "accept_due_estimated",
    "close_due",
    "close_due_estimated",
    "current_due",
    "current_due_estimated",
    "handler_user_id",
)
DETAIL_FIELDS = (
    "details",
    "repeat_of_id",
    "decided_on",
    "accepted_on",
    "not_accepted_reason",
    "target_name",
    "report_back_due",
    "return_due",
    "return_due_estimated",
    "handler_unit_id",
    "extended_days",
    "extension_reason",
    "outcome",
    "outcome_basis",
    "approved_by",
    "reply_text",
    "replied_on",
    "satisfaction",
    "review_due",
    "review_due_estimated",
    "rereview_due",
    "rereview_due_estimated",
)


def title(table: dict[str, str], key: str | None) -> str:
    return _(table[key]) if key in table else (key or "")


def petition_dict(petition: Petition, *, detail: bool = True) -> dict[str, Any]:
    row = {name: getattr(petition, name) for name in SUMMARY_FIELDS}
    row["state_title"] = title(STATES, petition.state)
    if detail:
        row |= {name: getattr(petition, name) for name in DETAIL_FIELDS}
        row["category_name"] = categories.path_title(categories.find_category(petition.category_id))
        row["petitioners"] = petitioner_rows(petition)
        row["reported_persons"] = list(petition.reported_persons)
        files = attachments.files_of(petition)
        visible = attachments.files_visible(petition, current_actor())
        row["attachments"] = files if visible else []
        row["attachment_count"] = len(files)
        row["available_transitions"] = [
            t.name for t in offered_transitions(petition, current_actor())
        ]
    return row


def petition_summaries(rows: list[Petition]) -> list[dict[str, Any]]:
    """``petition_dict(p, detail=False)`` of a list's rows, the state titles translated
    once for the page."""
    states = translated(STATES)
    return [
        {name: getattr(p, name) for name in SUMMARY_FIELDS}
        | {"state_title": states.get(p.state, p.state or "")}
        for p in rows
    ]


def history_rows(petition: Petition) -> list[dict[str, Any]]:
    rows = []
    for change in PETITION_FLOW.history(petition):
        rows.append(_history_row(change))
    return rows


def _history_row(change: StateChange) -> dict[str, Any]:
    if change.transition == "create":
        name = _("登记")
    else:
        try:
            name = _(PETITION_FLOW.transition(change.transition).title)
        except Exception:  # a move declared by a newer version, or since removed
            name = change.transition
    return {
        "id": change.id,
        "transition": change.transition,
        "title": name,
        "from_state": change.from_state,
        "to_state": change.to_state,
        "actor_id": change.actor_id,
        "actor_name": change.actor_name,
        "comment": change.comment,
        "data": change.data or {},
        "at": change.at,
    }


#: Codes in a history row's data and the tables that title them.
DATA_TITLES = {
    "reason": NOT_ACCEPTED_REASONS,
    "outcome": OUTCOMES,
    "satisfaction": SATISFACTIONS,
}
DATA_LABELS = {
    "reason": N_("理由"),
    "target_name": N_("接收单位"),
    "report_back_due": N_("报结期限"),
    "handler_user_id": N_("承办人"),
    "handler_unit_id": N_("承办科室"),
    "days": N_("延期天数"),
    "outcome": N_("处理意见"),
    "basis": N_("事实和依据"),
    "reply_text": N_("答复意见"),
    "satisfaction": N_("满意度"),
}


def deadlines(petition: Petition, window: int | None = None) -> list[tuple[str, Deadline]]:
    """The deadlines that still run for this petition, with traffic lights under the
    tenant's ``warning_days`` (pass ``window`` to skip resolving it for each row)."""
    tenant = g.tenant
    if window is None:
        window = settings_of(petition)["warning_days"]
    due: list[tuple[str, str]] = []  # (label, column)
    if petition.state in ("registered", "screening"):
        due.append((_("受理期限"), "accept_due"))
        due.append((_("退回期限"), "return_due"))
    if petition.state in ("accepted", "in_handling", "draft_outcome", "approved"):
        due.append((_("办结期限"), "close_due"))
    if petition.state == "assigned":
        due.append((_("报结期限"), "report_back_due"))
    if petition.state == "review_requested":
        due.append((_("复查答复期限"), "review_due"))
    if petition.state == "rereview_requested":
        due.append((_("复核答复期限"), "rereview_due"))
    if petition.state == "case_open":
        # The upper body's 复查/复核 case runs against its answer date from the start.
        due.append((_("复查复核答复期限"), "review_due"))
    return [
        (
            label,
            deadline(
                Due(day, getattr(petition, f"{column}_estimated", False)), tenant, window=window
            ),
        )
        for label, column in due
        if (day := getattr(petition, column)) is not None
    ]


def choices(table: dict[str, str]) -> list[tuple[str, str, bool]]:
    return [(key, _(label), False) for key, label in table.items()]


CHOICE_TABLES = {
    "channels": CHANNELS,
    "kinds": KINDS,
    "urgencies": URGENCIES,
    "states": STATES,
    "reasons": NOT_ACCEPTED_REASONS,
    "outcomes": OUTCOMES,
    "satisfactions": SATISFACTIONS,
}


def category_options(*, active_only: bool = True) -> list[tuple[int, str, bool]]:
    """The categories for a select, indented by depth (active ones only by default)."""
    return [
        (e.id, "\u3000" * e.depth + e.name, False)
        for e in categories.category_tree(include_inactive=not active_only, counted=False)
    ]


def unit_options() -> list[tuple[int, str, bool]]:
    """The tenant's active org units, for tying a reported person to one (Art. 30)."""
    return [(u.id, u.name, False) for u in active_units()]


@dataclass(frozen=True)
class DetailAction:
    """An action another module adds to the petition's detail page.

    ``url(petition)`` is where it goes; ``method`` ``"get"`` renders a link, ``"post"``
    a button in a CSRF-protected form (``fields`` become hidden inputs). ``available``
    decides, per petition and actor, whether to show it at all (it should check the
    permission its route checks). ``group`` places it: ``"actions"`` beside the workflow
    buttons, ``"documents"`` in the documents card.
    """

    key: str
    title: str
    url: Callable[[Petition], str]
    available: Callable[[Petition, Actor], bool] = lambda _p, _a: True
    method: str = "get"
    group: str = "actions"
    style: str = "outline-secondary"
    confirm: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    order: int = 100


#: Modules append here at import time (e.g. escalation, notices, cross-tenant forward).
DETAIL_ACTIONS: list[DetailAction] = []


def add_detail_action(action: DetailAction) -> None:
    """Register ``action`` (idempotent by key, so a re-import does not double it)."""
    DETAIL_ACTIONS[:] = [a for a in DETAIL_ACTIONS if a.key != action.key]
    DETAIL_ACTIONS.append(action)


def detail_actions_for(petition: Petition, actor: Actor, group: str) -> list[dict[str, Any]]:
    shown = []
    for action in sorted(DETAIL_ACTIONS, key=lambda a: (a.order, a.key)):
        if action.group == group and action.available(petition, actor):
            shown.append(
                {
                    "key": action.key,
                    "title": _(action.title),
                    "url": action.url(petition),
                    "method": action.method,
                    "style": action.style,
                    "confirm": _(action.confirm) if action.confirm else None,
                    "fields": dict(action.fields),
                }
            )
    return shown


#: Template names included as extra cards on the detail page (each gets the page's
#: context: ``petition``, ``actor``…), e.g. an escalation's status or attachments.
DETAIL_PANELS: list[str] = []

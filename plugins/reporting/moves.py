"""The effects of the item's and the submission's moves: versions, submissions to the
next level, grants to the levels an item reaches, a level's decision shown on the item.

The declarations in :mod:`plugins.reporting.workflow` call these; this module imports
nothing of it. A move here that records what the other side did fires the other record's
workflow by its declared name (:data:`core.workflow.DECLARED`), inside
:func:`~plugins.reporting.levels.linked_move`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core import clock
from core.db import db
from core.tenancy.grants import grant, revoke
from core.tenancy.models import Tenant
from core.tenancy.scope import granted_scope, tenant_scope
from core.workflow import DECLARED, Workflow
from plugins.reporting.attachments import grant_files, revoke_files
from plugins.reporting.deadlines import is_late, utc
from plugins.reporting.levels import first_submission, linked_move, reporting_parent
from plugins.reporting.models import LEVEL_OF_KIND, ItemVersion, ReportItem, Submission

if TYPE_CHECKING:
    from core.auth.users import Actor

ITEM_WORKFLOW = "reporting_item"
SUBMISSION_WORKFLOW = "reporting_submission"
#: A level's decision on a first-level submission shows on the item as this state.
ITEM_STATE_OF_DECISION = {"return": "returned", "decline": "declined", "adopt": "adopted"}


def _flow(name: str) -> Workflow:
    return DECLARED[name]


def _keep_version(item: ReportItem, actor: Actor) -> None:
    """The text as submitted: one version per submission, never overwritten."""
    db.session.add(
        ItemVersion(
            item_id=item.id,
            number=item.version,
            title=item.title,
            body=item.body,
            word_count=item.word_count,
            written_by=actor.user_id,
        )
    )


def _open_submission(
    item_id: int, version: int, level: int, route: tuple[int, int], at: datetime
) -> None:
    """The submission at ``level``; ``route`` is the sending and the receiving tenant."""
    sender, receiver = route
    db.session.add(
        Submission(
            item_id=item_id,
            level=level,
            sender_tenant_id=sender,
            receiver_tenant_id=receiver,
            state=_flow(SUBMISSION_WORKFLOW).initial,
            version=version,
            submitted_at=at,
        )
    )
    db.session.flush()


def submit(item: ReportItem, actor: Actor, _data: Any) -> None:
    """报送: keep the version, mark an incident late, open the parent's submission and
    grant the item to the parent."""
    now = utc(clock.now())
    parent = reporting_parent(item.tenant_id)
    _keep_version(item, actor)
    item.submitted_at = now
    item.is_late = is_late(item, now)
    first = first_submission(item)
    if first is None:
        _open_submission(item.id, item.version, 1, (item.tenant_id, parent.id), now)
    else:
        first.version, first.submitted_at = item.version, now
        with linked_move():
            _flow(SUBMISSION_WORKFLOW).fire(
                first, "resubmit", actor, data={"version": item.version}
            )
    grant(item, parent.id, "reporting: submitted to the parent")
    grant_files(item, parent.id, "reporting: the item's files, submitted to the parent")


def withdraw(item: ReportItem, actor: Actor, _data: Any) -> None:
    first = first_submission(item)
    with linked_move():
        _flow(SUBMISSION_WORKFLOW).fire(first, "withdraw", actor)
    revoke(item, first.receiver_tenant_id, "reporting: withdrawn before the parent acted")
    revoke_files(item, first.receiver_tenant_id, "reporting: withdrawn before the parent acted")


def next_version(item: ReportItem, _actor: Actor, _data: Any) -> None:
    item.version += 1  # the next submission is a new version; the one sent stays kept


def _decided(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    """A level's decision: who and when; on a first-level submission, the item shows it."""
    submission.decided_at = utc(clock.now())
    submission.decided_by = actor.user_id
    if submission.level != 1:
        return
    item = db.session.get(ReportItem, submission.item_id)
    move = ITEM_STATE_OF_DECISION[data["decision"]]
    with linked_move():
        _flow(ITEM_WORKFLOW).fire(item, move, actor, comment=data.get("comment"))


def return_(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    _decided(submission, actor, {**data, "decision": "return"})


def decline(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    _decided(submission, actor, {**data, "decision": "decline"})


def adopt(submission: Submission, actor: Actor, data: Mapping[str, Any]) -> None:
    receiver = db.session.get(Tenant, submission.receiver_tenant_id)
    submission.adopted_level = LEVEL_OF_KIND.get(receiver.kind, "county")
    _decided(submission, actor, {**data, "decision": "adopt"})


def forward(submission: Submission, actor: Actor, _data: Any) -> None:
    """转报: the adopting level sends the item on to its own parent, passing the grant on."""
    parent = reporting_parent(submission.receiver_tenant_id)
    item = db.session.get(ReportItem, submission.item_id)
    route = (submission.receiver_tenant_id, parent.id)
    now = utc(clock.now())
    _open_submission(item.id, submission.version, submission.level + 1, route, now)
    with _granting_as(submission.receiver_tenant_id):
        grant(item, parent.id, "reporting: forwarded to the next level")
        # The forwarding level sees the files only through its own grant on them.
        with granted_scope("reporting: forwarding an item's files"):
            grant_files(item, parent.id, "reporting: the item's files, forwarded")


@contextmanager
def _granting_as(tenant_id: int) -> Iterator[None]:
    """Pass a grant on as the forwarding level (grants check the tenant in scope)."""
    with tenant_scope(tenant_id):
        yield

"""Finality after 复核 (信访工作条例 Art. 35-36): a matter whose 复核 is decided is not
accepted again on the same facts and reasons.

A new petition of the same person on the matter is linked to the earlier one at
registration (``repeat_of_id``, :mod:`plugins.petitions.services.registration`). Its
acceptance is refused, naming the earlier serial, unless the handler records the new
facts or reasons (``new_facts``): the note goes into the move's data, so the history row
and the audit entry keep it. Imports no workflow, so the workflow can use the guard.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from core.db import db
from plugins.petitions.models import Petition

if TYPE_CHECKING:
    from core.auth.users import Actor


def decided_on_rereview(petition: Petition) -> Petition | None:
    """The earlier petition this one repeats, if its 复核 was decided."""
    if petition.repeat_of_id is None:
        return None
    earlier = db.session.get(Petition, petition.repeat_of_id)
    if earlier is None or earlier.rereviewed_on is None:
        return None
    return earlier


def not_a_final_matter(petition: Petition, _actor: Actor, data: Mapping[str, Any]) -> str | None:
    """Guard of ``accept``: the reason to refuse, or ``None``."""
    earlier = decided_on_rereview(petition)
    if earlier is None or (data.get("new_facts") or "").strip():
        return None
    return _(
        "该事项已于%(day)s复核终结（原信访件 %(serial)s），信访人以同一事实和理由再次提出的不再受理；"
        "如有新的事实和理由，请在「新的事实和理由」中写明后再受理",
        day=f"{earlier.rereviewed_on:%Y年%m月%d日}",
        serial=earlier.serial,
    )

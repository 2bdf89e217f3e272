"""The petition lifecycle (信访工作条例 2022) declared with :mod:`core.workflow`.

    registered ─ screen ─▶ screening
    registered|screening ─▶ accepted | not_accepted | forwarded | assigned | filed | returned
    accepted ─ assign_handler ─▶ in_handling ─ extend (once, ≤ 30 days) ─▶ in_handling
    in_handling ─ draft ─▶ draft_outcome ─ approve ─▶ approved ─ close ─▶ closed
    draft_outcome ─ reject_draft ─▶ in_handling
    closed ─ rate ─▶ rated
    closed|rated ─ request_review ─▶ review_requested ─ answer_review ─▶ reviewed
    reviewed ─ request_rereview ─▶ rereview_requested ─ answer_rereview ─▶ final
    closed|rated|reviewed ─ finalize (the window passed) ─▶ final

Moves across tenants (:mod:`plugins.petitions.services.crosstenant`) — the "linked" ones are
fired only by the other body's action, never by hand:

    assigned ─ report_back (linked: the lower unit closed its copy) ─▶ reported_back
    reported_back ─ accept_report ─▶ final
    forwarded|assigned ─ came_back (linked: the receiver sent its copy back) ─▶ screening
    registered ─ open_case (linked: a 复查/复核 case arrived from below) ─▶ case_open
    case_open ─ answer_case ─▶ case_answered (the answer flows back down)
    review_requested ─ review_answered (linked) ─▶ reviewed
    rereview_requested ─ rereview_answered (linked) ─▶ final

Deadlines come from the tenant's resolved ``petitions`` settings: acceptance within
``accept_days`` natural days of receipt, closure within ``close_days`` of acceptance
(a Party member's appeal: ``appeal_months``), plus at most one extension, sending back
a forwarded item within ``return_working_days`` working days, and 30 days for asking
for 复查/复核 and for answering it. Natural-day periods ending on a rest day end on the
next working day (:func:`core.calendar.add_natural_days`); they are computed in
:mod:`plugins.petitions.queries.deadlines`.

A package of four modules, each holding what its name says: :mod:`.states`, the
:mod:`.guards` (checks only, no writes), :mod:`.linked` (the moves that only another
body's action fires) and :mod:`.declaration` (the transitions). The effects are in
:mod:`plugins.petitions.services.moves` and :mod:`plugins.petitions.services.extensions`,
which import nothing of this package: the declaration names them, never the reverse.
"""

from plugins.petitions.workflow.declaration import PETITION_FLOW
from plugins.petitions.workflow.guards import request_window_end
from plugins.petitions.workflow.linked import is_linked, linked_move
from plugins.petitions.workflow.states import STATES, UNDECIDED

__all__ = [
    "PETITION_FLOW",
    "STATES",
    "UNDECIDED",
    "is_linked",
    "linked_move",
    "request_window_end",
]

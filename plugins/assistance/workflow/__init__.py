"""The assistance lifecycles declared with :mod:`core.workflow`.

Identification and dynamic management of a hardship record (困难党员认定)::

    applied ─ branch_review ─▶ branch_reviewed ─ publish_notice ─▶ in_notice
    in_notice ─ close_notice (period over, no objection open or upheld) ─▶ noticed
    noticed ─ approve (党委审批) ─▶ approved ─ file (备案) ─▶ registered
    applied|branch_reviewed|in_notice|noticed ─ reject ─▶ rejected
    registered ─ open_review (the annual job) ─▶ under_review
    under_review ─ keep | change_level ─▶ registered;  under_review|registered ─ exit ─▶ exited

Relief grant (无偿救济)::

    applied ─ review ─▶ reviewed ─ approve (amount limit) ─▶ approved ─ pay ─▶ paid
    paid ─ sign_receipt ─▶ receipted;  applied|reviewed ─ reject ─▶ rejected

Revolving loan (有偿扶助)::

    applied ─ assess (实地考察) ─▶ assessed ─ approve (annual quota) ─▶ approved
    approved ─ disburse ─▶ disbursed ─ settle (repaid in full) ─▶ repaid
    disbursed ─ write_off (with approval) ─▶ written_off;  applied|assessed ─ reject ─▶ rejected

Visit campaign (走访慰问): draft ─ approve ─▶ approved ─ close ─▶ closed.

Guards are here; the effects are in :mod:`plugins.assistance.services.moves`, which
imports nothing of this module. Money moves only in effects that post to the fund
(:mod:`plugins.assistance.services.fund`) with the approval the transition created; a
refused posting raises, and the request's single transaction leaves nothing behind.

A package because one module grew past 400 lines: :mod:`.records`, :mod:`.aid` (grants
and loans) and :mod:`.campaigns`; every declaration is re-exported here."""

from __future__ import annotations

from plugins.assistance.workflow.aid import (
    GRANT_FLOW,
    GRANT_STATES,
    LOAN_FLOW,
    LOAN_STATES,
)
from plugins.assistance.workflow.campaigns import (
    CAMPAIGN_FLOW,
    CAMPAIGN_STATES,
)
from plugins.assistance.workflow.records import (
    PRE_REGISTER,
    RECORD_FILES,
    RECORD_FLOW,
    RECORD_STATES,
)

__all__ = [
    "CAMPAIGN_FLOW",
    "CAMPAIGN_STATES",
    "GRANT_FLOW",
    "GRANT_STATES",
    "LOAN_FLOW",
    "LOAN_STATES",
    "PRE_REGISTER",
    "RECORD_FILES",
    "RECORD_FLOW",
    "RECORD_STATES",
]

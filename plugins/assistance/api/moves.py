"""The workflow moves of records, grants, loans and campaigns as
``POST …/<id>/transitions/<move>``, generated from the declarations with each move's
body schema (:data:`plugins.assistance.schemas.moves.MOVE_BODIES`)."""

from __future__ import annotations

from typing import Any

from core.api.transitions import transition_routes
from plugins.assistance.api.blueprint import bp
from plugins.assistance.permissions import VIEW
from plugins.assistance.presenters import campaign_detail, record_out
from plugins.assistance.queries import records
from plugins.assistance.schemas.aid import GrantOut, LoanOut
from plugins.assistance.schemas.moves import move_body
from plugins.assistance.schemas.records import RecordOut
from plugins.assistance.schemas.visits import CampaignDetailOut
from plugins.assistance.workflow import CAMPAIGN_FLOW, GRANT_FLOW, LOAN_FLOW, RECORD_FLOW


def _moves(flow: Any, path: str, id_arg: str, lookup: Any, present: Any, out: Any) -> None:
    transition_routes(
        bp,
        flow,
        records=path,
        id_arg=id_arg,
        lookup=lookup,
        present=present,
        response=out,
        permission=VIEW,
        body_for=lambda move: move_body(flow.name, move),
    )


_moves(
    RECORD_FLOW,
    "/records",
    "record_id",
    records.record_or_404,
    lambda record: record_out(record, "api.transition"),
    RecordOut,
)
_moves(GRANT_FLOW, "/grants", "grant_id", records.grant_or_404, lambda grant: grant, GrantOut)
_moves(LOAN_FLOW, "/loans", "loan_id", records.loan_or_404, lambda loan: loan, LoanOut)
_moves(
    CAMPAIGN_FLOW,
    "/campaigns",
    "campaign_id",
    records.campaign_or_404,
    campaign_detail,
    CampaignDetailOut,
)

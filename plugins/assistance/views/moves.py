"""The workflow moves from the pages: ``POST …/<records>/<id>/transitions/<move>``, one
route per workflow for every move its declaration has (an unknown move is 404), the
body read with the API's schema of that move, the move fired as the API fires it. The
answer says what happened (``已发放 2,000.00 元``), or why not.

核销 is posted from its own confirmation page (:func:`plugins.assistance.views.aid.
write_off_page`) with the reason and the confirmation the page asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, g, url_for
from flask_babel import gettext as _

from core.money import yuan
from core.routing import require_permission
from core.workflow import Workflow
from plugins.assistance.permissions import VIEW
from plugins.assistance.queries import records
from plugins.assistance.schemas.forms import WriteOffForm, form_of
from plugins.assistance.schemas.moves import move_body
from plugins.assistance.views.blueprint import act, bp, loaded
from plugins.assistance.workflow import CAMPAIGN_FLOW, GRANT_FLOW, LOAN_FLOW, RECORD_FLOW

#: What a move did, said after it (the default names the move and the new state).
DONE: dict[tuple[str, str], Callable[[Any], str]] = {
    ("assistance_record", "publish_notice"): lambda r: _(
        "已张榜公示，公示期至 %(day)s", day=r.notice_ends_on
    ),
    ("assistance_record", "file"): lambda r: _(
        "已报%(unit)s备案，下次复核 %(day)s", unit=r.filed_with_name, day=r.review_due
    ),
    ("assistance_grant", "approve"): lambda x: _(
        "已审批救助 %(amount)s 元", amount=yuan(x.amount_fen)
    ),
    ("assistance_grant", "pay"): lambda x: _(
        "已发放 %(amount)s 元（凭证 %(voucher)s）", amount=yuan(x.amount_fen), voucher=x.voucher_no
    ),
    ("assistance_loan", "approve"): lambda x: _(
        "已审批借款 %(amount)s 元", amount=yuan(x.amount_fen)
    ),
    ("assistance_loan", "disburse"): lambda x: _(
        "已放款 %(amount)s 元，分 %(n)s 期还款", amount=yuan(x.amount_fen), n=x.term_months
    ),
    ("assistance_loan", "write_off"): lambda x: _(
        "已核销 %(amount)s 元", amount=yuan(x.written_off_fen)
    ),
}


def _fire(flow: Workflow, obj: Any, name: str, schema: Any) -> str:
    data = loaded(schema)
    comment = data.pop("comment", None)
    data.pop("confirmed", None)
    flow.fire(obj, name, g.actor, comment=comment, data=data)
    said = DONE.get((flow.name, name))
    if said:
        return said(obj)
    return _(
        "已%(move)s：%(serial)s，当前状态：%(state)s",
        move=_(flow.transition(name).title),
        serial=getattr(obj, "serial", None) or getattr(obj, "name", ""),
        state=flow.state_title(flow.state_of(obj)),
    )


def _move(flow: Workflow, lookup: Callable[[int], Any], page: str, arg: str):
    names = {t.name for t in flow.transitions}

    def view(name: str, **ids: int):
        require_permission(VIEW)
        if name not in names:
            abort(404)
        obj = lookup(ids[arg])
        special = flow is LOAN_FLOW and name == "write_off"
        schema = WriteOffForm() if special else form_of(move_body(flow.name, name))
        return act(lambda: _fire(flow, obj, name, schema), url_for(page, **{arg: obj.id}))

    view.__name__ = f"{flow.name}_move"
    return view


for _flow, _path, _lookup, _page, _arg in (
    (RECORD_FLOW, "/records", records.record_or_404, ".record", "record_id"),
    (GRANT_FLOW, "/grants", records.grant_or_404, ".grant", "grant_id"),
    (LOAN_FLOW, "/loans", records.loan_or_404, ".loan", "loan_id"),
    (CAMPAIGN_FLOW, "/campaigns", records.campaign_or_404, ".campaign", "campaign_id"),
):
    bp.add_url_rule(
        f"{_path}/<int:{_arg}>/transitions/<name>",
        view_func=_move(_flow, _lookup, _page, _arg),
        methods=["POST"],
    )

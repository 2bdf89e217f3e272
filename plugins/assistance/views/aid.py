"""The pages of relief grants (无偿救济) and revolving loans (有偿扶助): the lists with
their application forms, one grant, one loan with its schedule, repayments and notes,
and the write-off confirmation (核销: a summary, a required reason, a confirmation)."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _

from core import clock
from core.forms import as_typed, load_form
from core.money import yuan
from core.routing import require_permission
from plugins.assistance.models import Grant, Loan
from plugins.assistance.permissions import APPROVE_MAJOR, REGISTER, VIEW
from plugins.assistance.presenters import history_rows
from plugins.assistance.queries import records
from plugins.assistance.queries.reports import loans_report
from plugins.assistance.schemas.aid import NoteIn
from plugins.assistance.schemas.forms import GrantForm, LoanForm, RepaymentForm, form_of
from plugins.assistance.services import aid
from plugins.assistance.views.blueprint import act, attempt, bp, form_page, loaded
from plugins.assistance.workflow import GRANT_FLOW, LOAN_FLOW


def _apply(schema: Any, save: Any, template: str, context: Any, page: str, arg: str):
    """An application form on a list page: saved and shown, or shown again as typed."""
    data, errors = load_form(schema)
    if not errors:
        created, errors = attempt(lambda: save(data, g.actor))
        if created is not None:
            message = _(
                "已提交申请 %(serial)s（%(amount)s 元）",
                serial=created.serial,
                amount=yuan(created.amount_fen),
            )
            return act(lambda: message, url_for(page, **{arg: created.id}))
    return form_page(template, context, as_typed(schema), errors)


# -- Grants -------------------------------------------------------------------------------


def _grants_context() -> dict[str, Any]:
    return {
        "grants": records.latest(Grant),
        "options": records.register_options(),
        "states": GRANT_FLOW.states,
    }


@bp.get("/grants")
def grants():
    require_permission(VIEW)
    return form_page("assistance/grants.html", _grants_context, {}, {})


@bp.post("/grants")
def new_grant():
    require_permission(REGISTER)
    return _apply(
        GrantForm(),
        aid.apply_grant,
        "assistance/grants.html",
        _grants_context,
        ".grant",
        "grant_id",
    )


@bp.get("/grants/<int:grant_id>")
def grant(grant_id: int):
    require_permission(VIEW)
    row = records.grant_or_404(grant_id)
    return render_template(
        "assistance/grant.html",
        grant=row,
        member=records.member_name(row.record_id),
        actions=_moves(GRANT_FLOW, row),
        history=history_rows(GRANT_FLOW, row),
        state_title=GRANT_FLOW.state_title(row.state),
    )


#: Moves whose guards check what the user types in: offered by state and permission.
NEEDS_INPUT = {"assess", "sign_receipt"}


def _moves(flow: Any, obj: Any) -> list[Any]:
    ready = {t.name for t in flow.available(obj, g.actor)}
    return [
        t
        for t in flow.transitions
        if flow.state_of(obj) in t.sources
        and (t.permission is None or g.actor.can(t.permission))
        and (t.name in ready or t.name in NEEDS_INPUT)
        and t.name != "write_off"  # from its confirmation page only
    ]


# -- Loans --------------------------------------------------------------------------------


def _loans_context() -> dict[str, Any]:
    return {
        "loans": records.latest(Loan),
        "options": records.register_options(),
        "states": LOAN_FLOW.states,
        "report": loans_report(),
        "term": records.settings()["loan_term_months"],
    }


@bp.get("/loans")
def loans():
    require_permission(VIEW)
    return form_page("assistance/loans.html", _loans_context, {}, {})


@bp.post("/loans")
def new_loan():
    require_permission(REGISTER)
    return _apply(
        LoanForm(), aid.apply_loan, "assistance/loans.html", _loans_context, ".loan", "loan_id"
    )


@bp.get("/loans/<int:loan_id>")
def loan(loan_id: int):
    require_permission(VIEW)
    row = records.loan_or_404(loan_id)
    return render_template(
        "assistance/loan.html",
        loan=row,
        member=records.member_name(row.record_id),
        instalments=records.instalments(row),
        notes=records.loan_notes(row),
        actions=_moves(LOAN_FLOW, row),
        may_write_off=row.state == "disbursed" and g.actor.can(APPROVE_MAJOR),
        history=history_rows(LOAN_FLOW, row),
        state_title=LOAN_FLOW.state_title(row.state),
        today=clock.today(),
    )


@bp.route("/loans/<int:loan_id>/write-off", methods=["GET"])
def write_off_page(loan_id: int):
    """核销's confirmation: what will be written off, what stays, and why."""
    require_permission(APPROVE_MAJOR)
    row = records.loan_or_404(loan_id)
    if row.state != "disbursed":
        return redirect(url_for(".loan", loan_id=row.id)), 303
    overdue = [i for i in records.instalments(row) if i.overdue_since]
    return render_template(
        "assistance/write_off.html",
        loan=row,
        member=records.member_name(row.record_id),
        overdue=overdue,
        errors={},
        form={},
    )


@bp.post("/loans/<int:loan_id>/repayments")
def loan_repayment(loan_id: int):
    row = records.loan_or_404(loan_id)

    def repay() -> str:
        data = loaded(RepaymentForm())
        amount = row.outstanding_fen if data.get("all") else data["amount_fen"]
        aid.repay_loan(row, amount, g.actor)
        left = yuan(row.outstanding_fen)
        return _("已记录还款 %(amount)s 元，尚欠 %(left)s 元", amount=yuan(amount), left=left)

    return act(repay, url_for(".loan", loan_id=row.id))


@bp.post("/loans/<int:loan_id>/notes")
def loan_note(loan_id: int):
    row = records.loan_or_404(loan_id)

    def note() -> str:
        aid.add_loan_note(row, loaded(form_of(NoteIn))["content"], g.actor)
        return _("已记录项目进展。")

    return act(note, url_for(".loan", loan_id=row.id))

"""What the assistance plugin puts on each user's to-do list (待办), by permission: each
list is one indexed query, capped."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core import clock
from core.db import db
from core.deadlines import deadline
from core.i18n import N_
from core.orgs.models import Member
from core.plugins.types import TodoItem
from plugins.assistance.models import Grant, HardshipRecord, Instalment, Loan
from plugins.assistance.permissions import APPROVE, PAY, REGISTER
from plugins.assistance.queries.records import settings

LIMIT = 50

#: state → (permission that acts on it, what to do)
RECORD_STEPS = {
    "applied": (REGISTER, N_("召开支部大会初审")),
    "branch_reviewed": (REGISTER, N_("张榜公示")),
    "in_notice": (REGISTER, N_("公示期满后结束公示")),
    "noticed": (APPROVE, N_("党委审批困难党员认定")),
    "approved": (REGISTER, N_("报组织部备案")),
    "under_review": (APPROVE, N_("困难党员年度复核")),
}


def _item(title: str, url: str, kind: str, due: date | None, tenant, window=None) -> TodoItem:
    if due is None:
        return TodoItem(title, url, "assistance", kind=kind)
    d = deadline(due, tenant, window=window)
    return TodoItem(title, url, "assistance", due=d.due, light=d.light, kind=kind)


def todo_items(tenant, actor) -> list[TodoItem]:
    """Every assistance record waiting on ``actor``: records by identification step,
    grants and loans by approval step, and loans in arrears."""
    return [
        *_records(tenant, actor),
        *_money(
            actor, Grant, GRANT_STEPS, "assistance.grant", "grant_id", N_("救助待办：%(serial)s")
        ),
        *_money(actor, Loan, LOAN_STEPS, "assistance.loan", "loan_id", N_("借款待办：%(serial)s")),
        *(_arrears(tenant) if actor.can(PAY) else []),
    ]


def _records(tenant, actor) -> list[TodoItem]:
    states = [s for s, (perm, _t) in RECORD_STEPS.items() if actor.can(perm)]
    if not states:
        return []
    rows = db.session.execute(
        select(HardshipRecord, Member.name)
        .join(
            Member,
            (Member.tenant_id == HardshipRecord.tenant_id)
            & (Member.id == HardshipRecord.member_id),
        )
        .where(HardshipRecord.state.in_(states))
        .order_by(HardshipRecord.review_due, HardshipRecord.id)
        .limit(LIMIT)
    ).all()
    window = settings()["review_warning_days"]
    items = []
    for record, name in rows:
        ends = record.notice_ends_on
        if record.state == "in_notice" and ends and clock.today() <= ends:
            continue  # nothing to do until the notice is over
        due = record.review_due if record.state == "under_review" else None
        title = f"{_(RECORD_STEPS[record.state][1])}：{name}（{record.serial}）"
        url = url_for("assistance.record", record_id=record.id)
        items.append(_item(title, url, "record", due, tenant, window))
    return items


#: Grant and loan states that wait on someone, and the permission of who acts.
GRANT_STEPS = {"applied": REGISTER, "reviewed": APPROVE, "approved": PAY}
LOAN_STEPS = {"applied": REGISTER, "assessed": APPROVE, "approved": PAY}


def _money(actor, model, steps: dict[str, str], endpoint: str, arg: str, title: str):
    states = [s for s, perm in steps.items() if actor.can(perm)]
    if not states:
        return []
    query = select(model).where(model.state.in_(states)).order_by(model.id).limit(LIMIT)
    return [
        TodoItem(
            _(title, serial=row.serial),
            url_for(endpoint, **{arg: row.id}),
            "assistance",
            kind=model.__name__.lower(),
        )
        for row in db.session.scalars(query)
    ]


def _arrears(tenant) -> list[TodoItem]:
    """Arrears found by the scan: one reminder per loan, due on its oldest late instalment."""
    overdue = db.session.execute(
        select(Loan.id, Loan.serial, func.min(Instalment.due_on))
        .join(
            Instalment,
            (Instalment.tenant_id == Loan.tenant_id) & (Instalment.loan_id == Loan.id),
        )
        .where(Instalment.overdue_since.isnot(None), Loan.state == "disbursed")
        .group_by(Loan.id, Loan.serial)
        .order_by(func.min(Instalment.due_on))
        .limit(LIMIT)
    ).all()
    return [
        _item(
            _("催收逾期还款：%(serial)s", serial=serial),
            url_for("assistance.loan", loan_id=loan_id),
            "arrears",
            due,
            tenant,
        )
        for loan_id, serial, due in overdue
    ]

"""Pages of the assistance plugin (Chinese first). Forms go through the same services as
the API, so a page can do nothing the API would refuse; amounts are typed in yuan and
turned into 分 exactly (more than two decimals is an error, never rounded).

A refused change (bad input, a workflow or ledger refusal) rolls the request back, shows
the reason, and returns to the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core import clock
from core.api.messages import localize
from core.attachments.services import save_all
from core.attachments.views import download_url
from core.auth.users import current_actor
from core.db import db
from core.documents.services import render as render_document
from core.exports import download_response
from core.imports import template_xlsx
from core.orgs.models import Member
from core.routing import require_permission, tenant_blueprint
from core.workflow import WorkflowError
from plugins.assistance import ledger, reports, services
from plugins.assistance.ledger import SOURCES
from plugins.assistance.models import (
    CATEGORIES,
    CAUSES,
    GRANT_KINDS,
    GUARANTORS,
    LEVELS,
    RELATIONS,
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Loan,
    LoanNote,
    Objection,
    Pairing,
    PairingLog,
    Posting,
)
from plugins.assistance.presenters import campaign_detail, may_see_income, record_out
from plugins.assistance.workflow import (
    APPROVE,
    CAMPAIGN_FLOW,
    GRANT_FLOW,
    LOAN_FLOW,
    PAY,
    RECORD_FILES,
    RECORD_FLOW,
    REGISTER,
    VIEW,
    required_documents,
)

bp = tenant_blueprint(
    "assistance", __name__, kind="pages", plugin="assistance", prefix="/assistance"
)
bp.template_folder = str(Path(__file__).parent / "templates")

get_or_404 = services.get_or_404
LABELS = {
    "levels": LEVELS,
    "categories": CATEGORIES,
    "causes": CAUSES,
    "relations": RELATIONS,
    "grant_kinds": GRANT_KINDS,
    "guarantors": GUARANTORS,
    "sources": SOURCES,
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"labels": LABELS, "yuan": ledger.yuan, "download_url": download_url}


# -- Helpers --------------------------------------------------------------------------------


def yuan_to_fen(text: str | None, field: str, *, required: bool = True) -> int | None:
    """``"1,234.5"`` → 123450; more than two decimals or a non-number is a field error."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if not text:
        if required:
            raise ValidationError({field: [_("须填写金额")]})
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: [_("金额格式不正确")]}) from None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise ValidationError({field: [_("金额最多保留两位小数")]})
    fen = int(value * 100)
    if fen > services.MAX_AMOUNT_FEN * 10:
        raise ValidationError({field: [_("金额过大，请核对")]})
    return fen


def _date(text: str | None, field: str) -> date | None:
    if not (text or "").strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: [_("日期格式应为 YYYY-MM-DD")]}) from None


def _attempt(change: Callable[[], Any], back: str, done: str | None = None) -> Any:
    """Run ``change``; on a refusal roll back, say why, and go back."""
    try:
        result = change()
    except ValidationError as exc:
        db.session.rollback()
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        for field_messages in localize(messages).values():
            for message in field_messages if isinstance(field_messages, list) else [field_messages]:
                flash(str(message), "danger")
        return redirect(back)
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(back)
    if done:
        flash(done, "success")
    return result if result is not None and not isinstance(result, db.Model) else redirect(back)


#: Moves whose guards check what the user types in: offered by state and permission, so
#: the form can ask for it (the guard then speaks if the input is missing).
NEEDS_INPUT = {"assess", "change_level", "sign_receipt", "file"}


def _moves(flow: Any, obj: Any) -> list[Any]:
    actor = current_actor()
    ready = {t.name for t in flow.available(obj, actor)}
    return [
        t
        for t in flow.transitions
        if flow.state_of(obj) in t.sources
        and (t.permission is None or actor.can(t.permission))
        and (t.name in ready or t.name in NEEDS_INPUT)
    ]


def _action_data() -> tuple[str, str | None, dict[str, Any]]:
    form = request.form
    data = {
        k: form[k].strip()
        for k in ("level", "filed_with_name", "document_no", "signed_by", "assessment")
        if form.get(k, "").strip()
    }
    return form.get("action", ""), form.get("comment") or None, data


# -- Register -------------------------------------------------------------------------------


@bp.get("/")
def index():
    require_permission(VIEW)
    query = select(HardshipRecord).order_by(HardshipRecord.id.desc()).limit(200)
    for field in ("state", "level", "category"):
        if request.args.get(field):
            query = query.where(getattr(HardshipRecord, field) == request.args[field])
    records = db.session.scalars(query).all()
    names = dict(
        db.session.execute(
            select(Member.id, Member.name).where(Member.id.in_([r.member_id for r in records]))
        ).all()
    )
    return render_template(
        "assistance/index.html",
        records=records,
        names=names,
        states=RECORD_FLOW.states,
        stats=reports.register_stats(),
        args=request.args,
    )


@bp.route("/records/new", methods=["GET", "POST"])
def new_record():
    require_permission(REGISTER)
    members = db.session.scalars(
        select(Member).where(Member.is_active).order_by(Member.name).limit(500)
    ).all()
    if request.method == "POST":
        form = request.form

        def create() -> Any:
            household = []
            for i in range(5):
                name = form.get(f"h{i}_name", "").strip()
                if not name:
                    continue
                age = form.get(f"h{i}_age", "").strip()
                household.append(
                    {
                        "name": name,
                        "relation": form.get(f"h{i}_relation") or "other",
                        "age": int(age) if age.isdigit() else None,
                        "health": form.get(f"h{i}_health") or None,
                        "annual_income_fen": yuan_to_fen(
                            form.get(f"h{i}_income"), f"h{i}_income", required=False
                        )
                        or 0,
                    }
                )
            member_id = form.get("member_id", "")
            record = services.apply(
                {
                    "member_id": int(member_id) if member_id.isdigit() else None,
                    "category": form.get("category"),
                    "level": form.get("level"),
                    "causes": form.getlist("causes"),
                    "household_income_fen": yuan_to_fen(
                        form.get("income"), "household_income_fen", required=False
                    ),
                    "documents": form.getlist("documents"),
                    "applied_by_member": form.get("applied_by_member") != "0",
                    "notes": form.get("notes") or None,
                    "dues_unpaid_months": int(form.get("dues_unpaid_months") or 0)
                    if (form.get("dues_unpaid_months") or "0").isdigit()
                    else 0,
                    "rated_unqualified_recently": bool(form.get("rated_unqualified_recently")),
                    "under_disciplinary_review": bool(form.get("under_disciplinary_review")),
                },
                household,
                current_actor(),
            )
            flash(_("已建档 %(serial)s，进入认定流程。", serial=record.serial), "success")
            return redirect(url_for(".record", record_id=record.id))

        return _attempt(create, url_for(".new_record"))
    return render_template(
        "assistance/record_form.html", members=members, documents=required_documents()
    )


@bp.get("/records/<int:record_id>")
def record(record_id: int):
    require_permission(VIEW)
    row = get_or_404(HardshipRecord, record_id)
    return render_template(
        "assistance/record.html",
        record=row,
        view=record_out(row, "page"),
        full_income=may_see_income(),
        actions=_moves(RECORD_FLOW, row),
        history=RECORD_FLOW.history(row),
        documents=required_documents(),
        grants=db.session.scalars(select(Grant).where(Grant.record_id == row.id)).all(),
        loans=db.session.scalars(select(Loan).where(Loan.record_id == row.id)).all(),
        pairings=db.session.scalars(select(Pairing).where(Pairing.record_id == row.id)).all(),
    )


@bp.post("/records/<int:record_id>/actions")
def record_action(record_id: int):
    row = get_or_404(HardshipRecord, record_id)
    action, comment, data = _action_data()
    back = url_for(".record", record_id=row.id)
    return _attempt(
        lambda: RECORD_FLOW.fire(row, action, current_actor(), comment=comment, data=data) and None,
        back,
        _("已办理。"),
    )


@bp.post("/records/<int:record_id>/documents")
def record_documents(record_id: int):
    row = get_or_404(HardshipRecord, record_id)
    return _attempt(
        lambda: services.update_documents(row, request.form.getlist("documents"), current_actor()),
        url_for(".record", record_id=row.id),
        _("已更新认定材料。"),
    )


@bp.post("/records/<int:record_id>/attachments")
def record_attachments(record_id: int):
    require_permission(REGISTER)
    row = get_or_404(HardshipRecord, record_id)

    def upload() -> None:
        uploads = request.files.getlist("files")
        if not [u for u in uploads if (u.filename or "").strip()]:
            raise ValidationError({"files": [_("请选择要上传的文件。")]})
        save_all(RECORD_FILES.name, row.id, uploads, current_actor().user_id)

    return _attempt(upload, url_for(".record", record_id=row.id), _("已上传证明材料。"))


@bp.post("/records/<int:record_id>/objections")
def record_objection(record_id: int):
    row = get_or_404(HardshipRecord, record_id)
    return _attempt(
        lambda: (
            services.raise_objection(row, request.form.get("content", ""), current_actor()) and None
        ),
        url_for(".record", record_id=row.id),
        _("已登记异议。"),
    )


@bp.post("/objections/<int:objection_id>/resolution")
def resolve_objection(objection_id: int):
    objection = get_or_404(Objection, objection_id)
    return _attempt(
        lambda: services.resolve_objection(
            objection,
            request.form.get("resolution", ""),
            request.form.get("upheld") == "1",
            current_actor(),
        ),
        url_for(".record", record_id=objection.record_id),
        _("已处理异议。"),
    )


# -- Fund -----------------------------------------------------------------------------------


@bp.get("/fund")
def fund():
    require_permission(VIEW)
    try:
        start = _date(request.args.get("start"), "start")
        end = _date(request.args.get("end"), "end")
        services.check_period(start, end)
    except ValidationError as exc:
        flash("；".join(m for ms in localize(exc.messages).values() for m in ms), "danger")
        start = end = None
    statement = ledger.statement(start, end)
    postings = db.session.scalars(select(Posting).order_by(Posting.id.desc()).limit(100)).all()
    names = {a.id: _(a.name) for a in ledger.accounts().values()}
    reversed_ids = {p.reverses_id for p in postings if p.reverses_id}
    return render_template(
        "assistance/fund.html",
        statement=statement,
        postings=postings,
        names=names,
        reversed_ids=reversed_ids,
        start=start,
        end=end,
    )


@bp.post("/fund/receipts")
def fund_receipt():
    require_permission(PAY)
    form = request.form

    def receive() -> None:
        amount = yuan_to_fen(form.get("amount"), "amount_fen")
        if not form.get("document_no", "").strip():
            raise ValidationError({"document_no": [_("须填写批准文号")]})
        actor = current_actor()
        approval = ledger.approve("receipt", amount, actor, document_no=form["document_no"].strip())
        ledger.receive(form.get("source", ""), amount, approval, actor, memo=form.get("memo"))

    return _attempt(receive, url_for(".fund"), _("已入账。"))


@bp.post("/fund/postings/<int:posting_id>/reversal")
def reverse_posting(posting_id: int):
    require_permission(APPROVE)
    require_permission(PAY)
    posting = get_or_404(Posting, posting_id)

    def undo() -> None:
        if not request.form.get("document_no", "").strip():
            raise ValidationError({"document_no": [_("须填写批准文号")]})
        actor = current_actor()
        approval = ledger.approve(
            "reversal",
            posting.amount_fen,
            actor,
            subject_id=posting.id,
            document_no=request.form["document_no"].strip(),
        )
        ledger.reverse(posting, approval, actor)

    return _attempt(undo, url_for(".fund"), _("已冲销。"))


# -- Grants ---------------------------------------------------------------------------------


def _register_options() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(HardshipRecord.id, HardshipRecord.serial, Member.name)
        .join(
            Member,
            (Member.tenant_id == HardshipRecord.tenant_id)
            & (Member.id == HardshipRecord.member_id),
        )
        .where(HardshipRecord.state.in_(("registered", "under_review")))
        .order_by(Member.name)
    ).all()
    return [(i, f"{name}（{serial}）") for i, serial, name in rows]


@bp.get("/grants")
def grants():
    require_permission(VIEW)
    rows = db.session.scalars(select(Grant).order_by(Grant.id.desc()).limit(200)).all()
    return render_template(
        "assistance/grants.html",
        grants=rows,
        options=_register_options(),
        states=GRANT_FLOW.states,
    )


@bp.post("/grants")
def new_grant():
    require_permission(REGISTER)
    form = request.form

    def create() -> Any:
        grant = services.apply_grant(
            {
                "record_id": int(form["record_id"])
                if form.get("record_id", "").isdigit()
                else None,
                "kind": form.get("kind"),
                "amount_fen": yuan_to_fen(form.get("amount"), "amount_fen"),
                "reason": form.get("reason", ""),
            },
            current_actor(),
        )
        return redirect(url_for(".grant", grant_id=grant.id))

    return _attempt(create, url_for(".grants"), _("已提交救助申请。"))


@bp.get("/grants/<int:grant_id>")
def grant(grant_id: int):
    require_permission(VIEW)
    row = get_or_404(Grant, grant_id)
    return render_template(
        "assistance/grant.html",
        grant=row,
        member=reports._member_name(row.record_id),
        actions=_moves(GRANT_FLOW, row),
        history=GRANT_FLOW.history(row),
        state_title=GRANT_FLOW.state_title(row.state),
    )


@bp.post("/grants/<int:grant_id>/actions")
def grant_action(grant_id: int):
    row = get_or_404(Grant, grant_id)
    action, comment, data = _action_data()
    return _attempt(
        lambda: GRANT_FLOW.fire(row, action, current_actor(), comment=comment, data=data) and None,
        url_for(".grant", grant_id=row.id),
        _("已办理。"),
    )


# -- Loans ----------------------------------------------------------------------------------


@bp.get("/loans")
def loans():
    require_permission(VIEW)
    rows = db.session.scalars(select(Loan).order_by(Loan.id.desc()).limit(200)).all()
    return render_template(
        "assistance/loans.html",
        loans=rows,
        options=_register_options(),
        states=LOAN_FLOW.states,
        report=reports.loans_report(),
    )


@bp.post("/loans")
def new_loan():
    require_permission(REGISTER)
    form = request.form

    def create() -> Any:
        loan = services.apply_loan(
            {
                "record_id": int(form["record_id"])
                if form.get("record_id", "").isdigit()
                else None,
                "project": form.get("project", ""),
                "amount_fen": yuan_to_fen(form.get("amount"), "amount_fen"),
                "guarantor_kind": form.get("guarantor_kind"),
                "guarantor_name": form.get("guarantor_name", ""),
            },
            current_actor(),
        )
        return redirect(url_for(".loan", loan_id=loan.id))

    return _attempt(create, url_for(".loans"), _("已提交借款申请。"))


@bp.get("/loans/<int:loan_id>")
def loan(loan_id: int):
    require_permission(VIEW)
    row = get_or_404(Loan, loan_id)
    return render_template(
        "assistance/loan.html",
        loan=row,
        member=reports._member_name(row.record_id),
        instalments=services.instalments(row),
        notes=db.session.scalars(
            select(LoanNote).where(LoanNote.loan_id == row.id).order_by(LoanNote.id)
        ).all(),
        actions=_moves(LOAN_FLOW, row),
        history=LOAN_FLOW.history(row),
        state_title=LOAN_FLOW.state_title(row.state),
        today=clock.today(),
    )


@bp.post("/loans/<int:loan_id>/actions")
def loan_action(loan_id: int):
    row = get_or_404(Loan, loan_id)
    action, comment, data = _action_data()
    return _attempt(
        lambda: LOAN_FLOW.fire(row, action, current_actor(), comment=comment, data=data) and None,
        url_for(".loan", loan_id=row.id),
        _("已办理。"),
    )


@bp.post("/loans/<int:loan_id>/repayments")
def loan_repayment(loan_id: int):
    row = get_or_404(Loan, loan_id)

    def repay() -> None:
        amount = (
            row.outstanding_fen
            if request.form.get("all") == "1"
            else yuan_to_fen(request.form.get("amount"), "amount_fen")
        )
        services.repay_loan(row, amount, current_actor())

    return _attempt(repay, url_for(".loan", loan_id=row.id), _("已记录还款。"))


@bp.post("/loans/<int:loan_id>/notes")
def loan_note(loan_id: int):
    row = get_or_404(Loan, loan_id)
    return _attempt(
        lambda: (
            services.add_loan_note(row, request.form.get("content", ""), current_actor()) and None
        ),
        url_for(".loan", loan_id=row.id),
        _("已记录项目进展。"),
    )


# -- Pairing --------------------------------------------------------------------------------


@bp.get("/pairings")
def pairings():
    require_permission(VIEW)
    rows = db.session.scalars(select(Pairing).order_by(Pairing.id.desc()).limit(200)).all()
    logs = {}
    for entry in db.session.scalars(
        select(PairingLog)
        .where(PairingLog.pairing_id.in_([p.id for p in rows]))
        .order_by(PairingLog.happened_on)
    ):
        logs.setdefault(entry.pairing_id, []).append(entry)
    return render_template(
        "assistance/pairings.html",
        pairings=rows,
        logs=logs,
        options=_register_options(),
        names={p.id: reports._member_name(p.record_id) for p in rows},
    )


@bp.post("/pairings")
def new_pairing():
    require_permission(REGISTER)
    form = request.form

    def create() -> None:
        services.create_pairing(
            {
                "record_id": int(form["record_id"])
                if form.get("record_id", "").isdigit()
                else None,
                "cadre_name": form.get("cadre_name", ""),
                "goal": form.get("goal", ""),
                "measures": form.get("measures", ""),
                "starts_on": _date(form.get("starts_on"), "starts_on"),
                "ends_on": _date(form.get("ends_on"), "ends_on"),
            },
            current_actor(),
        )

    return _attempt(create, url_for(".pairings"), _("已建立结对。"))


@bp.post("/pairings/<int:pairing_id>/logs")
def pairing_log(pairing_id: int):
    row = get_or_404(Pairing, pairing_id)

    def log() -> None:
        services.log_pairing(
            row,
            {
                "content": request.form.get("content", ""),
                "happened_on": _date(request.form.get("happened_on"), "happened_on"),
                "amount_fen": yuan_to_fen(request.form.get("amount"), "amount_fen", required=False),
            },
            current_actor(),
        )

    return _attempt(log, url_for(".pairings"), _("已记录。"))


# -- Campaigns ------------------------------------------------------------------------------


@bp.get("/campaigns")
def campaigns():
    require_permission(VIEW)
    rows = db.session.scalars(select(Campaign).order_by(Campaign.id.desc()).limit(100)).all()
    return render_template("assistance/campaigns.html", campaigns=rows, states=CAMPAIGN_FLOW.states)


@bp.post("/campaigns")
def new_campaign():
    require_permission(REGISTER)
    form = request.form

    def create() -> Any:
        levels = form.getlist("levels")
        campaign = services.create_campaign(
            {
                "name": form.get("name", ""),
                "starts_on": _date(form.get("starts_on"), "starts_on"),
                "levels": levels,
                "categories": form.getlist("categories"),
                "amounts_fen": {
                    level: yuan_to_fen(form.get(f"amount_{level}"), f"amounts_fen.{level}")
                    for level in levels
                },
            },
            current_actor(),
        )
        return redirect(url_for(".campaign", campaign_id=campaign.id))

    return _attempt(create, url_for(".campaigns"), _("已新建走访慰问活动。"))


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    require_permission(VIEW)
    row = get_or_404(Campaign, campaign_id)
    return render_template(
        "assistance/campaign.html",
        campaign=row,
        detail=campaign_detail(row),
        roster=reports.roster_rows(row),
        actions=_moves(CAMPAIGN_FLOW, row),
    )


@bp.post("/campaigns/<int:campaign_id>/actions")
def campaign_action(campaign_id: int):
    row = get_or_404(Campaign, campaign_id)
    action, comment, data = _action_data()
    return _attempt(
        lambda: (
            CAMPAIGN_FLOW.fire(row, action, current_actor(), comment=comment, data=data) and None
        ),
        url_for(".campaign", campaign_id=row.id),
        _("已办理。"),
    )


@bp.post("/campaign-targets/<int:target_id>/delivery")
def deliver(target_id: int):
    target = get_or_404(CampaignTarget, target_id)
    return _attempt(
        lambda: (
            services.deliver(target, request.form.get("signed_by", ""), current_actor()) and None
        ),
        url_for(".campaign", campaign_id=target.campaign_id),
        _("已登记送达。"),
    )


@bp.get("/campaigns/<int:campaign_id>/roster.xlsx")
def roster_xlsx(campaign_id: int):
    require_permission(VIEW)
    row = get_or_404(Campaign, campaign_id)
    return download_response(reports.roster_xlsx(row), f"慰问名单_{row.name}.xlsx", "xlsx")


# -- Reports, documents, import -------------------------------------------------------------


@bp.get("/reports")
def report_page():
    require_permission(VIEW)
    year = request.args.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else clock.today().year
    return render_template(
        "assistance/reports.html",
        year=year,
        summary=reports.annual_summary(year),
        loans=reports.loans_report(),
    )


@bp.get("/reports/register.xlsx")
def register_xlsx():
    require_permission(VIEW)
    full = may_see_income()
    if full:
        from core.audit.service import record as audit

        audit("assistance.income_viewed", detail={"via": "export"})
    data = reports.register_xlsx(full)
    return download_response(
        data, f"困难党员台账_{g.tenant.name}_{clock.today():%Y%m%d}.xlsx", "xlsx"
    )


@bp.get("/reports/statement.xlsx")
def statement_xlsx():
    require_permission(VIEW)
    try:
        start = _date(request.args.get("start"), "start")
        end = _date(request.args.get("end"), "end")
        services.check_period(start, end)
    except ValidationError:
        start = end = None
    return download_response(reports.statement_xlsx(start, end), "帮扶基金收支明细表.xlsx", "xlsx")


@bp.get("/reports/loans.xlsx")
def loans_xlsx():
    require_permission(VIEW)
    return download_response(reports.loans_xlsx(), "借款台账.xlsx", "xlsx")


@bp.get("/reports/annual.docx")
def annual_docx():
    require_permission(VIEW)
    year = request.args.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else clock.today().year
    data = render_document(reports.ANNUAL_NAME, reports.annual_context(year, g.tenant), g.tenant)
    return download_response(data, f"困难党员帮扶工作年度报告_{year}.docx", "docx")


@bp.route("/import", methods=["GET", "POST"])
def import_register():
    require_permission(REGISTER)
    report = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("请选择要导入的 .xlsx 文件。"), "danger")
            return redirect(url_for(".import_register"))
        report = reports.import_register(
            upload.stream, current_actor(), valid_only=request.form.get("valid_only") == "1"
        )
        written = report.ok or request.form.get("valid_only") == "1"
        if written and not report.file_errors:
            flash(_("已导入 %(n)s 条。", n=len(report.valid_rows)), "success")
        else:
            db.session.rollback()
            flash(_("导入文件未通过校验，未写入任何数据。"), "danger")
            return render_template("assistance/import.html", report=report), 422
    return render_template("assistance/import.html", report=report)


@bp.get("/import-template.xlsx")
def import_template():
    require_permission(REGISTER)
    return download_response(
        template_xlsx(reports.IMPORT_HEADERS), "困难党员台账导入模板.xlsx", "xlsx"
    )

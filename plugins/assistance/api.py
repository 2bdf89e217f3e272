"""The assistance API: register, identification, fund, grants, loans, pairing, campaigns.

Every route goes through ``api_route`` (validation, permission, OpenAPI). Another tenant's
ids answer 404. Household incomes go in full only to holders of
``assistance.view_income`` and every such response is audited; ID numbers are always
masked here (the core member API reveals them, audited, to ``core.view_identity``).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.api.pagination import BadCursor, CursorQuery, Page, decode_cursor, keyset_page
from core.api.routes import api_route
from core.api.transitions import transition_routes
from core.attachments.services import save_all
from core.auth.users import current_actor
from core.db import MAX_DB_ID, db
from core.routing import tenant_blueprint
from core.workflow import TransitionForbidden
from plugins.assistance import ledger, services
from plugins.assistance.models import (
    Campaign,
    CampaignTarget,
    Grant,
    HardshipRecord,
    Loan,
    Objection,
    Pairing,
    Posting,
)
from plugins.assistance.presenters import campaign_detail, record_out
from plugins.assistance.schemas import (
    AccountOut,
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    DeliveryIn,
    DocumentsIn,
    GrantIn,
    GrantOut,
    LoanIn,
    LoanOut,
    NoteIn,
    NoteOut,
    ObjectionIn,
    ObjectionOut,
    PairingIn,
    PairingLogIn,
    PairingLogOut,
    PairingOut,
    PeriodQuery,
    PostingOut,
    ReceiptIn,
    RecordIn,
    RecordListQuery,
    RecordOut,
    RepaymentIn,
    ResolutionIn,
    ReversalIn,
    StatementOut,
    move_body,
)
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
)

bp = tenant_blueprint(
    "assistance_api", __name__, kind="api", plugin="assistance", prefix="/assistance"
)

get_or_404 = services.get_or_404


def _page(statement: Any, key: Any, query: dict[str, Any]) -> Page:
    """Newest first by id; a forged cursor is a 422, never a database overflow."""
    cursor = query.get("cursor")
    if cursor:
        [value] = decode_cursor(cursor, [key])
        if not isinstance(value, int) or not 0 <= value <= MAX_DB_ID:
            raise BadCursor(cursor)
    return keyset_page(statement, [key], cursor=cursor, limit=query["limit"])


# -- Register -------------------------------------------------------------------------------


@api_route(
    bp,
    "/records",
    summary="困难党员台账（游标分页，可按状态、困难程度、类别筛选；收入须 view_income 权限）",
    query=RecordListQuery,
    response=RecordOut,
    paginated=True,
    permission=VIEW,
)
def list_records(query: dict[str, Any]):
    statement = select(HardshipRecord)
    for field in ("state", "level", "category"):
        if query.get(field):
            statement = statement.where(getattr(HardshipRecord, field) == query[field])
    page = _page(statement, HardshipRecord.id, query)
    return Page([record_out(r, "api.list") for r in page.items], page.next_cursor)


@api_route(
    bp,
    "/records",
    methods=["POST"],
    summary="困难党员申请建档（校验认定标准与排除情形，进入认定流程）",
    body=RecordIn,
    response=RecordOut,
    status=201,
    permission=REGISTER,
)
def create_record(body: dict[str, Any]):
    household = body.pop("household")
    return record_out(services.apply(body, household, current_actor()), "api.create")


@api_route(bp, "/records/<int:record_id>", summary="台账详情", response=RecordOut, permission=VIEW)
def get_record(record_id: int):
    return record_out(get_or_404(HardshipRecord, record_id), "api.get")


@api_route(
    bp,
    "/records/<int:record_id>/documents",
    methods=["PUT"],
    summary="登记已提交的认定材料",
    body=DocumentsIn,
    response=RecordOut,
    permission=REGISTER,
)
def record_documents(record_id: int, body: dict[str, Any]):
    record = get_or_404(HardshipRecord, record_id)
    services.update_documents(record, body["documents"], current_actor())
    return record_out(record, "api.documents")


@api_route(
    bp,
    "/records/<int:record_id>/objections",
    methods=["POST"],
    summary="登记公示期间的异议",
    body=ObjectionIn,
    response=ObjectionOut,
    status=201,
    permission=REGISTER,
)
def raise_objection(record_id: int, body: dict[str, Any]):
    record = get_or_404(HardshipRecord, record_id)
    return services.raise_objection(record, body["content"], current_actor())


@api_route(
    bp,
    "/objections/<int:objection_id>/resolution",
    methods=["POST"],
    summary="处理异议（核实意见；成立则不能结束公示）",
    body=ResolutionIn,
    response=ObjectionOut,
    permission=APPROVE,
)
def resolve_objection(objection_id: int, body: dict[str, Any]):
    objection = get_or_404(Objection, objection_id)
    services.resolve_objection(objection, body["resolution"], body["upheld"], current_actor())
    return objection


@api_route(
    bp,
    "/records/<int:record_id>/attachments",
    methods=["POST"],
    summary="上传证明材料（multipart 字段 files，可多个；按内容校验类型和大小）",
    response=RecordOut,
    status=201,
    permission=REGISTER,
)
def record_attachments(record_id: int):
    record = get_or_404(HardshipRecord, record_id)
    uploads = request.files.getlist("files")
    if not [u for u in uploads if (u.filename or "").strip()]:
        raise ValidationError({"files": [_("请选择要上传的文件。")]})
    save_all(RECORD_FILES.name, record.id, uploads, current_actor().user_id)
    return record_out(record, "api.attachments")


# -- Fund -----------------------------------------------------------------------------------


@api_route(
    bp,
    "/fund/accounts",
    summary="帮扶基金科目及余额（分）",
    response=AccountOut,
    many=True,
    permission=VIEW,
)
def fund_accounts():
    return list(ledger.ensure_accounts().values())


@api_route(
    bp,
    "/fund/statement",
    summary="基金收支明细表：各科目期初、借方、贷方、期末（分），与记账凭证逐笔相符",
    query=PeriodQuery,
    response=StatementOut,
    permission=VIEW,
)
def fund_statement(query: dict[str, Any]):
    services.check_period(query.get("start"), query.get("end"))
    return ledger.statement(query.get("start"), query.get("end"))


@api_route(
    bp,
    "/fund/postings",
    summary="记账凭证（游标分页，新的在前）",
    query=CursorQuery,
    response=PostingOut,
    paginated=True,
    permission=VIEW,
)
def list_postings(query: dict[str, Any]):
    return _page(select(Posting), Posting.id, query)


@api_route(
    bp,
    "/fund/receipts",
    methods=["POST"],
    summary="资金入账（留存党费、财政拨款、党员捐款、社会募集），须写明批准文号",
    body=ReceiptIn,
    response=PostingOut,
    status=201,
    permission=PAY,
)
def fund_receipt(body: dict[str, Any]):
    actor = current_actor()
    approval = ledger.approve(
        "receipt", body["amount_fen"], actor, document_no=body["document_no"], note=body.get("memo")
    )
    return ledger.receive(
        body["source"], body["amount_fen"], approval, actor, memo=body.get("memo")
    )


@api_route(
    bp,
    "/fund/postings/<int:posting_id>/reversal",
    methods=["POST"],
    summary="冲销一笔凭证（以反向凭证更正，原凭证不改不删）",
    body=ReversalIn,
    response=PostingOut,
    status=201,
    permission=APPROVE,
)
def reverse_posting(posting_id: int, body: dict[str, Any]):
    actor = current_actor()
    if not actor.can(PAY):
        raise TransitionForbidden(_("您没有资金记账的权限"))
    posting = get_or_404(Posting, posting_id)
    approval = ledger.approve(
        "reversal",
        posting.amount_fen,
        actor,
        subject_id=posting.id,
        document_no=body["document_no"],
    )
    return ledger.reverse(posting, approval, actor, memo=body.get("memo"))


# -- Grants ---------------------------------------------------------------------------------


@api_route(
    bp,
    "/grants",
    summary="救助申请列表",
    query=CursorQuery,
    response=GrantOut,
    paginated=True,
    permission=VIEW,
)
def list_grants(query: dict[str, Any]):
    return _page(select(Grant), Grant.id, query)


@api_route(
    bp,
    "/grants",
    methods=["POST"],
    summary="申请救助",
    body=GrantIn,
    response=GrantOut,
    status=201,
    permission=REGISTER,
)
def create_grant(body: dict[str, Any]):
    return services.apply_grant(body, current_actor())


@api_route(bp, "/grants/<int:grant_id>", summary="救助详情", response=GrantOut, permission=VIEW)
def get_grant(grant_id: int):
    return get_or_404(Grant, grant_id)


# -- Loans ----------------------------------------------------------------------------------


@api_route(
    bp,
    "/loans",
    summary="借款列表",
    query=CursorQuery,
    response=LoanOut,
    paginated=True,
    permission=VIEW,
)
def list_loans(query: dict[str, Any]):
    return _page(select(Loan), Loan.id, query)


@api_route(
    bp,
    "/loans",
    methods=["POST"],
    summary="申请借款（项目、担保）",
    body=LoanIn,
    response=LoanOut,
    status=201,
    permission=REGISTER,
)
def create_loan(body: dict[str, Any]):
    return services.apply_loan(body, current_actor())


@api_route(
    bp, "/loans/<int:loan_id>", summary="借款详情及还款计划", response=LoanOut, permission=VIEW
)
def get_loan(loan_id: int):
    return get_or_404(Loan, loan_id)


@api_route(
    bp,
    "/loans/<int:loan_id>/repayments",
    methods=["POST"],
    summary="还款（可提前还清；回流基金）",
    body=RepaymentIn,
    response=LoanOut,
    status=201,
    permission=PAY,
)
def repay_loan(loan_id: int, body: dict[str, Any]):
    return services.repay_loan(get_or_404(Loan, loan_id), body["amount_fen"], current_actor())


@api_route(
    bp,
    "/loans/<int:loan_id>/notes",
    methods=["POST"],
    summary="记录项目进展",
    body=NoteIn,
    response=NoteOut,
    status=201,
    permission=REGISTER,
)
def loan_note(loan_id: int, body: dict[str, Any]):
    return services.add_loan_note(get_or_404(Loan, loan_id), body["content"], current_actor())


# -- Pairing --------------------------------------------------------------------------------


@api_route(
    bp,
    "/pairings",
    summary="结对帮扶列表",
    query=CursorQuery,
    response=PairingOut,
    paginated=True,
    permission=VIEW,
)
def list_pairings(query: dict[str, Any]):
    return _page(select(Pairing), Pairing.id, query)


@api_route(
    bp,
    "/pairings",
    methods=["POST"],
    summary="建立结对",
    body=PairingIn,
    response=PairingOut,
    status=201,
    permission=REGISTER,
)
def create_pairing(body: dict[str, Any]):
    return services.create_pairing(body, current_actor())


@api_route(
    bp,
    "/pairings/<int:pairing_id>/logs",
    methods=["POST"],
    summary="记录走访和帮扶（送钱的经基金记账）",
    body=PairingLogIn,
    response=PairingLogOut,
    status=201,
    permission=REGISTER,
)
def pairing_log(pairing_id: int, body: dict[str, Any]):
    return services.log_pairing(get_or_404(Pairing, pairing_id), body, current_actor())


# -- Campaigns ------------------------------------------------------------------------------


@api_route(
    bp,
    "/campaigns",
    summary="走访慰问活动",
    query=CursorQuery,
    response=CampaignOut,
    paginated=True,
    permission=VIEW,
)
def list_campaigns(query: dict[str, Any]):
    return _page(select(Campaign), Campaign.id, query)


@api_route(
    bp,
    "/campaigns",
    methods=["POST"],
    summary="新建走访慰问活动（按困难程度、类别从台账选定对象，按程度定额）",
    body=CampaignIn,
    response=CampaignDetailOut,
    status=201,
    permission=REGISTER,
)
def create_campaign(body: dict[str, Any]):
    return campaign_detail(services.create_campaign(body, current_actor()))


@api_route(
    bp,
    "/campaigns/<int:campaign_id>",
    summary="活动详情、名单与合计",
    response=CampaignDetailOut,
    permission=VIEW,
)
def get_campaign(campaign_id: int):
    return campaign_detail(get_or_404(Campaign, campaign_id))


@api_route(
    bp,
    "/campaign-targets/<int:target_id>/delivery",
    methods=["POST"],
    summary="登记送达与签收（经基金记账）",
    body=DeliveryIn,
    response=CampaignDetailOut,
    permission=PAY,
)
def deliver(target_id: int, body: dict[str, Any]):
    target = get_or_404(CampaignTarget, target_id)
    services.deliver(target, body["signed_by"], current_actor())
    return campaign_detail(db.session.get(Campaign, target.campaign_id))


# -- Workflow moves: POST …/<id>/transitions/<move>, generated from the declarations -------


def _moves(flow: Any, records: str, id_arg: str, model: type, present: Any, out: Any) -> None:
    transition_routes(
        bp,
        flow,
        records=records,
        id_arg=id_arg,
        lookup=lambda object_id: get_or_404(model, object_id),
        present=present,
        response=out,
        permission=VIEW,
        body_for=lambda move: move_body(flow.name, move),
    )


_moves(
    RECORD_FLOW,
    "/records",
    "record_id",
    HardshipRecord,
    lambda record: record_out(record, "api.transition"),
    RecordOut,
)
_moves(GRANT_FLOW, "/grants", "grant_id", Grant, lambda grant: grant, GrantOut)
_moves(LOAN_FLOW, "/loans", "loan_id", Loan, lambda loan: loan, LoanOut)
_moves(CAMPAIGN_FLOW, "/campaigns", "campaign_id", Campaign, campaign_detail, CampaignDetailOut)

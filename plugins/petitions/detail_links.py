"""What the petition's detail page offers beyond the workflow's own moves: the notices to
print, a query code for the petitioner, escalation (督办) and the leader's flag.

Each is a :class:`~plugins.petitions.actions.DetailAction`; the two that need typed
input (escalation and flag take a reason) get a small form page here, and issuing a
query code answers with the code on a page of its own — the only time it is shown.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.api.routes import api_route
from core.audit.service import record
from core.db import db
from core.forms import load_form
from core.i18n import N_
from core.plugins.settings import resolved_settings
from core.routing import require_permission, tenant_blueprint
from core.workflow import WorkflowError
from plugins.petitions import escalation, notices, queries, querycodes
from plugins.petitions.actions import DetailAction, add_detail_action
from plugins.petitions.models import Petition
from plugins.petitions.permissions import APPROVE, REGISTER, VIEW

pages = tenant_blueprint(
    "petitions_links", __name__, kind="pages", plugin="petitions", prefix="/petitions"
)
pages.template_folder = "templates"
api = tenant_blueprint(
    "petitions_codes_api", __name__, kind="api", plugin="petitions", prefix="/petitions"
)


class ReasonForm(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class QueryCodeOut(Schema):
    serial = fields.String()
    code = fields.String(metadata={"description": "查询码（只此一次明文给出）"})
    portal_url = fields.String()


# -- query codes ----------------------------------------------------------------------------


def _portal_open() -> bool:
    return bool(resolved_settings(g.tenant, "petitions")["portal_enabled"])


def issue_query_code(petition: Petition) -> dict[str, str]:
    """A new code for ``petition`` (any earlier one stops working); audited."""
    code = querycodes.reissue(petition)
    record("petition.query_code_issued", obj=petition, detail={"serial": petition.serial})
    db.session.commit()
    return {
        "serial": petition.serial,
        "code": querycodes.grouped(code),
        "portal_url": url_for("petitions_portal.index", tenant=g.tenant.slug, _external=True),
    }


@pages.post("/<int:petition_id>/query-code")
def query_code(petition_id: int):
    require_permission(REGISTER)
    petition = queries.petition_or_404(petition_id)
    if not _portal_open():
        abort(404)
    issued = issue_query_code(petition)
    return render_template("petitions/query_code.html", petition=petition, **issued)


@api_route(
    api,
    "/<int:petition_id>/query-code",
    methods=["POST"],
    summary="为信访人生成新的网上查询码（原查询码作废；仅开放网上信访的单位）",
    response=QueryCodeOut,
    permission=REGISTER,
)
def api_query_code(petition_id: int):
    petition = queries.petition_or_404(petition_id)
    if not _portal_open():
        abort(404)
    return issue_query_code(petition)


# -- escalation and the leader's flag ---------------------------------------------------------


def _reason_page(petition: Petition, kind: str, errors: dict | None = None, status: int = 200):
    title = _("升级督办") if kind == "escalate" else _("标记领导督办")
    return render_template(
        "petitions/reason_form.html",
        petition=petition,
        title=title,
        action=url_for(f".{kind}", petition_id=petition.id),
        form=request.form.to_dict() if errors else {},
        errors=errors or {},
    ), status


def _reason_route(kind: str, act) -> None:
    def view(petition_id: int):
        require_permission(APPROVE)
        petition = queries.petition_or_404(petition_id)
        if kind == "escalate" and not escalation.available(g.tenant):
            abort(404)
        if request.method == "GET":
            return _reason_page(petition, kind)
        data, errors = load_form(ReasonForm(unknown="exclude"))
        if errors:
            return _reason_page(petition, kind, errors, 422)
        try:
            act(petition, g.actor, data["reason"].strip())
        except WorkflowError as exc:
            db.session.rollback()
            return _reason_page(petition, kind, {"_": [exc.message]}, exc.status)
        db.session.commit()
        flash(_("已升级督办。") if kind == "escalate" else _("已标记领导督办。"), "success")
        return redirect(url_for("petitions.detail", petition_id=petition.id))

    view.__name__ = kind
    pages.add_url_rule(f"/<int:petition_id>/{kind}", view_func=view, methods=["GET", "POST"])


_reason_route("escalate", escalation.escalate)
_reason_route("flag", escalation.flag)


# -- the detail page's buttons ----------------------------------------------------------------


def _notice_action(slug: str, title: str, order: int) -> DetailAction:
    return DetailAction(
        key=f"notice_{slug}",
        title=title,
        url=lambda p: url_for(f"petitions_notices.{slug}_notice", petition_id=p.id),
        available=lambda p, a: a.can(VIEW) and notices.NOTICES[slug].applies(p),
        group="documents",
        order=order,
    )


for _order, (_slug, _title) in enumerate(
    [
        ("acceptance", N_("受理告知书")),
        ("non_acceptance", N_("不予受理告知书")),
        ("reply", N_("答复意见书")),
        ("assignment", N_("交办函")),
    ]
):
    add_detail_action(_notice_action(_slug, _title, _order))

add_detail_action(
    DetailAction(
        key="query_code",
        title=N_("生成网上查询码"),
        url=lambda p: url_for("petitions_links.query_code", petition_id=p.id),
        available=lambda p, a: a.can(REGISTER) and _portal_open(),
        method="post",
        confirm=N_("生成新的查询码后，原查询码即作废。继续吗？"),
        order=10,
    )
)
add_detail_action(
    DetailAction(
        key="escalate",
        title=N_("升级督办"),
        url=lambda p: url_for("petitions_links.escalate", petition_id=p.id),
        available=lambda p, a: (
            a.can(APPROVE) and escalation.available(g.tenant) and escalation.refusal(p) is None
        ),
        style="outline-danger",
        order=20,
    )
)
add_detail_action(
    DetailAction(
        key="flag",
        title=N_("标记领导督办"),
        url=lambda p: url_for("petitions_links.flag", petition_id=p.id),
        available=lambda p, a: (
            a.can(APPROVE) and not p.leader_flagged and p.state in escalation.OPEN_STATES
        ),
        order=21,
    )
)

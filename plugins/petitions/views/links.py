"""What the petition's detail page offers beyond the workflow's own moves: the notices to
print, a query code for the petitioner, escalation (督办) and the leader's flag.

Each is a :class:`~plugins.petitions.presenters.DetailAction`; the two that need typed
input (escalation and flag take a reason) get a small form page here, and issuing a
query code answers with the code on a page of its own — the only time it is shown.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.db import db
from core.forms import as_typed, load_form
from core.i18n import N_
from core.routing import require_permission
from core.workflow import WorkflowError
from plugins.petitions.documents import forms, notices
from plugins.petitions.models import Petition
from plugins.petitions.permissions import APPROVE, REGISTER, VIEW
from plugins.petitions.presenters import DetailAction, add_detail_action
from plugins.petitions.queries import petitions as queries
from plugins.petitions.schemas.links import ReasonIn
from plugins.petitions.services import escalation, querycodes
from plugins.petitions.views.blueprint import bp

# -- query codes ----------------------------------------------------------------------------


@bp.post("/<int:petition_id>/query-code")
def query_code(petition_id: int):
    require_permission(REGISTER)
    petition = queries.petition_or_404(petition_id)
    if not querycodes.portal_open(g.tenant):
        abort(404)
    issued = querycodes.issue_for_petitioner(petition, g.tenant)
    return render_template("petitions/query_code.html", petition=petition, **issued)


# -- escalation and the leader's flag ---------------------------------------------------------


def _reason_page(petition: Petition, kind: str, errors: dict | None = None, status: int = 200):
    title = _("升级督办") if kind == "escalate" else _("标记领导督办")
    return render_template(
        "petitions/reason_form.html",
        petition=petition,
        title=title,
        action=url_for(f".{kind}", petition_id=petition.id),
        form=as_typed(ReasonIn(unknown="exclude")) if errors else {},
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
        data, errors = load_form(ReasonIn(unknown="exclude"))
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
    bp.add_url_rule(f"/<int:petition_id>/{kind}", view_func=view, methods=["GET", "POST"])


_reason_route("escalate", escalation.escalate)
_reason_route("flag", escalation.flag)


# -- the detail page's buttons ----------------------------------------------------------------


def _notice_action(slug: str, title: str, order: int) -> DetailAction:
    return DetailAction(
        key=f"notice_{slug}",
        title=title,
        url=lambda p: url_for(f"petitions.{slug}_notice", petition_id=p.id),
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
        key="registration_form",
        title=N_("信访登记表（阅批单）"),
        url=lambda p: url_for("documents.record_form", name=forms.NAME, record_id=p.id),
        available=lambda _p, a: a.can(VIEW),
        group="documents",
        order=0,
    )
)
add_detail_action(
    DetailAction(
        key="query_code",
        title=N_("生成网上查询码"),
        url=lambda p: url_for("petitions.query_code", petition_id=p.id),
        available=lambda p, a: a.can(REGISTER) and querycodes.portal_open(g.tenant),
        method="post",
        confirm=N_("生成新的查询码后，原查询码即作废。继续吗？"),
        order=10,
    )
)
add_detail_action(
    DetailAction(
        key="escalate",
        title=N_("升级督办"),
        url=lambda p: url_for("petitions.escalate", petition_id=p.id),
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
        url=lambda p: url_for("petitions.flag", petition_id=p.id),
        available=lambda p, a: (
            a.can(APPROVE) and not p.leader_flagged and p.state in escalation.OPEN_STATES
        ),
        order=21,
    )
)

"""``/invitations``: the logged-in user's own invitations to join other tenants."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from core.auth import invitations
from core.auth.permissions import role_titles
from core.auth.views import tenants_of
from core.routing import Unauthenticated, check_csrf, session_user

bp = Blueprint("invitations", __name__)


@bp.get("/invitations")
def index():
    user = session_user()
    if user is None:
        raise Unauthenticated()
    titles = role_titles()  # the invitation names roles by key: show their titles
    shown = [
        (inv, "、".join(titles.get(key, key) for key in inv.roles))
        for inv in invitations.pending_for(user)
    ]
    return render_template("invitations.html", invitations=shown)


@bp.post("/invitations/<int:invitation_id>/<any(accept, decline):decision>")
def decide(invitation_id: int, decision: str):
    check_csrf()
    user = session_user()
    if user is None:
        raise Unauthenticated()
    accept = decision == "accept"
    if not invitations.decide(user, invitation_id, accept=accept):
        abort(404)  # not this user's, already decided, or unknown: all alike
    session["tenants"] = tenants_of(user)  # the switcher shows the new tenant at once
    flash(_("已接受邀请。") if accept else _("已拒绝邀请。"), "success")
    return redirect(url_for("invitations.index"))

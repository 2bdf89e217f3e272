"""Every petitions notice checked against the formulas of the 信访工作条例 (2022): a
decision to accept, handling within 60 days of acceptance, an extension approved by the
body's head, of at most 30 days and with its reason told, 复查 requested within 30 days
of the written reply, a 交办函 with its report-back deadline — and none of the doubled
words issue 12 found (“反映的“反映…”, “…问题”问题”, 61日, 90日) nor a placeholder left.

Each notice is printed through the API for a petition that reached it, its summary
written the way clerks write it (“反映…问题”)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.db import db
from core.tenancy.scope import tenant_scope
from plugins.petitions.documents import notices
from plugins.petitions.models import Petition
from tests.plugins.petitions.test_notices import _at, _get, _move, docx_text
from tests.plugins.petitions.test_notices import _clock as _clock  # noqa: F401 - fixture
from tests.plugins.petitions.test_notices import county as county  # noqa: F401 - fixture

#: What each notice must say, in the regulation's words (and the fixture's dates).
FORMULAS = {
    "acceptance": (
        "决定予以受理",
        "自受理之日起60日内（即2026年11月17日前）办结",
        "经本机关负责人批准，可以适当延长办理期限，但延长期限不得超过30日",
        "并告知你（你们）延期理由",
    ),
    "non_acceptance": ("本机关不予受理", "请向依法有权处理的机关提出"),
    "extension": (
        "经本机关负责人批准，办理期限延长30日",
        "因需进一步调查",
        "并书面答复你（你们）",
    ),
    "reply": ("自收到本答复意见书之日起30日内", "向本机关的上一级机关请求复查"),
    "assignment": ("交你单位办理", "于2026年10月20日前将办理结果书面报送本机关"),
}
#: Words a notice must never print.
WRONG = ("反映的“反映", "问题”问题", "反映反映", "问题问题", "61日", "90日", "{{", "}}", "。。")
#: Which petition of the fixture reached each notice.
PETITION = {
    "acceptance": "accepted",
    "non_acceptance": "refused",
    "extension": "extended",
    "reply": "replied",
    "assignment": "assigned",
}


@pytest.fixture
def printed(app, county, client) -> dict[str, str]:
    with app.app_context(), tenant_scope(county["id"]):
        handler = db.session.scalar(select(User.id).where(User.username == "li"))
        row = db.session.get(Petition, county["ids"]["accepted"])
        _move(row, date(2026, 10, 9), "assign_handler", handler_user_id=handler)
        _move(row, date(2026, 10, 20), "extend", days=30, reason="需进一步调查")
        db.session.commit()
    _at(date(2026, 11, 1))
    county["ids"]["extended"] = county["ids"]["accepted"]
    # The acceptance notice is printed first after the extension: it still names the
    # period as accepted (60 days), not the extended end.
    texts = {}
    for slug, petition in PETITION.items():
        response = _get(client, county, "leader", petition, slug)
        assert response.status_code == 200, slug
        texts[slug] = docx_text(response.data)
    return texts


def test_every_notice_is_checked():
    assert set(FORMULAS) == set(notices.NOTICES) == set(PETITION)


@pytest.mark.parametrize("slug", sorted(FORMULAS))
def test_the_notice_says_what_the_regulation_says(printed, slug):
    text = printed[slug]
    assert notices.NOTICES[slug].title in text.splitlines()[:2], text[:20]
    for formula in FORMULAS[slug]:
        assert formula in text, (slug, formula, text)
    for wrong in WRONG:
        assert wrong not in text, (slug, wrong)
    # The summary is quoted once, without its 反映 and 问题.
    assert "退休待遇未落实" in text


def test_no_notice_promises_more_than_the_regulation_allows(printed):
    for slug, text in printed.items():
        days = [int(n) for n in re.findall(r"(\d+)日内", text)]
        assert all(n in (30, 60) for n in days), (slug, days)
        extended = [int(n) for n in re.findall(r"延长(\d+)日", text)]
        assert all(n <= 30 for n in extended), (slug, extended)

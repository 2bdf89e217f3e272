"""Chinese first, English on request: the catalog is complete and the pages follow the choice.

The msgids are the Chinese texts. The catalog tests read the committed files (the .pot, the
English .po and its compiled .mo, which is what an installed package ships); the page tests
run on both databases like every other test that takes ``app``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import update

from core.api.problem import problem
from core.auth.models import User
from core.db import db
from tests.factories import csrf_token, login

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "core" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
#: The keywords `make translations` passes to pybabel extract, on top of Babel's own.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
ENGLISH = {"Accept-Language": "en"}


def _msgids(catalog) -> list[str]:
    return [m.id for m in catalog if m.id and isinstance(m.id, str)]


def _placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(PLACEHOLDER.findall(text))


def _pot_ids() -> list[str]:
    with POT.open("rb") as f:
        return _msgids(read_po(f))


def _compiled() -> dict[str, str]:
    with MO.open("rb") as f:
        return {m.id: m.string for m in read_mo(f) if m.id and isinstance(m.id, str)}


# -- the catalog -----------------------------------------------------------------------


def test_the_template_is_current_with_the_source():
    """Every text marked in core/ and plugins/ is in the .pot, and nothing else is.

    Fails when a text was added or changed without ``make translations``.
    """
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
        if isinstance(message, str) and message
    }
    pot = set(_pot_ids())
    assert sorted(extracted - pot) == [], "marked in the source but not extracted"
    assert sorted(pot - extracted) == [], "extracted but no longer in the source"


def test_every_msgid_has_english_with_the_same_placeholders():
    compiled = _compiled()
    ids = _pot_ids()
    assert len(ids) > 250  # the whole interface, not an empty template
    untranslated = [i for i in ids if not compiled.get(i, "").strip()]
    assert untranslated == []
    mismatched = [(i, compiled[i]) for i in ids if _placeholders(i) != _placeholders(compiled[i])]
    assert mismatched == []


def test_the_catalog_has_no_fuzzy_or_empty_entries_and_matches_the_compiled_file():
    with PO.open("rb") as f:
        catalog = read_po(f)
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    assert [m.id for m in catalog if m.id and not m.string] == []
    assert {m.id: m.string for m in catalog if m.id} == _compiled(), "run make translations"


def test_english_texts_are_safe_in_markup_and_inline_scripts():
    """Jinja treats a translated text as markup, and some land in attributes and in
    ``confirm('…')``: so no < > & and no straight quotes (use “ ” and ’)."""
    unsafe = {i: s for i, s in _compiled().items() if re.search(r"[<>&\"']", s)}
    assert unsafe == {}


def test_english_texts_use_english_punctuation():
    chinese_punctuation = re.compile(r"[\u3000-\u303f\uff01-\uff1f]")
    assert {i: s for i, s in _compiled().items() if chinese_punctuation.search(s)} == {}


# -- pages and API answers -------------------------------------------------------------


def _title_and_h1(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert title and h1
    return title.group(1).strip(), re.sub(r"<[^>]+>", "", h1.group(1)).strip()


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert _title_and_h1(html) == ("登录 · 组工", "登录组工平台")
    assert "用户名" in html and "Username" not in html


def test_login_page_is_chinese_when_chinese_is_preferred(client):
    html = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).get_data(
        as_text=True
    )
    assert _title_and_h1(html) == ("登录 · 组工", "登录组工平台")


def test_login_page_in_english_by_accept_language(client):
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert 'lang="en"' in html
    title, h1 = _title_and_h1(html)
    assert (title, h1) == ("Log in · Zugong", "Log in to Zugong")
    assert not CJK.search(title) and not CJK.search(h1)
    assert ">Username</label>" in html and ">Password</label>" in html


def test_language_switch_overrides_the_browser(client):
    token = csrf_token(client)  # the Chinese login page
    response = client.post(
        "/language",
        data={"lang": "en", "csrf_token": token},
        headers={"Referer": "http://localhost/login"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    html = client.get("/login").get_data(as_text=True)
    title, h1 = _title_and_h1(html)
    assert (title, h1) == ("Log in · Zugong", "Log in to Zugong")
    assert not CJK.search(title + h1)

    client.post("/language", data={"lang": "zh_Hans_CN", "csrf_token": token})
    html = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    assert _title_and_h1(html) == ("登录 · 组工", "登录组工平台")


def test_language_switch_needs_the_csrf_token(client):
    client.post("/language", data={"lang": "en"})
    html = client.get("/login").get_data(as_text=True)
    assert _title_and_h1(html)[1] == "登录组工平台"


def test_unknown_language_is_ignored(client):
    token = csrf_token(client)
    client.post("/language", data={"lang": "fr", "csrf_token": token})
    assert _title_and_h1(client.get("/login").get_data(as_text=True))[1] == "登录组工平台"


def test_login_errors_follow_the_language(client, factory):
    factory.tenant("a")
    factory.user("a", "alice")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = login(client, "alice", "wrong password")
    assert response.status_code == 400
    assert "Incorrect username or password." in response.get_data(as_text=True)


def test_api_problem_title_follows_accept_language(client):
    chinese = client.get("/api/v1/t/nowhere/anything")
    assert chinese.status_code == 404
    assert chinese.mimetype == "application/problem+json"
    assert chinese.get_json()["title"] == "未找到"

    english = client.get("/api/v1/t/nowhere/anything", headers=ENGLISH)
    assert english.status_code == 404
    assert english.mimetype == "application/problem+json"
    # "未找到" comes from core/api/problem.py's _TITLES table: the catalog has its English
    # only while the table's texts are extracted (marked with N_) or carried in the .po.
    assert english.get_json()["title"] == "Not found"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500])
def test_every_problem_title_has_english(app, status):
    with app.test_request_context(headers=ENGLISH):
        title = problem(status).get_json()["title"]
    assert title and not CJK.search(title), title
    with app.test_request_context():
        assert CJK.search(problem(status).get_json()["title"])


def test_unauthenticated_api_detail_in_english(client, factory):
    factory.tenant("a")
    body = client.get("/api/v1/t/a/me", headers=ENGLISH).get_json()
    assert body["status"] == 401
    assert not CJK.search(body["title"]) and not CJK.search(body["detail"])
    assert "Authorization header" in body["detail"]


NAV_EN = [
    "Dashboard",
    "To-do",
    "Organizations",
    "Party members",
    "Unit administration",
    "Audit log",
]
NAV_ZH = ["工作台", "待办", "组织机构", "党员信息", "单位管理", "审计日志"]


def _nav_labels(html: str) -> list[str]:
    nav = re.search(r'<ul[^>]*id="main-nav"[^>]*>(.*?)</ul>', html, re.S)
    assert nav, "no navigation on the page"
    return [label.strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", nav.group(1), re.S)]


def test_dashboard_in_english(client, factory):
    factory.tenant("a")
    factory.user("a", "alice")  # the unit administrator: every core navigation item
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login(client, "alice").status_code == 302
    html = client.get("/t/a/").get_data(as_text=True)
    assert 'lang="en"' in html
    labels = _nav_labels(html)
    assert set(NAV_EN) <= set(labels), labels
    assert [label for label in labels if CJK.search(label)] == []
    title, _h1 = _title_and_h1(html)
    assert title.startswith("Dashboard · ") and title.endswith(" · Zugong")
    assert ">Log out</button>" in html


def test_dashboard_in_chinese_by_default(client, factory):
    factory.tenant("a")
    factory.user("a", "alice")
    assert login(client, "alice").status_code == 302
    labels = _nav_labels(client.get("/t/a/").get_data(as_text=True))
    assert set(NAV_ZH) <= set(labels), labels


def test_switching_to_english_while_logged_in(client, factory):
    factory.tenant("a")
    factory.user("a", "alice")
    assert login(client, "alice").status_code == 302
    token = csrf_token(client, "/t/a/")
    client.post("/language", data={"lang": "en", "csrf_token": token})
    assert set(NAV_EN) <= set(_nav_labels(client.get("/t/a/").get_data(as_text=True)))


def test_users_own_language_applies_without_a_header(app, client, factory):
    factory.tenant("a")
    person = factory.user("a", "alice")
    with app.app_context():
        db.session.execute(update(User).where(User.id == person.user_id).values(locale="en"))
        db.session.commit()
    assert login(client, "alice").status_code == 302
    assert set(NAV_EN) <= set(_nav_labels(client.get("/t/a/").get_data(as_text=True)))


def test_language_chosen_before_login_survives_login(client, factory):
    factory.tenant("a")
    factory.user("a", "alice")
    token = csrf_token(client)
    client.post("/language", data={"lang": "en", "csrf_token": token})
    assert login(client, "alice").status_code == 302
    assert set(NAV_EN) <= set(_nav_labels(client.get("/t/a/").get_data(as_text=True)))


def test_a_table_of_labels_is_translated_once_per_language(app):
    from core.i18n import translated
    from plugins.petitions.workflow import STATES

    with app.test_request_context(headers={"Accept-Language": "zh"}):
        chinese = translated(STATES)
        assert translated(STATES) is chinese
    with app.test_request_context(headers=ENGLISH):
        english = translated(STATES)
    assert chinese == STATES
    assert english.keys() == STATES.keys()
    assert not any(CJK.search(title) for title in english.values())

"""Scoring and ranking, recomputed by hand from a small fixed data set.

Under the city: the county sends A (简报; the city adopts it and forwards it, the
province adopts it and a provincial leader writes an instruction), B (专报, declined),
C (a late 要情 incident, adopted by the city) and E (an answer to the city's 约稿, in
time, not decided); the sibling sends D (专报, adopted by the city), has a 漏报 recorded
against it and leaves the 约稿 unanswered. Default table: city 简报 2 / 要情 6 / 专报 4,
province 简报 5, provincial instruction +5; 迟报 −1, 漏报 −3, 约稿未报 −2.

    county  = A max(2, 5)=5 + 5 bonus, B 0, C 6, E 0, −1 late        = 15
    sibling = D 4, −3 漏报, −2 约稿                                  = −1
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from core.db import db
from core.tenancy.models import Tenant, TenantPlugin
from core.tenancy.scope import granted_scope, tenant_scope
from plugins.reporting import queries, services
from plugins.reporting.commissions import queries as commission_queries
from plugins.reporting.commissions import services as commissions
from plugins.reporting.scoring import services as scoring
from plugins.reporting.scoring.models import Ranking, RankingAuthor, RankingLine
from plugins.reporting.scoring.periods import period
from tests.plugins.reporting.conftest import ITEM, NOW

YEAR = period("year", 2026)


def _decide(as_tenant, slug, item, move, actor):
    with as_tenant(slug):
        services.decide(queries.received_submission(item), move, actor)
        db.session.flush()


def _submit_as(slug, people, as_tenant, **overrides):
    with as_tenant(slug, grants=False):
        item = services.create_item({**ITEM, **overrides}, people[f"{slug}_editor"])
        services.move_item(item, "send_for_approval", people[f"{slug}_editor"])
        services.move_item(item, "approve", people[f"{slug}_editor"])
        db.session.flush()
    return item


@pytest.fixture
def data_set(tree, people, submitted, as_tenant):
    city, province = people["city_editor"], people["province_editor"]
    with as_tenant("city"):
        request = commissions.create_request(
            {
                "topic": "基层党建典型经验",
                "deadline": NOW + timedelta(days=1),
                "child_tenant_ids": [tree["county"], tree["sibling"]],
            },
            city,
        )
    item_a = submitted(doc_type="brief")
    _decide(as_tenant, "city", item_a, "adopt", city)
    _decide(as_tenant, "city", item_a, "forward", city)
    _decide(as_tenant, "province", item_a, "adopt", province)
    with as_tenant("province"):
        services.record_instruction(
            item_a, {"leader_name": "王省长", "leader_level": "province", "text": "好"}, province
        )
    item_b = submitted(doc_type="special")
    _decide(as_tenant, "city", item_b, "decline", city)
    item_c = submitted(doc_type="urgent", category="incident", occurred_at=NOW - timedelta(hours=8))
    assert item_c.is_late
    _decide(as_tenant, "city", item_c, "adopt", city)
    submitted(doc_type="brief", category="commissioned", request_id=request.id)
    item_d = _submit_as("sibling", people, as_tenant, doc_type="special")
    _decide(as_tenant, "city", item_d, "adopt", city)
    with as_tenant("city"):
        services.record_missed_report(
            tree["sibling"], "某镇突发事件", NOW - timedelta(hours=30), None, city
        )
    clock.freeze(NOW + timedelta(days=2))  # the 约稿's deadline has passed
    db.session.flush()
    return request


def _by_name(rows):
    return {row["name"]: row for row in rows}


def test_the_city_ranks_its_children_as_computed_by_hand(data_set, as_tenant):
    with as_tenant("city", grants=False):
        rows = scoring.live_ranking(YEAR)
    county, sibling = _by_name(rows)["county单位"], _by_name(rows)["sibling单位"]
    assert [r["name"] for r in rows] == ["county单位", "sibling单位"]
    expected_county = {"submitted": 4, "adopted": 2, "points": 11, "bonus": 5, "late": 1}
    assert {k: county[k] for k in expected_county} == expected_county
    assert (county["penalty"], county["score"], county["rank"]) == (1, 15, 1)
    assert (sibling["submitted"], sibling["adopted"], sibling["points"]) == (1, 1, 4)
    assert (sibling["missed"], sibling["requests_missed"], sibling["penalty"]) == (1, 1, 5)
    assert (sibling["score"], sibling["rank"]) == (-1, 2)


def _set(slug_id, **settings):
    row = db.session.get(TenantPlugin, (slug_id, "reporting"))
    row.settings = {**(row.settings or {}), **settings}
    db.session.flush()


def test_sum_of_adoptions_and_a_base_score_from_the_province_table(data_set, tree, as_tenant):
    # The province's table is its cities' default: the city stores nothing of its own.
    _set(tree["province"], scoring_multiple_adoptions="sum", scoring_base=10)
    with as_tenant("city", grants=False):
        rows = _by_name(scoring.live_ranking(YEAR))
    # A now scores 2 + 5 (both adoptions): county 10 + 17 − 1 = 26 … see the docstring.
    assert rows["county单位"]["score"] == 10 + (2 + 5) + 5 + 6 - 1
    assert rows["sibling单位"]["score"] == 10 + 4 - 5
    _set(tree["city"], scoring_base=0)  # the city's own key wins over its province's
    with as_tenant("city", grants=False):
        assert _by_name(scoring.live_ranking(YEAR))["county单位"]["score"] == 7 + 5 + 6 - 1


def test_periods_count_what_arrived_in_them(data_set, as_tenant):
    with as_tenant("city", grants=False):
        march = _by_name(scoring.live_ranking(period("month", 2026, 3)))
        april = _by_name(scoring.live_ranking(period("month", 2026, 4)))
        first_quarter = _by_name(scoring.live_ranking(period("quarter", 2026, 1)))
    assert march["county单位"]["score"] == first_quarter["county单位"]["score"] == 15
    # Nothing arrived in April and no penalty falls in it: everyone scores the base, 0.
    assert {r["score"] for r in april.values()} == {0}
    assert {r["rank"] for r in april.values()} == {1}


def test_the_province_ranks_its_cities_by_what_they_forwarded(data_set, as_tenant):
    with as_tenant("province", grants=False):
        rows = _by_name(scoring.live_ranking(YEAR))
    # A reached the province from the city: the province's adoption (5) and the bonus (5).
    assert (rows["city单位"]["submitted"], rows["city单位"]["score"]) == (1, 10)
    assert (rows["other_city单位"]["score"], rows["other_city单位"]["rank"]) == (0, 2)


def test_authors_are_ranked_by_their_items(data_set, people, as_tenant):
    with as_tenant("city", grants=False):
        rows = scoring.live_author_ranking(YEAR)
    scores = [(r["name"], r["score"], r["rank"], r["items"]) for r in rows]
    assert scores == [("writer", 10 + 6, 1, 4), ("sibling_editor", 4, 2, 1)]


def test_the_request_shows_each_child_on_time_or_missing(data_set, as_tenant):
    with as_tenant("city"):
        rows = commission_queries.answers_by_child(data_set)
    assert {r["name"]: (r["standing"], r["answers"]) for r in rows} == {
        "county单位": ("on_time", 1),
        "sibling单位": ("missing", 0),
    }


def test_a_published_ranking_shows_each_child_its_line_and_only_its_authors(
    data_set, tree, people, as_tenant
):
    with as_tenant("city", grants=False):
        ranking = scoring.publish_ranking(YEAR, people["city_editor"])
        ranking_id = ranking.id
    db.session.commit()
    seen = {}
    for slug in ("county", "sibling", "cousin", "province"):
        with tenant_scope(tree[slug]), granted_scope("test"):
            found = db.session.get(Ranking, ranking_id)
            lines = db.session.query(RankingLine).filter_by(ranking_id=ranking_id).count()
            authors = [
                a.name for a in db.session.query(RankingAuthor).filter_by(ranking_id=ranking_id)
            ]
            seen[slug] = (found is not None, lines, authors)
    assert seen == {
        "county": (True, 2, ["writer"]),
        "sibling": (True, 2, ["sibling_editor"]),
        "cousin": (False, 0, []),
        "province": (False, 0, []),
    }
    with as_tenant("city", grants=False), pytest.raises(Exception, match="已经发布"):
        scoring.publish_ranking(YEAR, people["city_editor"])


def test_a_unit_that_disabled_reporting_is_not_ranked(data_set, tree, as_tenant):
    db.session.get(TenantPlugin, (tree["sibling"], "reporting")).enabled = False
    db.session.get(Tenant, tree["sibling"])
    db.session.flush()
    with as_tenant("city", grants=False):
        rows = scoring.live_ranking(YEAR)
    assert [r["name"] for r in rows] == ["county单位"]


def test_the_published_ranking_prints_as_docx_and_xlsx(data_set, people, as_tenant):
    import io
    import zipfile

    from openpyxl import load_workbook

    from plugins.reporting.scoring import documents
    from plugins.reporting.scoring import queries as ranking_queries

    with as_tenant("city", grants=False):
        ranking = scoring.publish_ranking(YEAR, people["city_editor"])
        detail = ranking_queries.ranking_detail(ranking)
        docx_bytes = documents.ranking_docx(detail)
        xlsx = load_workbook(io.BytesIO(documents.ranking_xlsx(detail)))
    xml = zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml").decode()
    for text in ("积分排名通报", "county单位", "sibling单位", ">15<", ">-1<"):
        assert text in xml, text
    rows = list(xlsx.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[-1]) for r in rows] == [(1, "county单位", 15), (2, "sibling单位", -1)]
    authors = list(xlsx.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[-1]) for r in authors] == [("writer", 16), ("sibling_editor", 4)]


def test_the_fast_ranking_from_refreshed_facts_equals_the_live_one(data_set, tree, as_tenant):
    from plugins.reporting import jobs

    periods = [YEAR, period("quarter", 2026, 1), period("month", 2026, 3), period("month", 2026, 4)]
    with as_tenant("city", grants=False):
        assert _by_name(scoring.live_ranking(YEAR, from_facts=True))["county单位"]["score"] == 0
        assert jobs.refresh_ranking_facts() > 0
        for when in periods:
            assert scoring.live_ranking(when, from_facts=True) == scoring.live_ranking(when), when
    _set(tree["city"], scoring_multiple_adoptions="sum", scoring_base=3)
    with as_tenant("city", grants=False):
        # The table applies when reading: no refresh needed after changing it.
        assert scoring.live_ranking(YEAR, from_facts=True) == scoring.live_ranking(YEAR)
        assert (
            _by_name(scoring.live_ranking(YEAR, from_facts=True))["county单位"]["score"]
            == 3 + 7 + 5 + 6 - 1
        )
    with as_tenant("county", grants=False):
        assert jobs.refresh_ranking_facts() == 0  # no children: nothing to rank

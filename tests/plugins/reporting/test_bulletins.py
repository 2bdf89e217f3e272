"""期刊: gapless issue numbers per bulletin and year, entries from adopted items only
(edited text kept apart from the submitted text), publishing to the descendants alone,
the issue on the item's chain, and the printed .docx."""

from __future__ import annotations

import io
import zipfile

import pytest
from marshmallow import ValidationError

from core.db import db
from core.workflow import WorkflowError
from plugins.reporting import queries, services
from plugins.reporting.bulletins import documents
from plugins.reporting.bulletins import queries as bulletin_queries
from plugins.reporting.bulletins import services as bulletins
from plugins.reporting.models import Issue, IssueEntry, ReportItem
from tests.plugins.reporting.test_visibility import EVERYONE, criteria  # noqa: F401 - fixture


def _adopted(submitted, people, as_tenant, move="adopt"):
    item = submitted()
    with as_tenant("city"):
        services.decide(queries.received_submission(item), move, people["city_editor"])
        submission = queries.received_submission(item)
    return item, submission


def test_issues_are_numbered_per_bulletin_and_year(as_tenant, people):
    editor = people["city_editor"]
    with as_tenant("city"):
        first, other = (
            bulletins.create_bulletin("《示范组工信息》"),
            bulletins.create_bulletin("专报"),
        )
        numbers = [bulletins.create_issue(first, editor).number for _ in range(3)]
        assert numbers == [1, 2, 3]
        assert bulletins.create_issue(other, editor).number == 1
        next_year = bulletins.create_issue(first, editor, year=2027)
        assert (next_year.number, next_year.label) == (1, "《示范组工信息》2027年第1期")
        with pytest.raises(ValidationError):
            bulletins.create_bulletin("示范组工信息")


def test_only_items_this_level_adopted_go_in(submitted, people, as_tenant):
    adopted_item, adopted = _adopted(submitted, people, as_tenant)
    _declined_item, declined = _adopted(submitted, people, as_tenant, move="decline")
    with as_tenant("city"):
        issue = bulletins.create_issue(
            bulletins.create_bulletin("示范组工信息"), people["city_editor"]
        )
        entry = bulletins.add_entry(
            issue,
            {"submission_id": adopted.id, "edited_title": "编辑后的标题", "editor_note": "好"},
        )
        for submission_id in (declined.id, adopted.id):  # not adopted; already in
            with pytest.raises(ValidationError):
                bulletins.add_entry(issue, {"submission_id": submission_id})
    with as_tenant("sibling"), pytest.raises(ValidationError):
        sibling_issue = bulletins.create_issue(
            bulletins.create_bulletin("兄弟期刊"), people["sibling_editor"]
        )
        bulletins.add_entry(sibling_issue, {"submission_id": adopted.id})
    assert (entry.edited_title, entry.edited_body) == ("编辑后的标题", adopted_item.body)
    with as_tenant("county"):
        assert db.session.get(ReportItem, adopted_item.id).title != "编辑后的标题"


@pytest.fixture
def published(submitted, people, as_tenant):
    item, adopted = _adopted(submitted, people, as_tenant)
    with as_tenant("city"):
        issue = bulletins.create_issue(
            bulletins.create_bulletin("示范组工信息"), people["city_editor"]
        )
        with pytest.raises(WorkflowError, match="还没有编入信息"):
            bulletins.publish(issue, people["city_editor"])
        bulletins.add_entry(issue, {"submission_id": adopted.id, "editor_note": "值得借鉴"})
        bulletins.publish(issue, people["city_editor"])
        with pytest.raises(ValidationError):
            bulletins.add_entry(issue, {"submission_id": adopted.id})
        issue_id = issue.id
    db.session.commit()
    return item, issue_id


def test_a_published_issue_is_read_by_the_descendants_alone(published, criteria, as_tenant):  # noqa: F811
    _item, issue_id = published
    readers = set()
    for slug in EVERYONE:
        with as_tenant(slug):
            issue = db.session.get(Issue, issue_id)
            entries = db.session.query(IssueEntry).filter_by(issue_id=issue_id).count()
            if issue is not None:
                readers.add(slug)
                assert entries == 1
            else:
                assert entries == 0
    assert readers == {"city", "county", "sibling"}


def test_a_draft_issue_is_the_publishers_alone(submitted, people, as_tenant):
    _item, adopted = _adopted(submitted, people, as_tenant)
    with as_tenant("city"):
        issue = bulletins.create_issue(
            bulletins.create_bulletin("示范组工信息"), people["city_editor"]
        )
        bulletins.add_entry(issue, {"submission_id": adopted.id})
    for slug in ("county", "sibling", "province"):
        with as_tenant(slug):
            assert db.session.get(Issue, issue.id) is None


def test_the_items_chain_records_the_issue(published, as_tenant):
    item, _issue_id = published
    with as_tenant("county"):
        chain = queries.chain_of(db.session.get(ReportItem, item.id))
    assert [s.issue_label for s in chain.submissions] == ["《示范组工信息》2026年第1期"]


def test_the_issue_prints_as_docx_with_the_edited_text(published, as_tenant):
    _item, issue_id = published
    with as_tenant("county"):
        detail = bulletin_queries.issue_detail(db.session.get(Issue, issue_id))
        data = documents.issue_docx(detail)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for text in ("示范组工信息", "2026年第1期", "【编者按】值得借鉴", "党员积分制", "county单位"):
        assert text in xml

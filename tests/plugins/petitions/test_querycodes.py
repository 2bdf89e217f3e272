"""查询码: unambiguous, random, stored as a salted digest, checked in constant work."""

from __future__ import annotations

from sqlalchemy import select

from core.db import db
from plugins.petitions.models import PetitionQueryCode
from plugins.petitions.services import querycodes


def test_codes_are_long_random_and_from_an_unambiguous_alphabet():
    assert not set("01OIL") & set(querycodes.ALPHABET)
    codes = {querycodes.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == querycodes.LENGTH >= 10
        assert set(code) <= set(querycodes.ALPHABET)


def test_codes_are_shown_in_groups_and_read_back_as_typed():
    assert querycodes.grouped("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert querycodes.normalize(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert querycodes.normalize("abcd－efgh—jkmn") == "ABCDEFGHJKMN"  # full-width dashes


def test_the_digest_depends_on_the_salt():
    code = "ABCDEFGHJKMN"
    one, two = querycodes.digest(code, "00" * 16), querycodes.digest(code, "11" * 16)
    assert one != two and len(one) == 64 and code not in one


def test_issue_stores_only_the_digest_and_find_checks_it(new_petition):
    petition = new_petition()
    code = querycodes.issue(petition)
    row = db.session.scalar(select(PetitionQueryCode))
    assert row.petition_id == petition.id
    assert row.digest == querycodes.digest(code, row.salt) and code not in row.digest

    assert querycodes.find(petition.serial, code) is petition
    assert querycodes.find(petition.serial.lower(), querycodes.grouped(code).lower()) is petition
    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    assert querycodes.find(petition.serial, wrong) is None
    assert querycodes.find("XF-2026-999999", code) is None
    assert querycodes.find(petition.serial, "") is None
    assert querycodes.find(petition.serial, "'; DROP TABLE petitions; --") is None


def test_a_petition_without_a_code_is_never_found(new_petition):
    petition = new_petition()
    assert querycodes.find(petition.serial, "") is None
    assert querycodes.find(petition.serial, "ABCDEFGHJKMN") is None


def test_every_answer_costs_one_digest(new_petition, monkeypatch):
    """Whether the serial exists or not, one scrypt digest is computed, so the time taken
    does not tell a wrong serial from a wrong code."""
    petition = new_petition()
    code = querycodes.issue(petition)
    calls: list[str] = []
    real = querycodes.digest
    monkeypatch.setattr(querycodes, "digest", lambda c, s: calls.append(s) or real(c, s))
    for serial, given in [
        (petition.serial, code),
        (petition.serial, "ABCDEFGHJKMN"),
        ("XF-2026-999999", code),
        ("XF-2026-999999", "short"),
    ]:
        calls.clear()
        querycodes.find(serial, given)
        assert len(calls) == 1, (serial, given)

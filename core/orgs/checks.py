"""Checks of org units and members shared by the schemas and the services: a unit
reference inside the tenant in scope, a member's fields against each other (ID number,
birth date, sex, age at joining), plausible dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError

from core import clock
from core.db import MAX_DB_ID, db
from core.orgs import id_numbers
from core.orgs.models import OrgUnit

#: The earliest plausible date of joining the Party (it was founded in 1921).
EARLIEST_JOINING = date(1921, 1, 1)
ADULT_AGE = 18


def find_unit(unit_id: int | None) -> OrgUnit | None:
    """The unit with this id in the tenant in scope (another tenant's is invisible)."""
    if unit_id is None or not 0 < unit_id <= MAX_DB_ID:
        return None
    return db.session.get(OrgUnit, unit_id)


def unit_reference_problem(unit_id: int, *, for_member: bool) -> str | None:
    unit = find_unit(unit_id)
    if unit is None:
        return _("组织机构不存在。")
    if not unit.is_active:
        return _("该组织机构已撤销。")
    if for_member and unit.kind == "section":
        return _("科室不是党组织，党员应编入党委、党总支、党支部或党小组。")
    return None


def eighteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + ADULT_AGE)
    except ValueError:  # born on 29 February
        return date(born.year + ADULT_AGE, 3, 1)


def effective_birth_date(values: Mapping[str, Any]) -> date | None:
    if values.get("birth_date") is not None:
        return values["birth_date"]
    number = values.get("id_number")
    return id_numbers.birth_date_of(number) if number else None


def member_problems(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Checks across fields of a member: the ID number agrees with the birth date and the
    sex, and the member was at least 18 when joining (Party Constitution, Art. 1)."""
    errors: dict[str, list[str]] = {}
    number = values.get("id_number")
    birth = values.get("birth_date")
    if number:
        encoded = id_numbers.birth_date_of(number)
        if birth is not None and encoded is not None and birth != encoded:
            errors["birth_date"] = [
                _("与公民身份号码中的出生日期（%(date)s）不一致。", date=encoded.isoformat())
            ]
        gender = values.get("gender")
        if gender and gender != id_numbers.gender_of(number):
            errors["gender"] = [_("与公民身份号码不一致（第 17 位奇数为男性，偶数为女性）。")]
    born = effective_birth_date(values)
    joined = values.get("joined_on")
    if joined is not None and born is not None and joined < eighteenth_birthday(born):
        errors["joined_on"] = [
            _("入党时应年满十八周岁（出生日期 %(date)s）。", date=born.isoformat())
        ]
    return errors


def not_future(value: date | None) -> None:
    if value is not None and value > clock.today():
        raise ValidationError(_("日期不能晚于今天。"))


def plausible_birth(value: date | None) -> None:
    not_future(value)
    if value is not None and value < id_numbers.EARLIEST_BIRTH:
        raise ValidationError(_("出生日期不能早于 1900 年。"))


def plausible_joining(value: date | None) -> None:
    not_future(value)
    if value is not None and value < EARLIEST_JOINING:
        raise ValidationError(_("入党日期不能早于 1921 年（中国共产党成立）。"))

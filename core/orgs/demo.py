"""Demo org tree and members for the embedded mode's first start.

Called by core's ``zugong_demo_data`` hook inside the tenant's scope. The ID numbers are
valid (address code = the tenant's locality, real birth dates, correct check digit) but
belong to nobody: the sequence codes are invented.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core import clock
from core.db import db
from core.orgs import id_numbers
from core.orgs.models import Member, OrgUnit
from core.tenancy.models import Tenant

#: (name, kind, code, parent code, sort order)
UNITS = [
    ("机关党委", "committee", "JGDW", None, 0),
    ("第一党支部", "branch", "ZB01", "JGDW", 1),
    ("第二党支部", "branch", "ZB02", "JGDW", 2),
    ("离退休干部党支部", "branch", "ZB03", "JGDW", 3),
    ("办公室", "section", "KS01", "JGDW", 10),
    ("组织科", "section", "KS02", "JGDW", 11),
]

#: (name, gender, birth date, branch code, joined on, status, flags, notes); 预备党员
#: joined within the last year, given as days before today.
MEMBERS: list[tuple[Any, ...]] = [
    (
        "王建国",
        "male",
        date(1929, 3, 12),
        "ZB03",
        date(1948, 6, 20),
        "formal",
        {"is_retired"},
        "建国前入党，原县委组织部离休干部",
    ),
    (
        "李秀英",
        "female",
        date(1952, 8, 3),
        "ZB03",
        date(1975, 7, 1),
        "formal",
        {"is_retired"},
        None,
    ),
    (
        "张卫东",
        "male",
        date(1958, 11, 21),
        "ZB03",
        date(1982, 5, 4),
        "formal",
        {"is_retired"},
        None,
    ),
    (
        "陈志强",
        "male",
        date(1975, 2, 14),
        "ZB01",
        date(1998, 6, 30),
        "formal",
        set(),
        "第一党支部书记",
    ),
    ("刘芳", "female", date(1983, 9, 9), "ZB01", date(2006, 12, 1), "formal", set(), None),
    (
        "赵磊",
        "male",
        date(1990, 4, 27),
        "ZB01",
        date(2013, 7, 1),
        "formal",
        {"is_floating"},
        "外出务工，流入地：杭州市",
    ),
    ("孙丽娟", "female", date(1997, 1, 5), "ZB01", 200, "probationary", set(), None),
    (
        "周海涛",
        "male",
        date(1968, 7, 16),
        "ZB02",
        date(1991, 3, 8),
        "formal",
        {"is_unemployed"},
        None,
    ),
    (
        "吴敏",
        "female",
        date(1986, 12, 30),
        "ZB02",
        date(2010, 10, 15),
        "formal",
        set(),
        "第二党支部书记",
    ),
    ("郑凯", "male", date(1993, 5, 19), "ZB02", date(2016, 6, 30), "formal", {"is_floating"}, None),
    ("冯雪梅", "female", date(1979, 10, 2), "ZB02", date(2002, 4, 18), "formal", set(), None),
    ("何文斌", "male", date(2000, 3, 3), "ZB02", 90, "probationary", set(), None),
]


def _region(tenant: Tenant) -> str:
    code = tenant.locality_code or ""
    return code if len(code) == 6 and code.isdigit() else "330122"


def create_demo_data(tenant: Tenant) -> None:
    """A small, realistic tree and a dozen members; does nothing if units exist."""
    if db.session.scalar(select(OrgUnit.id).limit(1)) is not None:
        return
    by_code: dict[str, OrgUnit] = {}
    for name, kind, code, parent, order in UNITS:
        unit = OrgUnit(
            name=name,
            kind=kind,
            code=code,
            parent_id=by_code[parent].id if parent else None,
            sort_order=order,
        )
        db.session.add(unit)
        db.session.flush()
        by_code[code] = unit
    region = _region(tenant)
    for n, (name, gender, born, branch, joined, status, flags, notes) in enumerate(MEMBERS):
        sequence = 100 + 2 * n + (1 if gender == "male" else 0)  # odd for men
        number = id_numbers.make(region, born, sequence)
        db.session.add(
            Member(
                name=name,
                gender=gender,
                birth_date=born,
                id_number=number,
                phone=f"1380571{1000 + n * 37:04d}",
                branch_id=by_code[branch].id,
                joined_on=clock.today() - timedelta(days=joined)
                if isinstance(joined, int)
                else joined,
                status=status,
                is_retired="is_retired" in flags,
                is_unemployed="is_unemployed" in flags,
                is_floating="is_floating" in flags,
                notes=notes,
            )
        )
    db.session.flush()

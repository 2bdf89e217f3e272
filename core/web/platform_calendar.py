"""The platform operator's holiday page (``/platform/calendar``): which years' holiday
schedules are known, and loading a year the State Council has just published.

Every due date computed over a year without data is marked estimated (weekends only),
and every place that shows the mark links here, so the operator who can fix it finds
where. The gate of :mod:`core.web.platform` applies (operators only, others get 404).
Loading is :func:`core.calendar.load_year`, the same as ``zugong calendar load``, and
audited in the platform's log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request
from flask_babel import gettext as _
from marshmallow import fields, validate

from core import calendar, clock
from core.audit.service import record
from core.db import db
from core.forms import FormSchema, load_form
from core.web.platform import bp

#: Years listed: last year to the year after next (the schedule is published in autumn).
YEARS_BEFORE, YEARS_AFTER = 1, 2
MAX_FILE = 64 * 1024


@dataclass(frozen=True)
class YearStatus:
    year: int
    has_data: bool
    packaged: bool
    note: str | None
    loaded_at: datetime | None


def year_statuses() -> list[YearStatus]:
    this = clock.today().year
    rows = []
    for year in range(this - YEARS_BEFORE, this + YEARS_AFTER + 1):
        loaded = db.session.get(calendar.CalendarYear, year)
        rows.append(
            YearStatus(
                year,
                calendar.year_has_data(year),
                calendar.package_covers(year),
                loaded.note if loaded else None,
                loaded.loaded_at if loaded else None,
            )
        )
    return rows


class CalendarForm(FormSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    note = fields.String(load_default="国务院办公厅通知", validate=validate.Length(max=200))
    text = fields.String(load_default="", validate=validate.Length(max=MAX_FILE))


def _page(form: dict | None = None, errors: dict | None = None, loaded: int | None = None):
    status = 422 if errors else 200
    return render_template(
        "platform/calendar.html",
        years=year_statuses(),
        form=form or {},
        errors=errors or {},
        loaded=loaded,
        tz=clock.TZ,
    ), status


@bp.get("/calendar")
def calendar_page():
    return _page()


@bp.post("/calendar")
def load_calendar():
    form, errors = load_form(CalendarForm())
    if errors:
        return _page(form, errors)
    upload = request.files.get("file")
    text = form["text"]
    if upload is not None and upload.filename:
        text = upload.stream.read(MAX_FILE + 1).decode("utf-8-sig", errors="replace")
    if not text.strip():
        return _page(form, {"text": [_("请上传或粘贴该年的节假日安排（CSV）。")]})
    try:
        entries = calendar.parse_year_file(text)
        record(
            "platform.calendar_loaded",
            object_type="calendar_year",
            object_id=form["year"],
            detail={"year": form["year"], "days": len(entries), "note": form["note"]},
            tenant_id=None,
        )
        count = calendar.load_year(form["year"], entries, form["note"])
    except ValueError as exc:
        db.session.rollback()
        return _page(form, {"text": [str(exc)]})
    return _page(loaded=count)

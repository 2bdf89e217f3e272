"""Deadlines carry the tenant's warning window and say when holidays were estimated."""

from __future__ import annotations

from datetime import date

from flask import render_template_string

from core.calendar import add_natural_days
from core.db import db
from core.deadlines import deadline
from core.plugins import enablement
from core.tenancy.models import Tenant


def _tenant(slug: str) -> Tenant:
    return db.session.query(Tenant).filter_by(slug=slug).one()


def test_the_light_follows_the_tenants_warning_window(app_context, factory):
    factory.tenant("city", kind="city_org_dept")
    factory.tenant("county", parent="city")
    county = _tenant("county")
    today = date(2026, 6, 1)
    assert deadline(date(2026, 6, 5), county, today=today).light == "green"  # default window 3
    enablement.update_settings(_tenant("city"), "core", {"warning_days": 5})
    assert deadline(date(2026, 6, 5), county, today=today).light == "yellow"  # inherited
    enablement.update_settings(county, "core", {"warning_days": 1})
    assert deadline(date(2026, 6, 5), county, today=today).light == "green"  # own setting
    overdue = deadline(date(2026, 5, 30), county, today=today)
    assert (overdue.light, overdue.days_left) == ("red", -2)
    db.session.rollback()


def test_an_estimated_due_date_is_shown_as_such(app, factory):
    factory.tenant("alpha")
    with app.test_request_context():
        alpha = _tenant("alpha")
        estimated = deadline(add_natural_days(date(2031, 3, 1), 15), alpha, today=date(2031, 3, 1))
        known = deadline(add_natural_days(date(2026, 3, 1), 15), alpha, today=date(2026, 3, 1))
        template = '{% from "_deadline.html" import deadline %}{{ deadline(d) }}'
        assert "节假日数据缺失，按周末估算" in render_template_string(template, d=estimated)
        html = render_template_string(template, d=known)
        assert "节假日数据缺失" not in html
        assert 'data-light="green"' in html and "剩 15 天" in html

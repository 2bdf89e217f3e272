"""One row by the id a URL gave, or 404: ids past BIGINT, non-ids and another tenant's
row are all "not found", never a 500 and never the row."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from core.db import MAX_DB_ID, db
from core.lookup import get_or_404, get_or_none, valid_id
from core.orgs.models import OrgUnit
from core.tenancy.scope import tenant_scope


@pytest.mark.parametrize("ident", [1, MAX_DB_ID])
def test_ids_a_bigint_holds_are_valid(ident):
    assert valid_id(ident)


@pytest.mark.parametrize("ident", [0, -1, MAX_DB_ID + 1, 2**70, True, "1", None, 1.0])
def test_anything_else_is_not_an_id(ident):
    assert not valid_id(ident)


def _unit(tenant_id: int) -> int:
    with tenant_scope(tenant_id):
        unit = OrgUnit(name="第一党支部", kind="branch")
        db.session.add(unit)
        db.session.flush()
        return unit.id


def test_the_tenants_own_row_is_found(app_context, factory):
    alpha = factory.tenant("alpha")
    unit_id = _unit(alpha)
    with tenant_scope(alpha):
        assert get_or_404(OrgUnit, unit_id).id == unit_id


def test_another_tenants_row_is_not_found_even_from_the_identity_map(app_context, factory):
    alpha, beta = factory.tenant("alpha"), factory.tenant("beta")
    beta_unit = _unit(beta)  # still in the identity map: no SQL would filter it
    with tenant_scope(alpha):
        assert get_or_none(OrgUnit, beta_unit) is None
        with pytest.raises(NotFound):
            get_or_404(OrgUnit, beta_unit)


@pytest.mark.parametrize("ident", [0, MAX_DB_ID + 1, 2**70])
def test_an_id_past_bigint_is_not_found_without_asking_the_database(app_context, factory, ident):
    alpha = factory.tenant("alpha")
    with tenant_scope(alpha), pytest.raises(NotFound):
        get_or_404(OrgUnit, ident)

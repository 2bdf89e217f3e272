"""Which tenants a platform-level change addresses: one tenant, a subtree, or a locality.

Shared by ``zugong plugins enable|disable`` (``--tenant``/``--under``/``--locality``) and
the platform operator's plugin page, so both pick exactly the same tenants. Tenants are a
global table: no tenant scope is needed to resolve them. The platform's own pseudo-tenant
is never a target.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db
from core.tenancy.models import Tenant

#: A prefix of a 6-digit GB/T 2260 administrative division code.
LOCALITY_PREFIX = re.compile(r"^[0-9]{1,6}\Z")


def resolve_targets(
    tenant: str | None = None, under: str | None = None, locality: str | None = None
) -> list[Tenant]:
    """The tenants addressed by exactly one of:

    * ``tenant`` — that tenant (slug) alone;
    * ``under`` — that tenant (slug) and every tenant below it (itself first, then
      breadth first);
    * ``locality`` — every tenant whose locality code starts with this prefix (by code,
      then slug).

    Raises :class:`ValueError` with a message for people when the choice is not exactly
    one, the tenant is unknown, or the prefix is not 1–6 digits. A locality matching no
    tenant gives an empty list.
    """
    chosen = [x for x in (tenant, under, locality) if x]
    if len(chosen) != 1:
        raise ValueError(_("请在单个单位、单位及其下级、行政区划代码前缀中指定且只指定一项。"))
    if tenant or under:
        slug = tenant or under
        found = db.session.scalar(
            select(Tenant).where(Tenant.slug == slug, Tenant.kind != "platform")
        )
        if found is None:
            raise ValueError(_("没有标识为“%(slug)s”的单位。", slug=slug))
        if tenant:
            return [found]
        return [found, *(t for t in found.descendants() if t.kind != "platform")]
    assert locality is not None
    if not LOCALITY_PREFIX.match(locality):
        raise ValueError(_("行政区划代码前缀应为 1 至 6 位数字（GB/T 2260）。"))
    return list(
        db.session.scalars(
            select(Tenant)
            .where(Tenant.locality_code.startswith(locality), Tenant.kind != "platform")
            .order_by(Tenant.locality_code, Tenant.slug)
        )
    )

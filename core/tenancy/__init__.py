"""Tenants and the scope that keeps each tenant's rows to itself."""

from core.tenancy.scope import (
    CrossTenantWrite,
    NoTenantScope,
    cross_tenant_scope,
    current_scope,
    current_tenant_id,
    granted_scope,
    tenant_scope,
)

__all__ = [
    "CrossTenantWrite",
    "NoTenantScope",
    "cross_tenant_scope",
    "current_scope",
    "current_tenant_id",
    "granted_scope",
    "tenant_scope",
]

"""Declarative tenant manifests (``tenants/*.toml``), applied idempotently.

    slug = "demo-county-a"
    name = "示范县委组织部"
    kind = "county_org_dept"
    locality_code = "330122"
    parent = "demo-city"            # slug; omit for a top-level tenant

    [settings]                      # core settings layer of this tenant
    warning_days = 3

    [plugins.petitions]             # plugins named here are enabled (or disabled);
    enabled = true                  # plugins not named are left as they are
    settings = { portal_enabled = true }

    [[users]]                       # optional; passwords only set when a user is new
    username = "county_a_admin"
    display_name = "县组织部管理员"
    password = "demo-password"
    roles = ["admin"]

Every file is validated before anything is written; one bad file rejects the whole sync
with the file, the field and the reason.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from core.api.messages import localize
from core.auth.models import Membership, User
from core.auth.passwords import validate_password
from core.auth.permissions import grant_roles
from core.db import db
from core.plugins import enablement
from core.plugins.enablement import provision_roles
from core.plugins.manager import CORE, host
from core.tenancy.models import TENANT_KINDS, Tenant
from core.tenancy.scope import tenant_scope

#: Passwords published with the code: the README's demo logins and this module's example.
#: A production sync refuses them, or it would create accounts anyone can log in to.
DEMO_PASSWORDS = frozenset({"zugong-demo-1", "demo-password"})


class ManifestError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _PluginEntry(Schema):
    enabled = fields.Boolean(load_default=True)
    settings = fields.Dict(load_default=dict)


class _UserEntry(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{2,40}$"))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    password = fields.String(required=True, validate=validate_password)
    roles = fields.List(fields.String(), load_default=list)
    title = fields.String(load_default=None, validate=validate.Length(max=50))
    operator = fields.Boolean(load_default=False)


class ManifestSchema(Schema):
    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]{1,39}$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=100))
    kind = fields.String(
        required=True, validate=validate.OneOf([k for k in TENANT_KINDS if k != "platform"])
    )
    locality_code = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{6}$", error="应为 6 位行政区划代码（GB/T 2260）。"),
    )
    parent = fields.String(load_default=None)
    settings = fields.Dict(load_default=dict)
    plugins = fields.Dict(
        keys=fields.String(), values=fields.Nested(_PluginEntry), load_default=dict
    )
    users = fields.List(fields.Nested(_UserEntry), load_default=list)

    @validates_schema
    def _known_plugins(self, data: dict[str, Any], **_kw: Any) -> None:
        unknown = sorted(set(data.get("plugins", {})) - set(host().metas))
        if unknown:
            raise ValidationError(f"unknown plugins {unknown}", "plugins")


@dataclass
class Manifest:
    path: Path
    data: dict[str, Any]


def load_manifests(directory: Path) -> list[Manifest]:
    """Parse and validate every ``*.toml`` in ``directory``; raise naming every problem."""
    problems: list[str] = []
    manifests: list[Manifest] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: TOML syntax: {exc}")
            continue
        errors = _settings_errors(raw)
        try:
            data = ManifestSchema().load(raw)
        except ValidationError as exc:
            errors.extend(_flatten(localize(exc.messages)))
        if errors:
            problems.extend(f"{path}: {field}: {message}" for field, message in errors)
        else:
            manifests.append(Manifest(path, data))
    problems.extend(_check_references(manifests))
    if current_app.config.get("ENV_NAME") == "production":
        problems.extend(_demo_passwords(manifests))
    if problems:
        raise ManifestError(problems)
    return _parents_first(manifests)


def sync(directory: Path) -> list[Tenant]:
    """Apply the manifests in ``directory`` in the current transaction (caller commits)."""
    manifests = load_manifests(directory)
    return [apply(m.data) for m in manifests]


def apply(data: dict[str, Any]) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == data["slug"]))
    parent = (
        db.session.scalar(select(Tenant).where(Tenant.slug == data["parent"]))
        if data["parent"]
        else None
    )
    created = tenant is None
    if created:
        tenant = Tenant(slug=data["slug"])
        db.session.add(tenant)
    tenant.name, tenant.kind, tenant.locality_code = (
        data["name"],
        data["kind"],
        data["locality_code"],
    )
    tenant.parent_id = parent.id if parent else None
    db.session.flush()
    if created:
        with tenant_scope(tenant.id):
            provision_roles(CORE)
    if data["settings"]:
        enablement.update_settings(tenant, CORE, data["settings"])
    for plugin, entry in _dependencies_first(data["plugins"]):
        if entry["enabled"]:
            enablement.enable(tenant, plugin, entry["settings"])
        else:
            enablement.disable(tenant, plugin)
    for user_entry in data["users"]:
        _apply_user(tenant, user_entry)
    return tenant


def _apply_user(tenant: Tenant, entry: dict[str, Any]) -> None:
    user = db.session.scalar(select(User).where(User.username == entry["username"]))
    if user is None:
        user = User(username=entry["username"], display_name=entry["display_name"])
        user.set_password(entry["password"])
        db.session.add(user)
    user.display_name = entry["display_name"]
    user.is_operator = entry["operator"]
    db.session.flush()
    with tenant_scope(tenant.id):
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        if membership is None:
            membership = Membership(user_id=user.id)
            db.session.add(membership)
        membership.title = entry["title"]
        db.session.flush()
        grant_roles(membership, entry["roles"])


def _settings_errors(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Each plugin's settings checked by that plugin's schema, even if other fields fail."""
    layers = [("settings", CORE, raw.get("settings"))]
    plugins = raw.get("plugins") if isinstance(raw.get("plugins"), dict) else {}
    for name, entry in plugins.items():
        if name in host().metas and isinstance(entry, dict):
            layers.append((f"plugins.{name}.settings", name, entry.get("settings")))
    errors: list[tuple[str, str]] = []
    for prefix, plugin, settings in layers:
        if not isinstance(settings, dict):
            continue
        try:
            enablement.validate_partial(plugin, settings)
        except ValidationError as exc:
            errors.extend(_flatten(localize(exc.messages), prefix))
    return errors


def _check_references(manifests: list[Manifest]) -> list[str]:
    slugs = {m.data["slug"]: m for m in manifests}
    problems = []
    for m in manifests:
        parent = m.data["parent"]
        if (
            parent
            and parent not in slugs
            and not db.session.scalar(select(Tenant.id).where(Tenant.slug == parent))
        ):
            problems.append(f"{m.path}: parent: no tenant {parent!r}")
        for entry in m.data["users"]:
            roles = set(entry["roles"])
            known = {r.key for p in ("core", *m.data["plugins"]) for r in host().default_roles(p)}
            if roles - known:
                problems.append(
                    f"{m.path}: users.{entry['username']}.roles: unknown {sorted(roles - known)}"
                )
    seen: dict[str, Path] = {}
    for m in manifests:
        if m.data["slug"] in seen:
            problems.append(f"{m.path}: slug: {m.data['slug']!r} also in {seen[m.data['slug']]}")
        seen[m.data["slug"]] = m.path
    return problems


def _demo_passwords(manifests: list[Manifest]) -> list[str]:
    message = _("生产环境（ZUGONG_ENV=production）不能使用公开的演示密码，请为该用户另设密码。")
    return [
        f"{m.path}: users.{entry['username']}.password: {message}"
        for m in manifests
        for entry in m.data["users"]
        if entry["password"] in DEMO_PASSWORDS
    ]


def _parents_first(manifests: list[Manifest]) -> list[Manifest]:
    by_slug = {m.data["slug"]: m for m in manifests}
    ordered: list[Manifest] = []

    def visit(m: Manifest, trail: tuple[str, ...]) -> None:
        if m in ordered or m.data["slug"] in trail:
            return
        parent = by_slug.get(m.data["parent"] or "")
        if parent is not None:
            visit(parent, (*trail, m.data["slug"]))
        ordered.append(m)

    for m in manifests:
        visit(m, ())
    return ordered


def _dependencies_first(plugins: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    metas = host().metas
    return sorted(plugins.items(), key=lambda item: len(metas[item[0]].depends_on))


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            out.extend(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return [
        (
            prefix or "_",
            "; ".join(map(str, messages)) if isinstance(messages, list) else str(messages),
        )
    ]

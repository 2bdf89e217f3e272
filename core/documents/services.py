"""Which templates a tenant has, and replacing, resetting and rendering them.

The definitions come from the ``zugong_document_templates`` hook, called for the tenant
(only the plugins it enables answer), so a disabled plugin's templates are neither
listed nor usable: its names answer as unknown (``KeyError``, a 404 at the routes). A
tenant's replacement is checked before it is stored (:func:`check_upload`); nothing here
commits, core commits each request once, and a rejected upload answers 422 and rolls back.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.audit.service import record
from core.auth.models import User
from core.db import db, upsert_insert, utcnow
from core.documents.models import NAME_MAX, DocumentTemplate
from core.documents.uploads import (
    FIELD,  # noqa: F401 - the form field name, read by the views and the API
    MAX_BYTES,  # noqa: F401 - shown on the page
    Upload,
    check_template,
    clean_filename,
    problem_text,
    read_upload,
)
from core.exports import render_docx
from core.plugins.manager import CORE, PluginError, PluginHost, host, is_enabled
from core.plugins.types import DocumentTemplateDef, RedHead
from core.tenancy.models import Tenant
from core.tenancy.scope import CrossTenantWrite, current_scope
from core.tenancy.session import TENANT_CHECKED
from core.workflow import WorkflowError

HOOK = "zugong_document_templates"
#: ``<plugin>.<document>``, lower case: it appears in URLs and is stored per tenant.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Declared:
    """A template definition and the plugin that declared it."""

    plugin: str
    definition: DocumentTemplateDef

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def title(self) -> str:
        return str(self.definition.title)

    def default_bytes(self) -> bytes:
        """The shipped template in the official format (GB/T 9704, core.documents.official)."""
        return _official_default(self.definition.default_path, self.definition.red_head)


@dataclass(frozen=True)
class TemplateState:
    """A template as a tenant sees it: declared where, replaced or default, by whom."""

    declared: Declared
    replaced: bool
    id: int | None = None
    filename: str | None = None
    sha256: str | None = None
    size: int | None = None
    uploaded_at: datetime | None = None
    uploaded_by_id: int | None = None
    uploaded_by: str | None = None

    @property
    def name(self) -> str:
        return self.declared.name

    @property
    def title(self) -> str:
        return self.declared.title

    @property
    def plugin(self) -> str:
        return self.declared.plugin

    @property
    def fields(self) -> list[str]:
        return sorted(self.declared.definition.sample_context)


@functools.lru_cache(maxsize=64)
def _official_default(path: Path, red_head: RedHead | None) -> bytes:
    # Shipped files change only with a deployment, so each is conformed once per process.
    from core.documents import official  # python-docx: loaded when a document is made

    return official.conform(path.read_bytes(), red_head)


class TemplateBroken(WorkflowError):
    """A stored replacement no longer renders (HTTP 409: an admin must fix or reset it)."""


# -- definitions ------------------------------------------------------------------------


def _tenant(tenant: Tenant | None) -> Tenant:
    return tenant if tenant is not None else g.tenant


def declared(tenant: Tenant | None = None) -> dict[str, Declared]:
    """The templates usable in ``tenant`` (default: the request's), core's first."""
    tenant = _tenant(tenant)
    found = [
        Declared(plugin, definition)
        for plugin, definitions in host().call_each(HOOK)
        if is_enabled(tenant, plugin)
        for definition in definitions or []
    ]
    found.sort(key=lambda d: (d.plugin != CORE, d.plugin, d.name))
    return {d.name: d for d in found}


def definition(name: str, tenant: Tenant | None = None) -> Declared:
    """The template ``name`` if the tenant may use it; ``KeyError`` otherwise."""
    return declared(tenant)[name]


def check_declarations(host: PluginHost) -> None:
    """At start-up: every installed plugin's templates are well named, unique and shipped."""
    seen: dict[str, str] = {}
    for plugin, items in host.call_each(HOOK):
        for item in items or []:
            where = f"plugin {plugin!r} declares document template {item.name!r}"
            if not NAME_PATTERN.match(item.name) or len(item.name) > NAME_MAX:
                raise PluginError(f"{where}: the name must look like '<plugin>.<document>'")
            if item.name.split(".", 1)[0] != plugin:
                raise PluginError(f"{where}: the name must start with {plugin + '.'!r}")
            if item.name in seen:
                raise PluginError(f"{where}: already declared by {seen[item.name]!r}")
            if not item.default_path.is_file():
                raise PluginError(f"{where}: default file {item.default_path} is missing")
            seen[item.name] = plugin


def init_app(app: Flask) -> None:
    check_declarations(app.extensions["zugong.plugins"])


# -- what a tenant has ------------------------------------------------------------------


def _stored(name: str) -> DocumentTemplate | None:
    return db.session.scalar(
        select(DocumentTemplate)
        .where(DocumentTemplate.name == name)
        .execution_options(populate_existing=True)
    )


def template_bytes(name: str, tenant: Tenant | None = None) -> bytes:
    """The tenant's replacement if it uploaded one, else the declaring plugin's default."""
    entry = definition(name, tenant)
    stored = _stored(name)
    return stored.content if stored is not None else entry.default_bytes()


def template_file(name: str, version: str = "current", tenant: Tenant | None = None) -> bytes:
    """``current``: what the tenant prints with; ``default``: what the plugin ships."""
    if version == "default":
        return definition(name, tenant).default_bytes()
    return template_bytes(name, tenant)


def states(tenant: Tenant | None = None) -> list[TemplateState]:
    """Every template usable in the tenant, with its replacement's details (not content)."""
    entries = declared(tenant)
    if not entries:
        return []
    rows = db.session.execute(
        select(
            DocumentTemplate.id,
            DocumentTemplate.name,
            DocumentTemplate.filename,
            DocumentTemplate.sha256,
            func.length(DocumentTemplate.content).label("size"),
            DocumentTemplate.created_at,
            DocumentTemplate.uploaded_by,
        ).where(DocumentTemplate.name.in_(list(entries)))
    ).all()
    names = _display_names({row.uploaded_by for row in rows if row.uploaded_by is not None})
    by_name = {row.name: row for row in rows}
    result = []
    for name, entry in entries.items():
        row = by_name.get(name)
        if row is None:
            result.append(TemplateState(entry, replaced=False))
            continue
        result.append(
            TemplateState(
                entry,
                replaced=True,
                id=row.id,
                filename=row.filename,
                sha256=row.sha256,
                size=row.size,
                uploaded_at=row.created_at,
                uploaded_by_id=row.uploaded_by,
                uploaded_by=names.get(row.uploaded_by),
            )
        )
    return result


def _display_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    users = db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {user.id: user.display_name for user in users}


def state(name: str, tenant: Tenant | None = None) -> TemplateState:
    definition(name, tenant)  # KeyError for names the tenant cannot use
    return next(s for s in states(tenant) if s.name == name)


# -- rendering --------------------------------------------------------------------------


def render(name: str, context: Mapping[str, Any], tenant: Tenant | None = None) -> bytes:
    """The document ``name`` filled with ``context``, from the tenant's template."""
    entry = definition(name, tenant)
    stored = _stored(name)
    if stored is None:
        return render_docx(entry.default_bytes(), context)
    try:
        return render_docx(stored.content, context)
    except Exception as exc:  # a replacement that passed the check, failing on real data
        raise TemplateBroken(
            _(
                "本单位替换的模板“%(title)s”无法生成文书：%(problem)s 请在“文书模板”中修改或恢复默认模板。",
                title=entry.title,
                problem=problem_text(exc),
            )
        ) from exc


# -- replacing and resetting ------------------------------------------------------------


def check_upload(entry: Declared, data: bytes) -> None:
    """Refuse (``ValidationError`` on ``file``) what would fail when ``entry`` is printed."""
    check_template(entry.definition, data)


def replace(name: str, upload: Upload | None, tenant: Tenant | None = None) -> TemplateState:
    """Store ``upload`` as the tenant's template ``name`` once it passes every check."""
    entry = definition(name, tenant)
    data = read_upload(upload)
    check_upload(entry, data)
    digest = hashlib.sha256(data).hexdigest()
    filename = clean_filename(upload.filename or "", name)  # type: ignore[union-attr]
    tenant_id = _tenant(tenant).id
    if tenant_id != current_scope().tenant_id:
        raise CrossTenantWrite(f"document template of tenant {tenant_id}")
    user = g.get("user")
    values = {
        "filename": filename,
        "content": data,
        "sha256": digest,
        "uploaded_by": user.id if user is not None else None,
        "created_at": utcnow(),
    }
    # One statement, so two admins uploading at once cannot trip the unique constraint.
    statement = (
        upsert_insert(DocumentTemplate)
        .values(tenant_id=tenant_id, name=name, **values)
        .on_conflict_do_update(index_elements=["tenant_id", "name"], set_=values)
        .returning(DocumentTemplate.id)
        .execution_options(**{TENANT_CHECKED: True})
    )
    row_id = db.session.execute(statement).scalar_one()
    record(
        "document_template.replaced",
        object_type=DocumentTemplate.__tablename__,
        object_id=row_id,
        detail={"name": name, "filename": filename, "sha256": digest, "size": len(data)},
    )
    return state(name, tenant)


def reset(name: str, tenant: Tenant | None = None) -> TemplateState:
    """Back to the plugin's default (a no-op, unaudited, when it already is)."""
    definition(name, tenant)
    stored = _stored(name)
    if stored is not None:
        detail = {"name": name, "filename": stored.filename, "sha256": stored.sha256}
        row_id = stored.id
        db.session.delete(stored)
        db.session.flush()
        record(
            "document_template.reset",
            object_type=DocumentTemplate.__tablename__,
            object_id=row_id,
            detail=detail,
        )
    return state(name, tenant)

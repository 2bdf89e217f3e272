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
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

from flask import Flask, g
from flask_babel import gettext as _
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from marshmallow import ValidationError
from sqlalchemy import func, select

from core.audit.service import record
from core.auth.models import User
from core.db import db, upsert_insert, utcnow
from core.documents import official
from core.documents.models import NAME_MAX, DocumentTemplate
from core.exports import render_docx
from core.i18n import N_
from core.plugins.manager import CORE, PluginError, PluginHost, host, is_enabled
from core.plugins.types import DocumentTemplateDef, RedHead
from core.sandbox import BoundedEnvironment, RenderLimitExceeded
from core.tenancy.models import Tenant
from core.tenancy.scope import CrossTenantWrite, current_scope
from core.tenancy.session import TENANT_CHECKED
from core.workflow import WorkflowError

HOOK = "zugong_document_templates"
#: A replacement's largest size: formal documents are text and a letterhead, not photos.
MAX_BYTES = 2 * 1024 * 1024
#: What the parts of an upload may unpack to; more is a zip bomb, not a document.
MAX_UNPACKED = 64 * 1024 * 1024
#: ``<plugin>.<document>``, lower case: it appears in URLs and is stored per tenant.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
#: Old binary Word (.doc), WPS (.wps) and password-protected .docx files are OLE files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FIELD = "file"


class Upload(Protocol):
    """What a replacement arrives as (werkzeug's ``FileStorage``)."""

    filename: str | None
    stream: IO[bytes]


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
    user_ids = {row.uploaded_by for row in rows if row.uploaded_by is not None}
    names: dict[int, str] = {}
    if user_ids:
        users = db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
        names = {user.id: user.display_name for user in users}
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
                problem=_problem_text(exc),
            )
        ) from exc


# -- replacing and resetting ------------------------------------------------------------


def _reject(message: str) -> ValidationError:
    return ValidationError({FIELD: [message]})


def _read(upload: Upload | None) -> bytes:
    if upload is None or not (upload.filename or "").strip():
        raise _reject(_("请选择要上传的 .docx 文件。"))
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _reject(_("文件超过 2 MiB 的上限，请删去图片等大的内容后再上传。"))
    if not data:
        raise _reject(_("上传的文件是空的。"))
    return data


def _check_package(data: bytes) -> None:
    """A .docx is a zip holding word/document.xml; say plainly what else it is."""
    if data.startswith(OLE_MAGIC):
        raise _reject(
            _(
                "这是旧版 Word（.doc）、WPS 格式或设置了打开密码的文件，"
                "请在 Word 或 WPS 中“另存为”不加密的 .docx 后再上传。"
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
            if sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise _reject(_("文件解压后过大，不是正常的 Word 文档。"))
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise _reject(
                    _("文件是压缩包，但其中没有 word/document.xml，不是 Word 文档（.docx）。")
                )
            if package.testzip() is not None:
                raise _reject(_("文件已损坏（压缩包校验失败），请重新保存后再上传。"))
    except (zipfile.BadZipFile, EOFError) as exc:
        raise _reject(
            _("文件不是有效的 .docx 文档（Word 2007 及以后的文档是 zip 格式）。")
        ) from exc
    try:
        import docx  # python-docx and lxml: imported when a template is checked

        docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise _reject(_("无法作为 Word 文档打开：%(problem)s", problem=_problem_text(exc))) from exc


def _nearby_text(exc: BaseException) -> str | None:
    """The paragraph docxtpl names for a Jinja error (it keeps the source lines)."""
    lines = list(getattr(exc, "docx_context", None) or [])
    lineno = getattr(exc, "lineno", None)
    if not lines or not lineno:
        return None
    at = (lineno - 1) - max(lineno - 4, 0)
    candidates = [lines[at]] if 0 <= at < len(lines) else []
    text = next((t.strip() for t in candidates + lines if t.strip()), "")
    return text[:80] or None


#: Jinja's syntax errors, told in words a county office can act on (msgids: no "%").
_SYNTAX_HINTS = [
    (
        re.compile(r"Jinja was looking for the following tags", re.I),
        N_("if、for 等块缺少结束标记（endif、endfor）"),
    ),
    (
        re.compile(r"unexpected end of template", re.I),
        N_("标记没有写完整（例如 {{ 缺少对应的 }}）"),
    ),
    (
        re.compile(r"unexpected '[^']*'|expected token", re.I),
        N_("标记没有写完整或夹杂了多余的字符（例如 {{ 缺少对应的 }}）"),
    ),
    (re.compile(r"No filter named", re.I), N_("使用了不存在的过滤器")),
    (re.compile(r"unknown tag", re.I), N_("使用了不认识的块标记")),
]


def _problem_text(exc: BaseException) -> str:
    """A Chinese sentence naming what is wrong, with Jinja's own words for the expert."""
    detail = str(getattr(exc, "message", None) or exc).strip()
    nearby = _nearby_text(exc)
    if isinstance(exc, TemplateSyntaxError):
        hint = next(
            (h for pattern, h in _SYNTAX_HINTS if pattern.search(detail)), N_("标记有语法错误")
        )
        text = _("模板中的占位符有误：%(hint)s（%(detail)s）。", hint=_(hint), detail=detail)
    elif isinstance(exc, RenderLimitExceeded):
        text = _(
            "模板的循环或重复内容过多，生成的文书过大或耗时过长，已停止（%(detail)s）。"
            "请减少循环次数或重复的内容。",
            detail=detail,
        )
    elif isinstance(exc, SecurityError):
        text = _("模板试图访问不允许访问的内容，已拒绝（%(detail)s）。", detail=detail)
    elif isinstance(exc, UndefinedError):
        text = _("模板引用了不存在的内容（%(detail)s）。", detail=detail)
    elif isinstance(exc, TemplateError):
        text = _("模板无法生成文书（%(detail)s）。", detail=detail)
    else:
        text = _(
            "模板无法生成文书（%(kind)s：%(detail)s）。", kind=type(exc).__name__, detail=detail
        )
    if nearby:
        text += _("出错位置附近的文字：“%(text)s”。", text=nearby)
    return text


def check_upload(entry: Declared, data: bytes) -> None:
    """Refuse (``ValidationError`` on ``file``) what would fail when a document is printed."""
    _check_package(data)
    context = dict(entry.definition.sample_context)
    try:
        rendered = render_docx(data, context)
        import docx

        docx.Document(io.BytesIO(rendered))
    except Exception as exc:
        raise _reject(
            _("模板无法用示例数据生成文书：%(problem)s", problem=_problem_text(exc))
        ) from exc
    # Jinja prints an unknown variable as nothing: a typo would leave a blank on paper.
    try:
        from docxtpl import DocxTemplate

        unknown = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(
            BoundedEnvironment(), context=context
        )
    except Exception as exc:
        raise _reject(_("模板无法解析：%(problem)s", problem=_problem_text(exc))) from exc
    if unknown:
        raise _reject(
            _(
                "模板使用了未定义的字段：%(unknown)s。可以使用的字段：%(known)s。",
                unknown="、".join(sorted(unknown)),
                known="、".join(sorted(context)) or "—",
            )
        )


def _clean_filename(filename: str, name: str) -> str:
    base = re.split(r"[\\/]", filename.strip())[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)[:200]
    return base or f"{name}.docx"


def replace(name: str, upload: Upload | None, tenant: Tenant | None = None) -> TemplateState:
    """Store ``upload`` as the tenant's template ``name`` once it passes every check."""
    entry = definition(name, tenant)
    data = _read(upload)
    check_upload(entry, data)
    digest = hashlib.sha256(data).hexdigest()
    filename = _clean_filename(upload.filename or "", name)  # type: ignore[union-attr]
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

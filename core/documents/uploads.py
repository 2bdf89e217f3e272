"""What an uploaded .docx template must be before it replaces a default: small, a real
zip package (not an old .doc, not a zip bomb), and a template that renders with the
declared sample context; a refusal names the problem in Chinese, near the broken text."""

from __future__ import annotations

import io
import re
import zipfile
from typing import IO, Protocol

from flask_babel import gettext as _
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from marshmallow import ValidationError

from core.exports import render_docx
from core.i18n import N_
from core.plugins.types import DocumentTemplateDef
from core.sandbox import BoundedEnvironment, RenderLimitExceeded

#: A replacement's largest size: formal documents are text and a letterhead, not photos.
#: The form field (and the API's multipart part) an upload comes in.
FIELD = "file"
MAX_BYTES = 2 * 1024 * 1024
#: What the parts of an upload may unpack to; more is a zip bomb, not a document.
MAX_UNPACKED = 64 * 1024 * 1024
#: Old binary Word (.doc), WPS (.wps) and password-protected .docx files are OLE files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Upload(Protocol):
    """What a replacement arrives as (werkzeug's ``FileStorage``)."""

    filename: str | None
    stream: IO[bytes]


def reject(message: str) -> ValidationError:
    return ValidationError({FIELD: [message]})


def read_upload(upload: Upload | None) -> bytes:
    if upload is None or not (upload.filename or "").strip():
        raise reject(_("请选择要上传的 .docx 文件。"))
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise reject(_("文件超过 2 MiB 的上限，请删去图片等大的内容后再上传。"))
    if not data:
        raise reject(_("上传的文件是空的。"))
    return data


def _check_package(data: bytes) -> None:
    """A .docx is a zip holding word/document.xml; say plainly what else it is."""
    if data.startswith(OLE_MAGIC):
        raise reject(
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
                raise reject(_("文件解压后过大，不是正常的 Word 文档。"))
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise reject(
                    _("文件是压缩包，但其中没有 word/document.xml，不是 Word 文档（.docx）。")
                )
            if package.testzip() is not None:
                raise reject(_("文件已损坏（压缩包校验失败），请重新保存后再上传。"))
    except (zipfile.BadZipFile, EOFError) as exc:
        raise reject(_("文件不是有效的 .docx 文档（Word 2007 及以后的文档是 zip 格式）。")) from exc
    try:
        import docx  # python-docx and lxml: imported when a template is checked

        docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise reject(_("无法作为 Word 文档打开：%(problem)s", problem=problem_text(exc))) from exc


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


def problem_text(exc: BaseException) -> str:
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


def check_template(definition: DocumentTemplateDef, data: bytes) -> None:
    """Refuse (``ValidationError`` on ``file``) what would fail when a document is printed."""
    _check_package(data)
    context = dict(definition.sample_context)
    try:
        rendered = render_docx(data, context)
        import docx

        docx.Document(io.BytesIO(rendered))
    except Exception as exc:
        raise reject(
            _("模板无法用示例数据生成文书：%(problem)s", problem=problem_text(exc))
        ) from exc
    # Jinja prints an unknown variable as nothing: a typo would leave a blank on paper.
    try:
        from docxtpl import DocxTemplate

        unknown = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(
            BoundedEnvironment(), context=context
        )
    except Exception as exc:
        raise reject(_("模板无法解析：%(problem)s", problem=problem_text(exc))) from exc
    if unknown:
        raise reject(
            _(
                "模板使用了未定义的字段：%(unknown)s。可以使用的字段：%(known)s。",
                unknown="、".join(sorted(unknown)),
                known="、".join(sorted(context)) or "—",
            )
        )


def clean_filename(filename: str, name: str) -> str:
    base = re.split(r"[\\/]", filename.strip())[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)[:200]
    return base or f"{name}.docx"

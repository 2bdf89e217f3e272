"""What the document-template API takes and gives."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.forms import FormSchema


class DocumentTemplateOut(Schema):
    name = fields.String(metadata={"description": "模板标识，形如 <plugin>.<document>"})
    title = fields.String(metadata={"description": "文书名称"})
    plugin = fields.String(metadata={"description": "声明该模板的功能模块（core 为平台核心）"})
    replaced = fields.Boolean(metadata={"description": "本单位是否已替换为自己的模板"})
    filename = fields.String(allow_none=True, metadata={"description": "上传时的文件名"})
    sha256 = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True, metadata={"description": "字节数"})
    uploaded_at = fields.DateTime(allow_none=True)
    uploaded_by_id = fields.Integer(allow_none=True)
    uploaded_by = fields.String(allow_none=True, metadata={"description": "上传人姓名"})
    fields_ = fields.List(
        fields.String(),
        data_key="fields",
        attribute="fields",
        metadata={"description": "模板可用的占位符，如 {{ name }}"},
    )


class TemplateFileQuery(Schema):
    version = fields.String(
        load_default="current",
        validate=validate.OneOf(["current", "default"]),
        metadata={"description": "current：本单位正在使用的模板；default：功能模块自带的默认模板"},
    )


class TemplateFileForm(FormSchema, TemplateFileQuery):
    pass

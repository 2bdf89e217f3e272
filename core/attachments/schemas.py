"""How an attachment appears in API answers (nested in its owner's schema)."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.api.fields import UtcDateTime


class AttachmentOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    file_type = fields.String()
    size = fields.Integer(metadata={"description": "字节数"})
    created_at = UtcDateTime()
    url = fields.Method("_url", metadata={"description": "下载地址（API）"})

    def _url(self, attachment) -> str:
        from core.attachments.views import api_download_url

        return api_download_url(attachment)

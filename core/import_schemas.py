"""The query and the answer of every API route that takes an .xlsx import
(:mod:`core.imports` reads the file): core's registry and the plugins use the same two,
so the OpenAPI document shows one convention."""

from __future__ import annotations

from marshmallow import Schema, fields


class ImportQuery(Schema):
    valid_only = fields.Boolean(
        load_default=False, metadata={"description": "只导入校验通过的行（默认全部通过才导入）"}
    )


class ImportResultOut(Schema):
    ok = fields.Boolean()
    imported = fields.Integer()
    total_rows = fields.Integer()
    valid_rows = fields.Integer()
    error_count = fields.Integer()
    file_errors = fields.List(fields.String())
    row_errors = fields.List(fields.Dict())
    #: Each column's title, by field key (so a row's errors can be read against the file).
    titles = fields.Dict(keys=fields.String(), values=fields.String())

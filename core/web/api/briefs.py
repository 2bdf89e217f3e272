"""Short forms of a user and a role, nested in the answers of several routes."""

from __future__ import annotations

from marshmallow import Schema, fields


class UserBrief(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class RoleBrief(Schema):
    id = fields.Integer()
    key = fields.String()
    title = fields.String()

"""Core's permission keys as constants, their definitions and core's default roles (the
``permissions.py`` every plugin has; core declares them through :mod:`core.core_plugin`).
Some modules that cannot import this one (``core.auth``, below it) name a key again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.types import PermissionDef, RoleDef

VIEW_MEMBERS = "core.view_members"
EDIT_MEMBERS = "core.edit_members"
VIEW_IDENTITY = "core.view_identity"
MANAGE_ORG = "core.manage_org"
MANAGE_USERS = "core.manage_users"
MANAGE_PLUGINS = "core.manage_plugins"
MANAGE_SETTINGS = "core.manage_settings"
VIEW_AUDIT = "core.view_audit"
MANAGE_TOKENS = "core.manage_tokens"
ROLLUP_VIEW = "core.rollup.view"
ROLLUP_ROUNDS = "core.rollup.rounds"
ROLLUP_SUBMIT = "core.rollup.submit"
SUBTREE_MANAGE = "core.subtree.manage"

PERMISSIONS = [
    PermissionDef(VIEW_MEMBERS, _l("查看党员信息")),
    PermissionDef(EDIT_MEMBERS, _l("维护党员信息")),
    PermissionDef(VIEW_IDENTITY, _l("查看身份证号等敏感信息"), sensitive=True),
    PermissionDef(MANAGE_ORG, _l("维护组织机构")),
    PermissionDef(MANAGE_USERS, _l("管理用户与角色")),
    PermissionDef(MANAGE_PLUGINS, _l("启用或停用功能模块")),
    PermissionDef(MANAGE_SETTINGS, _l("修改本单位设置")),
    PermissionDef(VIEW_AUDIT, _l("查看审计日志")),
    PermissionDef(MANAGE_TOKENS, _l("管理接口令牌")),
    PermissionDef(ROLLUP_VIEW, _l("查看下级汇总数据")),
    PermissionDef(ROLLUP_ROUNDS, _l("发起统计报表上报")),
    PermissionDef(ROLLUP_SUBMIT, _l("审核并上报统计报表")),
    PermissionDef(SUBTREE_MANAGE, _l("管理下级单位的功能模块和设置")),
]

ROLES = [
    RoleDef("admin", "单位管理员", tuple(p.key for p in PERMISSIONS)),
    RoleDef("staff", "工作人员", (VIEW_MEMBERS,)),
    RoleDef("registrar", "党员信息管理员", (VIEW_MEMBERS, EDIT_MEMBERS, MANAGE_ORG)),
    # 部领导: reads the figures of the units below (汇总), approves in the plugins' own roles.
    RoleDef(
        "leader",
        "部领导",
        (VIEW_MEMBERS, ROLLUP_VIEW, ROLLUP_ROUNDS, ROLLUP_SUBMIT),
    ),
]

"""Readable titles for audit actions, so the log reads 新建党员 rather than member.created.

Core and plugins declare titles through ``zugong_audit_actions``; a workflow move
(``<workflow>.<transition>``) is titled by its transition's declared title. An action
nobody titled shows its code.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from core.i18n import N_
from core.workflow import DECLARED

CORE_ACTIONS = {
    "attachment.uploaded": N_("上传附件"),
    "attachment.downloaded": N_("下载附件"),
    "auth.login": N_("登录"),
    "auth.password_changed": N_("修改本人密码"),
    "audit.verify": N_("校验审计日志"),
    "cross_tenant.read": N_("跨单位查阅"),
    "export.queued": N_("提交后台导出"),
    "export.finished": N_("后台导出完成"),
    "export.failed": N_("后台导出失败"),
    "export.downloaded": N_("下载导出文件"),
    "grant.create": N_("授权其他单位查阅"),
    "grant.revoke": N_("撤销查阅授权"),
    "maintenance.purge": N_("例行清理"),
    "member.created": N_("登记党员"),
    "member.updated": N_("修改党员信息"),
    "member.deactivated": N_("停用党员信息"),
    "member.exported": N_("导出党员信息"),
    "member.imported": N_("导入党员信息"),
    "member.identity_viewed": N_("查看完整身份证号"),
    "membership.added": N_("添加用户"),
    "membership.reactivated": N_("恢复用户"),
    "membership.updated": N_("修改用户"),
    "membership.deactivated": N_("移除用户"),
    "membership.password_check": N_("重置密码前核查"),
    "membership.password_reset": N_("重置密码"),
    "org_unit.created": N_("新建组织"),
    "org_unit.updated": N_("修改组织"),
    "org_unit.deactivated": N_("撤销组织"),
    "org_unit.imported": N_("导入组织"),
    "plugin.enabled": N_("启用功能模块"),
    "plugin.disabled": N_("停用功能模块"),
    "platform.overview": N_("平台查看单位概况"),
    "platform.plugins_changed": N_("平台调整功能模块"),
    "role.updated": N_("修改角色权限"),
    "rollup_round.create": N_("发起统计报表上报"),
    "rollup_submission.create": N_("收到上级统计报表上报"),
    "rollup_submission.remind": N_("逾期未上报提醒"),
    "settings.changed": N_("修改设置"),
    "settings.cleared": N_("恢复继承设置"),
    "token.created": N_("创建接口令牌"),
    "token.revoked": N_("吊销接口令牌"),
    "document_template.replaced": N_("替换文书模板"),
    "document_template.reset": N_("恢复默认文书模板"),
    "document.printed": N_("打印登记表单"),
}


def action_title(action: str) -> str:
    titles = current_app.extensions.get("zugong.audit_titles")
    if titles is None:
        titles = {}
        for declared in current_app.extensions["zugong.plugins"].pm.hook.zugong_audit_actions():
            titles.update(declared or {})
        current_app.extensions["zugong.audit_titles"] = titles
    if action in titles:
        return _(titles[action])
    workflow, _dot, move = action.partition(".")
    if workflow in DECLARED:
        if move == "create":
            return _("新建")
        try:
            return _(DECLARED[workflow].transition(move).title)
        except Exception:  # an action recorded by an older declaration
            return action
    return action

"""The bilingual texts of the account service's refusals (zh-CN first, then English)."""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "user.not_found": {"zh-CN": "用户 {username!r} 不存在", "en": "user {username!r} does not exist"},
    "user.org_unit_unknown": {"zh-CN": "org_unit_id {id} 不是已有的组织单位",
                              "en": "org_unit_id {id} does not name an organisation unit"},
    "user.org_unit_needed": {
        "zh-CN": "请指定账户所属的组织单位：它决定账户能看到和处理的范围（全市工作选市局）",
        "en": "name the organisation unit the account works in: it is the account's scope (the city bureau's for "
              "city-wide work)"},
    "user.unit_unknown": {"zh-CN": "unit_id {id} 不是已有的警力单元", "en": "unit_id {id} does not name a unit"},
    "user.bad_username": {"zh-CN": "用户名须为 3–64 个字母、数字、“_”、“.”或“-”",
                          "en": "username must be 3-64 letters, digits, '_', '.' or '-'"},
    "user.taken": {"zh-CN": "用户 {username!r} 已存在", "en": "user {username!r} already exists"},
    "user.reason_needed": {"zh-CN": "请说明该账户为何需要此角色（至少 4 个字符），审批人会阅读",
                           "en": "say why the account needs this role (at least 4 characters); the approver reads it"},
    "user.has_role": {"zh-CN": "{username} 已是角色 {role}", "en": "{username} already has the role {role}"},
    "user.grant_waiting": {"zh-CN": "{username} 已有一项角色授予在等待审批",
                           "en": "a role grant for {username} is already waiting for approval"},
    "user.grant_not_found": {"zh-CN": "角色授予 {id} 不存在", "en": "role grant {id} does not exist"},
    "user.grant_decided": {"zh-CN": "角色授予 {id} 已由 {by} {status_zh}",
                           "en": "role grant {id} was {status} by {by} already"},
    "user.grant_second_person": {
        "zh-CN": "角色授予须由第二人决定：不能由提出申请的人决定，也不能由被授予的账户本人决定",
        "en": "a role grant is decided by a second person: not by whoever asked for it, and not by the account "
              "it is for"},
    "user.disable_self": {"zh-CN": "不能停用自己的账户", "en": "you cannot disable your own account"},
    "user.enable_pending": {"zh-CN": "{username} 的角色授予尚待审批，审批前不能启用",
                            "en": "{username} waits for its role grant to be approved; it cannot be enabled before"},
}

#: a decided grant's status in Chinese
GRANT_STATUS_ZH = {"approved": "批准", "refused": "拒绝"}

_texts = Texts(MESSAGES)
said = _texts.said
field_error = _texts.field_error

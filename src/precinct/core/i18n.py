"""Bilingual texts (zh-CN is the default, English the second language)."""

from __future__ import annotations

from typing import Literal

Language = Literal["zh-CN", "en"]
DEFAULT_LANGUAGE: Language = "zh-CN"

MESSAGES: dict[str, dict[str, str]] = {
    "error.validation_error": {"zh-CN": "输入无效", "en": "Invalid input"},
    "error.not_found": {"zh-CN": "未找到", "en": "Not found"},
    "error.no_route": {"zh-CN": "无可行驶路线", "en": "No drivable route"},
    "error.conflict": {"zh-CN": "状态冲突", "en": "Conflict"},
    "error.service_unavailable": {"zh-CN": "服务暂时繁忙", "en": "Service temporarily unavailable"},
    "error.permission_denied": {"zh-CN": "无权操作", "en": "Permission denied"},
    "error.authentication_failed": {"zh-CN": "身份验证失败", "en": "Authentication failed"},
    "error.account_locked": {"zh-CN": "账户已锁定", "en": "Account locked"},
    "error.mfa_required": {"zh-CN": "需要动态验证码", "en": "Authenticator code required"},
    "error.too_many_attempts": {"zh-CN": "尝试过于频繁", "en": "Too many attempts"},
    "error.payload_too_large": {"zh-CN": "请求内容过大", "en": "Request too large"},
    "error.configuration_error": {"zh-CN": "配置错误", "en": "Configuration error"},
    "error.internal_error": {"zh-CN": "服务器内部错误", "en": "Internal server error"},
    "error.error": {"zh-CN": "错误", "en": "Error"},
    "simulated": {"zh-CN": "模拟", "en": "SIMULATED"},
    "cli.migrated": {"zh-CN": "数据库已升级到最新版本", "en": "database upgraded to the latest revision"},
    "cli.demo_loaded": {"zh-CN": "演示城市已加载", "en": "demo city loaded"},
    "cli.user_added": {"zh-CN": "已创建用户", "en": "user created"},
    "cli.user_unlocked": {"zh-CN": "已解锁用户", "en": "user unlocked"},
    "cli.user_disabled": {"zh-CN": "已停用账户", "en": "account disabled"},
    "cli.user_enabled": {"zh-CN": "已启用账户", "en": "account enabled"},
    "cli.password_set": {"zh-CN": "已设置新密码", "en": "password set"},
    "cli.role_set": {"zh-CN": "已更改角色", "en": "role changed"},
    "cli.tokens_revoked": {"zh-CN": "已结束全部会话", "en": "every session ended"},
    "cli.mfa_reset": {"zh-CN": "已移除双因素认证", "en": "second factor removed"},
    "cli.audit_ok": {"zh-CN": "审计链完整", "en": "audit chain intact"},
    "cli.audit_broken": {"zh-CN": "审计链被篡改", "en": "audit chain broken"},
    "cli.import_done": {"zh-CN": "导入完成", "en": "import finished"},
    "cli.password_prompt": {"zh-CN": "请从标准输入提供密码", "en": "provide the password on stdin"},
}


def normalise_language(value: str | None) -> Language:
    """Pick zh-CN or en from an Accept-Language header or a ``lang`` value."""
    if not value:
        return DEFAULT_LANGUAGE
    first = value.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh-CN"


def t(key: str, language: str | None = None) -> str:
    """Return the text of ``key`` in ``language`` (an Accept-Language value; the key itself if unknown)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry[normalise_language(language)]


def both(key: str) -> str:
    """Chinese and English together, for terminal output."""
    entry = MESSAGES[key]
    return f"{entry['zh-CN']} / {entry['en']}"

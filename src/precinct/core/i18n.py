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
    "cli.audit_checkpoints_ok": {"zh-CN": "检查点一致", "en": "checkpoints match"},
    "cli.audit_no_checkpoints": {"zh-CN": "尚无检查点，审计链只受自身哈希保护",
                                 "en": "no checkpoints yet: the chain is protected by its own hashes only"},
    "cli.audit_checkpoint_written": {"zh-CN": "已写入审计检查点", "en": "audit checkpoint written"},
    "cli.audit_checkpoint_empty": {"zh-CN": "审计日志为空，无需检查点",
                                   "en": "the audit log is empty: nothing to checkpoint"},
    "cli.backup_written": {"zh-CN": "备份已写入", "en": "backup written"},
    "cli.backup_newer_client": {
        "zh-CN": "注意：备份由比服务器（{server}）更新的 pg_dump {client} 写入，"
                 "只有 pg_restore {client} 或更新版本能恢复它",
        "en": "note: a pg_dump newer than the server ({server}) wrote it: only pg_restore {client} or newer can "
              "restore it"},
    "cli.restored": {"zh-CN": "数据库已从备份恢复", "en": "database restored from the backup"},
    "cli.restore_mark_failed": {"zh-CN": "未能在检查点文件中记录此次恢复",
                                "en": "could not record the restore in the checkpoint file"},
    "cli.restore_upgrade_hint": {"zh-CN": "备份的数据库版本不是最新，请运行 precinct db upgrade",
                                 "en": "the backup is not at the latest revision: run precinct db upgrade"},
    "cli.app_role_granted": {"zh-CN": "应用角色权限已设置", "en": "application role granted"},
    "cli.app_role_unbound": {
        "zh-CN": "警告：服务器的数据库连接仍可修改或删除审计日志",
        "en": "warning: the server's database connection may still change or delete audit entries"},
    "cli.app_role_unchecked": {
        "zh-CN": "警告：无法检查服务器的数据库连接能否修改或删除审计日志",
        "en": "warning: could not check whether the server's database connection may change or delete audit entries"},
    "audit.checkpoint_forged": {
        "zh-CN": "检查点文件被篡改：第 {line} 行的签名不符（文件被改动，或 PRECINCT_AUDIT_KEY 已更换）",
        "en": "checkpoint file tampered with: the signature on line {line} does not match (the file was edited, "
              "or PRECINCT_AUDIT_KEY changed)"},
    "audit.checkpoint_truncated": {
        "zh-CN": "审计日志尾部被截断或日志被清空：第 {line} 行的检查点（{at}）记录到第 {seq} 条，"
                 "日志现只到第 {head} 条",
        "en": "audit log truncated or wiped: the checkpoint on line {line} ({at}) recorded entry {seq}, but the log "
              "now ends at entry {head}"},
    "audit.checkpoint_rewritten": {
        "zh-CN": "审计历史被改写：第 {seq} 条的哈希与第 {line} 行检查点（{at}）记录的不同",
        "en": "audit history rewritten: entry {seq} no longer has the hash the checkpoint on line {line} ({at}) "
              "recorded"},
    "audit.checkpoint_count": {
        "zh-CN": "审计历史被改写：第 {line} 行检查点（{at}）记录第 {seq} 条之前共 {expected} 条，现有 {found} 条",
        "en": "audit history rewritten: the checkpoint on line {line} ({at}) counted {expected} entries up to entry "
              "{seq}, the log now holds {found}"},
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

"""Bilingual texts (zh-CN is the default, English the second language)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from precinct.core.errors import ValidationError

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
    "import.rows": {"zh-CN": "行", "en": "rows"},
    "import.imported": {"zh-CN": "条已导入", "en": "imported"},
    "import.already_there": {"zh-CN": "条已存在", "en": "already there"},
    "import.bad_rows": {"zh-CN": "个坏行", "en": "bad rows"},
    "import.parties": {"zh-CN": "名当事人", "en": "parties"},
    "import.line": {"zh-CN": "第 {line} 行", "en": "line {line}"},
    "import.more_bad_rows": {"zh-CN": "另有 {count} 个（用 --errors-out 全部写出）",
                             "en": "{count} more (use --errors-out)"},
    "import.header_only": {"zh-CN": "文件只有表头，没有数据行", "en": "the file has a header line and no rows"},
    "import.progress": {"zh-CN": "已写入", "en": "rows written"},
    "import.interrupted": {
        "zh-CN": "导入已中断：{written} 条已按整批写入并保留；再次运行同一命令即可导入其余行（已导入的会跳过）",
        "en": "import interrupted: {written} rows were written in whole batches and stay; run the same command again "
              "to import the rest (the rows already there are skipped)"},
    "import.database_failed": {
        "zh-CN": "数据库出错，导入停止：{written} 条已按整批写入并保留；再次运行同一命令即可导入其余行",
        "en": "the database failed and the import stopped: {written} rows were written in whole batches and stay; "
              "run the same command again to import the rest"},
    "import.nothing_imported": {"zh-CN": "未导入任何行", "en": "nothing was imported"},
    "import.unmapped": {"zh-CN": "以下列未指定去向", "en": "these columns are not mapped"},
    "import.personal_in_extra": {
        "zh-CN": "以下列可能含个人信息，不能存入 extra，只能作为当事人导入或忽略",
        "en": "these columns may hold personal data: they cannot go into extra, only to a party or nowhere"},
    "import.map_each": {"zh-CN": "为每一列指定去向，例如", "en": "map each of them, e.g."},
    "import.targets": {
        "zh-CN": "去向：extra.KEY（警情附加字段）、party.caller|victim|witness.name|phone|notes（当事人：个人信息，"
                 "读取须审计）、ignore（不导入）；或用 --mapping FILE.json {{\"列\": \"去向\"}}；见 docs/import.md",
        "en": "targets: extra.KEY (kept with the incident), party.caller|victim|witness.name|phone|notes (a party: "
              "personal data, audited), ignore (left out); or --mapping FILE.json {{\"COLUMN\": \"TARGET\"}}; "
              "see docs/import.md"},
    "import.csv_malformed": {"zh-CN": "CSV 格式错误：{error}", "en": "the CSV is malformed here: {error}"},
    "import.field_count": {"zh-CN": "有 {found} 个字段，表头有 {header} 个",
                           "en": "has {found} fields, the header has {header}"},
    "import.nul_byte": {"zh-CN": "{name} 含有 NUL 字节", "en": "{name} contains a NUL byte"},
    "import.not_utf8": {"zh-CN": "{name} 含有非 UTF-8 字节", "en": "{name} contains bytes that are not UTF-8"},
    "import.id_invalid": {"zh-CN": "id 为空或超过 {limit} 个字符",
                          "en": "id is empty or longer than {limit} characters"},
    "import.id_repeated": {"zh-CN": "id 与本文件之前的行重复", "en": "id repeats an earlier row of this file"},
    "import.category_unknown": {"zh-CN": "category 不是已知的警情类型、名称或别名",
                                "en": "category is not a known incident type, name or alias"},
    "import.too_long": {"zh-CN": "{name} 超过 {limit} 个字符", "en": "{name} is longer than {limit} characters"},
    "import.time_needs_offset": {
        "zh-CN": "occurred_at 须为带 UTC 偏移的 ISO 8601 时间",
        "en": "occurred_at needs an ISO 8601 time with a UTC offset, e.g. 2019-05-01T14:00:00-04:00"},
    "import.time_invalid": {"zh-CN": "occurred_at 不是有效的 ISO 8601 时间",
                            "en": "occurred_at is not a valid ISO 8601 time"},
    "import.time_years": {"zh-CN": "occurred_at 年份须在 {first}–{last} 之间",
                          "en": "occurred_at must lie in the years {first} to {last}"},
    "import.time_future": {"zh-CN": "occurred_at 晚于当前时间", "en": "occurred_at lies in the future"},
    "import.lat_invalid": {"zh-CN": "lat 须为 [-90, 90] 内的数", "en": "lat must be a number within [-90, 90]"},
    "import.lon_invalid": {"zh-CN": "lon 须为 [-180, 180] 内的数", "en": "lon must be a number within [-180, 180]"},
    "import.no_location": {"zh-CN": "lat/lon 为 0,0，即缺少位置", "en": "lat/lon 0,0 is a missing location"},
    "import.code_invalid": {"zh-CN": "{name} 须为以下之一：{allowed}", "en": "{name} must be one of {allowed}"},
    "import.disposition_not_closed": {"zh-CN": "只有已结束的警情才有处置结果",
                                      "en": "a disposition is given only for closed incidents"},
    "import.priority_invalid": {"zh-CN": "priority 须为 1、2、3 或 4", "en": "priority must be 1, 2, 3 or 4"},
    "import.party_invalid": {"zh-CN": "{field} 无效：{error}", "en": "{field} is not valid: {error}"},
    "import.database_refused": {"zh-CN": "数据库拒绝此行：{error}", "en": "the database refused this row: {error}"},
    "cli.serve_public_with_development_secret": {
        "zh-CN": "拒绝在 {host} 上提供服务：开发模式的默认密钥是公开的，任何人都能用它签发有效令牌；"
                 "请将 PRECINCT_SECRET_KEY 设为至少 32 个字符的随机密钥，"
                 "或只在本机地址（127.0.0.1、::1、localhost）上监听",
        "en": "refusing to serve on {host}: the development default secret is public, so anyone could sign valid "
              "tokens with it; set PRECINCT_SECRET_KEY to a random secret of at least 32 characters, or listen on "
              "a loopback address only (127.0.0.1, ::1, localhost)"},
    "cli.password_prompt": {"zh-CN": "请从标准输入提供密码", "en": "provide the password on stdin"},
    "incident.feedback_needed": {
        "zh-CN": "结警须填写简短反馈（处置情况和结果），至少 {n} 个字",
        "en": "closing an incident needs a short feedback text (反馈): what was done and how it ended, at least {n} "
              "characters"},
    "incident.reopen_reason": {"zh-CN": "请说明重开警情的原因（记入警情历史）",
                               "en": "say why the incident is reopened (it is kept in its history)"},
    "incident.reopen_closed_only": {"zh-CN": "只能重开已结警的警情，此警情状态为 {status}",
                                    "en": "only a closed incident can be reopened; this one is {status}"},
    "incident.move_refused": {
        "zh-CN": "警情状态为“{current_zh}”，不能改为“{target_zh}”；可改为：{allowed_zh}",
        "en": "cannot move an incident from {current} to {target}; allowed: {allowed}"},
    "incident.move_refused_final": {
        "zh-CN": "警情已是终态“{current_zh}”，不能再改为“{target_zh}”",
        "en": "cannot move an incident from {current} to {target}; allowed: none (final status)"},
    "incident.disposition_needed": {"zh-CN": "结警须给出处置结果，可选：{allowed_zh}",
                                    "en": "closing an incident needs a disposition: {allowed}"},
    "incident.disposition_not_closing": {"zh-CN": "只有结警时才给出处置结果",
                                         "en": "a disposition is given only when closing an incident"},
    "incident.received_in_future": {"zh-CN": "接警时间晚于当前时间，请填写实际接到报警的时间",
                                    "en": "received_at lies in the future; send the time the call was received"},
    "incident.not_your_unit": {
        "zh-CN": "警情 {id} 不是你所在警力单元的：民警只能处置本单元被派往的警情",
        "en": "incident {id} is not your unit's: a patrol officer acts on the incidents their own unit is sent to"},
    "supervision.no_change": {"zh-CN": "请至少给出一项要修改的优先级、环节和时限",
                              "en": "name at least one priority, stage and limit_s to change"},
    "supervision.reason_needed": {"zh-CN": "请说明修改时限的原因（与版本一并保存）",
                                  "en": "say why the time limits change (it is kept with the version)"},
    "supervision.bad_priority": {"zh-CN": "{value} 不是优先级，请用 1（最紧急）至 4",
                                 "en": "{value} is no priority; use 1 (most urgent) to 4"},
    "supervision.bad_stage": {"zh-CN": "{value} 不是环节，可用：{stages}",
                              "en": "{value} is no stage; use one of {stages}"},
    "supervision.bad_limit": {"zh-CN": "{value} 不是有效时限，请给出大于 0 的整秒数",
                              "en": "{value} is no time limit; give whole seconds above 0"},
    "supervision.limit_too_long": {"zh-CN": "{value} 秒超过上限 {most} 秒（30 天）",
                                   "en": "{value} s is longer than {most} s (30 days)"},
    "supervision.cell_twice": {"zh-CN": "优先级 {priority} 的环节 {stage} 出现了两次",
                               "en": "priority {priority} stage {stage} is named twice"},
    "supervision.follows_close": {"zh-CN": "警情 {id} 状态为 {status}：{what}须在结警之后",
                                  "en": "incident {id} is {status}: the {what} follows the closing"},
    "supervision.not_your_unit": {
        "zh-CN": "警情 {id} 不是你所在警力单元处置的：民警只能为本单元出警的警情填写{what}",
        "en": "incident {id} is not your unit's: a patrol officer writes the {what} of the incidents their own "
              "unit was sent to"},
    "supervision.escalated": {"zh-CN": "{stage}超期{minutes}分钟，已通报{level}",
                              "en": "{stage} overdue by {minutes} min: {level} notified"},
    "supervision.org_unit_unknown": {"zh-CN": "组织单位 {id} 不存在", "en": "org unit {id} does not exist"},
    "supervision.version_unknown": {"zh-CN": "时限表版本 {id} 不存在", "en": "time-limit version {id} does not exist"},
    "directive.move_refused": {"zh-CN": "指令状态为 {status}，不能执行 {move}；可执行：{allowed}",
                               "en": "a directive that is {status} cannot {move}; allowed: {allowed}"},
    "directive.move_refused_final": {
        "zh-CN": "指令状态为 {status}，不能执行 {move}；已是终态，不能再变更",
        "en": "a directive that is {status} cannot {move}; allowed: none (a final status)"},
    "directive.not_found": {"zh-CN": "指令 {id} 不存在", "en": "directive {id} does not exist"},
    "directive.not_your_work": {
        "zh-CN": "指令 {id} 下达给 {target}，只有其账户可签收、执行和反馈",
        "en": "directive {id} is sent to {target}: only its accounts sign for, work on and report it"},
    "directive.not_issuer": {
        "zh-CN": "只有下达指令的一方（下达人，或其所在单位及上级的督导）可检查或撤销指令 {id}",
        "en": "only the issuing side (the issuer, or a supervisor of its organisation unit or above) checks or "
              "cancels directive {id}"},
    "directive.target_one": {
        "zh-CN": "须且只能给出 target_org_unit_id（分局或派出所）与 target_unit_id 之一",
        "en": "give exactly one of target_org_unit_id (a district branch or a station) and target_unit_id"},
    "directive.target_unknown": {"zh-CN": "组织单位 {id} 不存在（见 GET /api/v1/org/units）",
                                 "en": "there is no organisation unit {id} (see GET /api/v1/org/units)"},
    "directive.target_tier": {"zh-CN": "指令只能下达给分局或派出所，{id} 是市局",
                              "en": "a directive goes to a district branch or a station; {id} is the city"},
    "directive.unit_unknown": {"zh-CN": "警力单元 {id} 不存在", "en": "there is no unit {id}"},
    "directive.org_outside_scope": {
        "zh-CN": "组织单位 {id} 不在你的管辖范围内（你所在单位及其下级）",
        "en": "organisation unit {id} lies outside your scope (your organisation unit and the units below it)"},
    "directive.unit_outside_scope": {
        "zh-CN": "警力单元 {id} 所属派出所不在你的管辖范围内",
        "en": "unit {id} belongs to a station outside your scope (your organisation unit and the units below it)"},
    "directive.unit_not_in_target": {"zh-CN": "警力单元 {id} 不属于指令的接收单位",
                                     "en": "unit {id} does not belong to the directive's target"},
    "directive.title_needed": {"zh-CN": "标题不能为空", "en": "the title must not be blank"},
    "directive.deadline_past": {"zh-CN": "截止时间须晚于当前时间（{now}）",
                                "en": "the deadline must lie in the future (it is {now} now)"},
    "directive.deadline_before_window": {"zh-CN": "截止时间不能早于时间窗结束（{end}）",
                                         "en": "the deadline must not come before window_end ({end})"},
    "directive.window_both": {"zh-CN": "时间窗须同时给出开始和结束，或都不给",
                              "en": "give both window_start and window_end, or neither"},
    "directive.window_order": {"zh-CN": "时间窗结束须晚于开始", "en": "window_end must come after window_start"},
    "directive.window_past": {"zh-CN": "时间窗已经结束", "en": "the window has already ended"},
    "directive.window_too_long": {"zh-CN": "时间窗最长 {days} 天", "en": "a window lasts at most {days} days"},
    "directive.patrol_needs_window": {"zh-CN": "巡逻指令须有时间窗（window_start 和 window_end）",
                                      "en": "a patrol directive needs a window (window_start and window_end)"},
    "directive.patrol_needs_area": {
        "zh-CN": "巡逻指令须有巡逻区域（多边形），可在地图上绘制或取自预测热点网格",
        "en": "a patrol directive needs an area (a Polygon or MultiPolygon), drawn on the map or taken from a "
              "forecast cell"},
    "directive.geometry_type": {"zh-CN": "几何类型须为 {allowed} 之一，收到 {found}",
                                "en": "the geometry type must be one of {allowed}, not {found}"},
    "directive.geometry_malformed": {"zh-CN": "不是有效的 GeoJSON 几何：{error}",
                                     "en": "not a well-formed GeoJSON geometry: {error}"},
    "directive.geometry_too_large": {"zh-CN": "几何最多 {limit} 个顶点",
                                     "en": "a geometry has at most {limit} vertices"},
    "directive.geometry_empty": {"zh-CN": "几何为空、面积为零或坐标不是有限数",
                                 "en": "the geometry is empty, has no area, or has coordinates that are not finite"},
    "directive.geometry_not_lonlat": {
        "zh-CN": "坐标须为经纬度（经度 -180 至 180，纬度 -90 至 90）",
        "en": "coordinates must be lon/lat degrees (lon -180 to 180, lat -90 to 90)"},
    "directive.geometry_invalid": {"zh-CN": "几何无效（如自相交）：{reason}",
                                   "en": "the geometry is not valid (e.g. it crosses itself): {reason}"},
    "directive.geometry_outside_city": {"zh-CN": "几何不在本市辖区边界之内",
                                        "en": "the geometry does not lie inside the city's boundary"},
    "directive.forecast_unknown": {"zh-CN": "预测 {id} 不存在", "en": "there is no stored forecast {id}"},
    "directive.cell_unknown": {"zh-CN": "网格 {cell} 不是预测 {id} 标出的热点",
                               "en": "cell {cell} is not one of the cells forecast {id} flagged"},
    "directive.premises_unknown": {"zh-CN": "重点场所 {id} 不存在", "en": "there are no premises {id}"},
    "directive.incident_unknown": {"zh-CN": "警情 {id} 不存在", "en": "there is no incident {id}"},
    "directive.text_needed": {"zh-CN": "反馈内容不能为空", "en": "the report text must not be blank"},
    "directive.patrol_needs_units": {
        "zh-CN": "巡逻指令的反馈须指明执行巡逻的警力单元（在此或开始执行时指明）",
        "en": "a patrol directive's report needs the units that patrolled: name them here or when starting"},
    "directive.reason_needed": {"zh-CN": "须说明理由（至少 {n} 个字符）",
                                "en": "give a reason (at least {n} characters)"},
    "directive.no_area": {"zh-CN": "指令 {id} 没有巡逻区域或时间窗",
                          "en": "directive {id} has no area or no window (a patrol directive has both)"},
    "directive.period_not_over": {"zh-CN": "评估期到 {end} 才结束，届时再评估",
                                  "en": "the after period ends at {end}, later than now: evaluate it then"},
    "directive.no_comparison": {"zh-CN": "接收单位 {id} 没有辖区边界，无法设对照区",
                                "en": "the target's organisation unit {id} has no boundary to take a comparison "
                                      "area from"},
    "cli.directives_swept": {"zh-CN": "指令超期检查完成", "en": "directives swept"},
    "cli.directives_overdue": {"zh-CN": "超期指令", "en": "overdue directives"},
    "directive.comparison_empty": {"zh-CN": "巡逻区域覆盖了整个辖区，没有对照区",
                                   "en": "the area covers the target's whole jurisdiction: no comparison area is left"},
    # log-in and sessions
    "auth.log_in_first": {"zh-CN": "请先登录：在请求头中发送 POST /api/v1/auth/token 取得的 "
                                   "'Authorization: Bearer <令牌>'",
                          "en": "log in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/token"},
    "auth.log_in_first_stream": {"zh-CN": "请先登录：传入 ?access_token=<令牌> 或 Authorization 请求头",
                                 "en": "log in first: pass ?access_token=<token> or an Authorization header"},
    "auth.account_gone": {"zh-CN": "此令牌对应的账户已不存在或已停用",
                          "en": "the account behind this token no longer exists or is disabled"},
    "auth.session_ended": {"zh-CN": "此会话已结束（密码或角色已变更，或会话已被撤销）：请重新登录",
                           "en": "this session was ended (a new password, a new role, or its sessions were revoked): "
                                 "log in again"},
    "auth.enrol_first": {"zh-CN": "请先为此账户设置动态验证码（POST /api/v1/auth/mfa/enrol 与 /confirm），然后重新登录",
                         "en": "set up the second factor of this account first (POST /api/v1/auth/mfa/enrol and "
                               "/confirm), then log in again"},
    "auth.too_many": {"zh-CN": "此账户或此地址登录失败次数过多：请等待 {wait} 秒后再试",
                      "en": "too many failed log-ins for this account or from this address: wait {wait} s before "
                            "trying again"},
    "auth.mfa_already": {"zh-CN": "此账户已设置动态验证码；如设备丢失，可由管理员重置",
                         "en": "this account has a second factor already; an admin can reset it if the device is lost"},
    "auth.enrol_not_started": {"zh-CN": "请先开始设置：POST /api/v1/auth/mfa/enrol",
                               "en": "start the enrolment first: POST /api/v1/auth/mfa/enrol"},
    "auth.code_mismatch": {"zh-CN": "验证码与新密钥不符；请检查验证器应用的时钟并输入下一个验证码",
                           "en": "it does not match the new secret; check the authenticator app's clock and try the "
                                 "next code"},
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


SAID_SEPARATOR = " / "
"""Between the Chinese and the English of a text said in both (:meth:`Texts.said`)."""


def halves(said: str) -> tuple[str, str] | None:
    """Return the (Chinese, English) halves of a text said in both (``"中文 / English"``), or ``None``."""
    zh, separator, en = said.partition(SAID_SEPARATOR)
    return (zh, en) if separator else None


@dataclass(frozen=True)
class Texts:
    """A table of bilingual texts, ``{key: {"zh-CN": ..., "en": ...}}``, and the ways to say one of them.

    Each domain's ``messages`` module builds one over its table and exports its methods
    (``said = Texts(MESSAGES).said``), so every domain says its texts the same way.
    """

    table: Mapping[str, Mapping[str, str]]

    def text(self, key: str, language: str, **values: Any) -> str:
        """Return the text of ``key`` in ``language`` (``"en"``, else zh-CN), filled with ``values``."""
        return self.table[key]["en" if language == "en" else "zh-CN"].format(**values)

    def said(self, key: str, **values: Any) -> str:
        """Return the text of ``key`` in Chinese and English (``"中文 / English"``), filled with ``values``."""
        return f"{self.text(key, 'zh-CN', **values)}{SAID_SEPARATOR}{self.text(key, 'en', **values)}"

    def field_error(self, field: str, key: str, **values: Any) -> ValidationError:
        """Return the ValidationError for the request field ``field``: its message starts with the field's name."""
        return ValidationError(f"{field}: {self.said(key, **values)}", field=field)


#: the texts of :data:`MESSAGES` (the platform's own, and those of the domains kept here)
texts = Texts(MESSAGES)

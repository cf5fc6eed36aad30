"""The bilingual texts of the cases' errors, events and explanations (zh-CN first, then English)."""

from __future__ import annotations

from typing import Any

from precinct.core.errors import ValidationError

MESSAGES: dict[str, dict[str, str]] = {
    # errors
    "case.not_found": {"zh-CN": "案件 {id} 不存在", "en": "case {id} does not exist"},
    "case.move_refused": {"zh-CN": "{kind} 案件处于 {status} 状态，不能 {move}；可以：{allowed}",
                          "en": "a {kind} case in state {status} cannot {move}; allowed: {allowed}"},
    "case.move_refused_final": {"zh-CN": "案件已处于终结状态 {status}，不能再 {move}",
                                "en": "the case is in the final state {status}; it cannot {move}"},
    "case.not_your_case": {"zh-CN": "案件 {id} 不由您的办案组或您本人承办",
                           "en": "case {id} is not worked by your team or led by you"},
    "case.number_taken": {"zh-CN": "案件编号 {number} 已存在", "en": "case number {number} already exists"},
    "case.number_pattern": {"zh-CN": "案件编号规则 {pattern} 无效：{problem}",
                            "en": "the case number pattern {pattern} is invalid: {problem}"},
    "case.type_unknown": {"zh-CN": "案件类别 {code} 不存在或已停用",
                          "en": "case type {code} does not exist or is retired"},
    "case.type_kind": {"zh-CN": "案件类别 {code} 属于 {type_kind}，与案件种类 {kind} 不符",
                       "en": "case type {code} is for {type_kind} cases, not {kind}"},
    "case.station_unknown": {"zh-CN": "派出所 {id} 不存在或不在您的管辖范围内",
                             "en": "station {id} does not exist or lies outside your scope"},
    "case.station_needed": {"zh-CN": "请指定主办派出所或关联一起警情",
                            "en": "name the owning station or link an incident"},
    "case.incident_unknown": {"zh-CN": "警情 {id} 不存在或不在您的管辖范围内",
                              "en": "incident {id} does not exist or lies outside your scope"},
    "case.incident_linked": {"zh-CN": "警情 {id} 已关联本案", "en": "incident {id} is already linked to this case"},
    "case.team_unknown": {"zh-CN": "办案组（警力单元）{id} 不存在或不属于主办派出所",
                          "en": "team (unit) {id} does not exist or does not belong to the owning station"},
    "case.team_not_yours": {"zh-CN": "民警只能把案件交给本人所在的办案组",
                            "en": "an officer may give a case to their own team only"},
    "case.reason_needed": {"zh-CN": "请说明理由（至少 {n} 个字）", "en": "give a reason (at least {n} characters)"},
    "case.review_pending": {"zh-CN": "案件 {id} 已有待审核的决定（审核 {review}）",
                            "en": "case {id} already has a decision waiting for review (review {review})"},
    "case.review_not_found": {"zh-CN": "审核 {id} 不存在", "en": "review {id} does not exist"},
    "case.review_decided": {"zh-CN": "审核 {id} 已经处理（{status}）",
                            "en": "review {id} is already decided ({status})"},
    "case.own_review": {"zh-CN": "不能审批自己提交的决定",
                        "en": "you cannot approve or return a decision you submitted"},
    "case.cleared_twice": {"zh-CN": "案件 {id} 已于 {at} 破案", "en": "case {id} was already cleared at {at}"},
    "case.clear_refused": {"zh-CN": "只有侦查中的刑事案件可以标记破案",
                           "en": "only a criminal case under investigation can be marked cleared"},
    "case.at_future": {"zh-CN": "时间不能晚于现在", "en": "the time cannot be in the future"},
    "case.at_too_old": {"zh-CN": "时间不能早于案件受理时间", "en": "the time cannot be before the case was received"},
    "case.milestone_kind": {"zh-CN": "{kind} 不适用于 {case_kind} 案件",
                            "en": "{kind} does not apply to a {case_kind} case"},
    "case.party_unknown": {"zh-CN": "当事人 {id} 不属于本案", "en": "party {id} does not belong to this case"},
    "case.final": {"zh-CN": "案件 {id} 已终结（{status}）", "en": "case {id} is final ({status})"},
    "case.task_not_found": {"zh-CN": "任务 {id} 不存在", "en": "task {id} does not exist"},
    "case.task_done": {"zh-CN": "任务 {id} 已是 {status}", "en": "task {id} is already {status}"},
    "case.assignee_unknown": {"zh-CN": "账号 {name} 不存在或不在本案的管辖范围内",
                              "en": "account {name} does not exist or lies outside the case's scope"},
    "case.due_past": {"zh-CN": "期限不能早于现在", "en": "the due date cannot be in the past"},
    "case.suggestion_not_found": {"zh-CN": "串并建议 {id} 不存在", "en": "suggestion {id} does not exist"},
    "case.suggestion_decided": {"zh-CN": "串并建议 {id} 已处理（{status}）",
                                "en": "suggestion {id} is already decided ({status})"},
    "case.no_incidents": {"zh-CN": "本案尚未关联警情，无法给出串并建议",
                          "en": "the case has no linked incident to look for similar ones from"},
    # deadlines
    "case.deadline_not_found": {"zh-CN": "期限 {id} 不存在", "en": "deadline {id} does not exist"},
    "case.deadline_ended": {"zh-CN": "期限 {id} 已结束", "en": "deadline {id} has ended"},
    "case.not_extendable": {"zh-CN": "{rule} 不能延长", "en": "{rule} cannot be extended"},
    "case.extension_beyond": {"zh-CN": "最多可延长至 {max} {unit}", "en": "it can be extended to {max} {unit} at most"},
    "case.extension_not_longer": {"zh-CN": "延长后的期限须长于现在的 {now} {unit}",
                                  "en": "the extension must be longer than the present {now} {unit}"},
    "case.extension_tier": {"zh-CN": "延长至 {to} {unit} 须由{tier}负责人批准，您所在单位层级不够",
                            "en": "an extension to {to} {unit} needs the approval of a {tier_en} supervisor; "
                                  "your unit's tier is too low"},
    "case.pause_overlap": {"zh-CN": "与已有的中止期间 {id}（{start} 起）重叠",
                           "en": "overlaps the pause {id} (from {start})"},
    "case.pause_order": {"zh-CN": "结束时间须晚于开始时间", "en": "the end must be after the start"},
    "case.pause_not_found": {"zh-CN": "中止期间 {id} 不存在", "en": "pause {id} does not exist"},
    "case.pause_ended": {"zh-CN": "中止期间 {id} 已结束", "en": "pause {id} has already ended"},
    "case.rule_unknown": {"zh-CN": "规则 {code} 不存在", "en": "rule {code} does not exist"},
    # documents
    "case.document_too_large": {"zh-CN": "文件大于 {limit_mib} MiB 的上限",
                                "en": "the file is over the {limit_mib} MiB limit"},
    "case.document_empty": {"zh-CN": "文件为空", "en": "the file is empty"},
    "case.document_type": {"zh-CN": "不接受的文件类型（允许：{allowed}）",
                           "en": "a file of a refused type (allowed: {allowed})"},
    "case.document_mismatch": {"zh-CN": "文件内容不是 {declared}（检测为 {found}）",
                               "en": "the file's content is not {declared} (it reads as {found})"},
    "case.document_not_found": {"zh-CN": "文书 {id} 不存在", "en": "document {id} does not exist"},
    "case.document_tampered": {"zh-CN": "文书 {id} 的存储文件与登记的 SHA-256 不符，已拒绝下载，请报告系统管理员",
                               "en": "the stored file of document {id} does not match its recorded SHA-256; the "
                                     "download is refused: report it to the administrator"},
    "case.document_missing": {"zh-CN": "文书 {id} 的存储文件缺失", "en": "the stored file of document {id} is missing"},
    # custody
    "case.item_not_found": {"zh-CN": "涉案财物 {id} 不存在", "en": "item {id} does not exist"},
    "case.label_taken": {"zh-CN": "标签编号 {label} 已登记", "en": "label number {label} is already registered"},
    "case.custody_refused": {"zh-CN": "财物处于 {status} 状态，不能 {action}；可以：{allowed}",
                             "en": "an item {status} cannot be {action}; allowed: {allowed}"},
    "case.to_whom_needed": {"zh-CN": "出库须写明交给谁", "en": "say to whom the item goes out"},
    "case.location_needed": {"zh-CN": "须写明存放位置", "en": "say where the item is stored"},
    "case.disposal_pending": {"zh-CN": "财物 {id} 已有待审批的处置申请",
                              "en": "item {id} already has a disposal waiting"},
    "case.disposal_not_found": {"zh-CN": "处置申请 {id} 不存在", "en": "disposal request {id} does not exist"},
    "case.disposal_decided": {"zh-CN": "处置申请 {id} 已处理", "en": "disposal request {id} is already decided"},
    "case.own_disposal": {"zh-CN": "不能审批自己提出的处置申请", "en": "you cannot decide a disposal you requested"},
    "case.item_out": {"zh-CN": "财物 {id} 已出库，须先归还再处置", "en": "item {id} is out; return it before disposal"},
    # explanations of a computed deadline
    "case.step.start": {"zh-CN": "起算：{at}", "en": "starts: {at}"},
    "case.step.extended": {"zh-CN": "经批准由 {from} 延长至 {to} {unit}",
                           "en": "extended with approval from {from} to {to} {unit}"},
    "case.step.count": {"zh-CN": "计 {n} {unit}（起算日不计入），最后一日 {last_day}",
                        "en": "{n} {unit} (the starting day not counted), last day {last_day}"},
    "case.step.count_hours": {"zh-CN": "计 {n} 小时，至 {at}", "en": "{n} hours, to {at}"},
    "case.step.rolled": {"zh-CN": "最后一日 {from_day} 为节假日，顺延至 {to_day}",
                         "en": "the last day {from_day} is a rest day: moved to {to_day}"},
    "case.step.paused": {"zh-CN": "{kind} 期间 {from} 至 {to} 不计入（{hours} 小时），顺延至 {at}",
                         "en": "the {kind} from {from} to {to} does not count ({hours} h): now {at}"},
    "case.step.paused_open": {"zh-CN": "{kind} 自 {since} 起中止计时，期限暂停",
                              "en": "the clock stands since {since} ({kind}): no deadline until it ends"},
    "case.step.due": {"zh-CN": "期满：{at}（{warn_at} 起提醒）", "en": "due: {at} (reminders from {warn_at})"},
    # the sweep
    "case.reminder": {"zh-CN": "案件 {number}：{rule} 将于 {at} 期满", "en": "case {number}: {rule} is due at {at}"},
    "case.breached": {"zh-CN": "案件 {number}：{rule} 已超期", "en": "case {number}: {rule} is overdue"},
}


def text(key: str, language: str, **values: Any) -> str:
    """Return the text of ``key`` in ``language`` (``"zh-CN"`` or ``"en"``), filled with ``values``."""
    return MESSAGES[key]["en" if language == "en" else "zh-CN"].format(**values)


def said(key: str, **values: Any) -> str:
    """Return the text of ``key`` in Chinese and English (``"中文 / English"``), filled with ``values``."""
    return f"{text(key, 'zh-CN', **values)} / {text(key, 'en', **values)}"


def field_error(field: str, key: str, **values: Any) -> ValidationError:
    """Return the ValidationError for the request field ``field``: its message starts with the field's name."""
    return ValidationError(f"{field}: {said(key, **values)}")

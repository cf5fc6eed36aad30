"""The bilingual texts of running notes, field edits and clearing a unit (中文 / English)."""

from __future__ import annotations

from precinct.core.i18n import Texts

TEXTS: dict[str, dict[str, str]] = {
    "note.blank": {"zh-CN": "备注内容不能为空", "en": "the note must not be blank"},
    "edit.nothing": {"zh-CN": "没有要修改的字段：请给出 type_code、priority、address 或 description 中的至少一项",
                     "en": "nothing to change: give at least one of type_code, priority, address, description"},
    "edit.final": {"zh-CN": "警情 {id} 已{status}，不能再修改；如需修改请先重新打开",
                   "en": "incident {id} is {status} and can no longer be edited; reopen it first"},
    "edit.type_unknown": {"zh-CN": "警情类型 {code} 不存在或已停用",
                          "en": "incident type {code} does not exist or is no longer in use"},
    "clear.last_on_scene": {
        "zh-CN": "{unit} 是警情 {id} 现场唯一的警力，恢复空闲会使警情无人处置：请同时给出处置结果 "
                 "disposition 和反馈 note 以结案，或先经 POST /incidents/{id}/transitions 结案，或先增派其他警力",
        "en": "{unit} is the last unit on scene of incident {id}; clearing it would leave the incident open without a "
              "unit: send a disposition and a feedback note with this report to close it, close it first with POST "
              "/incidents/{id}/transitions, or have another unit assigned"},
    "incident.not_found": {"zh-CN": "警情 {id} 不存在", "en": "incident {id} does not exist"},
    "incident.type_unknown": {"zh-CN": "警情类型 {code!r} 不在警情类型表中；见 GET /api/v1/incident-types",
                              "en": "type_code {code!r} is not in the incident type list; see GET "
                                    "/api/v1/incident-types"},
    "incident.external_taken": {"zh-CN": "外部编号 {external_id!r} 的警情已存在",
                                "en": "an incident with external_id {external_id!r} already exists"},
    "incident.call_taker_source": {"zh-CN": "接警员登记报警人所报的警情：来源 officer_initiated 用于民警自行发现的警情",
                                   "en": "a call taker files what callers report: source officer_initiated is for the "
                                         "incidents officers find themselves"},
    "incident.officer_source": {"zh-CN": "巡逻民警登记自行发现的警情：来源请用 officer_initiated",
                                "en": "a patrol officer files the incidents they find themselves: use source "
                                      "officer_initiated"},
    "clear.no_incident": {
        "zh-CN": "{unit} 当前没有处置中的警情，处置结果只能在恢复空闲并结案时给出",
        "en": "{unit} is on no incident; a disposition is given only when clearing and closing one"},
}


_texts = Texts(TEXTS)
said = _texts.said
field_error = _texts.field_error

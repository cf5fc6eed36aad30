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
}


_texts = Texts(TEXTS)
said = _texts.said
field_error = _texts.field_error

"""The bilingual texts of dispatch's plans and duty levels (zh-CN first, then English)."""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "plans.not_a_district": {"zh-CN": "{id} 不是分局（组织单位须为分局一级）",
                             "en": "{id} does not name a district branch"},
    "plans.citywide_plan": {"zh-CN": "全市通用预案只能由市局保存：请指定本分局",
                            "en": "the city-wide plan is saved by the city bureau: name your district branch"},
    "plans.district_outside_scope": {
        "zh-CN": "分局 {id} 不在你的管辖范围内：其预案只能由该分局或市局保存",
        "en": "district branch {id} lies outside your scope: its plans are saved by the branch itself or the "
              "city bureau"},
    "duty_level.district_outside_scope": {
        "zh-CN": "分局 {id} 不在你的管辖范围内：勤务等级只能由该分局或市局设定",
        "en": "district branch {id} lies outside your scope: its duty level is set by the branch itself or the "
              "city bureau"},
}

_texts = Texts(MESSAGES)
said = _texts.said
field_error = _texts.field_error

"""The bilingual texts of the units' errors (zh-CN first, then English)."""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "unit.station_not_a_station": {"zh-CN": "{id} 不是派出所：警力单元的所属单位须为派出所",
                                   "en": "{id} is not a police station: a unit's home station must be one"},
    "unit.station_outside_scope": {
        "zh-CN": "派出所 {id} 不在你的管辖范围内（你所在单位及其下级），只能在本辖区的派出所登记警力单元",
        "en": "station {id} lies outside your scope (your organisation unit and the units below it): register "
              "units at the stations of your scope"},
    "unit.station_needed": {"zh-CN": "请指定本辖区内的所属派出所（只有市局账户可登记不属于派出所的警力单元）",
                            "en": "name a home station of your scope (only city accounts register units without "
                                  "one)"},
    "unit.not_found": {"zh-CN": "警力单元 {id} 不存在", "en": "unit {id} does not exist"},
    "unit.not_yours": {"zh-CN": "警力单元 {id} 不是你的：巡逻民警只能报告本人账户所在的警力单元{none_zh}",
                       "en": "unit {id} is not yours: a patrol officer reports for the unit their account crews"
                             "{none_en}"},
    "unit.starts_busy": {"zh-CN": "新登记的警力单元只能是空闲、下班或停用状态",
                         "en": "a new unit starts available, off duty or out of service"},
    "unit.call_sign_taken": {"zh-CN": "呼号 {call_sign!r} 已被使用", "en": "call sign {call_sign!r} is already in use"},
    "unit.bad_position": {"zh-CN": "经度须在 [-180, 180] 之间，纬度须在 [-90, 90] 之间",
                          "en": "lon must be within [-180, 180] and lat within [-90, 90]"},
    "unit.position_in_future": {"zh-CN": "位置时间 {at} 晚于当前时间，请检查设备时钟",
                                "en": "position time {at} lies in the future; check the device's clock"},
    "unit.unknown_in_batch": {"zh-CN": "未知的警力单元编号 {ids}；本批位置均未记录",
                              "en": "unknown unit_id(s) {ids}; nothing in this batch was recorded"},
    "unit.bad_move": {"zh-CN": "警力单元 {call_sign} 不能从“{current_zh}”变为“{target_zh}”；可变为：{allowed_zh}",
                      "en": "unit {call_sign} cannot go from {current} to {target}; allowed: {allowed}"},
}

#: the units' statuses in Chinese, as the console names them
STATUS_ZH = {"available": "空闲", "dispatched": "已派", "en_route": "在途", "on_scene": "到场", "off_duty": "下班",
             "out_of_service": "停用"}

_texts = Texts(MESSAGES)
said = _texts.said
field_error = _texts.field_error

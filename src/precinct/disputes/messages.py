"""The bilingual texts of disputes and repeat-place operations (``"中文 / English"``; field errors lead with it)."""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "dispute.not_found": {"zh-CN": "纠纷 {id} 不存在", "en": "dispute {id} does not exist"},
    "dispute.place_needed": {"zh-CN": "必须给出纠纷发生地点（地址和位置）",
                             "en": "a dispute needs its place: an address text and a position (lon, lat)"},
    "place.outside_city": {"zh-CN": "地点 ({lon:.6f}, {lat:.6f}) 不在本市任何分局辖区内",
                           "en": "the place ({lon:.6f}, {lat:.6f}) lies outside every district of the city"},
    "place.outside_scope": {"zh-CN": "地点 ({lon:.6f}, {lat:.6f}) 不在你的辖区内",
                            "en": "the place ({lon:.6f}, {lat:.6f}) lies outside your area"},
    "dispute.incident_unknown": {"zh-CN": "警情 {id} 不存在", "en": "incident {id} does not exist"},
    "dispute.premises_unknown": {"zh-CN": "重点场所 {id} 不存在", "en": "premises {id} do not exist"},
    "dispute.source_incident": {"zh-CN": "来源为警情时必须给出警情编号",
                                "en": "a dispute from a call names its incident_id"},
    "dispute.source_place": {"zh-CN": "来源为重复报警地点时必须给出地点编号",
                             "en": "a dispute from a repeat-call place names its place_key"},
    "dispute.not_your_case": {"zh-CN": "纠纷 {id} 由所在地派出所办理，你只能查看",
                              "en": "dispute {id} is handled by the station of its place: you may read it only"},
    "dispute.move_refused": {"zh-CN": "纠纷状态为 {status}，不能{move}；可执行：{allowed}",
                             "en": "the dispute is {status}: cannot {move}; allowed: {allowed}"},
    "dispute.move_refused_final": {"zh-CN": "纠纷已{status}，不能再{move}",
                                   "en": "the dispute is {status}: no {move} any more"},
    "dispute.future": {"zh-CN": "时间不能晚于现在", "en": "must not lie in the future"},
    "dispute.follow_up_past": {"zh-CN": "回访日期不能早于今天", "en": "the follow-up date must not lie in the past"},
    "dispute.reason_needed": {"zh-CN": "请说明读取当事人信息的原因（至少 {n} 个字），原因与用途一并写入审计日志",
                              "en": "say in a few words why you read the parties (at least {n} characters); it is "
                                    "written to the audit log with the purpose"},
    "dispute.not_agreed": {"zh-CN": "纠纷 {id} 尚未达成协议，无法评估协议前后的警情",
                           "en": "dispute {id} has no agreement yet: there is no before and after to compare"},
    "effect.period_not_over": {"zh-CN": "评估期到 {end} 才结束", "en": "the after period only ends at {end}"},
    "effect.no_station": {"zh-CN": "地点不属于任何派出所，无法设对照区",
                          "en": "the place lies in no station: there is no comparison area"},
    "operation.not_found": {"zh-CN": "拔钉行动 {id} 不存在", "en": "operation {id} does not exist"},
    "operation.already_open": {"zh-CN": "地点 {place} 已有进行中的拔钉行动 {id}",
                               "en": "place {place} already has an open operation ({id})"},
    "operation.owner_unknown": {"zh-CN": "责任单位 {id} 不存在或不在你的辖区",
                                "en": "owner unit {id} does not exist or lies outside your scope"},
    "operation.not_owner": {"zh-CN": "只有责任单位或发起人可以处理拔钉行动 {id}",
                            "en": "only the owner unit or the opener may work on operation {id}"},
    "operation.closed": {"zh-CN": "拔钉行动 {id} 已结束", "en": "operation {id} is closed"},
    "operation.ref_unknown": {"zh-CN": "{kind} {id} 不存在或不在你的辖区",
                              "en": "{kind} {id} does not exist or lies outside your scope"},
    "operation.too_short": {"zh-CN": "行动开展不足 {days} 天，无法评估",
                            "en": "the operation ran less than {days} days: too short to evaluate"},
    "operation.review_past": {"zh-CN": "复核日期不能早于今天", "en": "the review date must not lie in the past"},
    "operation.no_comparison": {"zh-CN": "没有可比较的地点", "en": "no comparable places were found"},
}


_texts = Texts(MESSAGES)
said = _texts.said
field_error = _texts.field_error

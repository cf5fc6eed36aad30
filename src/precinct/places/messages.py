"""The bilingual texts of the places domain's errors (premises, inspections, hazards, the beat log).

Each text reads ``"中文 / English"``; a field error starts with the name of the field it refuses.
"""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "premises.not_found": {"zh-CN": "重点场所 {id} 不存在", "en": "premises {id} do not exist"},
    "premises.outside_city": {"zh-CN": "位置 ({lon}, {lat}) 不在本市任何分局辖区内",
                              "en": "({lon}, {lat}) lies outside every district of the city"},
    "premises.outside_scope": {"zh-CN": "位置不在你的辖区内", "en": "the position lies outside your scope"},
    "premises.name_empty": {"zh-CN": "名称不能为空", "en": "must not be empty"},
    "premises.closed": {"zh-CN": "重点场所 {id} 已注销，不能{what}",
                        "en": "premises {id} are closed: cannot {what}"},
    "premises.closed_no_reinspection": {"zh-CN": "重点场所 {id} 已注销，其隐患不能复查；请先恢复该场所",
                                        "en": "premises {id} are closed: their hazards take no re-inspection; "
                                              "reopen the premises first"},
    "premises.already_closed": {"zh-CN": "重点场所 {id} 已注销", "en": "premises {id} are already closed"},
    "premises.not_closed": {"zh-CN": "重点场所 {id} 未注销", "en": "premises {id} are not closed"},
    "premises.reason_needed": {"zh-CN": "请说明原因（至少 {n} 个字）", "en": "give a reason (at least {n} characters)"},
    "premises.nothing_changed": {"zh-CN": "没有要修改的字段", "en": "name at least one field to change"},
    "premises.hazards_open": {"zh-CN": "重点场所 {id} 还有未销号的隐患：{hazards}；请先复查整改并销号，再注销场所",
                              "en": "premises {id} still have hazards that are not closed: {hazards}; re-inspect "
                                    "and close them before closing the premises"},
    "station.not_found": {"zh-CN": "派出所 {id} 不存在", "en": "station {id} does not exist"},
    "import.not_utf8": {"zh-CN": "文件不是 UTF-8 编码", "en": "the file is not UTF-8 text"},
    "import.missing_columns": {"zh-CN": "缺少列：{columns}", "en": "missing columns: {columns}"},
    "import.bad_geojson": {"zh-CN": "不是 GeoJSON FeatureCollection：{why}",
                           "en": "not a GeoJSON FeatureCollection: {why}"},
    "import.too_many_rows": {"zh-CN": "一次最多导入 {n} 行", "en": "at most {n} rows in one import"},
    "import.unknown_format": {"zh-CN": "未知格式 {name}：请用 .csv 或 .geojson",
                              "en": "unknown format {name}: use .csv or .geojson"},
    "import.unreadable": {"zh-CN": "第 {line} 行无法读取：{why}", "en": "line {line} cannot be read: {why}"},
    "import.extra_fields": {"zh-CN": "该行有 {n} 个字段，表头只有 {columns} 列",
                            "en": "the row has {n} fields, the header only {columns} columns"},
    "import.not_feature": {"zh-CN": "不是 Feature 对象", "en": "not a Feature object"},
    "import.needs_point": {"zh-CN": "需要 Point 几何", "en": "needs a Point"},
    "import.needs_coordinates": {"zh-CN": "需要 [经度, 纬度]", "en": "needs [lon, lat]"},
    "import.not_number": {"zh-CN": "{value} 不是数字", "en": "{value} is not a number"},
    "import.out_of_range": {"zh-CN": "须是 {low} 到 {high} 之间的数",
                            "en": "must be a number between {low} and {high}"},
    "import.too_long": {"zh-CN": "最多 {n} 个字符，不含 NUL", "en": "at most {n} characters, no NUL"},
    "import.unknown_value": {"zh-CN": "{value} 不是以下之一：{allowed}", "en": "{value} is not one of {allowed}"},
    "import.already_there": {"zh-CN": "同名同位置的重点场所 {id} 已登记，跳过",
                             "en": "premises {id} with this name at this point are registered already: skipped"},
    "checklist.city_only": {"zh-CN": "检查表是全市统一的，只能由市局的账户修改",
                            "en": "the checklists are the city's: only an account of the city bureau may change them"},
    "schedule.city_only": {"zh-CN": "检查周期是全市统一的，只能由市局的账户设置",
                           "en": "the inspection schedule is the city's: only an account of the city bureau "
                                 "may set it"},
    "checklist.no_template": {"zh-CN": "类别 {category} 还没有检查表",
                              "en": "category {category} has no checklist yet"},
    "checklist.items_unique": {"zh-CN": "检查项编号重复：{code}", "en": "item code {code} appears twice"},
    "inspection.item_unknown": {"zh-CN": "检查表第 {version} 版没有检查项 {code}",
                                "en": "version {version} of the checklist has no item {code}"},
    "inspection.items_missing": {"zh-CN": "缺少检查项结果：{codes}", "en": "results missing for items: {codes}"},
    "inspection.future": {"zh-CN": "检查时间不能晚于现在", "en": "must not lie in the future"},
    "inspection.not_found": {"zh-CN": "检查记录 {id} 不存在", "en": "inspection {id} does not exist"},
    "inspection.not_inspector": {"zh-CN": "只有检查人 {who} 可以给检查记录 {id} 添加附件",
                                 "en": "only the inspector {who} may attach files to inspection {id}"},
    "inspection.deadline_needed": {"zh-CN": "检查项 {code} 不合格：请给出整改期限（天）",
                                   "en": "item {code} failed: give a rectification deadline in days"},
    "attachment.too_large": {"zh-CN": "附件大于 {n} 字节", "en": "the file is larger than {n} bytes"},
    "attachment.empty": {"zh-CN": "附件为空", "en": "the file is empty"},
    "attachment.type": {"zh-CN": "只接受 JPEG、PNG 或 PDF 文件（内容与类型 {type} 不符）",
                        "en": "only JPEG, PNG or PDF files are accepted (the content does not match {type})"},
    "attachment.not_found": {"zh-CN": "附件 {id} 不存在", "en": "attachment {id} does not exist"},
    "hazard.not_found": {"zh-CN": "隐患 {id} 不存在", "en": "hazard {id} does not exist"},
    "hazard.move_refused": {"zh-CN": "隐患状态为 {status}，不能{move}；可执行：{allowed}",
                            "en": "the hazard is {status}: cannot {move}; allowed: {allowed}"},
    "hazard.move_refused_final": {"zh-CN": "隐患已销号，不能再{move}",
                                  "en": "the hazard is closed: no {move} any more"},
    "hazard.escalated": {"zh-CN": "隐患整改超期：{premises}（{item}）已超期 {late}，已通报{level}",
                         "en": "hazard overdue: {premises} ({item}), {late} past its rectification deadline; "
                               "{level} notified"},
    "hazard.deadline_past": {"zh-CN": "整改期限必须晚于现在", "en": "the rectification deadline must lie ahead"},
    "beat.not_found": {"zh-CN": "警务区 {id} 不存在", "en": "beat {id} does not exist"},
    "beat.not_your_beat": {"zh-CN": "只有警务区所属派出所的民警可以记录工作日志",
                           "en": "only the accounts of the beat's own station record its log"},
    "beat.premises_elsewhere": {"zh-CN": "重点场所 {id} 不在该警务区所属派出所辖区",
                                "en": "premises {id} do not lie in the beat's station"},
    "beat.weeks": {"zh-CN": "周数须在 1 到 {n} 之间", "en": "must be between 1 and {n}"},
}


_texts = Texts(MESSAGES)
said = _texts.said
text = _texts.text
field_error = _texts.field_error

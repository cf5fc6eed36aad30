"""The bilingual texts of the address register (中文 / English): refusals, import reports, errors."""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "address.columns_missing": {"zh-CN": "缺少必需的列：{columns}（需要 code、lon、lat，以及 text 或 road）",
                                "en": "required columns missing: {columns} (code, lon, lat, and text or road)"},
    "address.columns_unknown": {"zh-CN": "未知的列：{columns}；可用的列：{known}",
                                "en": "unknown columns: {columns}; the columns are: {known}"},
    "address.file_empty": {"zh-CN": "文件为空（没有表头）", "en": "the file is empty (no header)"},
    "address.file_unreadable": {"zh-CN": "无法读取文件：{detail}", "en": "cannot read the file: {detail}"},
    "address.code_missing": {"zh-CN": "缺少地址编码 code", "en": "code is missing"},
    "address.too_long": {"zh-CN": "{field} 超过 {max} 个字符", "en": "{field} is longer than {max} characters"},
    "address.text_missing": {"zh-CN": "缺少地址文本（text 或 road）", "en": "no address text (text or road)"},
    "address.not_a_number": {"zh-CN": "{field} 不是数字：{value!r}", "en": "{field} is not a number: {value!r}"},
    "address.out_of_range": {"zh-CN": "{field} 超出范围（经度 -180..180，纬度 -90..90）",
                             "en": "{field} is out of range (lon -180..180, lat -90..90)"},
    "address.nul": {"zh-CN": "含有 NUL 字符", "en": "holds a NUL character"},
    "address.duplicate": {"zh-CN": "地址编码 {code} 重复，首次出现在 {first}",
                          "en": "code {code} appears twice; first at {first}"},
    "address.outside_city": {"zh-CN": "坐标 ({lon:.6f}, {lat:.6f}) 不在本市任何分局辖区内",
                             "en": "the point ({lon:.6f}, {lat:.6f}) lies outside every district of the city"},
    "address.osm_no_location": {"zh-CN": "没有坐标（引用的节点不在文件中）",
                                "en": "no location (its nodes are not in the file)"},
    "address.osm_unreadable": {"zh-CN": "不是可读的 OpenStreetMap 文件：{detail}",
                               "en": "not a readable OpenStreetMap file: {detail}"},
    "address.not_found": {"zh-CN": "地址 {id} 不存在", "en": "address {id} does not exist"},
    "address.centre_both": {"zh-CN": "lon 和 lat 需同时给出", "en": "give both lon and lat, or neither"},
    "address.query_empty": {"zh-CN": "请输入中文、拼音、首字母、英文或门牌号",
                            "en": "type Chinese, pinyin, initials, English or a house number"},
    "address.import_done": {"zh-CN": "地址导入完成", "en": "addresses imported"},
    "address.rows": {"zh-CN": "行", "en": "rows"},
    "address.imported": {"zh-CN": "已导入", "en": "imported"},
    "address.already_there": {"zh-CN": "已存在", "en": "already in the register"},
    "address.refused": {"zh-CN": "拒收", "en": "refused"},
    "address.interrupted": {"zh-CN": "导入被中断，未写入任何地址；请重新运行",
                            "en": "import interrupted: no address was written; run it again"},
    "address.import_running": {
        "zh-CN": "地址导入 {id} 正在进行（{by} 于 {started} UTC 开始）：请等它完成后再导入；若它已停止，"
                 "{until} UTC 之后可重新导入",
        "en": "address import {id} is running (started by {by} at {started} UTC): import again when it is done; "
              "if it has stopped, you can from {until} UTC"},
    "address.import_lost": {
        "zh-CN": "地址导入 {id} 超过 {minutes} 分钟没有进展，已被视为中断，已写入的地址已删除；请重新导入",
        "en": "address import {id} made no progress for {minutes} minutes and was taken as interrupted: what it "
              "wrote is removed; run it again"},
    "address.import_city_only": {
        "zh-CN": "标准地址库属于全市：只有市局账户可以导入或查看导入记录",
        "en": "the address register is the city's: only a city-tier account imports it or reads its imports"},
    "address.no_match": {"zh-CN": "没有匹配的地址", "en": "no matching address"},
    "address.reverse_none": {"zh-CN": "附近没有登记地址", "en": "no registered address nearby"},
}


_texts = Texts(MESSAGES)
said = _texts.said
field_error = _texts.field_error

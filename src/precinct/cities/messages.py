"""The bilingual texts of city set-up: progress steps, the summary and refusals (中文 / English)."""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "city.step.roads": {"zh-CN": "读取道路", "en": "reading the roads"},
    "city.step.extract": {"zh-CN": "读取水系、公园与派出所", "en": "reading water, parks and police stations"},
    "city.step.files": {"zh-CN": "读取辖区与派出所文件", "en": "reading the boundary and station files"},
    "city.step.plan": {"zh-CN": "划分辖区与警务区", "en": "drawing jurisdictions and beats"},
    "city.step.write": {"zh-CN": "写入道路与底图文件", "en": "writing the roads and base map files"},
    "city.step.store": {"zh-CN": "写入数据库", "en": "storing the organisation"},
    "city.done": {"zh-CN": "城市已建立", "en": "city set up"},
    "city.accounts_placed": {"zh-CN": "未指定组织单位的账户已归入市局（全市范围）：{names}",
                             "en": "accounts without an organisation unit are now at the city bureau (city-wide): "
                                   "{names}"},
    "city.summary": {
        "zh-CN": "{districts} 个分局、{stations} 个派出所、{beats} 个警务区、{units} 个警力；道路 {edges} 段，"
                 "{named} 段有路名；水系 {water} 处、公园 {parks} 处；时区 {zone}",
        "en": "{districts} districts, {stations} stations, {beats} beats, {units} units; {edges} road edges, "
              "{named} named; {water} water and {parks} park features; time zone {zone}",
    },
    "city.exists": {
        "zh-CN": "此数据库已有城市 {code}（{name}）；每个数据库只容纳一个城市，"
                 "请另用一个数据库（PRECINCT_DATABASE_URL）",
        "en": "this database already holds the city {code} ({name}); one database holds one city: use another "
              "database (PRECINCT_DATABASE_URL)",
    },
    "city.code_taken": {
        "zh-CN": "编码 {code} 已被使用；请换一个 --code",
        "en": "the code {code} is taken already; choose another --code",
    },
    "city.timezone_unknown": {
        "zh-CN": "无法从坐标判断时区；请用 --timezone 指定（如 Europe/Helsinki）",
        "en": "no time zone could be found for the city's centre; give one with --timezone (e.g. Europe/Helsinki)",
    },
    "city.none": {"zh-CN": "此数据库尚无城市档案（可用 precinct city init 建立）",
                  "en": "this database holds no city profile yet (precinct city init sets one up)"},
    "city.environment": {
        "zh-CN": "服务进程将使用此道路文件与时区，除非环境变量 PRECINCT_ROADS_FILE / PRECINCT_LOCAL_TIMEZONE 另有设置",
        "en": "a server on this database uses these roads and this time zone unless PRECINCT_ROADS_FILE / "
              "PRECINCT_LOCAL_TIMEZONE set others",
    },
}


said = Texts(MESSAGES).said

"""The bilingual texts of planning's errors over the store (zh-CN first, then English)."""

from __future__ import annotations

from precinct.core.i18n import Texts

MESSAGES: dict[str, dict[str, str]] = {
    "before_after.area_unknown": {"zh-CN": "{name}.{field} {id} 不存在或不在你的管辖范围内",
                                  "en": "{name}.{field} {id} not found (or outside your scope)"},
    "staffing.district_unknown": {"zh-CN": "分局 {id} 不存在或不在你的管辖范围内；不指定分局则按你的管辖范围计算",
                                  "en": "district {id} not found (or outside your scope); leave it out for your "
                                        "scope's calls"},
}

_texts = Texts(MESSAGES)
said = _texts.said

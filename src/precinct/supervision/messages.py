"""The bilingual texts of supervision's errors and events.

Most are kept in :data:`precinct.core.i18n.MESSAGES`; :data:`MESSAGES` holds supervision's own.
:func:`said` and :func:`text` read both.
"""

from __future__ import annotations

from precinct.core import i18n

MESSAGES: dict[str, dict[str, str]] = {
    "supervision.limits_city_only": {
        "zh-CN": "警情时限表全市统一，只能由市局的负责人修改",
        "en": "the incident time-limit table holds for the whole city: only a supervisor of the city bureau may "
              "change it"},
    "supervision.limits_stale": {
        "zh-CN": "时限表已有更新的版本（第 {latest} 版，你修改的是第 {base} 版）："
                 "请在最新版本上重新修改后保存，未保存任何改动",
        "en": "the time-limit table has a newer version ({latest}; you edited version {base}): make your changes "
              "on the latest version and save again; nothing was stored"},
}

_texts = i18n.Texts(i18n.MESSAGES | MESSAGES)
said = _texts.said
text = _texts.text

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
}

_texts = i18n.Texts(i18n.MESSAGES | MESSAGES)
said = _texts.said
text = _texts.text

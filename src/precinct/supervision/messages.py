"""The bilingual texts of supervision's errors and events (kept in :data:`precinct.core.i18n.MESSAGES`)."""

from __future__ import annotations

from typing import Any

from precinct.core.i18n import MESSAGES


def said(key: str, **values: Any) -> str:
    """Return the text of ``key`` in Chinese and English (``"中文 / English"``), filled with ``values``."""
    entry = MESSAGES[key]
    return f"{entry['zh-CN'].format(**values)} / {entry['en'].format(**values)}"


def text(key: str, language: str, **values: Any) -> str:
    """Return the text of ``key`` in ``language`` (``"zh-CN"`` or ``"en"``), filled with ``values``."""
    return MESSAGES[key][language].format(**values)

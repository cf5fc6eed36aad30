"""The bilingual texts of the directives' errors and events (kept in :data:`precinct.core.i18n.MESSAGES`)."""

from __future__ import annotations

from typing import Any

from precinct.core.errors import ValidationError
from precinct.core.i18n import MESSAGES


def said(key: str, **values: Any) -> str:
    """Return the text of ``key`` in Chinese and English (``"中文 / English"``), filled with ``values``."""
    entry = MESSAGES[key]
    return f"{entry['zh-CN'].format(**values)} / {entry['en'].format(**values)}"


def field_error(field: str, key: str, **values: Any) -> ValidationError:
    """Return the ValidationError for the request field ``field``: its message starts with the field's name."""
    return ValidationError(f"{field}: {said(key, **values)}")

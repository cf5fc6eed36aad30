"""The bilingual texts of supervision's errors and events (kept in :data:`precinct.core.i18n.MESSAGES`)."""

from __future__ import annotations

from precinct.core.i18n import texts

said = texts.said
text = texts.text

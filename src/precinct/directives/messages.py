"""The bilingual texts of the directives' errors and events (kept in :data:`precinct.core.i18n.MESSAGES`)."""

from __future__ import annotations

from precinct.core.i18n import texts

said = texts.said
field_error = texts.field_error

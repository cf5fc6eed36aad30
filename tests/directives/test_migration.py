"""Migration 0010 builds the directives' tables exactly as the models declare them, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from precinct.app import metadata
from precinct.directives import models

TABLES = {models.Directive.__tablename__, models.DirectiveUnit.__tablename__, models.DirectiveLink.__tablename__,
          models.DirectiveEvent.__tablename__}


def _table_of(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else None
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        if name in TABLES:
            return name
        if isinstance(part, str) and part in TABLES:
            return part
    return None


def test_the_migrated_tables_match_the_models(database):
    engine = database[0]
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), metadata)
    assert set(metadata.tables) >= TABLES
    assert [diff for diff in diffs if _table_of(diff) in TABLES] == []

"""repeat_place_operations: one open operation per place, held by a partial unique index

Opening an operation checked for an open one on the place and then inserted, so two requests at
once could both open one. Where that happened, the earliest stays open; each later one is closed
as a duplicate of it (result and history say so, no evaluation) before the index is built.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:30:00
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
ACTOR = "migration 0020"


def upgrade() -> None:
    conn = op.get_bind()
    duplicates = conn.execute(sa.text(
        "SELECT o.id, (SELECT min(k.id) FROM repeat_place_operations k WHERE k.place_key = o.place_key "
        "AND k.status = 'open') FROM repeat_place_operations o WHERE o.status = 'open' AND EXISTS "
        "(SELECT 1 FROM repeat_place_operations e WHERE e.place_key = o.place_key AND e.status = 'open' "
        "AND e.id < o.id)")).all()
    now = datetime.now(UTC)
    if conn.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # UTCDateTime keeps naive UTC text on SQLite
    for operation_id, kept_id in duplicates:
        result = f"重复的拔钉行动，保留行动 {kept_id} / a duplicate of operation {kept_id}, which stays open"
        conn.execute(sa.text("UPDATE repeat_place_operations SET status = 'closed', closed_at = :now, "
                             "closed_by = :actor, result = :result, version = version + 1 WHERE id = :id"),
                     {"now": now, "actor": ACTOR, "result": result, "id": operation_id})
        conn.execute(sa.text("INSERT INTO repeat_place_operation_events (operation_id, at, actor, kind, data) "
                             "VALUES (:id, :now, :actor, 'closed', :data)"),
                     {"id": operation_id, "now": now, "actor": ACTOR, "data": json.dumps({"duplicate_of": kept_id})})
    op.create_index('uq_repeat_place_operations_open_place', 'repeat_place_operations', ['place_key'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index('uq_repeat_place_operations_open_place', table_name='repeat_place_operations',
                  sqlite_where=OPEN, postgresql_where=OPEN)

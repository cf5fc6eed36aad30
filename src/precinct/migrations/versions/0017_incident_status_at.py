"""incidents: when each entered its current status (status_at)

The console's "time in status" timer read the last change of any kind (an edit, a second unit
sent); status_at changes with the status only. Existing incidents take the time of their last
status event, else their last change.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 08:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.add_column(sa.Column('status_at', precinct.core.db.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE incidents SET status_at = COALESCE("
        "(SELECT max(e.at) FROM incident_events e WHERE e.incident_id = incidents.id AND e.to_status IS NOT NULL"
        " AND (e.from_status IS NULL OR e.to_status <> e.from_status)), updated_at)")


def downgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.drop_column('status_at')

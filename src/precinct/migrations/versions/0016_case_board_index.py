"""cases: the overdue board's index (a station's open deadlines in due order)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 08:00:00

One partial index of the open deadlines by station and due time (the reminder time in it too)
takes the place of the two by station and by district branch and reminder time: the board reads
a station's most late deadlines off it in order, and a bulk recomputation has fewer to keep.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

OPEN = sa.text('ended_at IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_case_deadlines_open_station_due', ['station_id', 'due_at', 'id', 'warn_at'],
                              unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index('ix_case_deadlines_open_station', postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index('ix_case_deadlines_open_district', postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_case_deadlines_open_district', ['district_id', 'warn_at'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_case_deadlines_open_station', ['station_id', 'warn_at'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index('ix_case_deadlines_open_station_due', postgresql_where=OPEN, sqlite_where=OPEN)

"""address_imports: one running import at a time, and its lease (heartbeat_at)

A second import used to remove the rows of every import not yet complete, one still running
included. A partial unique index now lets one import only be running, and a running import
renews heartbeat_at with each batch, so that the next import removes the rows of one that was
killed only once its lease has run out. Of several imports left running (killed before this
version), all but the latest are marked interrupted; the latest's lease counts from its start.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    with op.batch_alter_table('address_imports') as batch:
        batch.add_column(sa.Column('heartbeat_at', precinct.core.db.UTCDateTime(), nullable=True))
    op.execute("UPDATE address_imports SET heartbeat_at = COALESCE(finished_at, started_at)")
    op.execute("UPDATE address_imports SET status = 'interrupted', finished_at = heartbeat_at "
               "WHERE status = 'running' AND id < (SELECT max(id) FROM address_imports WHERE status = 'running')")
    op.create_index('uq_address_imports_one_running', 'address_imports', ['status'], unique=True,
                    sqlite_where=RUNNING, postgresql_where=RUNNING)


def downgrade() -> None:
    op.drop_index('uq_address_imports_one_running', table_name='address_imports',
                  sqlite_where=RUNNING, postgresql_where=RUNNING)
    with op.batch_alter_table('address_imports') as batch:
        batch.drop_column('heartbeat_at')

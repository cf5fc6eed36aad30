"""incidents.drill_run_id for drill calls injected before the column existed

Drill calls injected before revision 0005 are marked only in ``extra["drill_run_id"]``. Copy that
into the column, so that every query that leaves drills out of demand (forecasts, planning,
staffing, the simulator) finds them by the column alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 01:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    incidents = sa.table('incidents', sa.column('id', sa.Integer), sa.column('drill_run_id', sa.Integer),
                         sa.column('extra', sa.JSON))
    runs = {run_id for (run_id,) in conn.execute(sa.text('SELECT id FROM drill_runs'))}
    if not runs:
        return
    marked = []
    for incident_id, extra in conn.execute(sa.select(incidents.c.id, incidents.c.extra).where(
            incidents.c.drill_run_id.is_(None), incidents.c.extra.is_not(None))):
        if isinstance(extra, str):
            extra = json.loads(extra)
        run_id = (extra or {}).get('drill_run_id') if isinstance(extra, dict) else None
        if run_id in runs:
            marked.append({'incident_id': incident_id, 'run_id': run_id})
    if marked:
        conn.execute(incidents.update().where(incidents.c.id == sa.bindparam('incident_id'))
                     .values(drill_run_id=sa.bindparam('run_id')), marked)


def downgrade() -> None:
    pass  # the column keeps its values; 0005's downgrade drops it

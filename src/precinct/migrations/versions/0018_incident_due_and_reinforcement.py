"""incidents: the open stage's deadline (due_stage, due_at, due_warn_at) and the reinforcing stations

The console counted a call's time limit from rules it re-derived (from the reception, from the
last status); it now reads the deadline the server stored when the stage began. A station whose
unit reinforces a call of another station sees it on the API; the live stream and the station
view now find it by reinforcing_station_ids. Existing incidents take the deadline of their open
dispatch, arrival or handling stage, and the home stations (other than their own) of every unit
ever sent to them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

_OPEN_STAGE = ("FROM incident_deadlines d WHERE d.incident_id = incidents.id AND d.ended_at IS NULL "
               "AND d.stage IN ('dispatch', 'arrival', 'handling')")


def upgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.add_column(sa.Column('due_stage', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('due_at', precinct.core.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('due_warn_at', precinct.core.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('reinforcing_station_ids', sa.JSON(), nullable=True))
    latest = f"{_OPEN_STAGE} ORDER BY d.id DESC LIMIT 1"
    op.execute(f"UPDATE incidents SET due_stage = (SELECT d.stage {latest}), due_at = (SELECT d.deadline_at {latest}), "
               f"due_warn_at = (SELECT d.warn_at {latest}) WHERE EXISTS (SELECT 1 {_OPEN_STAGE})")
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT DISTINCT a.incident_id, u.home_station_id FROM assignments a JOIN units u ON u.id = a.unit_id "
        "JOIN incidents i ON i.id = a.incident_id WHERE u.home_station_id IS NOT NULL "
        "AND (i.station_id IS NULL OR u.home_station_id <> i.station_id)")).all()
    stations: dict[int, set[int]] = defaultdict(set)
    for incident_id, station_id in rows:
        stations[incident_id].add(station_id)
    if stations:
        incidents = sa.table('incidents', sa.column('id', sa.Integer), sa.column('reinforcing_station_ids', sa.JSON))
        bind.execute(sa.update(incidents).where(incidents.c.id == sa.bindparam('incident_id'))
                     .values(reinforcing_station_ids=sa.bindparam('station_ids')),
                     [{"incident_id": i, "station_ids": sorted(s)} for i, s in sorted(stations.items())])


def downgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.drop_column('reinforcing_station_ids')
        batch.drop_column('due_warn_at')
        batch.drop_column('due_at')
        batch.drop_column('due_stage')

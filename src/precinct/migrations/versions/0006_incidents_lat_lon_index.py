"""incidents (lat, lon) index for bounding-box searches

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 21:40:00
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_incidents_lat_lon', 'incidents', ['lat', 'lon'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_incidents_lat_lon', table_name='incidents')

"""cities: the city's own settings (centre, bounds, time zone) and its sources

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('city_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('centre_lon', sa.Float(), nullable=False),
    sa.Column('centre_lat', sa.Float(), nullable=False),
    sa.Column('west', sa.Float(), nullable=False),
    sa.Column('south', sa.Float(), nullable=False),
    sa.Column('east', sa.Float(), nullable=False),
    sa.Column('north', sa.Float(), nullable=False),
    sa.Column('local_timezone', sa.String(length=64), nullable=False),
    sa.Column('projected_crs', sa.String(length=32), nullable=False),
    sa.Column('roads_file', sa.String(length=1024), nullable=False),
    sa.Column('basemap_file', sa.String(length=1024), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_city_profiles_org_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_city_profiles')),
    sa.UniqueConstraint('code', name=op.f('uq_city_profiles_code')),
    sa.UniqueConstraint('org_unit_id', name=op.f('uq_city_profiles_org_unit_id'))
    )


def downgrade() -> None:
    op.drop_table('city_profiles')

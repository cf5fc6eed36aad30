"""addresses: the standard address register

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('address_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('csv', 'osm', 'demo', name='importkind', native_enum=False, length=16), nullable=False),
    sa.Column('source_name', sa.String(length=256), nullable=False),
    sa.Column('status', sa.Enum('running', 'complete', 'interrupted', name='importstatus', native_enum=False, length=16), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('skipped_existing', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('refused_rows', sa.JSON(), nullable=False),
    sa.Column('started_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address_imports'))
    )
    op.create_index(op.f('ix_address_imports_status'), 'address_imports', ['status'], unique=False)
    op.create_table('addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=256), nullable=False),
    sa.Column('text_en', sa.String(length=256), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=False),
    sa.Column('road', sa.String(length=128), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('building', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('beat_id', sa.Integer(), nullable=True),
    sa.Column('search_keys', sa.Text(), nullable=False),
    sa.Column('generated', sa.Boolean(), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['beat_id'], ['beats.id'], name=op.f('fk_addresses_beat_id_beats')),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_addresses_district_id_org_units')),
    sa.ForeignKeyConstraint(['import_id'], ['address_imports.id'], name=op.f('fk_addresses_import_id_address_imports')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_addresses_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addresses')),
    sa.UniqueConstraint('code', name=op.f('uq_addresses_code'))
    )
    op.create_index(op.f('ix_addresses_import_id'), 'addresses', ['import_id'], unique=False)
    op.create_index('ix_addresses_lon_lat', 'addresses', ['lon', 'lat'], unique=False)
    op.create_index(op.f('ix_addresses_station_id'), 'addresses', ['station_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_addresses_station_id'), table_name='addresses')
    op.drop_index('ix_addresses_lon_lat', table_name='addresses')
    op.drop_index(op.f('ix_addresses_import_id'), table_name='addresses')
    op.drop_table('addresses')
    op.drop_index(op.f('ix_address_imports_status'), table_name='address_imports')
    op.drop_table('address_imports')

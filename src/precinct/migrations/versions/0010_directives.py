"""directives: orders to stations, branches and units, their named units, links and event log

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('directives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('patrol', 'inspect_premises', 'follow_up_incident', 'attend_event', 'other', name='directivekind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('issued', 'signed_for', 'in_progress', 'reported', 'closed', 'cancelled', name='directivestatus', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('geometry_geojson', sa.Text(), nullable=True),
    sa.Column('window_start', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('window_end', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('deadline', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('issued_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('issuer_org_unit_id', sa.Integer(), nullable=True),
    sa.Column('target_org_unit_id', sa.Integer(), nullable=True),
    sa.Column('target_unit_id', sa.Integer(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('signed_by', sa.String(length=64), nullable=True),
    sa.Column('started_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('reported_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('reported_by', sa.String(length=64), nullable=True),
    sa.Column('report_text', sa.Text(), nullable=True),
    sa.Column('patrol_seconds', sa.Float(), nullable=True),
    sa.Column('patrol_detail', sa.JSON(), nullable=True),
    sa.Column('checked_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('checked_by', sa.String(length=64), nullable=True),
    sa.Column('closed_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('overdue_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('escalated_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('updated_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_directives_district_id_org_units')),
    sa.ForeignKeyConstraint(['issuer_org_unit_id'], ['org_units.id'], name=op.f('fk_directives_issuer_org_unit_id_org_units')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_directives_station_id_org_units')),
    sa.ForeignKeyConstraint(['target_org_unit_id'], ['org_units.id'], name=op.f('fk_directives_target_org_unit_id_org_units')),
    sa.ForeignKeyConstraint(['target_unit_id'], ['units.id'], name=op.f('fk_directives_target_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directives'))
    )
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directives_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directives_issued_by'), ['issued_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_directives_station_id'), ['station_id'], unique=False)
        batch_op.create_index('ix_directives_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_directives_target_unit_id'), ['target_unit_id'], unique=False)

    op.create_table('directive_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_directive_events_directive_id_directives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directive_events'))
    )
    with op.batch_alter_table('directive_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directive_events_directive_id'), ['directive_id'], unique=False)

    op.create_table('directive_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('forecast_cell', 'repeat_place', 'premises', 'incident', 'spike', name='linkkind', native_enum=False, length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('ref_key', sa.String(length=256), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_directive_links_directive_id_directives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directive_links'))
    )
    with op.batch_alter_table('directive_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directive_links_directive_id'), ['directive_id'], unique=False)

    op.create_table('directive_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('directive_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('named_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('named_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], name=op.f('fk_directive_units_directive_id_directives')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_directive_units_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directive_units')),
    sa.UniqueConstraint('directive_id', 'unit_id', name='uq_directive_units_directive_unit')
    )
    with op.batch_alter_table('directive_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directive_units_directive_id'), ['directive_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directive_units_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('directive_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directive_units_unit_id'))
        batch_op.drop_index(batch_op.f('ix_directive_units_directive_id'))

    op.drop_table('directive_units')
    with op.batch_alter_table('directive_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directive_links_directive_id'))

    op.drop_table('directive_links')
    with op.batch_alter_table('directive_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directive_events_directive_id'))

    op.drop_table('directive_events')
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directives_target_unit_id'))
        batch_op.drop_index('ix_directives_status_deadline')
        batch_op.drop_index(batch_op.f('ix_directives_station_id'))
        batch_op.drop_index(batch_op.f('ix_directives_issued_by'))
        batch_op.drop_index(batch_op.f('ix_directives_district_id'))

    op.drop_table('directives')

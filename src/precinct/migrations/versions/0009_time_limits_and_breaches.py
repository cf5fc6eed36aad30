"""supervision: versioned time limits per priority and stage, incident deadlines, breaches

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:00:00

Version 1 of the time-limit table is the bureau's defaults (seconds, per priority 1..4):
dispatch 60/120/300/900, arrival 300/600/1200/3600, handling 7200/14400/28800/86400,
feedback 86400/86400/172800/259200, call-back 259200/259200/604800/604800.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


#: seconds allowed per stage, for priorities 1, 2, 3 and 4 (version 1, the bureau's practice)
DEFAULT_LIMITS_S = {
    'dispatch': (60, 120, 300, 900),
    'arrival': (300, 600, 1200, 3600),
    'handling': (7200, 14400, 28800, 86400),
    'feedback': (86400, 86400, 172800, 259200),
    'callback': (259200, 259200, 604800, 604800),
}


def upgrade() -> None:
    op.create_table('time_limit_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_limit_versions'))
    )
    op.create_table('time_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('dispatch', 'arrival', 'handling', 'feedback', 'callback', name='stage', native_enum=False, length=16), nullable=False),
    sa.Column('limit_s', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['time_limit_versions.id'], name=op.f('fk_time_limits_version_id_time_limit_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_limits')),
    sa.UniqueConstraint('version_id', 'priority', 'stage', name='uq_time_limits_version_priority_stage')
    )
    with op.batch_alter_table('time_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_limits_version_id'), ['version_id'], unique=False)
    _seed_defaults()

    op.create_table('incident_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('dispatch', 'arrival', 'handling', 'feedback', 'callback', name='stage', native_enum=False, length=16), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('limit_s', sa.Integer(), nullable=False),
    sa.Column('entered_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('warn_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('met', 'late', 'moot', name='deadlineoutcome', native_enum=False, length=16), nullable=True),
    sa.Column('breached_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('next_escalation_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_incident_deadlines_district_id_org_units')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_deadlines_incident_id_incidents')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_incident_deadlines_station_id_org_units')),
    sa.ForeignKeyConstraint(['version_id'], ['time_limit_versions.id'], name=op.f('fk_incident_deadlines_version_id_time_limit_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_deadlines'))
    )
    with op.batch_alter_table('incident_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_incident_deadlines_escalation', ['next_escalation_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL AND next_escalation_at IS NOT NULL'), sqlite_where=sa.text('ended_at IS NULL AND next_escalation_at IS NOT NULL'))
        batch_op.create_index('ix_incident_deadlines_incident_stage', ['incident_id', 'stage'], unique=False)
        batch_op.create_index('ix_incident_deadlines_open_district', ['district_id', 'warn_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('ix_incident_deadlines_open_station', ['station_id', 'warn_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('ix_incident_deadlines_open_warn', ['warn_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('ix_incident_deadlines_unbreached', ['deadline_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL AND breached_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL AND breached_at IS NULL'))

    op.create_table('deadline_breaches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('dispatch', 'arrival', 'handling', 'feedback', 'callback', name='stage', native_enum=False, length=16), nullable=False),
    sa.Column('deadline_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('detected_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('late_s', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deadline_id'], ['incident_deadlines.id'], name=op.f('fk_deadline_breaches_deadline_id_incident_deadlines')),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_deadline_breaches_district_id_org_units')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_deadline_breaches_incident_id_incidents')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_deadline_breaches_station_id_org_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_deadline_breaches_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_breaches')),
    sa.UniqueConstraint('deadline_id', name=op.f('uq_deadline_breaches_deadline_id'))
    )
    with op.batch_alter_table('deadline_breaches', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_breaches_district_detected', ['district_id', 'detected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_breaches_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index('ix_deadline_breaches_station_detected', ['station_id', 'detected_at'], unique=False)



def _seed_defaults() -> None:
    versions = sa.table('time_limit_versions', sa.column('id', sa.Integer()), sa.column('created_at', sa.DateTime()),
                        sa.column('created_by', sa.String()), sa.column('reason', sa.Text()))
    op.execute(versions.insert().values(id=1, created_at=sa.func.current_timestamp(), created_by='system',
                                        reason='bureau defaults'))
    limits = sa.table('time_limits', sa.column('version_id', sa.Integer()), sa.column('priority', sa.Integer()),
                      sa.column('stage', sa.String()), sa.column('limit_s', sa.Integer()))
    op.bulk_insert(limits, [{'version_id': 1, 'priority': priority, 'stage': stage, 'limit_s': limit_s}
                            for stage, row in DEFAULT_LIMITS_S.items()
                            for priority, limit_s in enumerate(row, start=1)])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('time_limit_versions', 'id'), 1)")


def downgrade() -> None:
    with op.batch_alter_table('deadline_breaches', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_breaches_station_detected')
        batch_op.drop_index(batch_op.f('ix_deadline_breaches_incident_id'))
        batch_op.drop_index('ix_deadline_breaches_district_detected')

    op.drop_table('deadline_breaches')
    with op.batch_alter_table('incident_deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_deadlines_unbreached', postgresql_where=sa.text('ended_at IS NULL AND breached_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL AND breached_at IS NULL'))
        batch_op.drop_index('ix_incident_deadlines_open_station', postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_incident_deadlines_open_warn', postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_incident_deadlines_open_district', postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_incident_deadlines_incident_stage')
        batch_op.drop_index('ix_incident_deadlines_escalation', postgresql_where=sa.text('ended_at IS NULL AND next_escalation_at IS NOT NULL'), sqlite_where=sa.text('ended_at IS NULL AND next_escalation_at IS NOT NULL'))

    op.drop_table('incident_deadlines')
    with op.batch_alter_table('time_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_limits_version_id'))

    op.drop_table('time_limits')
    op.drop_table('time_limit_versions')

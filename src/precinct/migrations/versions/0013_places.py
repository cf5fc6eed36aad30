"""places: premises history, inspections, hazards, disputes, repeat-place operations, the beat log

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checklist_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('school', 'hospital', 'hazardous_goods', 'financial', 'transport_hub', 'market', 'entertainment', 'government', 'other', name='premisescategory', native_enum=False, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_templates')),
    sa.UniqueConstraint('category', 'version', name='uq_checklist_templates_category_version')
    )
    op.create_table('inspection_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('school', 'hospital', 'hazardous_goods', 'financial', 'transport_hub', 'market', 'entertainment', 'government', 'other', name='premisescategory', native_enum=False, length=32), nullable=False),
    sa.Column('risk_grade', sa.Enum('low', 'medium', 'high', name='riskgrade', native_enum=False, length=32), nullable=False),
    sa.Column('interval_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_schedules')),
    sa.UniqueConstraint('category', 'risk_grade', name='uq_inspection_schedules_category_grade')
    )
    op.create_table('repeat_place_operations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_key', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=256), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('radius_m', sa.Float(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('owner_org_unit_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='operationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('calls_at_opening', sa.Integer(), nullable=False),
    sa.Column('comparison', sa.JSON(), nullable=False),
    sa.Column('opened_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('closed_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('effect', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_repeat_place_operations_district_id_org_units')),
    sa.ForeignKeyConstraint(['owner_org_unit_id'], ['org_units.id'], name=op.f('fk_repeat_place_operations_owner_org_unit_id_org_units')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_repeat_place_operations_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repeat_place_operations'))
    )
    with op.batch_alter_table('repeat_place_operations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repeat_place_operations_owner_org_unit_id'), ['owner_org_unit_id'], unique=False)
        batch_op.create_index('ix_repeat_place_operations_place', ['place_key', 'status'], unique=False)

    op.create_table('repeat_place_operation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['operation_id'], ['repeat_place_operations.id'], name=op.f('fk_repeat_place_operation_events_operation_id_repeat_place_operations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repeat_place_operation_events'))
    )
    with op.batch_alter_table('repeat_place_operation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repeat_place_operation_events_operation_id'), ['operation_id'], unique=False)

    op.create_table('repeat_place_operation_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('dispute', 'hazard', 'directive', name='operationlinkkind', native_enum=False, length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('linked_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['operation_id'], ['repeat_place_operations.id'], name=op.f('fk_repeat_place_operation_links_operation_id_repeat_place_operations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repeat_place_operation_links')),
    sa.UniqueConstraint('operation_id', 'kind', 'ref_id', name='uq_operation_links_operation_ref')
    )
    with op.batch_alter_table('repeat_place_operation_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repeat_place_operation_links_operation_id'), ['operation_id'], unique=False)

    op.create_table('beat_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('beat_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('visited_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('place', sa.String(length=256), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('purpose', sa.Enum('patrol', 'premises_check', 'community_meeting', 'dispute_follow_up', 'publicity', 'other', name='visitpurpose', native_enum=False, length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['beat_id'], ['beats.id'], name=op.f('fk_beat_visits_beat_id_beats')),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_beat_visits_district_id_org_units')),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_beat_visits_premises_id_premises')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_beat_visits_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beat_visits'))
    )
    with op.batch_alter_table('beat_visits', schema=None) as batch_op:
        batch_op.create_index('ix_beat_visits_beat_visited', ['beat_id', 'visited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_beat_visits_station_id'), ['station_id'], unique=False)

    op.create_table('disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('neighbour', 'family', 'labour', 'property', 'commercial', 'other', name='disputekind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'agreed', 'failed', 'closed', name='disputestatus', native_enum=False, length=32), nullable=False),
    sa.Column('source', sa.Enum('call', 'repeat_place', 'direct', name='disputesource', native_enum=False, length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=256), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('place_key', sa.String(length=64), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('premises_id', sa.Integer(), nullable=True),
    sa.Column('partner_body', sa.Enum('community_committee', 'peoples_mediation', 'court', 'labour_office', 'judicial_office', 'none', name='partnerbody', native_enum=False, length=32), nullable=False),
    sa.Column('partner_name', sa.String(length=128), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('agreement', sa.Text(), nullable=True),
    sa.Column('agreed_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('follow_up_result', sa.Text(), nullable=True),
    sa.Column('closed_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_disputes_district_id_org_units')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_disputes_incident_id_incidents')),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_disputes_premises_id_premises')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_disputes_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes'))
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_place_key'), ['place_key'], unique=False)
        batch_op.create_index('ix_disputes_station_status', ['station_id', 'status'], unique=False)

    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('inspected_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('inspected_by', sa.String(length=64), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_inspections_district_id_org_units')),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_inspections_premises_id_premises')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_inspections_station_id_org_units')),
    sa.ForeignKeyConstraint(['template_id'], ['checklist_templates.id'], name=op.f('fk_inspections_template_id_checklist_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_hazard_id'), ['hazard_id'], unique=False)
        batch_op.create_index('ix_inspections_premises_at', ['premises_id', 'inspected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_station_id'), ['station_id'], unique=False)

    op.create_table('premises_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_premises_events_premises_id_premises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_premises_events'))
    )
    with op.batch_alter_table('premises_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_premises_events_premises_id'), ['premises_id'], unique=False)

    op.create_table('dispute_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_events_dispute_id_disputes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_events'))
    )
    with op.batch_alter_table('dispute_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_events_dispute_id'), ['dispute_id'], unique=False)

    op.create_table('dispute_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('contact', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_parties_dispute_id_disputes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_parties'))
    )
    with op.batch_alter_table('dispute_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_parties_dispute_id'), ['dispute_id'], unique=False)

    op.create_table('dispute_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('held_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.Enum('progress', 'no_progress', 'agreement', 'adjourned', name='sessionoutcome', native_enum=False, length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_sessions_dispute_id_disputes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_sessions'))
    )
    with op.batch_alter_table('dispute_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_sessions_dispute_id'), ['dispute_id'], unique=False)

    op.create_table('hazards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('premises_id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'verified', 'closed', name='hazardstatus', native_enum=False, length=32), nullable=False),
    sa.Column('deadline', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('verified_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('closed_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('overdue_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('escalated_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_hazards_district_id_org_units')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_hazards_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['premises_id'], ['premises.id'], name=op.f('fk_hazards_premises_id_premises')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_hazards_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazards'))
    )
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazards_premises_id'), ['premises_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazards_station_id'), ['station_id'], unique=False)
        batch_op.create_index('ix_hazards_status_deadline', ['status', 'deadline'], unique=False)

    op.create_table('inspection_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_attachments_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_attachments'))
    )
    with op.batch_alter_table('inspection_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_attachments_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('inspection_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_results_inspection_id_inspections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_results'))
    )
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_results_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('hazard_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_hazard_events_hazard_id_hazards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_events'))
    )
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_events_hazard_id'), ['hazard_id'], unique=False)

    with op.batch_alter_table('premises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('open', 'closed', name='premisesstatus', native_enum=False, length=32), server_default='open', nullable=False))
        batch_op.add_column(sa.Column('risk_grade', sa.Enum('low', 'medium', 'high', name='riskgrade', native_enum=False, length=32), server_default='medium', nullable=False))
        batch_op.add_column(sa.Column('closed_at', precinct.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', precinct.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('premises', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('risk_grade')
        batch_op.drop_column('status')

    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_events_hazard_id'))

    op.drop_table('hazard_events')
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_results_inspection_id'))

    op.drop_table('inspection_results')
    with op.batch_alter_table('inspection_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_attachments_inspection_id'))

    op.drop_table('inspection_attachments')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index('ix_hazards_status_deadline')
        batch_op.drop_index(batch_op.f('ix_hazards_station_id'))
        batch_op.drop_index(batch_op.f('ix_hazards_premises_id'))

    op.drop_table('hazards')
    with op.batch_alter_table('dispute_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_sessions_dispute_id'))

    op.drop_table('dispute_sessions')
    with op.batch_alter_table('dispute_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_parties_dispute_id'))

    op.drop_table('dispute_parties')
    with op.batch_alter_table('dispute_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_events_dispute_id'))

    op.drop_table('dispute_events')
    with op.batch_alter_table('premises_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_premises_events_premises_id'))

    op.drop_table('premises_events')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_station_id'))
        batch_op.drop_index('ix_inspections_premises_at')
        batch_op.drop_index(batch_op.f('ix_inspections_hazard_id'))

    op.drop_table('inspections')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_disputes_station_status')
        batch_op.drop_index(batch_op.f('ix_disputes_place_key'))

    op.drop_table('disputes')
    with op.batch_alter_table('beat_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beat_visits_station_id'))
        batch_op.drop_index('ix_beat_visits_beat_visited')

    op.drop_table('beat_visits')
    with op.batch_alter_table('repeat_place_operation_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repeat_place_operation_links_operation_id'))

    op.drop_table('repeat_place_operation_links')
    with op.batch_alter_table('repeat_place_operation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repeat_place_operation_events_operation_id'))

    op.drop_table('repeat_place_operation_events')
    with op.batch_alter_table('repeat_place_operations', schema=None) as batch_op:
        batch_op.drop_index('ix_repeat_place_operations_place')
        batch_op.drop_index(batch_op.f('ix_repeat_place_operations_owner_org_unit_id'))

    op.drop_table('repeat_place_operations')
    op.drop_table('inspection_schedules')
    op.drop_table('checklist_templates')

"""cases: the case register, its legal deadlines, review and custody

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 16:00:00

Stores version 1 of the rule table of legal time limits and the case-type code list as they
stood when this revision was written (later changes of the code's defaults do not rewrite them).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CASE_TYPES = [{'code': 'XZ-OD',
  'kind': 'administrative',
  'name_zh': '殴打他人',
  'name_en': 'assault (public order)',
  'national_code': None,
  'active': True},
 {'code': 'XZ-DQ',
  'kind': 'administrative',
  'name_zh': '盗窃（治安）',
  'name_en': 'petty theft',
  'national_code': None,
  'active': True},
 {'code': 'XZ-ZP',
  'kind': 'administrative',
  'name_zh': '诈骗（治安）',
  'name_en': 'petty fraud',
  'national_code': None,
  'active': True},
 {'code': 'XZ-SH',
  'kind': 'administrative',
  'name_zh': '故意损毁财物',
  'name_en': 'damage to property',
  'national_code': None,
  'active': True},
 {'code': 'XZ-DB',
  'kind': 'administrative',
  'name_zh': '赌博',
  'name_en': 'gambling',
  'national_code': None,
  'active': True},
 {'code': 'XZ-RL',
  'kind': 'administrative',
  'name_zh': '扰乱公共秩序',
  'name_en': 'disturbing public order',
  'national_code': None,
  'active': True},
 {'code': 'XZ-XD',
  'kind': 'administrative',
  'name_zh': '吸毒',
  'name_en': 'drug use',
  'national_code': None,
  'active': True},
 {'code': 'XZ-QT',
  'kind': 'administrative',
  'name_zh': '其他治安案件',
  'name_en': 'other public-order case',
  'national_code': None,
  'active': True},
 {'code': 'XS-DQ', 'kind': 'criminal', 'name_zh': '盗窃', 'name_en': 'theft', 'national_code': None, 'active': True},
 {'code': 'XS-RSDQ',
  'kind': 'criminal',
  'name_zh': '入户盗窃',
  'name_en': 'burglary',
  'national_code': None,
  'active': True},
 {'code': 'XS-QJ', 'kind': 'criminal', 'name_zh': '抢劫', 'name_en': 'robbery', 'national_code': None, 'active': True},
 {'code': 'XS-QD',
  'kind': 'criminal',
  'name_zh': '抢夺',
  'name_en': 'snatching',
  'national_code': None,
  'active': True},
 {'code': 'XS-ZP', 'kind': 'criminal', 'name_zh': '诈骗', 'name_en': 'fraud', 'national_code': None, 'active': True},
 {'code': 'XS-DXZP',
  'kind': 'criminal',
  'name_zh': '电信网络诈骗',
  'name_en': 'telecom and online fraud',
  'national_code': None,
  'active': True},
 {'code': 'XS-GYSH',
  'kind': 'criminal',
  'name_zh': '故意伤害',
  'name_en': 'intentional injury',
  'national_code': None,
  'active': True},
 {'code': 'XS-GYSR',
  'kind': 'criminal',
  'name_zh': '故意杀人',
  'name_en': 'homicide',
  'national_code': None,
  'active': True},
 {'code': 'XS-DP',
  'kind': 'criminal',
  'name_zh': '毒品犯罪',
  'name_en': 'drug offence',
  'national_code': None,
  'active': True},
 {'code': 'XS-JTZS',
  'kind': 'criminal',
  'name_zh': '交通肇事',
  'name_en': 'causing a traffic accident',
  'national_code': None,
  'active': True},
 {'code': 'XS-QT',
  'kind': 'criminal',
  'name_zh': '其他刑事案件',
  'name_en': 'other criminal case',
  'national_code': None,
  'active': True}]

RULES_V1 = [{'code': 'open_decision',
  'name_zh': '立案审查期限',
  'name_en': 'decision to open a case',
  'kind': 'criminal',
  'trigger': 'received',
  'stops': ['opened', 'not_opened', 'withdrawn', 'closed'],
  'duration': 3,
  'unit': 'calendar_days',
  'extensions': [{'to': 7, 'tier': 'station'}, {'to': 30, 'tier': 'district'}],
  'pauses': [],
  'roll_past_holidays': True,
  'remind_before_h': 24,
  'provision': '公安部《关于改革完善受案立案制度的意见》（2015）：受案后三日内作出立案或不予立案决定；需要查证的，原则上不超过七日；重大疑难复杂案件经县级以上公安机关负责人批准，可延长至三十日'},
 {'code': 'administrative_case',
  'name_zh': '治安案件办理期限',
  'name_en': 'public-order case',
  'kind': 'administrative',
  'trigger': 'received',
  'stops': ['decided', 'not_opened', 'withdrawn', 'closed'],
  'duration': 30,
  'unit': 'calendar_days',
  'extensions': [{'to': 60, 'tier': 'district'}],
  'pauses': ['expert_examination'],
  'roll_past_holidays': True,
  'remind_before_h': 72,
  'provision': '《中华人民共和国治安管理处罚法》第九十九条：自受理之日起不得超过三十日；案情重大、复杂的，经上一级公安机关批准，可以延长三十日；为查明案情进行鉴定的期间，不计入办理治安案件的期限'},
 {'code': 'summons_questioning',
  'name_zh': '传唤询问查证时限',
  'name_en': 'questioning after a summons',
  'kind': 'administrative',
  'trigger': 'summoned',
  'stops': ['summons_ended', 'not_opened', 'withdrawn', 'closed'],
  'duration': 8,
  'unit': 'hours',
  'extensions': [{'to': 24, 'tier': 'station'}],
  'pauses': [],
  'roll_past_holidays': False,
  'remind_before_h': 1,
  'provision': '《中华人民共和国治安管理处罚法》第八十三条：询问查证的时间不得超过八小时；情况复杂，依照本法规定可能适用行政拘留处罚的，不得超过二十四小时'},
 {'code': 'detention_family_notice',
  'name_zh': '拘留后通知家属',
  'name_en': 'family told of a detention',
  'kind': 'criminal',
  'trigger': 'detained',
  'stops': ['family_notified', 'released', 'not_opened', 'withdrawn', 'closed'],
  'duration': 24,
  'unit': 'hours',
  'extensions': [],
  'pauses': [],
  'roll_past_holidays': False,
  'remind_before_h': 4,
  'provision': '《中华人民共和国刑事诉讼法》第八十五条：除无法通知或者涉嫌危害国家安全犯罪、恐怖活动犯罪通知可能有碍侦查的情形以外，应当在拘留后二十四小时以内，通知被拘留人的家属'},
 {'code': 'detention_interrogation',
  'name_zh': '拘留后讯问',
  'name_en': 'interrogation after a detention',
  'kind': 'criminal',
  'trigger': 'detained',
  'stops': ['interrogated', 'released', 'not_opened', 'withdrawn', 'closed'],
  'duration': 24,
  'unit': 'hours',
  'extensions': [],
  'pauses': [],
  'roll_past_holidays': False,
  'remind_before_h': 4,
  'provision': '《中华人民共和国刑事诉讼法》第八十六条：公安机关对被拘留的人，应当在拘留后的二十四小时以内进行讯问'},
 {'code': 'arrest_request',
  'name_zh': '提请批准逮捕期限',
  'name_en': 'request for arrest after a detention',
  'kind': 'criminal',
  'trigger': 'detained',
  'stops': ['arrest_requested', 'released', 'not_opened', 'withdrawn', 'closed'],
  'duration': 3,
  'unit': 'calendar_days',
  'extensions': [{'to': 7, 'tier': 'district'}, {'to': 30, 'tier': 'district'}],
  'pauses': [],
  'roll_past_holidays': False,
  'remind_before_h': 24,
  'provision': '《中华人民共和国刑事诉讼法》第九十一条：拘留后三日以内提请审查批准；特殊情况下可延长一日至四日；流窜作案、多次作案、结伙作案的重大嫌疑分子可延长至三十日。在押期间不因节假日延长（第一百零五条）'}]


def _seed() -> None:
    types = sa.table('case_types', sa.column('code', sa.String), sa.column('kind', sa.String),
                     sa.column('name_zh', sa.String), sa.column('name_en', sa.String),
                     sa.column('national_code', sa.String), sa.column('active', sa.Boolean))
    op.bulk_insert(types, CASE_TYPES)
    versions = sa.table('case_rule_versions', sa.column('id', sa.Integer),
                        sa.column('created_at', precinct.core.db.UTCDateTime()), sa.column('created_by', sa.String),
                        sa.column('reason', sa.Text))
    op.bulk_insert(versions, [{'id': 1, 'created_at': datetime.now(UTC), 'created_by': 'migration 0011',
                               'reason': 'the common legal time limits, each citing its provision'}])
    rules = sa.table('case_rules', sa.column('version_id', sa.Integer), sa.column('code', sa.String),
                     sa.column('name_zh', sa.String), sa.column('name_en', sa.String), sa.column('kind', sa.String),
                     sa.column('trigger', sa.String), sa.column('stops', sa.JSON), sa.column('duration', sa.Integer),
                     sa.column('unit', sa.String), sa.column('extensions', sa.JSON), sa.column('pauses', sa.JSON),
                     sa.column('roll_past_holidays', sa.Boolean), sa.column('remind_before_h', sa.Integer),
                     sa.column('provision', sa.Text))
    op.bulk_insert(rules, [{'version_id': 1, **rule} for rule in RULES_V1])
    if op.get_bind().dialect.name == 'postgresql':  # the explicit id 1 leaves the sequence behind
        op.execute("SELECT setval(pg_get_serial_sequence('case_rule_versions', 'id'), 1)")


def upgrade() -> None:
    op.create_table('case_rule_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_rule_versions'))
    )
    op.create_table('case_types',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('administrative', 'criminal', name='casekind', native_enum=False, length=16), nullable=False),
    sa.Column('name_zh', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=False),
    sa.Column('national_code', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_case_types'))
    )
    op.create_table('case_number_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('administrative', 'criminal', name='casekind', native_enum=False, length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_case_number_counters_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_number_counters')),
    sa.UniqueConstraint('station_id', 'kind', 'year', name='uq_case_number_counters_station_kind_year')
    )
    op.create_table('case_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('name_zh', sa.String(length=128), nullable=False),
    sa.Column('name_en', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.Enum('administrative', 'criminal', name='casekind', native_enum=False, length=16), nullable=True),
    sa.Column('trigger', sa.String(length=32), nullable=False),
    sa.Column('stops', sa.JSON(), nullable=False),
    sa.Column('duration', sa.Integer(), nullable=False),
    sa.Column('unit', sa.Enum('calendar_days', 'working_days', 'hours', name='durationunit', native_enum=False, length=16), nullable=False),
    sa.Column('extensions', sa.JSON(), nullable=False),
    sa.Column('pauses', sa.JSON(), nullable=False),
    sa.Column('roll_past_holidays', sa.Boolean(), nullable=False),
    sa.Column('remind_before_h', sa.Integer(), nullable=False),
    sa.Column('provision', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['case_rule_versions.id'], name=op.f('fk_case_rules_version_id_case_rule_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_rules')),
    sa.UniqueConstraint('version_id', 'code', name='uq_case_rules_version_code')
    )
    with op.batch_alter_table('case_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_rules_version_id'), ['version_id'], unique=False)
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('administrative', 'criminal', name='casekind', native_enum=False, length=16), nullable=False),
    sa.Column('type_code', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('received', 'not_opened', 'investigating', 'decided', 'transferred', 'withdrawn', 'closed', name='casestatus', native_enum=False, length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('team_unit_id', sa.Integer(), nullable=True),
    sa.Column('lead_officer', sa.String(length=64), nullable=True),
    sa.Column('received_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cleared_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_cases_district_id_org_units')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_cases_station_id_org_units')),
    sa.ForeignKeyConstraint(['team_unit_id'], ['units.id'], name=op.f('fk_cases_team_unit_id_units')),
    sa.ForeignKeyConstraint(['type_code'], ['case_types.code'], name=op.f('fk_cases_type_code_case_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_district_status', ['district_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_lead_officer'), ['lead_officer'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_received_at'), ['received_at'], unique=False)
        batch_op.create_index('ix_cases_station_status', ['station_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_team_unit_id'), ['team_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_type_code'), ['type_code'], unique=False)
    op.create_table('case_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=128), nullable=False),
    sa.Column('uploaded_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_documents_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_documents')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_case_documents_storage_key'))
    )
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_documents_case_id'), ['case_id'], unique=False)
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)
    op.create_table('case_incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('linked_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('linked_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_incidents_case_id_cases')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_case_incidents_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_incidents')),
    sa.UniqueConstraint('case_id', 'incident_id', name='uq_case_incidents_case_incident')
    )
    with op.batch_alter_table('case_incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_incidents_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_incidents_incident_id'), ['incident_id'], unique=False)
    op.create_table('case_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('label_number', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('storage_location', sa.String(length=128), nullable=False),
    sa.Column('status', sa.Enum('in_store', 'out', 'disposed', name='itemstatus', native_enum=False, length=16), nullable=False),
    sa.Column('held_by', sa.String(length=128), nullable=True),
    sa.Column('retention_until', sa.Date(), nullable=True),
    sa.Column('created_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_items_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_items')),
    sa.UniqueConstraint('label_number', name=op.f('uq_case_items_label_number'))
    )
    with op.batch_alter_table('case_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_items_case_id'), ['case_id'], unique=False)
    op.create_table('case_link_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=False),
    sa.Column('gap_days', sa.Float(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'rejected', name='suggestionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('suggested_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_link_suggestions_case_id_cases')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_case_link_suggestions_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_link_suggestions')),
    sa.UniqueConstraint('case_id', 'incident_id', name='uq_case_link_suggestions_case_incident')
    )
    with op.batch_alter_table('case_link_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_link_suggestions_case_id'), ['case_id'], unique=False)
    op.create_table('case_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('victim', 'witness', 'suspect', 'reporting_person', name='partyrole', native_enum=False, length=24), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('id_number', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_parties_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_parties'))
    )
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_parties_case_id'), ['case_id'], unique=False)
    op.create_table('case_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('expert_examination', 'mental_assessment', 'suspect_at_large', 'other', name='pausekind', native_enum=False, length=24), nullable=False),
    sa.Column('started_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_pauses_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_pauses'))
    )
    with op.batch_alter_table('case_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_pauses_case_id'), ['case_id'], unique=False)
    op.create_table('case_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('move', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'returned', name='reviewstatus', native_enum=False, length=16), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('submitted_by', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_reviews_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reviews'))
    )
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_reviews_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_reviews_status_case', ['status', 'case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_reviews_submitted_by'), ['submitted_by'], unique=False)
    op.create_table('case_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('assignee', sa.String(length=64), nullable=False),
    sa.Column('due_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='taskstatus', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('done_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tasks_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tasks'))
    )
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_tasks_assignee'), ['assignee'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_tasks_case_id'), ['case_id'], unique=False)
    op.create_table('case_deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('rule_code', sa.String(length=48), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('started_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('extended_to', sa.Integer(), nullable=True),
    sa.Column('due_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('warn_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('met', 'late', 'moot', name='deadlineoutcome', native_enum=False, length=16), nullable=True),
    sa.Column('reminded_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('breached_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_deadlines_case_id_cases')),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_case_deadlines_district_id_org_units')),
    sa.ForeignKeyConstraint(['party_id'], ['case_parties.id'], name=op.f('fk_case_deadlines_party_id_case_parties')),
    sa.ForeignKeyConstraint(['rule_id'], ['case_rules.id'], name=op.f('fk_case_deadlines_rule_id_case_rules')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_case_deadlines_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadlines'))
    )
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_case_deadlines_case', ['case_id'], unique=False)
        batch_op.create_index('ix_case_deadlines_open_district', ['district_id', 'warn_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('ix_case_deadlines_open_station', ['station_id', 'warn_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('ix_case_deadlines_open_warn', ['warn_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('ix_case_deadlines_unbreached', ['due_at'], unique=False, postgresql_where=sa.text('ended_at IS NULL AND breached_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL AND breached_at IS NULL'))
    op.create_table('case_disposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('return_to_owner', 'destroy', 'confiscate', 'transfer_with_case', name='disposalmethod', native_enum=False, length=24), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='disposalstatus', native_enum=False, length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', precinct.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_disposals_case_id_cases')),
    sa.ForeignKeyConstraint(['item_id'], ['case_items.id'], name=op.f('fk_case_disposals_item_id_case_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_disposals'))
    )
    with op.batch_alter_table('case_disposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_disposals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_disposals_item_id'), ['item_id'], unique=False)
    op.create_table('custody_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.Enum('check_in', 'check_out', 'return', 'move', 'dispose', name='custodyaction', native_enum=False, length=16), nullable=False),
    sa.Column('to_whom', sa.String(length=128), nullable=True),
    sa.Column('location', sa.String(length=128), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_custody_entries_case_id_cases')),
    sa.ForeignKeyConstraint(['item_id'], ['case_items.id'], name=op.f('fk_custody_entries_item_id_case_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_entries'))
    )
    with op.batch_alter_table('custody_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_entries_item_id'), ['item_id'], unique=False)
    op.create_table('case_breaches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule_code', sa.String(length=48), nullable=False),
    sa.Column('due_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('detected_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('late_s', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_breaches_case_id_cases')),
    sa.ForeignKeyConstraint(['deadline_id'], ['case_deadlines.id'], name=op.f('fk_case_breaches_deadline_id_case_deadlines')),
    sa.ForeignKeyConstraint(['district_id'], ['org_units.id'], name=op.f('fk_case_breaches_district_id_org_units')),
    sa.ForeignKeyConstraint(['station_id'], ['org_units.id'], name=op.f('fk_case_breaches_station_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_breaches')),
    sa.UniqueConstraint('deadline_id', name=op.f('uq_case_breaches_deadline_id'))
    )
    with op.batch_alter_table('case_breaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_breaches_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_breaches_district_detected', ['district_id', 'detected_at'], unique=False)
        batch_op.create_index('ix_case_breaches_station_detected', ['station_id', 'detected_at'], unique=False)
    op.create_table('case_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_value', sa.Integer(), nullable=False),
    sa.Column('to_value', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=64), nullable=False),
    sa.Column('approved_at', precinct.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_extensions_case_id_cases')),
    sa.ForeignKeyConstraint(['deadline_id'], ['case_deadlines.id'], name=op.f('fk_case_extensions_deadline_id_case_deadlines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_extensions'))
    )
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_extensions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_extensions_deadline_id'), ['deadline_id'], unique=False)
    _seed()


def downgrade() -> None:
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_extensions_deadline_id'))
        batch_op.drop_index(batch_op.f('ix_case_extensions_case_id'))
    op.drop_table('case_extensions')
    with op.batch_alter_table('case_breaches', schema=None) as batch_op:
        batch_op.drop_index('ix_case_breaches_station_detected')
        batch_op.drop_index('ix_case_breaches_district_detected')
        batch_op.drop_index(batch_op.f('ix_case_breaches_case_id'))
    op.drop_table('case_breaches')
    with op.batch_alter_table('custody_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_entries_item_id'))
    op.drop_table('custody_entries')
    with op.batch_alter_table('case_disposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_disposals_item_id'))
        batch_op.drop_index(batch_op.f('ix_case_disposals_case_id'))
    op.drop_table('case_disposals')
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_case_deadlines_unbreached', postgresql_where=sa.text('ended_at IS NULL AND breached_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL AND breached_at IS NULL'))
        batch_op.drop_index('ix_case_deadlines_open_warn', postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_case_deadlines_open_station', postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_case_deadlines_open_district', postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_case_deadlines_case')
    op.drop_table('case_deadlines')
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_tasks_case_id'))
        batch_op.drop_index(batch_op.f('ix_case_tasks_assignee'))
    op.drop_table('case_tasks')
    with op.batch_alter_table('case_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_reviews_submitted_by'))
        batch_op.drop_index('ix_case_reviews_status_case')
        batch_op.drop_index(batch_op.f('ix_case_reviews_case_id'))
    op.drop_table('case_reviews')
    with op.batch_alter_table('case_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_pauses_case_id'))
    op.drop_table('case_pauses')
    with op.batch_alter_table('case_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_parties_case_id'))
    op.drop_table('case_parties')
    with op.batch_alter_table('case_link_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_link_suggestions_case_id'))
    op.drop_table('case_link_suggestions')
    with op.batch_alter_table('case_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_items_case_id'))
    op.drop_table('case_items')
    with op.batch_alter_table('case_incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_incidents_incident_id'))
        batch_op.drop_index(batch_op.f('ix_case_incidents_case_id'))
    op.drop_table('case_incidents')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))
    op.drop_table('case_events')
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_documents_case_id'))
    op.drop_table('case_documents')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_type_code'))
        batch_op.drop_index(batch_op.f('ix_cases_team_unit_id'))
        batch_op.drop_index('ix_cases_station_status')
        batch_op.drop_index(batch_op.f('ix_cases_received_at'))
        batch_op.drop_index(batch_op.f('ix_cases_lead_officer'))
        batch_op.drop_index('ix_cases_district_status')
    op.drop_table('cases')
    with op.batch_alter_table('case_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_rules_version_id'))
    op.drop_table('case_rules')
    op.drop_table('case_number_counters')
    op.drop_table('case_types')
    op.drop_table('case_rule_versions')

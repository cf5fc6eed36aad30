"""accounts: org unit, timed lock, token revocation, second factor, log-in attempts, role grants

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('locked_until', precinct.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('tokens_valid_after', precinct.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', precinct.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('mfa_secret', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('mfa_enrolled_at', precinct.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('mfa_last_step', sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_org_unit_id_org_units'), 'org_units', ['org_unit_id'], ['id'])
    op.execute("UPDATE users SET org_unit_id = station_id, locked_until = NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_station_id_org_units', type_='foreignkey')
        batch_op.drop_column('station_id')
        batch_op.drop_column('failures_reset_at')
        batch_op.create_index(batch_op.f('ix_users_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_username_at', ['username', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_ip_at', ['ip', 'at'], unique=False)
    op.execute("INSERT INTO login_attempts (username, ip, at, outcome) SELECT users.username, login_failures.ip, "
               "login_failures.at, 'failed' FROM login_failures JOIN users ON users.id = login_failures.user_id")
    op.drop_table('login_failures')

    op.create_table('mfa_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('used_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mfa_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mfa_recovery_codes'))
    )
    with op.batch_alter_table('mfa_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mfa_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('previous_role', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', precinct.core.db.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants'))
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_grants_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('role_grants')
    op.drop_table('mfa_recovery_codes')
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_failures_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    op.drop_table('login_attempts')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('station_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failures_reset_at', precinct.core.db.UTCDateTime(), nullable=True))
    op.execute("UPDATE users SET station_id = org_unit_id")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_org_unit_id'))
        batch_op.drop_constraint('fk_users_org_unit_id_org_units', type_='foreignkey')
        for name in ('mfa_last_step', 'mfa_enrolled_at', 'mfa_secret', 'password_changed_at', 'tokens_valid_after',
                     'locked_until', 'org_unit_id'):
            batch_op.drop_column(name)
        batch_op.create_foreign_key('fk_users_station_id_org_units', 'org_units', ['station_id'], ['id'])

"""users: every account belongs to an organisation unit; those without one are placed at the city bureau

An account without an organisation unit used to work city-wide without saying so. Accounts are now
created with their unit; the accounts stored without one are placed at the city bureau (the lowest
id of tier ``city``), which is the scope they had, so that what each account sees is written on it.
A database without a city bureau keeps them as they are (``precinct city init`` places them).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    city = conn.scalar(sa.text("SELECT min(id) FROM org_units WHERE tier = 'city'"))
    if city is not None:
        conn.execute(sa.text("UPDATE users SET org_unit_id = :city WHERE org_unit_id IS NULL"), {"city": city})


def downgrade() -> None:
    pass  # which accounts had no unit is not kept: they stay at the city bureau, the scope they had

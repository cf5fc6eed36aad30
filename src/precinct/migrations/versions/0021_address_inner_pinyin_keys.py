"""addresses: search keys from inside each run of Chinese characters (pinyin and initials from every syllable)

Pinyin and initials matched from the start of a part only: an address stored as one text
(江汉区解放大道688号) was found by ``jhq`` but not by ``jiefang`` or ``jfdd``. Stored addresses
get the tokens that ``precinct.addresses.keys.inner_keys`` gives them (what an import stores
from now on), appended to their search keys. The downgrade leaves them: the older search reads
them as more keys.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

BATCH = 5000
PARTS = ("name", "district", "road", "number", "building", "unit", "text_en")


def upgrade() -> None:
    from precinct.addresses.keys import inner_keys

    addresses = sa.table("addresses", sa.column("id", sa.Integer), sa.column("text", sa.String),
                         sa.column("search_keys", sa.Text), *(sa.column(p, sa.String) for p in PARTS))
    conn = op.get_bind()
    last = 0
    while rows := conn.execute(sa.select(addresses).where(addresses.c.id > last).order_by(addresses.c.id)
                               .limit(BATCH)).all():
        changed = []
        for row in rows:
            extra = inner_keys(*(getattr(row, p) or "" for p in PARTS), text=row.text or "").split()
            keys = " ".join(dict.fromkeys((row.search_keys or "").split() + extra))
            if keys != row.search_keys:
                changed.append({"row_id": row.id, "keys": keys})
        if changed:
            conn.execute(addresses.update().where(addresses.c.id == sa.bindparam("row_id"))
                         .values(search_keys=sa.bindparam("keys")), changed)
        last = rows[-1].id


def downgrade() -> None:
    pass

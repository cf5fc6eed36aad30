"""Every account belongs to an organisation unit: creation refuses none once units exist; accounts made
before the city are placed at its bureau (city set-up, ``org add city``, migration 0022)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text

from precinct.audit.models import AuditEntry
from precinct.core import migrate
from precinct.core.errors import ValidationError
from precinct.core.permissions import Role
from precinct.org.models import OrgUnit
from precinct.users import service as user_service
from precinct.users.models import User
from testkit import ADMIN_ACTOR, PASSWORD, scratch_database


def test_an_account_without_a_unit_is_refused_where_units_exist(session, ids):
    with pytest.raises(ValidationError, match=r"^org_unit_id: 请指定账户所属的组织单位.* / name the organisation unit"):
        user_service.create(session, username="nowhere", password=PASSWORD, role=Role.ANALYST, actor=ADMIN_ACTOR,
                            direct=True)
    assert session.scalar(select(User.id).where(User.username == "nowhere")) is None
    made = user_service.create(session, username="somewhere", password=PASSWORD, role=Role.ANALYST,
                               actor=ADMIN_ACTOR, org_unit_id=ids["west_station"], direct=True)
    assert made.org_unit_id == ids["west_station"]


def test_accounts_made_before_the_city_are_placed_at_its_bureau(fresh_database_url, cli):
    assert cli("user", "add", "first-admin", "--role", "admin", input="the-real-chief-passphrase\n").exit_code == 0
    made = cli("org", "add", "city", "X", "--name-zh", "某市局", "--name-en", "X Bureau")
    assert made.exit_code == 0, made.output
    assert "first-admin" in made.output and "city bureau" in " ".join(made.output.split())
    refused = cli("user", "add", "desk", "--role", "dispatcher", input="amber-lantern-rivers-9\n")
    assert refused.exit_code != 0 and "org_unit_id" in refused.output
    unknown = cli("user", "add", "desk", "--role", "dispatcher", "--org-unit", "NOPE", input="amber-lantern-rivers-9\n")
    assert unknown.exit_code != 0 and "--org-unit 'NOPE'" in unknown.output
    assert cli("user", "add", "desk", "--role", "dispatcher", "--org-unit", "X",
               input="amber-lantern-rivers-9\n").exit_code == 0
    engine = create_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            city = conn.scalar(select(OrgUnit.id).where(OrgUnit.code == "X"))
            placed = dict(conn.execute(select(User.username, User.org_unit_id)).all())
            entry = conn.execute(select(AuditEntry.actor, AuditEntry.detail).where(
                AuditEntry.action == "user.placed")).one()
    finally:
        engine.dispose()
    assert placed == {"first-admin": city, "desk": city}
    assert entry.detail == {"usernames": ["first-admin"]}


def test_the_migration_places_stored_accounts_without_a_unit_at_the_bureau(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "accounts.db",
                          prefix="precinct_accounts") as url:
        migrate.upgrade(url, revision="0021")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO org_units (id, code, name_zh, name_en, tier) VALUES "
                                  "(3, 'C', '市局', 'Bureau', 'city'), (9, 'S9', '九所', 'Station 9', 'station')"))
                for user_id, name, org in ((1, "old-admin", None), (2, "station-desk", 9)):
                    conn.execute(text(
                        "INSERT INTO users (id, username, display_name, role, password_hash, is_active, org_unit_id, "
                        "created_at) VALUES (:id, :name, :name, 'admin', 'x', true, :org, '2026-01-01 00:00:00')"),
                        {"id": user_id, "name": name, "org": org})
            migrate.upgrade(url)
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT username, org_unit_id FROM users ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [("old-admin", 3), ("station-desk", 9)]
        finally:
            engine.dispose()

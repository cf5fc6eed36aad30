"""``status_at``: when an incident entered its current status. Edits and a second unit leave it; a status
change moves it; migration 0017 fills it for stored incidents from their last status event."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from precinct.app import metadata
from precinct.core import migrate
from precinct.core.permissions import Role
from testkit import scratch_database

INCIDENT = ("INSERT INTO incidents (id, source, type_code, priority, status, description, address, lon, lat, "
            "received_at, simulated, created_by, updated_at, version) VALUES ({id}, 'phone_110', 'theft', 3, "
            "'{status}', 'x', '', 114.3, 30.58, '2026-01-01 00:00:00', false, 't', '{updated}', 1)")
EVENT = ("INSERT INTO incident_events (incident_id, at, actor, kind, from_status, to_status, data) VALUES "
         "({id}, '{at}', 't', '{kind}', {from_}, '{to}', '{{}}')")


def test_edits_and_reinforcements_keep_the_time_in_status(client, auth):
    dispatcher = auth(Role.DISPATCHER)
    incident = client.post("/api/v1/incidents", headers=dispatcher, json={
        "source": "phone_110", "type_code": "theft", "lon": 114.02, "lat": 30.52}).json()
    assert incident["status_at"] is None or incident["status_at"] <= incident["updated_at"]
    units = [client.post("/api/v1/units", headers=auth(Role.SUPERVISOR), json={
        "call_sign": f"SAT-{n}", "unit_type": "patrol_car", "status": "available"}).json()["id"] for n in range(2)]
    path = f"/api/v1/incidents/{incident['id']}"
    assert client.post(f"{path}/assignments", headers=dispatcher, json={"unit_id": units[0]}).status_code == 201
    dispatched = client.get(path, headers=dispatcher).json()
    assert dispatched["status"] == "dispatched" and dispatched["status_at"] is not None
    assert client.patch(path, headers=dispatcher, json={"priority": 2}).status_code == 200
    assert client.post(f"{path}/assignments", headers=dispatcher, json={"unit_id": units[1]}).status_code == 201
    later = client.get(path, headers=dispatcher).json()
    assert later["updated_at"] > dispatched["updated_at"]  # changed twice since ...
    assert later["status_at"] == dispatched["status_at"]  # ... but not its status
    assert client.post(f"/api/v1/units/{units[0]}/status", headers=dispatcher,
                       json={"status": "on_scene"}).status_code == 200
    on_scene = client.get(path, headers=dispatcher).json()
    assert on_scene["status"] == "on_scene" and on_scene["status_at"] > later["status_at"]


def test_the_migration_takes_the_last_status_event(tmp_path, database):
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "status_at.db",
                          prefix="precinct_status_at") as url:
        migrate.upgrade(url, revision="0016")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO incident_types (code, name_zh, name_en, category, default_priority, "
                                  "active) VALUES ('theft', '盗窃', 'Theft', 'theft', 3, true)"))
                conn.execute(text(INCIDENT.format(id=1, status="dispatched", updated="2026-01-01 00:09:00")))
                conn.execute(text(INCIDENT.format(id=2, status="received", updated="2026-01-01 00:04:00")))
                for at, kind, from_, to in (("00:00:00", "created", "NULL", "received"),
                                            ("00:02:00", "assigned", "'received'", "dispatched"),
                                            ("00:05:00", "assigned", "'dispatched'", "dispatched")):  # a 2nd unit
                    conn.execute(text(EVENT.format(id=1, at=f"2026-01-01 {at}", kind=kind, from_=from_, to=to)))
            migrate.upgrade(url)
            with engine.connect() as conn:
                got = dict(conn.execute(text("SELECT id, status_at FROM incidents")).all())
                diffs = compare_metadata(MigrationContext.configure(conn), metadata)
            assert {k: str(v)[:19] for k, v in got.items()} == {1: "2026-01-01 00:02:00",  # dispatched then
                                                              2: "2026-01-01 00:04:00"}  # no event: its last change
            assert [d for d in diffs if "status_at" in repr(d)] == []
            command.downgrade(migrate.alembic_config(url), "0016")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM incidents")).scalar() == 2
        finally:
            engine.dispose()

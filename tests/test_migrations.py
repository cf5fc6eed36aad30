"""Migrations run on databases that hold data (SQLite alters tables by copying them)."""

from __future__ import annotations

import sqlite3

from precinct.core import migrate


def test_upgrade_through_table_copies_keeps_rows_and_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, revision="0004")
    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("INSERT INTO incident_types (code, name_zh, name_en, category, default_priority, active) "
                 "VALUES ('theft', '盗窃', 'Theft', 'theft', 3, 1)")
    conn.execute("INSERT INTO incidents (id, source, type_code, priority, status, description, address, lon, lat, "
                 "received_at, simulated, created_by, updated_at, version) VALUES (1, 'phone_110', 'theft', 3, "
                 "'received', 'x', '', 114.3, 30.58, '2026-01-01 00:00:00', 0, 't', '2026-01-01 00:00:00', 1)")
    conn.execute("INSERT INTO incident_events (incident_id, at, actor, kind) "
                 "VALUES (1, '2026-01-01 00:00:00', 't', 'created')")
    conn.commit()
    conn.close()
    migrate.upgrade(url)  # 0005 copies the incidents table, which incident_events references
    conn = sqlite3.connect(tmp_path / "old.db")
    assert conn.execute("SELECT count(*) FROM incidents").fetchone() == (1,)
    assert conn.execute("SELECT drill_run_id FROM incidents").fetchone() == (None,)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_drill_calls_marked_only_in_extra_get_their_drill_run_id(tmp_path):
    url = f"sqlite:///{tmp_path / 'drills.db'}"
    migrate.upgrade(url, revision="0004")
    conn = sqlite3.connect(tmp_path / "drills.db")
    conn.execute("INSERT INTO incident_types (code, name_zh, name_en, category, default_priority, active) "
                 "VALUES ('theft', '盗窃', 'Theft', 'theft', 3, 1)")
    conn.execute("INSERT INTO drill_runs (id, scenario_code, name, speed, status, started_at, created_by) "
                 "VALUES (7, 'night', 'night drill', 1.0, 'finished', '2026-01-01 00:00:00', 't')")
    for incident_id, extra in ((1, '{"drill_run_id": 7, "drill_step": 1}'), (2, '{"note": "real"}'), (3, None),
                               (4, '{"drill_run_id": 99}')):  # 99: no such run, left alone
        conn.execute("INSERT INTO incidents (id, source, type_code, priority, status, description, address, lon, lat, "
                     "received_at, simulated, created_by, updated_at, version, extra) VALUES (?, 'phone_110', 'theft', "
                     "3, 'received', 'x', '', 114.3, 30.58, '2026-01-01 00:00:00', 1, 't', '2026-01-01 00:00:00', "
                     "1, ?)",
                     (incident_id, extra))
    conn.commit()
    conn.close()
    migrate.upgrade(url)
    conn = sqlite3.connect(tmp_path / "drills.db")
    assert conn.execute("SELECT id, drill_run_id FROM incidents ORDER BY id").fetchall() == [
        (1, 7), (2, None), (3, None), (4, None)]
    conn.close()

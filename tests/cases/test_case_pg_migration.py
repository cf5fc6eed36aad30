"""Migration 0011 on a database holding data, on SQLite and PostgreSQL: the rows survive the upgrade to the
latest revision, the cases domain works on it, and going back down drops the case tables and keeps the incidents."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import sessionmaker

from cases.case_kit import PATTERN, ZONE
from precinct.app import install_unit_of_work
from precinct.cases import service
from precinct.cases.limit_models import CaseDeadline
from precinct.cases.schemas import CaseCreate
from precinct.core import migrate
from testkit import ADMIN_ACTOR, scratch_database

AT = "2026-01-01 00:00:00"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_with_incidents_and_cases_upgrades_works_and_goes_back_down(backend, tmp_path):
    with scratch_database(backend, tmp_path / "cases.db", prefix="precinct_cases_mig") as url:
        migrate.upgrade(url, revision="0010")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO incident_types (code, name_zh, name_en, category, default_priority, active) "
                              "VALUES ('theft', '盗窃', 'Theft', 'theft', 3, :yes)"), {"yes": True})
            station = conn.execute(text("INSERT INTO org_units (code, name_zh, name_en, tier) "
                                        "VALUES ('S1', '西区派出所', 'West Station', 'station') RETURNING id")).scalar()
            incident = conn.execute(text(
                "INSERT INTO incidents (source, type_code, priority, status, description, address, lon, lat, "
                "received_at, simulated, created_by, updated_at, version, station_id) VALUES ('phone_110', 'theft', 3, "
                f"'closed', '电动车被盗', '', 114.3, 30.58, '{AT}', :no, 't', '{AT}', 1, :station) RETURNING id"),
                {"no": False, "station": station}).scalar()
        migrate.upgrade(url, revision="0011")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM incidents")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM case_rules WHERE version_id = 1")).scalar() == 6
            case = conn.execute(text(
                "INSERT INTO cases (number, kind, type_code, status, summary, address, station_id, received_at, "
                f"created_by, updated_at, version) VALUES ('N-1', 'criminal', 'XS-DQ', 'received', '电动车被盗', '', "
                f":station, '{AT}', 't', '{AT}', 1) RETURNING id"), {"station": station}).scalar()
            conn.execute(text("INSERT INTO case_incidents (case_id, incident_id, source, linked_at, linked_by) "
                              f"VALUES (:case, :incident, 'created_from', '{AT}', 't')"),
                         {"case": case, "incident": incident})
        migrate.upgrade(url)  # every later revision, with the case in place
        with install_unit_of_work(sessionmaker(bind=engine, expire_on_commit=False))() as session:
            kept = service.get(session, case)
            assert (kept.number, kept.status.value, kept.station_id) == ("N-1", "received", station)
            body = CaseCreate.model_validate({"kind": "criminal", "type_code": "XS-DQ", "summary": "又一起 another",
                                              "incident_ids": [incident]})
            new = service.create(session, body, actor=ADMIN_ACTOR, number_pattern=PATTERN, zone=ZONE)
            session.commit()
            assert new.id != case and new.number.startswith("S1-XS-")
            assert [d.rule_code for d in session.query(CaseDeadline).filter_by(case_id=new.id)] == ["open_decision"]
        command.downgrade(migrate.alembic_config(url), "0010")
        with engine.connect() as conn:
            assert not [t for t in inspect(conn).get_table_names() if t.startswith("case")]
            assert conn.execute(text("SELECT id, description FROM incidents")).one() == (incident, "电动车被盗")
        engine.dispose()

"""An import brings open incidents in past the flush hook: each still gets its current stage's deadline."""

from __future__ import annotations

from sqlalchemy import create_engine, select

from precinct.incidents.models import Incident
from precinct.supervision.models import IncidentDeadline

CSV = ("id,occurred_at,category,lat,lon,status,disposition\n"
       "OPEN-1,2026-11-30T08:00:00+08:00,Assault,30.55,114.05,received,\n"
       "OPEN-2,2026-11-30T09:00:00+08:00,Robbery,30.55,114.05,on_scene,\n"
       "SHUT-3,2026-11-30T10:00:00+08:00,Assault,30.55,114.05,closed,resolved\n")


def test_open_imported_incidents_get_the_deadline_of_their_stage(fresh_database_url, cli, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(CSV, encoding="utf-8")
    result = cli("import", "incidents", str(path))
    assert result.exit_code == 0, result.output
    engine = create_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            ids = dict(conn.execute(select(Incident.external_id, Incident.id)).all())
            rows = conn.execute(select(IncidentDeadline.incident_id, IncidentDeadline.stage,
                                       IncidentDeadline.entered_at, Incident.received_at)
                                .join(Incident, Incident.id == IncidentDeadline.incident_id)
                                .order_by(IncidentDeadline.incident_id)).all()
    finally:
        engine.dispose()
    assert [(r.incident_id, r.stage) for r in rows] == [(ids["OPEN-1"], "dispatch"), (ids["OPEN-2"], "handling")]
    assert all(r.entered_at == r.received_at for r in rows)  # the stage starts at the call's time
    again = cli("import", "incidents", str(path))  # a re-run skips the rows and opens nothing twice
    assert again.exit_code == 0, again.output
    engine = create_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            assert len(conn.execute(select(IncidentDeadline.id)).all()) == 2
    finally:
        engine.dispose()

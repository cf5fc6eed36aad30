"""`precinct import incidents`: bad rows reported by line, good rows kept, re-runs idempotent, atomic."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from precinct.core.errors import ValidationError
from precinct.incidents.importer import import_incidents
from precinct.incidents.models import Incident
from testkit import ADMIN_ACTOR

HEADER = "id,occurred_at,category,premises_type,neighbourhood,lat,lon\n"
ROWS = [
    "GO-1,2019-05-01T14:00:00-04:00,Assault,Apartment,Downtown,43.65,-79.38\n",          # line 2 ok
    "GO-2,2019-05-01T15:00:00-04:00,Break and Enter,House,Annex,43.67,-79.40\n",         # line 3 ok
    "GO-3,2019-05-01 16:00:00,Robbery,Outside,Annex,43.67,-79.40\n",                      # line 4 no offset
    "GO-4,2019-05-01T17:00:00-04:00,Jaywalking,Outside,Annex,43.67,-79.40\n",            # line 5 unknown category
    "GO-5,2019-05-01T18:00:00-04:00,Auto Theft,Outside,Annex,95.0,-79.40\n",             # line 6 bad lat
    "GO-1,2019-05-01T19:00:00-04:00,Assault,Outside,Annex,43.67,-79.40\n",                # line 7 repeated id
    ",2019-05-01T20:00:00-04:00,Assault,Outside,Annex,43.67,-79.40\n",                    # line 8 empty id
    "GO-8,not-a-time+01:00,Assault,Outside,Annex,43.67,-79.40\n",                         # line 9 bad time
    "GO-9,2019-05-02T01:00:00Z,theft over,Commercial,Annex,43.66,-79.39\n",              # line 10 ok (alias)
]


@pytest.fixture
def csv_file(tmp_path) -> Path:
    path = tmp_path / "incidents.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return path


def test_import_reports_bad_rows_and_keeps_good_ones(fresh_database_url, cli, csv_file, tmp_path):
    errors = tmp_path / "errors.csv"
    result = cli("import", "incidents", str(csv_file), "--json", "--errors-out", str(errors))
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["imported"], summary["skipped_existing"], summary["bad_rows"]) == (9, 3, 0, 6)
    reasons = {e["line"]: e["reason"] for e in summary["errors"]}
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9]
    assert "UTC offset" in reasons[4]
    assert "category" in reasons[5]
    assert "lat" in reasons[6]
    assert "repeats an earlier row" in reasons[7]
    assert "id is empty" in reasons[8]
    assert "valid ISO 8601" in reasons[9]
    assert errors.read_text(encoding="utf-8").splitlines()[0] == "line,reason"

    engine = create_engine(fresh_database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT external_id, type_code, status, disposition, source, extra FROM incidents ORDER BY external_id",
        )).all()
    engine.dispose()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        ("GO-1", "assault", "closed", "resolved", "phone_110"),
        ("GO-2", "burglary", "closed", "resolved", "phone_110"),
        ("GO-9", "theft", "closed", "resolved", "phone_110"),
    ]
    extra = rows[0][5] if isinstance(rows[0][5], dict) else json.loads(rows[0][5])
    assert extra == {"premises_type": "Apartment", "neighbourhood": "Downtown",
                     "occurred_at": "2019-05-01T14:00:00-04:00"}

    again = cli("import", "incidents", str(csv_file), "--json")
    summary = json.loads(again.stdout)
    assert (summary["imported"], summary["skipped_existing"]) == (0, 3)
    verify = cli("audit", "verify")
    assert verify.exit_code == 0, verify.output


def test_received_at_is_stored_in_utc(session, tmp_path):
    path = tmp_path / "one.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER + ROWS[0])
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert report.ok and report.imported == 1
    incident = session.scalar(select(Incident).where(Incident.external_id == "GO-1"))
    assert incident.received_at.isoformat() == "2019-05-01T18:00:00+00:00"


def test_missing_columns_are_a_clear_error(session, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,when,category\n1,2019-01-01T00:00:00Z,Assault\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"lacks the required column.*occurred_at, lat, lon"):
        import_incidents(session, path, actor=ADMIN_ACTOR)


def test_cli_bad_file_and_source_exit_2(tmp_path, cli, fresh_database_url):
    path = tmp_path / "bad.csv"
    path.write_text("id,when,category\n1,2019-01-01T00:00:00Z,Assault\n", encoding="utf-8")
    missing = cli("import", "incidents", str(path))
    assert missing.exit_code == 2 and "lacks the required column" in missing.output
    result = cli("import", "incidents", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "does not exist" in result.output
    assert cli("import", "incidents", str(path), "--source", "rumour").exit_code == 2


def test_an_interrupted_import_writes_nothing(session, tmp_path):
    path = tmp_path / "many.csv"
    lines = [f"X-{i},2019-06-01T{i % 24:02d}:00:00+00:00,Assault,,,43.6,-79.4\n" for i in range(10)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    before = session.scalar(select(func.count(Incident.id)))

    calls = []

    def fail_after_first_batch(n):
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_incidents(session, path, actor=ADMIN_ACTOR, batch_size=4, progress=fail_after_first_batch)
    session.rollback()
    assert session.scalar(select(func.count(Incident.id))) == before

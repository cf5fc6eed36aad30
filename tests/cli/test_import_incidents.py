"""`precinct import incidents`: bad rows reported by line, good rows kept, re-runs idempotent, whole
batches committed (an interrupted import is finished by running it again); other columns only through a
mapping, personal data only to parties."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from precinct.audit.models import AuditEntry
from precinct.core.errors import ValidationError
from precinct.incidents import importer
from precinct.incidents.importer import import_incidents
from precinct.incidents.models import Incident, IncidentEvent, IncidentParty
from testkit import ADMIN_ACTOR

HEADER = "id,occurred_at,category,premises_type,neighbourhood,lat,lon\n"
MAPPING = {"premises_type": "extra.premises_type", "neighbourhood": "extra"}
MAP_OPTIONS = ("--map", "premises_type=extra.premises_type", "--map", "neighbourhood=extra")
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
    result = cli("import", "incidents", str(csv_file), *MAP_OPTIONS, "--json", "--errors-out", str(errors))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a report, not a traceback
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
    with errors.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["line", "reason"]
    assert [(int(line), reason) for line, reason in written[1:]] == sorted(reasons.items())  # commas quoted

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

    again = cli("import", "incidents", str(csv_file), *MAP_OPTIONS, "--json")
    summary = json.loads(again.stdout)
    assert (summary["imported"], summary["skipped_existing"]) == (0, 3)
    verify = cli("audit", "verify")
    assert verify.exit_code == 0, verify.output


def test_received_at_is_stored_in_utc(session, tmp_path):
    path = tmp_path / "one.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER + ROWS[0])
    report = import_incidents(session, path, actor=ADMIN_ACTOR, mapping=MAPPING)
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


def test_an_interrupted_import_keeps_whole_batches_and_a_rerun_completes_it(session, tmp_path, monkeypatch):
    """Ctrl-C in the middle of the second batch: the first stays whole, the second is gone; a re-run adds the rest."""
    path = tmp_path / "many.csv"
    lines = [f"X-{i},2019-06-01T{i % 24:02d}:00:00+00:00,Assault,,,43.6,-79.4\n" for i in range(10)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    before = session.scalar(select(func.count(Incident.id)))
    write = importer._write
    calls = []

    def interrupted_in_the_second_batch(*args, **kwargs):
        calls.append(1)
        write(*args, **kwargs)  # its incidents and events are inserted, not yet committed
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(importer, "_write", interrupted_in_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        import_incidents(session, path, actor=ADMIN_ACTOR, mapping=MAPPING, batch_size=4)
    assert session.scalar(select(func.count(Incident.id))) == before + 4
    stored = set(session.scalars(select(Incident.external_id).where(Incident.external_id.like("X-%"))))
    assert stored == {f"X-{i}" for i in range(4)}
    assert session.scalar(select(func.count(IncidentEvent.id)).join(Incident, Incident.id == IncidentEvent.incident_id)
                          .where(Incident.external_id.like("X-%"))) == 4
    stopped = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "incident.import")).all()[-1]
    assert (stopped["imported"], stopped["interrupted"]) == (4, True)

    monkeypatch.setattr(importer, "_write", write)
    report = import_incidents(session, path, actor=ADMIN_ACTOR, mapping=MAPPING, batch_size=4)
    assert (report.rows, report.imported, report.skipped_existing, report.ok) == (10, 6, 4, True)
    assert session.scalar(select(func.count(Incident.id))) == before + 10
    assert session.scalar(select(func.count(func.distinct(Incident.external_id)))
                          .where(Incident.external_id.like("X-%"))) == 10


def test_an_interrupted_command_says_what_stays_and_exits_130(fresh_database_url, cli, csv_file, monkeypatch):
    checked_batches, write_batch = importer._checked_batches, importer._write_batch
    calls = []

    def interrupted_in_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return write_batch(*args, **kwargs)

    monkeypatch.setattr(importer, "_checked_batches", lambda *args, batch_size, tally: checked_batches(
        *args, batch_size=2, tally=tally))
    monkeypatch.setattr(importer, "_write_batch", interrupted_in_the_second_batch)
    result = cli("import", "incidents", str(csv_file), *MAP_OPTIONS)
    assert result.exit_code == 130 and isinstance(result.exception, SystemExit), result.output
    assert "import interrupted: 2 rows were written in whole batches and stay" in result.stderr
    monkeypatch.setattr(importer, "_write_batch", write_batch)
    again = cli("import", "incidents", str(csv_file), *MAP_OPTIONS, "--json")
    assert (json.loads(again.stdout)["imported"], json.loads(again.stdout)["skipped_existing"]) == (1, 2)
    assert cli("audit", "verify").exit_code == 0


def test_one_bad_row_of_any_kind_never_costs_the_file(fresh_database_url, cli, tmp_path):
    """An extra field, year 0, a NUL byte, an address over the column's length: reported, the rest kept."""
    limit = Incident.__table__.c.address.type.length
    path = tmp_path / "mixed.csv"
    path.write_text("id,occurred_at,category,lat,lon,address\n"
                    "B-1,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,Jiefang Road 1\n"
                    "B-2,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,Jiefang Road 2,surplus\n"
                    "B-3,0000-05-01T14:00:00+08:00,Assault,30.55,114.05,\n"
                    "B-4,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,Jiefang\x00Road\n"
                    f"B-5,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,{'x' * (limit + 1)}\n"
                    "B-6,2199-05-01T14:00:00+08:00,Assault,30.55,114.05,\n"
                    "B-7,2019-05-01T15:00:00+08:00,Assault,30.55,114.05,Jiefang Road 7\n", encoding="utf-8")
    result = cli("import", "incidents", str(path), "--json")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["imported"], summary["bad_rows"]) == (7, 2, 5)
    assert [e["line"] for e in summary["errors"]] == [3, 4, 5, 6, 7]
    assert "years 1900 to 2100" in summary["errors"][4]["reason"]
    engine = create_engine(fresh_database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT external_id FROM incidents ORDER BY external_id")).scalars().all()
    engine.dispose()
    assert stored == ["B-1", "B-7"]
    text_run = cli("import", "incidents", str(path))
    assert text_run.exit_code == 1
    assert "第 3 行 / line 3: 有 7 个字段" in text_run.stderr and "0 条已导入 / imported" in text_run.stdout


def test_empty_files(fresh_database_url, cli, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = cli("import", "incidents", str(empty))
    assert result.exit_code == 2 and "empty.csv is empty or has no readable header line" in result.stderr
    nothing = tmp_path / "nothing.csv.gz"
    with gzip.open(nothing, "wt", encoding="utf-8") as handle:
        handle.write("")
    assert cli("import", "incidents", str(nothing)).exit_code == 2
    header_only = tmp_path / "header.csv"
    header_only.write_text(HEADER, encoding="utf-8")
    done = cli("import", "incidents", str(header_only), *MAP_OPTIONS, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"rows": 0, "imported": 0, "skipped_existing": 0, "bad_rows": 0,
                                       "parties": 0, "errors": []}
    said = cli("import", "incidents", str(header_only), *MAP_OPTIONS)
    assert said.exit_code == 0 and "the file has a header line and no rows" in said.stdout


def test_unmapped_columns_refuse_the_file_and_personal_data_goes_only_to_parties(fresh_database_url, cli, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("id,occurred_at,category,lat,lon,ward,caller_name,报警人电话\n"
                    "C-1,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,W1,Zhang San,13800138000\n",
                    encoding="utf-8")
    refused = cli("import", "incidents", str(path))
    assert refused.exit_code == 2, refused.output
    assert "these columns are not mapped: ward, caller_name, 报警人电话" in refused.stderr
    assert "--map ward=extra.ward" in refused.stderr and "--map caller_name=party.caller.name" in refused.stderr
    assert "--map 报警人电话=party.caller.phone" in refused.stderr
    into_extra = cli("import", "incidents", str(path), "--map", "ward=extra", "--map", "caller_name=extra.who",
                     "--map", "报警人电话=ignore")
    assert into_extra.exit_code == 2, into_extra.output
    assert "may hold personal data: they cannot go into extra, only to a party or nowhere: caller_name" in (
        into_extra.stderr)

    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"ward": "extra", "caller_name": "party.caller.name",
                                   "报警人电话": "ignore"}, ensure_ascii=False), encoding="utf-8")
    engine = create_engine(fresh_database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM incidents")).scalar() == 0  # the refusals wrote nothing
    done = cli("import", "incidents", str(path), "--mapping", str(mapping), "--map", "报警人电话=party.caller.phone",
               "--json")
    assert done.exit_code == 0, done.output
    assert (json.loads(done.stdout)["imported"], json.loads(done.stdout)["parties"]) == (1, 1)
    with engine.connect() as conn:
        party = conn.execute(select(IncidentParty.kind, IncidentParty.name, IncidentParty.phone)).one()
        audits = conn.execute(text("SELECT action FROM audit_log WHERE action LIKE '%import' ORDER BY seq")).all()
    engine.dispose()
    assert tuple(party) == ("caller", "Zhang San", "13800138000")
    assert [a[0] for a in audits] == ["incident.import", "personal_data.import"]
    assert cli("audit", "verify").exit_code == 0


def test_bad_mapping_options_exit_2(fresh_database_url, cli, csv_file, tmp_path):
    no_sign = cli("import", "incidents", str(csv_file), "--map", "premises_type")
    assert no_sign.exit_code == 2 and "write COLUMN=TARGET" in no_sign.stderr
    bad_target = cli("import", "incidents", str(csv_file), *MAP_OPTIONS, "--map", "premises_type=notes")
    assert bad_target.exit_code == 2 and "'notes' is not a target" in bad_target.stderr
    listing = tmp_path / "list.json"
    listing.write_text('["premises_type"]', encoding="utf-8")
    bad_file = cli("import", "incidents", str(csv_file), "--mapping", str(listing))
    assert bad_file.exit_code == 2 and "give one JSON object" in bad_file.stderr


def test_a_database_failure_says_what_stays_without_a_traceback(fresh_database_url, cli, csv_file, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def database_gone(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(importer, "_write", database_gone)
    result = cli("import", "incidents", str(csv_file), *MAP_OPTIONS)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "the database failed and the import stopped: 0 rows were written" in result.stderr
    assert "server closed the connection unexpectedly" in result.stderr


def test_names_with_brackets_are_printed_as_they_are(fresh_database_url, cli, tmp_path):
    path = tmp_path / "brackets.csv"
    path.write_text("id,occurred_at,category,lat,lon,[ward],[/b]\n", encoding="utf-8")
    result = cli("import", "incidents", str(path))
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "these columns are not mapped: [ward], [/b]" in result.stderr
    assert "--map '[ward]=extra.[ward]'" in result.stderr
    wrong = cli("import", "incidents", str(path), "--map", "[ward]=extra", "--map", "[/b]=[red]")
    assert wrong.exit_code == 2 and "'[red]' is not a target" in wrong.stderr

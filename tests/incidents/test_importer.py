"""The CSV importer on both databases: one bad row never costs the file, line numbers, times, empty files."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from precinct.audit.models import AuditEntry
from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.incidents import importer
from precinct.incidents.importer import import_incidents
from precinct.incidents.models import Incident, IncidentEvent
from testkit import ADMIN_ACTOR

HEADER = "id,occurred_at,category,lat,lon,address\n"
ADDRESS_LIMIT = Incident.__table__.c.address.type.length


def _row(external_id: str, when: str = "2019-05-01T14:00:00+08:00", address: str = "") -> str:
    return f"{external_id},{when},Assault,30.55,114.05,{address}\n"


def _write(tmp_path: Path, text: str, name: str = "incidents.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _stored(session) -> list[str]:
    return list(session.scalars(select(Incident.external_id).order_by(Incident.external_id)))


def test_bad_rows_of_every_kind_cost_only_themselves(session, tmp_path):
    path = _write(tmp_path, HEADER + "".join([
        _row("OK-1"),                                                  # line 2
        "EXTRA-1,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,,surplus\n",   # line 3: one field too many
        _row("YEAR0", when="0000-05-01T14:00:00+08:00"),              # line 4
        _row("NUL-1", address="Jiefang Road\x00 1"),                   # line 5
        _row("LONG-1", address="x" * (ADDRESS_LIMIT + 1)),             # line 6: PostgreSQL refused the file
        _row("OK-2", address="x" * ADDRESS_LIMIT),                     # line 7: exactly the limit
        "SHORT-1,2019-05-01T14:00:00+08:00,Assault\n",                 # line 8: fields missing
    ]))
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert (report.rows, report.imported, report.skipped_existing) == (7, 2, 0)
    reasons = {bad.line: bad.reason for bad in report.bad_rows}
    assert sorted(reasons) == [3, 4, 5, 6, 8]
    assert "has 7 fields, the header has 6" in reasons[3]
    assert "not a valid ISO 8601 time" in reasons[4]
    assert "address contains a NUL byte" in reasons[5]
    assert f"address is longer than {ADDRESS_LIMIT} characters" in reasons[6]
    assert "has 3 fields, the header has 6" in reasons[8]
    assert _stored(session) == ["OK-1", "OK-2"]
    assert session.scalar(select(func.count(IncidentEvent.id)).where(IncidentEvent.kind == "imported")) == 2


def test_a_batch_the_database_refuses_is_retried_row_by_row(session, tmp_path, monkeypatch):
    """A row only the database can refuse (here an id another import stored meanwhile) costs only that row."""
    first = _write(tmp_path, HEADER + _row("RACE-2"), name="first.csv")
    assert import_incidents(session, first, actor=ADMIN_ACTOR).imported == 1
    monkeypatch.setattr(importer, "_existing_ids", lambda _session, _ids: set())  # as if checked before it came
    path = _write(tmp_path, HEADER + _row("RACE-1") + _row("RACE-2") + _row("RACE-3"))

    report = import_incidents(session, path, actor=ADMIN_ACTOR, batch_size=10)
    assert report.imported == 2
    assert [bad.line for bad in report.bad_rows] == [3]
    assert "the database refused this row" in report.bad_rows[0].reason
    assert _stored(session) == ["RACE-1", "RACE-2", "RACE-3"]
    session.commit()  # the audit entries queued before the refused savepoint are still written
    actions = list(session.scalars(select(AuditEntry.resource_id).where(AuditEntry.action == "incident.import")))
    assert actions[-2:] == ["first.csv", "incidents.csv"]


def test_line_numbers_are_physical_lines_after_multiline_fields_and_blank_lines(session, tmp_path):
    path = _write(tmp_path, HEADER + "".join([
        'ML-1,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,"Jiefang Road\nthird floor\nback door"\n',  # 2-4
        "\n",                                                                                            # 5
        _row("ML-2", when="2019-05-01 14:00"),                                                           # 6
        "\n",                                                                                            # 7
        "\n",                                                                                            # 8
        _row("ML-3", when="yesterday+08:00"),                                                            # 9
        _row("ML-4"),                                                                                    # 10
    ]))
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert [(bad.line, "UTC offset" in bad.reason) for bad in report.bad_rows] == [(6, True), (9, False)]
    assert (report.rows, report.imported) == (4, 2)
    address = session.scalar(select(Incident.address).where(Incident.external_id == "ML-1"))
    assert address == "Jiefang Road\nthird floor\nback door"


@pytest.mark.parametrize(("when", "accepted"), [
    ("1899-12-31T23:59:59Z", False),
    ("1900-01-01T00:00:00Z", True),
    ("1900-01-01T07:00:00+08:00", False),  # 1899 in UTC
    ("0001-01-01T00:00:00+01:00", False),
    ("0001-06-01T00:00:00-01:00", False),
    ("2199-05-01T14:00:00+08:00", False),
    ("2024-02-30T14:00:00+08:00", False),
])
def test_received_at_years_1900_to_2100_only(session, tmp_path, when, accepted):
    path = _write(tmp_path, HEADER + _row("Y-1", when=when))
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert (report.imported, len(report.bad_rows)) == ((1, 0) if accepted else (0, 1))


def test_received_at_no_later_than_the_allowed_future_skew(session, tmp_path):
    soon = (utcnow() + timedelta(minutes=1)).isoformat()
    later = (utcnow() + timedelta(hours=1)).isoformat()
    path = _write(tmp_path, HEADER + _row("F-1", when=soon) + _row("F-2", when=later))
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert report.imported == 1
    assert [(bad.line, bad.reason.endswith("occurred_at lies in the future")) for bad in report.bad_rows] == [(3, True)]


@pytest.mark.parametrize("name", ["empty.csv", "empty.csv.gz"])
def test_an_empty_file_is_a_clear_error(session, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(ValidationError, match=rf"{re.escape(name)} is empty or has no readable header line"):
        import_incidents(session, path, actor=ADMIN_ACTOR)


def test_a_gzip_of_nothing_and_a_blank_file_are_clear_errors(session, tmp_path):
    nothing = tmp_path / "nothing.csv.gz"
    with gzip.open(nothing, "wt", encoding="utf-8") as handle:
        handle.write("")
    with pytest.raises(ValidationError, match=r"nothing\.csv\.gz is empty"):
        import_incidents(session, nothing, actor=ADMIN_ACTOR)
    with pytest.raises(ValidationError, match=r"blank\.csv is empty"):
        import_incidents(session, _write(tmp_path, "\n\n", name="blank.csv"), actor=ADMIN_ACTOR)
    not_gzip = _write(tmp_path, HEADER, name="plain.csv.gz")
    with pytest.raises(ValidationError, match=r"plain\.csv\.gz is not a readable CSV file"):
        import_incidents(session, not_gzip, actor=ADMIN_ACTOR)


def test_a_header_alone_imports_nothing_and_succeeds(session, tmp_path):
    path = tmp_path / "header.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER)
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert (report.rows, report.imported, report.ok) == (0, 0, True)


def test_bytes_that_are_not_utf8_spoil_only_their_row(session, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes((HEADER + _row("U-1")).encode() + _row("U-2", address="\xb9\xe2").encode("latin-1")
                     + _row("U-3", address="解放大道").encode())
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert [(bad.line, "not UTF-8" in bad.reason) for bad in report.bad_rows] == [(3, True)]
    assert _stored(session) == ["U-1", "U-3"]


def test_progress_counts_every_row_written(session, tmp_path):
    path = _write(tmp_path, HEADER + "".join(_row(f"P-{i}") for i in range(7)))
    sizes: list[int] = []
    report = import_incidents(session, path, actor=ADMIN_ACTOR, batch_size=3, progress=sizes.append)
    assert sizes == [3, 3, 1] and report.imported == 7


def test_no_transaction_is_open_while_the_file_is_read(session, tmp_path, monkeypatch):
    """Each batch is committed before the next is parsed: on SQLite an open one would hold the write lock."""
    check_record = importer._check_record
    open_while_reading: list[bool] = []

    def spy(*args, **kwargs):
        open_while_reading.append(session.in_transaction())
        return check_record(*args, **kwargs)

    monkeypatch.setattr(importer, "_check_record", spy)
    path = _write(tmp_path, HEADER + "".join(_row(f"T-{i}") for i in range(7)))
    report = import_incidents(session, path, actor=ADMIN_ACTOR, batch_size=3)
    assert report.imported == 7
    assert open_while_reading == [False] * 7


def test_a_file_cut_short_keeps_the_batches_before_and_says_so(session, tmp_path):
    path = tmp_path / "cut.csv.gz"
    whole = gzip.compress((HEADER + "".join(_row(f"C-{i:03d}", address=f"{i * 7919:x}" * 20)
                                            for i in range(300))).encode())
    path.write_bytes(whole[:-12])  # the end of the stream and its checksum are missing
    with pytest.raises(ValidationError, match=r"cut\.csv\.gz is not a readable CSV file.*the \d+ rows imported "
                                              r"before stay"):
        import_incidents(session, path, actor=ADMIN_ACTOR, batch_size=50)
    stored = _stored(session)
    assert stored and len(stored) % 50 == 0 and stored == [f"C-{i:03d}" for i in range(len(stored))]


def test_malformed_records_cost_only_themselves_and_reading_goes_on(session, tmp_path):
    path = _write(tmp_path, HEADER + "".join([
        _row("M-1", address="x" * 140_000),                                       # line 2: over the csv field limit
        'M-2,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,"Jiefang"Road\n',   # line 3: text after the quote
        _row("M-3", address='"two\nlines"'),                                       # lines 4-5
        _row("M-4"),                                                               # line 6
        'M-5,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,"never closed\n',     # line 7
        _row("M-6"),                                                               # line 8: inside M-5's quote
    ]))
    report = import_incidents(session, path, actor=ADMIN_ACTOR)
    assert [(bad.line, "the CSV is malformed here" in bad.reason) for bad in report.bad_rows] == [
        (2, True), (3, True), (7, True)]
    assert _stored(session) == ["M-3", "M-4"]
    with pytest.raises(ValidationError, match="is not a file"):
        import_incidents(session, tmp_path, actor=ADMIN_ACTOR)

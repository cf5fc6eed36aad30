"""Import incidents from the canonical incident CSV.

Columns: ``id``, ``occurred_at`` (ISO 8601 with a UTC offset), ``category`` (a type code, name or
alias), ``lat``, ``lon``; optional ``source``, ``priority``, ``status``, ``disposition``,
``description``, ``address``. Every other column must be named in the mapping: ``extra.KEY`` (kept
in the incident's ``extra``), ``party.KIND.FIELD`` (a caller, victim or witness: personal data,
read only through the audited personal-data route) or ``ignore``. A column whose name says it may
hold personal data goes to a party or nowhere, never to ``extra``. An unmapped column refuses the
whole file before anything is written.

Every row is checked in Python before it reaches the database (lengths from the ORM columns, NUL
bytes, times); bad rows are reported with the physical line where their record starts and a
reason, and the good rows are kept. The file is read a batch at a time and each batch is committed
in a short transaction of its own, so no transaction stays open while the file is read. Should the
database still refuse a batch, its rows are retried one by one, each in a savepoint, so only the
row it refuses is reported. Ids are idempotency keys: a re-run adds nothing twice, and an
interrupted import keeps its committed batches and, run again, adds only the rest.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import end_read, utcnow
from precinct.core.errors import ValidationError
from precinct.core.i18n import both
from precinct.core.security import Actor
from precinct.incidents import service as incident_service
from precinct.incidents.import_columns import (
    REQUIRED_COLUMNS,
    Target,
    check_length,
    codes_from,
    column_length,
    parties_from,
    place_from,
    plan_columns,
    received_at_from,
)
from precinct.incidents.models import (
    Incident,
    IncidentEvent,
    IncidentParty,
    IncidentSource,
    IncidentStatus,
)
from precinct.org import service as org_service
from precinct.org.service import JurisdictionIndex

DEFAULT_BATCH_SIZE = 500
"""Good rows written and committed per transaction."""
_BAD_CHARACTERS = re.compile("[\x00\udc80-\udcff]")  # NUL; bytes that were not UTF-8 (surrogateescape)


@dataclass(frozen=True)
class BadRow:
    """A row the import refused: the line where its record starts in the file, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, imported, skipped as already imported, parties, and the bad rows."""

    rows: int
    imported: int
    skipped_existing: int
    bad_rows: list[BadRow] = field(default_factory=list)
    parties: int = 0

    @property
    def ok(self) -> bool:
        """Tell whether every row was good."""
        return not self.bad_rows


# ---- reading the file -----------------------------------------------------------------------


def _open_text(path: Path) -> TextIO:
    # surrogateescape: a byte that is not UTF-8 spoils only its row, which is reported
    try:
        if path.name.lower().endswith(".gz"):
            return gzip.open(path, "rt", encoding="utf-8-sig", errors="surrogateescape", newline="")
        return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise ValidationError(f"{path} is not a readable CSV file: {exc}") from exc


def _records(handle: TextIO, path: Path) -> Iterator[tuple[int, list[str] | str]]:
    """Yield (the physical line where a record starts, its fields or why it cannot be read); skip blank lines.

    Raises
    ------
    ValidationError
        If the file cannot be read on (not gzip after all, cut short, a disk error).
    """
    reader = csv.reader(handle, strict=True)  # an unclosed quote, or text after a closing one, is a bad record
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, both("import.csv_malformed").format(error=exc)
            start = reader.line_num + 1
            continue
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise ValidationError(f"{path} is not a readable CSV file (line {start}): {exc}") from exc
        if record and not (len(record) == 1 and not record[0].strip()):
            yield start, record
        start = reader.line_num + 1


def _read_header(records: Iterator[tuple[int, list[str] | str]], path: Path,
                 mapping: Mapping[str, str]) -> tuple[list[str], dict[str, Target]]:
    """Read the header; return it and the target of every column beyond the canonical ones.

    Raises
    ------
    ValidationError
        If the file is empty, its header unreadable or not UTF-8, or the columns do not fit (see
        :func:`~precinct.incidents.import_columns.plan_columns`).
    """
    first = next(records, None)
    if first is None or isinstance(first[1], str):
        raise ValidationError(f"{path} is empty or has no readable header line; the canonical incident "
                              "CSV starts with the header " + ",".join(REQUIRED_COLUMNS))
    header = [c.strip() for c in first[1]]
    if any(_BAD_CHARACTERS.search(c) for c in header):
        raise ValidationError(f"{path}: the header is not UTF-8 text; save the file as UTF-8")
    return header, plan_columns(header, mapping, path=path)


# ---- checking a row -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    type_lookup: dict[str, str]
    type_priority: dict[str, int]
    default_source: IncidentSource
    targets: dict[str, Target]
    latest: datetime


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    parties: list[dict[str, Any]]


def _check(line: int, values: dict[str, str], rules: _Rules) -> _Row | str:
    """Return the row ready to insert, or the reason it is bad (the first problem found)."""
    external_id = values["id"].strip()
    id_limit = column_length(Incident, "external_id")
    if not external_id or (id_limit is not None and len(external_id) > id_limit):
        return both("import.id_invalid").format(limit=id_limit)
    received_at = received_at_from(values["occurred_at"].strip(), rules.latest)
    if isinstance(received_at, str):
        return received_at
    type_code = rules.type_lookup.get(values["category"].strip().lower())
    if type_code is None:
        return both("import.category_unknown")
    place = place_from(values)
    if isinstance(place, str):
        return place
    codes = codes_from(values, rules.default_source)
    if isinstance(codes, str):
        return codes
    address = values.get("address", "").strip()
    too_long = check_length(address, "address", column_length(Incident, "address"))
    if too_long:
        return too_long
    parties = parties_from(values, rules.targets)
    if isinstance(parties, str):
        return parties
    closed = codes["status"] in (IncidentStatus.CLOSED, IncidentStatus.TRANSFERRED)
    extra = {t.key: values[c].strip() for c, t in rules.targets.items() if t.store == "extra"}
    return _Row(line, {
        **codes,
        "external_id": external_id,
        "type_code": type_code,
        "priority": codes["priority"] or rules.type_priority[type_code],
        "description": values.get("description", "").strip(),
        "address": address,
        "lat": place[0],
        "lon": place[1],
        "received_at": received_at,
        "closed_at": received_at if closed else None,
        "simulated": False,
        "extra": {**extra, "occurred_at": values["occurred_at"].strip()},
    }, parties)


def _check_record(line: int, record: list[str] | str, header: list[str], rules: _Rules,
                  seen: set[str]) -> _Row | str:
    """Check one record of the file (``seen``: the ids of the records before it, extended here)."""
    if isinstance(record, str):
        return record
    if len(record) != len(header):
        return both("import.field_count").format(found=len(record), header=len(header))
    for name, value in zip(header, record, strict=True):
        found = _BAD_CHARACTERS.search(value)
        if found and found.group() == "\x00":
            return both("import.nul_byte").format(name=name)
        if found:
            return both("import.not_utf8").format(name=name)
    values = dict(zip(header, record, strict=True))
    external_id = values["id"].strip()
    if external_id in seen:
        return both("import.id_repeated")
    if external_id:
        seen.add(external_id)
    return _check(line, values, rules)


# ---- writing --------------------------------------------------------------------------------


@dataclass
class _Tally:
    """What the import has done so far: counted as each batch is committed."""

    rows: int = 0
    imported: int = 0
    skipped_existing: int = 0
    parties: int = 0
    bad: list[BadRow] = field(default_factory=list)


def import_incidents(
    session: Session,
    path: Path,
    *,
    actor: Actor,
    mapping: Mapping[str, str] | None = None,
    default_source: IncidentSource = IncidentSource.PHONE_110,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Read the file a batch at a time; insert each batch's new good rows, events and parties, and commit it.

    No transaction stays open while the file is read: each batch of ``batch_size`` good rows is
    written and committed in a short transaction of its own (on SQLite the writer holds the write
    lock only that long). An import that stops half-way keeps its committed batches; ids are
    idempotency keys, so running it again adds only the rest. ``mapping`` names the target of each
    column beyond the canonical ones (column -> ``extra.KEY``, ``party.KIND.FIELD`` or ``ignore``).
    ``progress`` is called after each batch with the number of rows it wrote. The import is written
    to the audit log (``incident.import``) and, when the mapping sends columns to parties, once
    more as ``personal_data.import`` with the number of parties; an import that stops after writing
    rows is recorded with what it wrote and ``"interrupted": true``.

    Raises
    ------
    ValidationError
        If the file does not exist, cannot be read, is empty or lacks a required column; or if it
        cannot be read further after some batches (the message says how many rows stay imported).
    UnmappedColumnsError
        If a column is not mapped, or personal data is mapped into ``extra``; nothing is written.
    ConfigurationError
        If ``session`` holds unsaved changes (they would be committed with the first batch).
    """
    if not path.exists():
        raise ValidationError(f"file {path} does not exist")
    if not path.is_file():
        raise ValidationError(f"{path} is not a file; give the path of a .csv or .csv.gz file")
    if batch_size < 1:
        raise ValidationError(f"batch_size must be at least 1, not {batch_size}")
    rules = _Rules(incident_service.type_lookup(session),
                   {t.code: t.default_priority for t in incident_service.list_types(session)},
                   default_source, {}, utcnow() + incident_service.MAX_FUTURE_SKEW)
    index = org_service.jurisdiction_index(session)
    end_read(session)  # from here on a transaction is open only while a batch is written
    sha256 = _sha256(path)
    tally = _Tally()
    with _open_text(path) as handle:
        records = _records(handle, path)
        header, targets = _read_header(records, path, mapping or {})
        rules = replace(rules, targets=targets)
        try:
            for batch in _checked_batches(records, header, rules, batch_size=batch_size, tally=tally):
                written = _write_batch(session, batch, index=index, actor=actor, file_name=path.name, tally=tally)
                if progress is not None:
                    progress(written)
        except BaseException as exc:
            _after_a_stop(session, lambda: _record_import(session, path, sha256, rules, tally, actor=actor,
                                                          interrupted=True), tally)
            if isinstance(exc, ValidationError) and tally.imported:
                raise ValidationError(f"{exc}; the {tally.imported} rows imported before stay, and running the "
                                      "import again once the file is fixed skips them") from exc
            raise
    _record_import(session, path, sha256, rules, tally, actor=actor)
    session.commit()
    tally.bad.sort(key=lambda b: b.line)
    return ImportReport(rows=tally.rows, imported=tally.imported, skipped_existing=tally.skipped_existing,
                        bad_rows=tally.bad, parties=tally.parties)


def _checked_batches(records: Iterator[tuple[int, list[str] | str]], header: list[str], rules: _Rules, *,
                     batch_size: int, tally: _Tally) -> Iterator[list[_Row]]:
    """Check the records one by one; yield the good rows in batches, count the records and keep the bad."""
    seen: set[str] = set()
    batch: list[_Row] = []
    for line, record in records:
        tally.rows += 1
        checked = _check_record(line, record, header, rules, seen)
        if isinstance(checked, _Row):
            batch.append(checked)
        else:
            tally.bad.append(BadRow(line, checked))
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_batch(session: Session, rows: list[_Row], *, index: JurisdictionIndex, actor: Actor, file_name: str,
                 tally: _Tally) -> int:
    """Write one batch in a transaction of its own and commit it; count what it did; return the rows written.

    Jurisdiction is resolved before the transaction begins; in it, the rows whose id is stored
    already are skipped and the others inserted.
    """
    now = utcnow()
    districts, stations, beats = index.resolve_many(np.array([row.values["lon"] for row in rows], dtype=float),
                                                    np.array([row.values["lat"] for row in rows], dtype=float))
    for row, district, station, beat in zip(rows, districts, stations, beats, strict=True):
        row.values.update(district_id=_id_or_none(district), station_id=_id_or_none(station),
                          beat_id=_id_or_none(beat), created_by=actor.username, updated_at=now, version=1)
    existing = _existing_ids(session, [row.values["external_id"] for row in rows])
    new = [row for row in rows if row.values["external_id"] not in existing]
    refused = _insert_batch(session, new, actor=actor, now=now, file_name=file_name) if new else []
    session.commit()
    refused_lines = {bad.line for bad in refused}
    written = [row for row in new if row.line not in refused_lines]
    tally.skipped_existing += len(rows) - len(new)
    tally.imported += len(written)
    tally.parties += sum(len(row.parties) for row in written)
    tally.bad.extend(refused)
    return len(written)


def _after_a_stop(session: Session, record: Callable[[], None], tally: _Tally) -> None:
    """Roll back the batch in hand; if earlier batches were committed, audit what they wrote (as far as possible)."""
    try:
        session.rollback()
        if tally.imported:
            record()
            session.commit()
    except SQLAlchemyError:  # the database is gone; the error that stopped the import says why
        with suppress(SQLAlchemyError):
            session.rollback()


def _record_import(session: Session, path: Path, sha256: str, rules: _Rules, tally: _Tally, *, actor: Actor,
                   interrupted: bool = False) -> None:
    """Queue the audit entries of the import: ``incident.import`` and, with party columns, ``personal_data.import``."""
    mapped = {column: str(target) for column, target in rules.targets.items()}
    stopped = {"interrupted": True} if interrupted else {}
    audit_service.record(
        session, actor=actor, action="incident.import", resource_type="incident_file", resource_id=path.name,
        detail={"sha256": sha256, "rows": tally.rows, "imported": tally.imported,
                "skipped_existing": tally.skipped_existing, "bad_rows": len(tally.bad), "parties": tally.parties,
                "mapping": mapped, **stopped},
    )
    party_columns = sorted(c for c, t in mapped.items() if t.startswith("party."))
    if party_columns:
        audit_service.record(
            session, actor=actor, action="personal_data.import", resource_type="incident_file",
            resource_id=path.name, detail={"parties": tally.parties, "columns": party_columns, **stopped},
        )


def _existing_ids(session: Session, ids: list[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        existing.update(i for i in session.scalars(select(Incident.external_id).where(Incident.external_id.in_(chunk)))
                        if i is not None)
    return existing


def _insert_batch(session: Session, rows: list[_Row], *, actor: Actor, now: datetime, file_name: str) -> list[BadRow]:
    """Insert a batch in a savepoint; if the database refuses it, insert its rows one by one; return the refused.

    The savepoints are the connection's, not the session's: rolling one back must not drop the audit
    entries this unit of work has queued.
    """
    connection = session.connection()
    try:
        with connection.begin_nested():
            _write(session, rows, actor=actor, now=now, file_name=file_name)
        return []
    except DBAPIError as exc:
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            raise  # the database failed, not a row
    refused = []
    for row in rows:
        try:
            with connection.begin_nested():
                _write(session, [row], actor=actor, now=now, file_name=file_name)
        except DBAPIError as exc:
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                raise
            message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
            refused.append(BadRow(row.line, both("import.database_refused").format(error=message)))
    return refused


def _write(session: Session, rows: list[_Row], *, actor: Actor, now: datetime, file_name: str) -> None:
    # the new ids are matched by external id: a multi-row INSERT ... RETURNING need not keep the order
    # (asking for it makes SQLite insert row by row)
    ids = dict(session.execute(insert(Incident).returning(Incident.external_id, Incident.id),
                               [row.values for row in rows]).all())
    created = [(ids[row.values["external_id"]], row) for row in rows]
    session.execute(insert(IncidentEvent), [
        {"incident_id": incident_id, "at": now, "actor": actor.username, "kind": "imported", "from_status": None,
         "to_status": row.values["status"].value, "data": {"file": file_name}}
        for incident_id, row in created
    ])
    parties = [{**party, "incident_id": incident_id, "created_at": now}
               for incident_id, row in created for party in row.parties]
    if parties:
        session.execute(insert(IncidentParty), parties)


def _id_or_none(value: np.int64) -> int | None:
    return int(value) if value >= 0 else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""Storing imported addresses: in batches, each in a short transaction, visible only when the import is done.

An import is a row of ``address_imports``. Its addresses are written and committed in batches of
:data:`BATCH_SIZE` (so the server waits at most one batch for the database), but search and
reverse geocoding read only the addresses of *complete* imports: until the last batch is in,
nothing of the import shows. An import that fails or is interrupted removes what it had written.

One import runs at a time (the register is the city's: only a city-tier account loads it). A
second one, while another runs, is refused with a ConflictError (409) and touches nothing; the
database holds this (a partial unique index lets one import only be ``running``). A running import
renews its lease, ``heartbeat_at``, with every batch. One killed outright leaves rows that stay
invisible; the next import, once that lease is :data:`LEASE_S` old, takes it as interrupted and
removes them. An import whose lease was taken that way stops at its next batch and removes its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from precinct.addresses import service as address_service
from precinct.addresses.keys import search_keys
from precinct.addresses.messages import said
from precinct.addresses.models import Address, AddressImport, ImportKind, ImportStatus
from precinct.addresses.sources import AddressRow, RefusedRow
from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError
from precinct.core.security import Actor
from precinct.org import service as org_service

BATCH_SIZE = 1000
LEASE_S = 300.0
"""How long a running import may go without finishing a batch before the next import takes it as killed."""
KEPT_REFUSALS = 1000
"""Refused rows kept in the import's record (the CLI's ``--errors-out`` writes them all)."""


@dataclass
class ImportReport:
    """What an import did: rows read, addresses stored, already in the register, and every refusal."""

    import_id: int
    rows: int = 0
    imported: int = 0
    skipped_existing: int = 0
    refused: list[RefusedRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the counts and the refused rows (where, why) as plain data."""
        return {"import_id": self.import_id, "rows": self.rows, "imported": self.imported,
                "skipped_existing": self.skipped_existing, "refused": len(self.refused),
                "refused_rows": [{"at": r.at, "reason": r.reason} for r in self.refused]}


def _batches(rows: Iterable[AddressRow | RefusedRow], size: int) -> Iterator[list[AddressRow | RefusedRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _lease_ends(record: AddressImport) -> datetime:
    return (record.heartbeat_at or record.started_at) + timedelta(seconds=LEASE_S)


def running_import(session: Session) -> AddressImport | None:
    """Return the import that is running now, if any (one whose lease ran out included)."""
    return session.scalar(select(AddressImport).where(AddressImport.status == ImportStatus.RUNNING))


def _refusal(record: AddressImport) -> ConflictError:
    return ConflictError(said("address.import_running", id=record.id, by=record.created_by,
                              started=record.started_at.isoformat(timespec="minutes"),
                              until=_lease_ends(record).isoformat(timespec="minutes")))


def remove_stale(session: Session, *, now: datetime | None = None) -> int:
    """Take the running import whose lease ran out as interrupted, delete the rows of interrupted imports; commit.

    Return how many addresses were deleted. A running import whose lease is alive is left alone.
    """
    now = now or utcnow()
    cutoff = now - timedelta(seconds=LEASE_S)
    session.execute(update(AddressImport).where(
        AddressImport.status == ImportStatus.RUNNING,
        func.coalesce(AddressImport.heartbeat_at, AddressImport.started_at) < cutoff,
    ).values(status=ImportStatus.INTERRUPTED, finished_at=now))
    interrupted = select(AddressImport.id).where(AddressImport.status == ImportStatus.INTERRUPTED)
    result = session.execute(delete(Address).where(Address.import_id.in_(interrupted)))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def _claim(session: Session, *, kind: ImportKind, source_name: str, actor: Actor) -> AddressImport:
    """Start an import (its lease from now); ConflictError if another is running, stale ones removed first."""
    remove_stale(session)
    now = utcnow()
    record = AddressImport(kind=kind, source_name=source_name[:256], status=ImportStatus.RUNNING,
                           created_by=actor.username, refused_rows=[], started_at=now, heartbeat_at=now)
    session.add(record)
    try:
        session.commit()
    except IntegrityError:  # another import started meanwhile: the one-running index refused this one
        session.rollback()
        other = running_import(session)
        if other is None:
            raise
        raise _refusal(other) from None
    return record


def _renew(session: Session, import_id: int) -> None:
    """Renew the import's lease in the batch's transaction; ConflictError if the next import took it."""
    result = session.execute(update(AddressImport).where(
        AddressImport.id == import_id, AddressImport.status == ImportStatus.RUNNING).values(heartbeat_at=utcnow()))
    if not getattr(result, "rowcount", 0):
        raise ConflictError(said("address.import_lost", id=import_id, minutes=round(LEASE_S / 60)))


def import_addresses(
    session: Session, rows: Iterable[AddressRow | RefusedRow], *, kind: ImportKind, source_name: str, actor: Actor,
    generated: bool = False, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None,
    on_done: Callable[[Session], None] | None = None,
) -> ImportReport:
    """Store ``rows`` as one import; commit each batch; make the import visible at the end (audited).

    Rows whose code is in the register already are counted and skipped (a re-run adds nothing
    twice); a code seen twice in the input, or a point outside every district of the city, is
    refused with where it is. On any error or interrupt the import's rows are deleted, it is marked
    interrupted, and the exception goes on. The first batch is read (an OpenStreetMap extract is
    parsed whole) before the import starts, so its lease runs from its first write.

    Raises
    ------
    PermissionDeniedError
        For an account below the city tier.
    ConflictError
        While another import is running (nothing is written), or if this one's lease was taken
        (it ran out: what it wrote is removed).
    """
    address_service.require_city_tier(session, actor)
    running = running_import(session)
    if running is not None and _lease_ends(running) > utcnow():
        raise _refusal(running)  # at once, before an extract is read
    session.commit()  # no transaction (on SQLite: no write lock) stays open while the first batch is read
    batches = _batches(rows, batch_size)
    first = next(batches, None)
    record = _claim(session, kind=kind, source_name=source_name, actor=actor)
    report = ImportReport(import_id=record.id)
    seen: dict[str, str] = {}
    try:
        for batch in chain([first] if first is not None else [], batches):
            _renew(session, record.id)
            _store_batch(session, batch, report, seen, import_id=record.id, generated=generated)
            session.commit()
            if progress is not None:
                progress(len(batch))
        done = session.execute(update(AddressImport).where(
            AddressImport.id == record.id, AddressImport.status == ImportStatus.RUNNING).values(
            status=ImportStatus.COMPLETE, finished_at=utcnow(), heartbeat_at=utcnow(), rows=report.rows,
            imported=report.imported, skipped_existing=report.skipped_existing, refused=len(report.refused),
            refused_rows=report.as_dict()["refused_rows"][:KEPT_REFUSALS]))
        if not getattr(done, "rowcount", 0):
            raise ConflictError(said("address.import_lost", id=record.id, minutes=round(LEASE_S / 60)))
    except BaseException:
        session.rollback()
        session.execute(delete(Address).where(Address.import_id == record.id))
        session.execute(update(AddressImport).where(AddressImport.id == record.id)
                        .values(status=ImportStatus.INTERRUPTED, finished_at=utcnow()))
        session.commit()
        raise
    audit_service.record(session, actor=actor, action="addresses.import", resource_type="address_import",
                         resource_id=record.id, detail={"kind": kind.value, "source": source_name[:256],
                                                        "imported": report.imported, "refused": len(report.refused)})
    if on_done is not None:
        on_done(session)
    session.commit()
    return report


def _store_batch(session: Session, batch: list[AddressRow | RefusedRow], report: ImportReport,
                 seen: dict[str, str], *, import_id: int, generated: bool) -> None:
    report.rows += len(batch)
    refused: list[tuple[int, RefusedRow]] = []  # (place in the batch, refusal): reported in file order
    good: list[tuple[int, AddressRow]] = []
    for place, row in enumerate(batch):
        if isinstance(row, RefusedRow):
            refused.append((place, row))
        elif row.code in seen:
            refused.append((place, RefusedRow(row.at, said("address.duplicate", code=row.code, first=seen[row.code]))))
        else:
            seen[row.code] = row.at
            good.append((place, row))
    if good:
        existing = set(session.scalars(select(Address.code).where(Address.code.in_([r.code for _, r in good]))))
        report.skipped_existing += sum(r.code in existing for _, r in good)
        good = [(p, r) for p, r in good if r.code not in existing]
    values = []
    if good:
        districts, stations, beats = org_service.jurisdiction_index(session).resolve_many(
            np.array([r.lon for _, r in good]), np.array([r.lat for _, r in good]))
        for (place, row), district, station, beat in zip(good, districts.tolist(), stations.tolist(), beats.tolist(),
                                                         strict=True):
            if district < 0 and station < 0:
                refused.append((place, RefusedRow(row.at, said("address.outside_city", lon=row.lon, lat=row.lat))))
            else:
                values.append(_values(row, import_id, generated, district, station, beat))
    if values:
        session.execute(insert(Address), values)
        report.imported += len(values)
    report.refused.extend(r for _, r in sorted(refused, key=lambda pair: pair[0]))


def _values(row: AddressRow, import_id: int, generated: bool, district: int, station: int,
            beat: int) -> dict[str, Any]:
    return {
        "code": row.code, "import_id": import_id, "text": row.text, "text_en": row.text_en, "name": row.name,
        "district": row.district, "road": row.road, "number": row.number, "building": row.building,
        "unit": row.unit, "lon": row.lon, "lat": row.lat, "district_id": district if district >= 0 else None,
        "station_id": station if station >= 0 else None, "beat_id": beat if beat >= 0 else None,
        "search_keys": search_keys(row.name, row.district, row.road, row.number, row.building, row.unit,
                                   row.text_en, text=row.text),
        "generated": generated, "created_at": utcnow(),
    }

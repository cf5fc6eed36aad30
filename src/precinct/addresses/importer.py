"""Storing imported addresses: in batches, each in a short transaction, visible only when the import is done.

An import is a row of ``address_imports``. Its addresses are written and committed in batches of
:data:`BATCH_SIZE` (so the server waits at most one batch for the database), but search and
reverse geocoding read only the addresses of *complete* imports: until the last batch is in,
nothing of the import shows. An import that fails or is interrupted removes what it had written;
one killed outright leaves rows that stay invisible and are removed by the next import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from precinct.addresses.keys import search_keys
from precinct.addresses.messages import said
from precinct.addresses.models import Address, AddressImport, ImportKind, ImportStatus
from precinct.addresses.sources import AddressRow, RefusedRow
from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.security import Actor
from precinct.org import service as org_service

BATCH_SIZE = 1000
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


def remove_unfinished(session: Session) -> int:
    """Delete the addresses of imports that never finished (and mark them interrupted); return how many."""
    unfinished = select(AddressImport.id).where(AddressImport.status != ImportStatus.COMPLETE)
    result = session.execute(delete(Address).where(Address.import_id.in_(unfinished)))
    removed = getattr(result, "rowcount", 0) or 0
    session.execute(update(AddressImport).where(AddressImport.status == ImportStatus.RUNNING)
                    .values(status=ImportStatus.INTERRUPTED, finished_at=utcnow()))
    return int(removed)


def import_addresses(
    session: Session, rows: Iterable[AddressRow | RefusedRow], *, kind: ImportKind, source_name: str, actor: Actor,
    generated: bool = False, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None,
    on_done: Callable[[Session], None] | None = None,
) -> ImportReport:
    """Store ``rows`` as one import; commit each batch; make the import visible at the end (audited).

    Rows whose code is in the register already are counted and skipped (a re-run adds nothing
    twice); a code seen twice in the input, or a point outside every district of the city, is
    refused with where it is. On any error or interrupt the import's rows are deleted, it is marked
    interrupted, and the exception goes on.
    """
    remove_unfinished(session)
    record = AddressImport(kind=kind, source_name=source_name[:256], status=ImportStatus.RUNNING,
                           created_by=actor.username, refused_rows=[])
    session.add(record)
    session.commit()
    report = ImportReport(import_id=record.id)
    seen: dict[str, str] = {}
    try:
        for batch in _batches(rows, batch_size):
            _store_batch(session, batch, report, seen, import_id=record.id, generated=generated)
            session.commit()
            if progress is not None:
                progress(len(batch))
    except BaseException:
        session.rollback()
        session.execute(delete(Address).where(Address.import_id == record.id))
        session.execute(update(AddressImport).where(AddressImport.id == record.id)
                        .values(status=ImportStatus.INTERRUPTED, finished_at=utcnow()))
        session.commit()
        raise
    record.status = ImportStatus.COMPLETE
    record.finished_at = utcnow()
    record.rows, record.imported, record.skipped_existing = report.rows, report.imported, report.skipped_existing
    record.refused = len(report.refused)
    record.refused_rows = report.as_dict()["refused_rows"][:KEPT_REFUSALS]
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
                                   row.text, row.text_en),
        "generated": generated, "created_at": utcnow(),
    }

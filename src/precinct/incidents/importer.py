"""Import incidents from the canonical incident CSV.

Columns: ``id``, ``occurred_at`` (ISO 8601 with a UTC offset), ``category`` (a type code, name or
alias), ``lat``, ``lon``; optional ``source``, ``priority``, ``status``, ``disposition``,
``description``, ``address``. Every other column is kept in ``extra``.

Bad rows are reported with their line numbers and reasons and the good rows are kept; ids are
idempotency keys, so a re-run adds nothing twice; the good rows go in one transaction, so an
interrupted import writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from precinct.audit import service as audit_service
from precinct.core.db import utcnow
from precinct.core.errors import ValidationError
from precinct.core.security import Actor
from precinct.incidents import service as incident_service
from precinct.incidents.models import Disposition, Incident, IncidentEvent, IncidentSource, IncidentStatus
from precinct.org import service as org_service

REQUIRED_COLUMNS = ("id", "occurred_at", "category", "lat", "lon")
KNOWN_COLUMNS = set(REQUIRED_COLUMNS) | {"source", "priority", "status", "disposition", "description", "address"}
HEADER_LINES = 1


@dataclass(frozen=True)
class BadRow:
    """A row the import refused: its line in the file and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, imported, skipped as already imported, and the bad ones."""

    rows: int
    imported: int
    skipped_existing: int
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every row was good."""
        return not self.bad_rows


def read_csv(path: Path) -> pd.DataFrame:
    """Read every column as text (gzip by extension); raise ValidationError on missing columns."""
    if not path.exists():
        raise ValidationError(f"file {path} does not exist")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise ValidationError(f"{path} is not a readable CSV file: {exc}") from exc
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"{path} lacks the required column(s) {', '.join(missing)}; the canonical incident CSV has "
            + ", ".join(REQUIRED_COLUMNS)
        )
    return frame


def validate(
    frame: pd.DataFrame, *, type_lookup: dict[str, str], default_source: IncidentSource
) -> tuple[pd.DataFrame, list[BadRow]]:
    """Check every row (vectorised); return the good rows, normalised, and the bad ones."""
    n = len(frame)
    reasons = np.full(n, "", dtype=object)

    def flag(mask: np.ndarray, reason: str) -> None:
        target = mask & (reasons == "")
        reasons[target] = reason

    ids = frame["id"].str.strip()
    flag((ids == "").to_numpy() | (ids.str.len() > 64).to_numpy(), "id is empty or longer than 64 characters")
    flag(ids.duplicated(keep="first").to_numpy(), "id repeats an earlier row of this file")

    raw_time = frame["occurred_at"].str.strip()
    has_offset = raw_time.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    occurred = pd.to_datetime(raw_time.where(has_offset, None), utc=True, errors="coerce", format="ISO8601")
    flag(~has_offset.to_numpy(), "occurred_at needs an ISO 8601 time with a UTC offset, e.g. 2019-05-01T14:00:00-04:00")
    flag(occurred.isna().to_numpy(), "occurred_at is not a valid ISO 8601 time")

    type_codes = frame["category"].str.strip().str.lower().map(type_lookup)
    flag(type_codes.isna().to_numpy(), "category is not a known incident type, name or alias")

    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    flag((lat.isna() | (lat.abs() > 90)).to_numpy(), "lat must be a number within [-90, 90]")
    flag((lon.isna() | (lon.abs() > 180)).to_numpy(), "lon must be a number within [-180, 180]")
    flag(((lat == 0) & (lon == 0)).to_numpy(), "lat/lon 0,0 is a missing location")

    source = _enum_column(frame, "source", IncidentSource, default_source.value, flag)
    status = _enum_column(frame, "status", IncidentStatus, IncidentStatus.CLOSED.value, flag)
    disposition = _enum_column(frame, "disposition", Disposition, "", flag)
    priority = (pd.to_numeric(frame["priority"], errors="coerce") if "priority" in frame
                else pd.Series(np.nan, index=frame.index))
    if "priority" in frame:
        flag(((frame["priority"].str.strip() != "") & ~priority.isin([1, 2, 3, 4])).to_numpy(),
             "priority must be 1, 2, 3 or 4")
    closing = status == IncidentStatus.CLOSED.value
    disposition = disposition.where(~(closing & (disposition == "")), Disposition.RESOLVED.value)
    flag((~closing & (disposition != "")).to_numpy(), "a disposition is given only for closed incidents")

    good_mask = reasons == ""
    bad = [BadRow(int(i) + HEADER_LINES + 1, str(reasons[i])) for i in np.flatnonzero(~good_mask)]
    extra_columns = [c for c in frame.columns if c not in KNOWN_COLUMNS]
    good = pd.DataFrame(
        {
            "external_id": ids,
            "received_at": occurred,
            "occurred_at_text": raw_time,
            "type_code": type_codes,
            "lat": lat,
            "lon": lon,
            "source": source,
            "status": status,
            "disposition": disposition.replace("", None),
            "priority": priority,
            "description": frame.get("description", ""),
            "address": frame.get("address", ""),
        }
    )[good_mask]
    extras = frame.loc[good_mask, extra_columns] if extra_columns else None
    good = good.assign(extra=extras.to_dict("records") if extras is not None else [{}] * len(good))
    return good, bad


def _enum_column(
    frame: pd.DataFrame, name: str, enum_cls: type[StrEnum], default: str, flag: Callable[[np.ndarray, str], None],
) -> pd.Series:
    if name not in frame:
        return pd.Series(default, index=frame.index, dtype=object)
    values = frame[name].str.strip().str.lower().replace("", default)
    allowed = {m.value for m in enum_cls} | ({""} if default == "" else set())
    flag(~values.isin(allowed).to_numpy(), f"{name} must be one of {', '.join(sorted(m.value for m in enum_cls))}")
    return values


def import_incidents(
    session: Session,
    path: Path,
    *,
    actor: Actor,
    default_source: IncidentSource = IncidentSource.PHONE_110,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate, then insert the new good rows in one transaction (the caller commits)."""
    frame = read_csv(path)
    good, bad = validate(frame, type_lookup=incident_service.type_lookup(session), default_source=default_source)
    existing: set[str] = set()
    ids = good["external_id"].tolist()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        existing.update(session.scalars(select(Incident.external_id).where(Incident.external_id.in_(chunk))))
    new = good[~good["external_id"].isin(existing)]
    type_priority = {t.code: t.default_priority for t in incident_service.list_types(session)}
    districts, stations, beats = org_service.jurisdiction_index(session).resolve_many(
        new["lon"].to_numpy(), new["lat"].to_numpy()
    )
    now = utcnow()
    imported = 0
    for start in range(0, len(new), batch_size):
        part = new.iloc[start : start + batch_size]
        rows = []
        for offset, record in enumerate(part.itertuples(index=False)):
            position = start + offset
            closed = record.status in (IncidentStatus.CLOSED.value, IncidentStatus.TRANSFERRED.value)
            received_at = record.received_at.to_pydatetime()
            rows.append({
                "external_id": record.external_id,
                "source": IncidentSource(record.source),
                "type_code": record.type_code,
                "priority": (int(record.priority) if record.priority == record.priority  # NaN: not given
                             else type_priority[record.type_code]),
                "status": IncidentStatus(record.status),
                "disposition": Disposition(record.disposition) if record.disposition else None,
                "description": record.description,
                "address": record.address,
                "lon": float(record.lon),
                "lat": float(record.lat),
                "received_at": received_at,
                "closed_at": received_at if closed else None,
                "district_id": _id_or_none(districts[position]),
                "station_id": _id_or_none(stations[position]),
                "beat_id": _id_or_none(beats[position]),
                "simulated": False,
                "extra": {**record.extra, "occurred_at": record.occurred_at_text},
                "created_by": actor.username,
                "updated_at": now,
                "version": 1,
            })
        created = session.execute(insert(Incident).returning(Incident.id), rows).scalars().all()
        session.execute(
            insert(IncidentEvent),
            [
                {"incident_id": incident_id, "at": now, "actor": actor.username, "kind": "imported",
                 "from_status": None, "to_status": row["status"].value, "data": {"file": path.name}}
                for incident_id, row in zip(created, rows, strict=True)
            ],
        )
        imported += len(rows)
        if progress is not None:
            progress(len(rows))
    audit_service.record(
        session, actor=actor, action="incident.import", resource_type="incident_file", resource_id=path.name,
        detail={"sha256": _sha256(path), "rows": len(frame), "imported": imported,
                "skipped_existing": len(existing), "bad_rows": len(bad)},
    )
    return ImportReport(rows=len(frame), imported=imported, skipped_existing=len(good) - len(new), bad_rows=bad)


def _id_or_none(value: np.int64) -> int | None:
    return int(value) if value >= 0 else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""The standard address register (标准地址) and the imports that load it.

An address is a place: its text, its structured parts, a point, and the district, station and beat
it lies in. Every address arrives through an import; an import's addresses are searchable only once
the import has finished, so an interrupted import shows nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow


class ImportStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"


class ImportKind(enum.StrEnum):
    CSV = "csv"
    OSM = "osm"
    DEMO = "demo"


_RUNNING = text("status = 'running'")


class AddressImport(Base):
    """One load of addresses from a file (CSV, OpenStreetMap extract) or the demo city.

    One import runs at a time: the partial unique index lets one row only be ``running``. A running
    import renews ``heartbeat_at`` with every batch (its lease); one whose lease ran out was
    killed, and the next import takes it as interrupted and removes what it wrote.
    """

    __tablename__ = "address_imports"
    __table_args__ = (Index("uq_address_imports_one_running", "status", unique=True, sqlite_where=_RUNNING,
                            postgresql_where=_RUNNING),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(enum_type(ImportKind, length=16))
    source_name: Mapped[str] = mapped_column(String(256))
    status: Mapped[ImportStatus] = mapped_column(enum_type(ImportStatus, length=16), index=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    skipped_existing: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    refused_rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class Address(Base):
    """A standard address: text, parts, point, and the organisation units it lies in."""

    __tablename__ = "addresses"
    __table_args__ = (Index("ix_addresses_lon_lat", "lon", "lat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("address_imports.id"), index=True)
    text: Mapped[str] = mapped_column(String(256))
    text_en: Mapped[str] = mapped_column(String(256), default="")
    name: Mapped[str] = mapped_column(String(128), default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    road: Mapped[str] = mapped_column(String(128), default="")
    number: Mapped[str] = mapped_column(String(32), default="")
    building: Mapped[str] = mapped_column(String(64), default="")
    unit: Mapped[str] = mapped_column(String(32), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    beat_id: Mapped[int | None] = mapped_column(ForeignKey("beats.id"))
    search_keys: Mapped[str] = mapped_column(Text, default="")
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

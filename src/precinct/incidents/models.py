"""Incidents (calls for service), their append-only event log, personal data and assignments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import NO_VALUE, Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow


class IncidentSource(enum.StrEnum):
    PHONE_110 = "phone_110"
    ONLINE_REPORT = "online_report"
    ALARM_BUTTON = "alarm_button"
    TRANSFER = "transfer"
    OFFICER_INITIATED = "officer_initiated"


REPORTED_SOURCES = frozenset(set(IncidentSource) - {IncidentSource.OFFICER_INITIATED})


class IncidentStatus(enum.StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    CLOSED = "closed"
    TRANSFERRED = "transferred"


class Disposition(enum.StrEnum):
    RESOLVED = "resolved"
    ARRESTED = "arrested"
    REFERRED = "referred"
    FALSE_ALARM = "false_alarm"
    DUPLICATE = "duplicate"
    CANCELLED = "cancelled"


class ReadPurpose(enum.StrEnum):
    """Why personal data of an incident is read (the audit log keeps it with a free-text reason)."""

    INCIDENT_HANDLING = "incident_handling"  # working this incident now
    FOLLOW_UP = "follow_up"  # calling back, informing, checking on a person after the incident
    CASE_WORK = "case_work"  # the investigation of a case this incident belongs to
    COURT = "court"  # a court, prosecutor or legal review asks for it


PURPOSE_NAMES = {
    ReadPurpose.INCIDENT_HANDLING: ("处置本警情", "handling this incident"),
    ReadPurpose.FOLLOW_UP: ("回访跟进", "follow-up"),
    ReadPurpose.CASE_WORK: ("案件办理", "case work"),
    ReadPurpose.COURT: ("诉讼或法制审核", "court or legal review"),
}


class PartyKind(enum.StrEnum):
    CALLER = "caller"
    VICTIM = "victim"
    WITNESS = "witness"


class IncidentType(Base):
    __tablename__ = "incident_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    default_priority: Mapped[int] = mapped_column(Integer)
    aliases: Mapped[list[str] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_status_received", "status", "received_at"),
        Index("ix_incidents_district_received", "district_id", "received_at"),
        # bounding-box searches (duplicate calls, map views): a range on lat, lon read from the index
        Index("ix_incidents_lat_lon", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    source: Mapped[IncidentSource] = mapped_column(enum_type(IncidentSource), index=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("incident_types.code"), index=True)
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[IncidentStatus] = mapped_column(enum_type(IncidentStatus))
    disposition: Mapped[Disposition | None] = mapped_column(enum_type(Disposition))
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(256), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    beat_id: Mapped[int | None] = mapped_column(ForeignKey("beats.id"), index=True)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    drill_run_id: Mapped[int | None] = mapped_column(ForeignKey("drill_runs.id"), index=True)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the incident entered its current status (None: not since this column exists; read updated_at)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the open stage of the call's handling (dispatch, arrival or handling) and its deadline and amber time, as
    #: the supervision package stored them when the stage began (None: no such stage open, or no time limits)
    due_stage: Mapped[str | None] = mapped_column(String(16))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the stations, other than its own, whose units were sent to it (reinforcement): they see it too
    reinforcing_station_ids: Mapped[list[int] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


@event.listens_for(Incident.status, "set", active_history=True)
def _stamp_status_change(target: Incident, value: IncidentStatus, old: object, _initiator: object) -> None:
    """Stamp ``status_at`` whenever a stored incident's status really changes (edits and reinforcements don't)."""
    if old is not NO_VALUE and old != value:
        target.status_at = utcnow()


class IncidentEvent(Base):
    """Append-only history: every change of an incident, with time and actor."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IncidentParty(Base):
    """Personal data (caller, victim, witness): readable only by roles that need it, audited."""

    __tablename__ = "incident_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[PartyKind] = mapped_column(enum_type(PartyKind))
    name: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assignment(Base):
    """A unit sent to an incident, with the timestamps response-time figures need."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    en_route_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_scene_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_by: Mapped[str] = mapped_column(String(64))


class IncidentNote(Base):
    """A running note on a call: timestamped, by its author, append-only (never edited or deleted)."""

    __tablename__ = "incident_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)

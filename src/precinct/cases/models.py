"""The case register.

Cases, their type list, number counters, events, linked incidents, tasks, documents, parties and review gates.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow


class CaseKind(enum.StrEnum):
    """Which procedure a case follows."""

    ADMINISTRATIVE = "administrative"  # 行政/治安案件
    CRIMINAL = "criminal"  # 刑事案件


KIND_NAMES = {CaseKind.ADMINISTRATIVE: ("行政（治安）案件", "administrative (public order) case"),
              CaseKind.CRIMINAL: ("刑事案件", "criminal case")}


class CaseStatus(enum.StrEnum):
    """Where a case stands (see :mod:`precinct.cases.status`)."""

    RECEIVED = "received"  # 受案
    NOT_OPENED = "not_opened"  # 不予立案
    INVESTIGATING = "investigating"  # 立案 / 受理调查：侦查、调查中
    DECIDED = "decided"  # 处罚决定 (administrative)
    TRANSFERRED = "transferred"  # 移送审查起诉 (criminal)
    WITHDRAWN = "withdrawn"  # 撤案
    CLOSED = "closed"  # 结案


STATUS_NAMES = {
    CaseStatus.RECEIVED: ("已受案", "received"),
    CaseStatus.NOT_OPENED: ("不予立案", "not opened"),
    CaseStatus.INVESTIGATING: ("侦查/调查中", "under investigation"),
    CaseStatus.DECIDED: ("已作出处罚决定", "decided"),
    CaseStatus.TRANSFERRED: ("已移送审查起诉", "transferred for prosecution"),
    CaseStatus.WITHDRAWN: ("已撤案", "withdrawn"),
    CaseStatus.CLOSED: ("已结案", "closed"),
}


class CaseType(Base):
    """One entry of the case-type code list; ``national_code`` maps it to the national code where one exists."""

    __tablename__ = "case_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, length=16))
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    national_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CaseNumberCounter(Base):
    """The last sequence number given per station, kind and year (the case number's ``{seq}``)."""

    __tablename__ = "case_number_counters"
    __table_args__ = (UniqueConstraint("station_id", "kind", "year", name="uq_case_number_counters_station_kind_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, length=16))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """A case: its number, kind and type, place, summary, owning station and team, lead officer and state.

    ``station_id`` and ``district_id`` decide scope; ``team_unit_id`` and ``lead_officer`` ownership
    (a patrol officer works the cases of the unit they crew, or those they lead).
    """

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_station_status", "station_id", "status"),
        Index("ix_cases_district_status", "district_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, length=16))
    type_code: Mapped[str] = mapped_column(ForeignKey("case_types.code"), index=True)
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus))
    summary: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(256), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    station_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    team_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    lead_officer: Mapped[str | None] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CaseEvent(Base):
    """Append-only history: every step of a case, with time and actor (``data["occurred_at"]`` for a milestone)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CaseIncident(Base):
    """An incident linked to a case (the one it was created from, one linked by hand, or an accepted suggestion)."""

    __tablename__ = "case_incidents"
    __table_args__ = (UniqueConstraint("case_id", "incident_id", name="uq_case_incidents_case_incident"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # created_from, manual, suggestion
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(String(64))


class SuggestionStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class LinkSuggestion(Base):
    """An incident the series-linking analysis finds similar to a case's (near in place and time, same category)."""

    __tablename__ = "case_link_suggestions"
    __table_args__ = (UniqueConstraint("case_id", "incident_id", name="uq_case_link_suggestions_case_incident"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    score: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    gap_days: Mapped[float] = mapped_column(Float)
    status: Mapped[SuggestionStatus] = mapped_column(enum_type(SuggestionStatus, length=16))
    suggested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class CaseTask(Base):
    """A piece of work on a case, with its assignee (an account name) and due date."""

    __tablename__ = "case_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    assignee: Mapped[str] = mapped_column(String(64), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus, length=16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseDocument(Base):
    """An uploaded file: stored on disk under ``storage_key``, its SHA-256 kept here and checked on download."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(64))


class PartyRole(enum.StrEnum):
    VICTIM = "victim"  # 被害人
    WITNESS = "witness"  # 证人
    SUSPECT = "suspect"  # 犯罪嫌疑人 / 违法嫌疑人
    REPORTING_PERSON = "reporting_person"  # 报案人


PARTY_ROLE_NAMES = {PartyRole.VICTIM: ("被害人", "victim"), PartyRole.WITNESS: ("证人", "witness"),
                    PartyRole.SUSPECT: ("嫌疑人", "suspect"),
                    PartyRole.REPORTING_PERSON: ("报案人", "reporting person")}


class CaseParty(Base):
    """Personal data of one case: read one case at a time, by roles and scopes that may, for a purpose, audited."""

    __tablename__ = "case_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(enum_type(PartyRole, length=24))
    name: Mapped[str] = mapped_column(String(128), default="")
    id_number: Mapped[str] = mapped_column(String(32), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a supervisor or legal officer
    APPROVED = "approved"  # the move was made
    RETURNED = "returned"  # back in the investigator's inbox, with a reason


class CaseReview(Base):
    """A decision submitted for review (open / not open, decide, transfer, withdraw, close) and its outcome."""

    __tablename__ = "case_reviews"
    __table_args__ = (Index("ix_case_reviews_status_case", "status", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    move: Mapped[str] = mapped_column(String(16))
    status: Mapped[ReviewStatus] = mapped_column(enum_type(ReviewStatus, length=16))
    grounds: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(64), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

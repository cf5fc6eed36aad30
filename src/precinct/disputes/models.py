"""Dispute cases (矛盾纠纷) with their sessions and parties, and repeat-place operations (拔钉) with their links.

Both are decided on a **place**: a dispute cannot be opened without one, and its success is
measured by the calls at that place before and after the agreement; an operation is opened on a
repeat-call place and closed with the calls there against comparable places. The parties of a
dispute are personal data, kept to what mediation needs (a name, their side, a contact).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type
from precinct.places.models import HistoryEntry


class DisputeKind(enum.StrEnum):
    NEIGHBOUR = "neighbour"
    FAMILY = "family"
    LABOUR = "labour"
    PROPERTY = "property"  # property management, housing
    COMMERCIAL = "commercial"  # consumers and traders, contracts
    OTHER = "other"


KIND_NAMES = {DisputeKind.NEIGHBOUR: ("邻里纠纷", "neighbours"), DisputeKind.FAMILY: ("家庭纠纷", "family"),
              DisputeKind.LABOUR: ("劳资纠纷", "labour"), DisputeKind.PROPERTY: ("物业纠纷", "property"),
              DisputeKind.COMMERCIAL: ("经济纠纷", "commercial"), DisputeKind.OTHER: ("其他", "other")}


class PartnerBody(enum.StrEnum):
    """Who mediates with the police (多元化解)."""

    COMMUNITY_COMMITTEE = "community_committee"  # 社区居委会
    PEOPLES_MEDIATION = "peoples_mediation"  # 人民调解委员会
    COURT = "court"  # 法院（诉前调解）
    LABOUR_OFFICE = "labour_office"  # 劳动监察 / 劳动仲裁
    JUDICIAL_OFFICE = "judicial_office"  # 司法所
    NONE = "none"  # the police alone


PARTNER_NAMES = {PartnerBody.COMMUNITY_COMMITTEE: ("社区居委会", "community committee"),
                 PartnerBody.PEOPLES_MEDIATION: ("人民调解委员会", "people's mediation committee"),
                 PartnerBody.COURT: ("法院诉前调解", "court (pre-trial mediation)"),
                 PartnerBody.LABOUR_OFFICE: ("劳动监察", "labour office"),
                 PartnerBody.JUDICIAL_OFFICE: ("司法所", "judicial office"),
                 PartnerBody.NONE: ("公安独立调解", "police alone")}


class DisputeSource(enum.StrEnum):
    CALL = "call"  # opened from an incident
    REPEAT_PLACE = "repeat_place"  # opened from a repeat-call place
    DIRECT = "direct"


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    AGREED = "agreed"  # an agreement was reached; the follow-up is due
    FAILED = "failed"  # mediation ended without agreement (referred elsewhere)
    CLOSED = "closed"  # followed up


STATUS_NAMES = {DisputeStatus.OPEN: ("调解中", "in mediation"), DisputeStatus.AGREED: ("已达成协议", "agreed"),
                DisputeStatus.FAILED: ("调解未成", "no agreement"), DisputeStatus.CLOSED: ("已回访办结", "closed")}


class Dispute(Base):
    """A dispute case at a place, handled by the station the place lies in."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_station_status", "station_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[DisputeKind] = mapped_column(enum_type(DisputeKind))
    status: Mapped[DisputeStatus] = mapped_column(enum_type(DisputeStatus))
    source: Mapped[DisputeSource] = mapped_column(enum_type(DisputeSource))
    summary: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(256))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    place_key: Mapped[str | None] = mapped_column(String(64), index=True)  # the repeat-call place's key, if any
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    premises_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id"))
    partner_body: Mapped[PartnerBody] = mapped_column(enum_type(PartnerBody))
    partner_name: Mapped[str] = mapped_column(String(128), default="")
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    agreement: Mapped[str | None] = mapped_column(Text)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_result: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SessionOutcome(enum.StrEnum):
    PROGRESS = "progress"
    NO_PROGRESS = "no_progress"
    AGREEMENT = "agreement"
    ADJOURNED = "adjourned"


class DisputeSession(Base):
    """One mediation session: when, who mediated, the outcome and notes."""

    __tablename__ = "dispute_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[SessionOutcome] = mapped_column(enum_type(SessionOutcome))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))


class DisputeParty(Base):
    """A party to a dispute (personal data: read with a purpose, and audited)."""

    __tablename__ = "dispute_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    side: Mapped[str] = mapped_column(String(16))  # "a", "b", ... (which side of the dispute)
    name: Mapped[str] = mapped_column(String(128))
    contact: Mapped[str] = mapped_column(String(64), default="")


class DisputeEvent(HistoryEntry, Base):
    """Append-only history of a dispute."""

    __tablename__ = "dispute_events"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)


class OperationStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


_OPEN = text("status = 'open'")


class RepeatPlaceOperation(Base):
    """An operation to clear a repeat-call place (拔钉), owned by an organisation unit (its station)."""

    __tablename__ = "repeat_place_operations"
    __table_args__ = (
        Index("ix_repeat_place_operations_place", "place_key", "status"),
        # one open operation per place, however many requests open one at once
        Index("uq_repeat_place_operations_open_place", "place_key", unique=True, sqlite_where=_OPEN,
              postgresql_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_key: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(256))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)
    cause: Mapped[str] = mapped_column(Text)
    actions: Mapped[str] = mapped_column(Text)
    owner_org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    review_date: Mapped[date] = mapped_column(Date)
    status: Mapped[OperationStatus] = mapped_column(enum_type(OperationStatus))
    calls_at_opening: Mapped[int] = mapped_column(Integer, default=0)
    comparison: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # comparable places: key, lon, lat
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(Text)
    effect: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OperationLinkKind(enum.StrEnum):
    DISPUTE = "dispute"
    HAZARD = "hazard"
    DIRECTIVE = "directive"


class OperationLink(Base):
    """A dispute, hazard or directive linked to an operation."""

    __tablename__ = "repeat_place_operation_links"
    __table_args__ = (UniqueConstraint("operation_id", "kind", "ref_id", name="uq_operation_links_operation_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("repeat_place_operations.id"), index=True)
    kind: Mapped[OperationLinkKind] = mapped_column(enum_type(OperationLinkKind))
    ref_id: Mapped[int] = mapped_column(Integer)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(String(64))


class OperationEvent(HistoryEntry, Base):
    """Append-only history of an operation."""

    __tablename__ = "repeat_place_operation_events"

    operation_id: Mapped[int] = mapped_column(ForeignKey("repeat_place_operations.id"), index=True)

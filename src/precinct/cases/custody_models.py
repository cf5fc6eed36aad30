"""Evidence and property in custody (涉案财物): items, their chain-of-custody log, and disposal requests."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type


class ItemStatus(enum.StrEnum):
    """Where an item in custody stands: in store, out with someone, or disposed of."""

    IN_STORE = "in_store"  # 在库
    OUT = "out"  # 出库 (to a person, for a reason)
    DISPOSED = "disposed"  # 已处置 (after an approved disposal)


ITEM_STATUS_NAMES = {ItemStatus.IN_STORE: ("在库", "in store"), ItemStatus.OUT: ("出库", "out"),
                     ItemStatus.DISPOSED: ("已处置", "disposed of")}


class CustodyAction(enum.StrEnum):
    """A step in an item's chain of custody."""

    CHECK_IN = "check_in"  # 入库
    CHECK_OUT = "check_out"  # 出库：to whom, why
    RETURN = "return"  # 归还入库
    MOVE = "move"  # 移库：another storage location
    DISPOSE = "dispose"  # 处置 (only through an approved disposal request)


ACTION_NAMES = {CustodyAction.CHECK_IN: ("入库", "checked in"), CustodyAction.CHECK_OUT: ("出库", "checked out"),
                CustodyAction.RETURN: ("归还", "returned"), CustodyAction.MOVE: ("移库", "moved"),
                CustodyAction.DISPOSE: ("处置", "disposed")}


class DisposalMethod(enum.StrEnum):
    """How an item leaves custody once its disposal is approved."""

    RETURN_TO_OWNER = "return_to_owner"  # 发还
    DESTROY = "destroy"  # 销毁
    CONFISCATE = "confiscate"  # 没收
    TRANSFER_WITH_CASE = "transfer_with_case"  # 随案移送


class DisposalStatus(enum.StrEnum):
    """Where a disposal request stands: waiting for a decision, approved or refused."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class CaseItem(Base):
    """An item of evidence or property held for a case, with its label number and where it is kept."""

    __tablename__ = "case_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    label_number: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(Text)
    storage_location: Mapped[str] = mapped_column(String(128))
    status: Mapped[ItemStatus] = mapped_column(enum_type(ItemStatus, length=16))
    held_by: Mapped[str | None] = mapped_column(String(128))
    retention_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  # SQLAlchemy's declarative setting


class CustodyEntry(Base):
    """One step of an item's chain of custody (append-only): in, out, to whom, why, back."""

    __tablename__ = "custody_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("case_items.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[CustodyAction] = mapped_column(enum_type(CustodyAction, length=16))
    to_whom: Mapped[str | None] = mapped_column(String(128))
    location: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))


class DisposalRequest(Base):
    """A request to dispose of an item (return, destroy, confiscate, send with the case), decided by an approver."""

    __tablename__ = "case_disposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("case_items.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    method: Mapped[DisposalMethod] = mapped_column(enum_type(DisposalMethod, length=24))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[DisposalStatus] = mapped_column(enum_type(DisposalStatus, length=16))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

"""Key premises (重点场所): schools, hospitals, hazardous-goods sites and other places that need attention.

Places, never persons.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from precinct.core.db import Base, UTCDateTime, enum_type, utcnow


class PremisesCategory(enum.StrEnum):
    SCHOOL = "school"
    HOSPITAL = "hospital"
    HAZARDOUS_GOODS = "hazardous_goods"
    FINANCIAL = "financial"
    TRANSPORT_HUB = "transport_hub"
    MARKET = "market"
    ENTERTAINMENT = "entertainment"
    GOVERNMENT = "government"
    OTHER = "other"


CATEGORY_NAMES = {
    PremisesCategory.SCHOOL: ("学校", "School"),
    PremisesCategory.HOSPITAL: ("医院", "Hospital"),
    PremisesCategory.HAZARDOUS_GOODS: ("危险物品单位", "Hazardous goods site"),
    PremisesCategory.FINANCIAL: ("金融网点", "Bank or financial office"),
    PremisesCategory.TRANSPORT_HUB: ("交通枢纽", "Transport hub"),
    PremisesCategory.MARKET: ("商场市场", "Market or mall"),
    PremisesCategory.ENTERTAINMENT: ("娱乐场所", "Entertainment venue"),
    PremisesCategory.GOVERNMENT: ("党政机关", "Government office"),
    PremisesCategory.OTHER: ("其他", "Other"),
}


class Premises(Base):
    __tablename__ = "premises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    category: Mapped[PremisesCategory] = mapped_column(enum_type(PremisesCategory), index=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    beat_id: Mapped[int | None] = mapped_column(ForeignKey("beats.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))

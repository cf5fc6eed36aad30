"""What an overdue hazard says on the live stream: one ``escalation`` event per step of the chain.

The events have the shape of the incidents' deadline escalations (``source``, ``level``,
``level_number``, ``org_unit_id``, ``station_id``, ``district_id``, ``late_s``, ``zh``, ``en``)
with ``source: "hazard"`` and the hazard's and its premises' ids, so the stream reaches the
accounts of the hazard's station, district branch and the city as it does for incidents, and the
console raises an alert for each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.live import hooks as live
from precinct.org.models import OrgTier, OrgUnit
from precinct.places.inspection_models import ChecklistTemplate, Hazard, Inspection
from precinct.places.messages import text
from precinct.places.models import Premises

#: the chain's level names on the stream, as the incidents' (supervision's ``EscalationLevel`` lower-cased)
LEVEL_CODES = {1: "station", 2: "district", 3: "city"}
_LEVEL_WORDS = {1: ("派出所", "the station"), 2: ("分局", "the district branch"),
                3: ("市局指挥中心", "the city command centre")}


def late_words(late_s: float) -> tuple[str, str]:
    """Return how late, in whole days and hours, in Chinese and English (under an hour: "under an hour")."""
    hours = int(late_s // 3600)
    days, hours = divmod(hours, 24)
    if days == 0 and hours == 0:
        return "不到 1 小时", "under an hour"
    zh = " ".join(part for part in (f"{days} 天" if days else "", f"{hours} 小时" if hours else "") if part)
    en = " ".join(part for part in (
        f"{days} day{'s' if days != 1 else ''}" if days else "",
        f"{hours} hour{'s' if hours != 1 else ''}" if hours else "") if part)
    return zh, en


class HazardAlerts:
    """The escalation events of one sweep (the city unit is looked up once, the checklists once each)."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._city_id: int | None = None
        self._city_read = False

    def _city(self) -> int | None:
        if not self._city_read:
            self._city_id = self.session.scalar(select(OrgUnit.id).where(OrgUnit.tier == OrgTier.CITY)
                                                .order_by(OrgUnit.id).limit(1))
            self._city_read = True
        return self._city_id

    def _item_names(self, hazard: Hazard) -> tuple[str, str]:
        items = self.session.scalar(select(ChecklistTemplate.items).join(
            Inspection, Inspection.template_id == ChecklistTemplate.id).where(Inspection.id == hazard.inspection_id))
        item = next((i for i in items or [] if i.get("code") == hazard.item_code), None)
        if item is None:
            return "检查项", "a checklist item"
        return str(item.get("text_zh") or item.get("text_en")), str(item.get("text_en") or item.get("text_zh"))

    def publish(self, hazard: Hazard, *, step: str) -> dict[str, Any]:
        """Queue the ``escalation`` event of ``hazard`` at its current level (``step``: overdue or escalated)."""
        level = hazard.escalation_level
        org_unit_id = {1: hazard.station_id, 2: hazard.district_id}.get(level) or self._city()
        premises = self.session.get(Premises, hazard.premises_id)
        name = premises.name if premises is not None else f"#{hazard.premises_id}"
        late_s = max(0, int((self.now - hazard.deadline).total_seconds()))
        (late_zh, late_en), (item_zh, item_en) = late_words(late_s), self._item_names(hazard)
        level_zh, level_en = _LEVEL_WORDS[level]
        data: dict[str, Any] = {
            "source": "hazard", "step": step, "hazard_id": hazard.id, "premises_id": hazard.premises_id,
            "premises_name": name, "level": LEVEL_CODES[level], "level_number": level, "org_unit_id": org_unit_id,
            "station_id": hazard.station_id, "district_id": hazard.district_id,
            "deadline_at": hazard.deadline.isoformat(), "late_s": late_s,
            "lon": premises.lon if premises is not None else None,
            "lat": premises.lat if premises is not None else None,
            "zh": text("hazard.escalated", "zh-CN", premises=name, item=item_zh, late=late_zh, level=level_zh),
            "en": text("hazard.escalated", "en", premises=name, item=item_en, late=late_en, level=level_en),
        }
        live.publish(self.session, "escalation", f"hazard-{hazard.id}-{level}", data)
        return data

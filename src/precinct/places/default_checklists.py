"""Starting checklists, one per premises category, for a bureau that has none yet.

Loaded by ``precinct places checklist --defaults``. They follow the common points of fire-safety
and public-security inspections of premises; a bureau replaces them by storing new versions.
"""

from __future__ import annotations

from precinct.places.models import PremisesCategory


def _item(code: str, text_zh: str, text_en: str) -> dict[str, str]:
    return {"code": code, "text_zh": text_zh, "text_en": text_en}


C = PremisesCategory
COMMON = [
    _item("exits", "安全出口、疏散通道畅通", "emergency exits and escape routes clear"),
    _item("extinguishers", "消防器材完好有效", "fire-fighting equipment in working order"),
    _item("duty", "值班和巡查制度落实", "duty and patrol rota kept"),
]
EXTRA: dict[PremisesCategory, list[dict[str, str]]] = {
    C.SCHOOL: [_item("gate", "校门有保安值守、访客登记", "gate guarded, visitors registered"),
               _item("cameras", "校园视频监控正常", "campus cameras working")],
    C.HOSPITAL: [_item("security_post", "警务室或保安岗在岗", "police or security post staffed"),
                 _item("drugs", "麻醉精神药品专柜双人双锁", "controlled drugs locked, two keys")],
    C.HAZARDOUS_GOODS: [_item("register", "危险物品出入库登记完整", "stock register of hazardous goods complete"),
                        _item("storage", "储存场所符合安全要求", "storage meets the safety rules"),
                        _item("staff", "从业人员持证上岗", "staff hold the required licences")],
    C.FINANCIAL: [_item("alarm", "报警装置联网有效", "alarm connected and working"),
                  _item("cash_transport", "押运交接规范", "cash-in-transit hand-over by the rules")],
    C.TRANSPORT_HUB: [_item("screening", "安检设备和人员到位", "security screening staffed and working")],
    C.MARKET: [_item("crowd", "人员密集区域有疏导措施", "crowd control in busy areas")],
    C.ENTERTAINMENT: [_item("licence", "营业许可有效、登记规范", "licence valid, guests registered as required"),
                      _item("capacity", "未超核定人数", "within the permitted capacity")],
    C.GOVERNMENT: [_item("access", "出入口管控落实", "access control in place")],
    C.OTHER: [],
}
del C


def default_checklists() -> list[tuple[PremisesCategory, str, list[dict[str, str]]]]:
    """Return each category with the title and items of its starting checklist."""
    return [(category, f"{category.value} 基本检查 basic inspection", COMMON + EXTRA.get(category, []))
            for category in PremisesCategory]

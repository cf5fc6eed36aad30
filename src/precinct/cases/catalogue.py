"""The case-type code list: zh/en names, the kind, and the national code where one exists.

The migration stores :data:`DEFAULT_TYPES`, common administrative (治安) and criminal types. Their
``national_code`` is left empty: a bureau loads its own list, with the codes of the national
standard it reports under, from a CSV file (``precinct cases types-import FILE``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases.messages import field_error, said
from precinct.cases.models import CaseKind, CaseType
from precinct.core.errors import ValidationError

_A, _C = "administrative", "criminal"
DEFAULT_TYPES: list[dict[str, Any]] = [
    {"code": "XZ-OD", "kind": _A, "name_zh": "殴打他人", "name_en": "assault (public order)"},
    {"code": "XZ-DQ", "kind": _A, "name_zh": "盗窃（治安）", "name_en": "petty theft"},
    {"code": "XZ-ZP", "kind": _A, "name_zh": "诈骗（治安）", "name_en": "petty fraud"},
    {"code": "XZ-SH", "kind": _A, "name_zh": "故意损毁财物", "name_en": "damage to property"},
    {"code": "XZ-DB", "kind": _A, "name_zh": "赌博", "name_en": "gambling"},
    {"code": "XZ-RL", "kind": _A, "name_zh": "扰乱公共秩序", "name_en": "disturbing public order"},
    {"code": "XZ-XD", "kind": _A, "name_zh": "吸毒", "name_en": "drug use"},
    {"code": "XZ-QT", "kind": _A, "name_zh": "其他治安案件", "name_en": "other public-order case"},
    {"code": "XS-DQ", "kind": _C, "name_zh": "盗窃", "name_en": "theft"},
    {"code": "XS-RSDQ", "kind": _C, "name_zh": "入户盗窃", "name_en": "burglary"},
    {"code": "XS-QJ", "kind": _C, "name_zh": "抢劫", "name_en": "robbery"},
    {"code": "XS-QD", "kind": _C, "name_zh": "抢夺", "name_en": "snatching"},
    {"code": "XS-ZP", "kind": _C, "name_zh": "诈骗", "name_en": "fraud"},
    {"code": "XS-DXZP", "kind": _C, "name_zh": "电信网络诈骗", "name_en": "telecom and online fraud"},
    {"code": "XS-GYSH", "kind": _C, "name_zh": "故意伤害", "name_en": "intentional injury"},
    {"code": "XS-GYSR", "kind": _C, "name_zh": "故意杀人", "name_en": "homicide"},
    {"code": "XS-DP", "kind": _C, "name_zh": "毒品犯罪", "name_en": "drug offence"},
    {"code": "XS-JTZS", "kind": _C, "name_zh": "交通肇事", "name_en": "causing a traffic accident"},
    {"code": "XS-QT", "kind": _C, "name_zh": "其他刑事案件", "name_en": "other criminal case"},
]
COLUMNS = ("code", "kind", "name_zh", "name_en", "national_code")


def list_types(session: Session, *, include_retired: bool = False) -> list[CaseType]:
    """Return the code list, by kind and code."""
    query = select(CaseType)
    if not include_retired:
        query = query.where(CaseType.active.is_(True))
    return list(session.scalars(query.order_by(CaseType.kind, CaseType.code)))


def import_csv(session: Session, content: str) -> tuple[int, int]:
    """Add or update types from CSV text with the header ``code,kind,name_zh,name_en,national_code``.

    Returns (added, updated). Types not named stay as they are.

    Raises
    ------
    ValidationError
        For a missing column, an unknown kind or an empty name, naming the line.
    """
    reader = csv.DictReader(io.StringIO(content))
    missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise field_error("header", "case.types_header", missing=", ".join(missing), expected=",".join(COLUMNS))
    added = updated = 0
    for line, row in enumerate(reader, start=2):
        code, kind = (row.get("code") or "").strip(), (row.get("kind") or "").strip()
        if not code or len(code) > 32 or kind not in CaseKind.__members__.values():
            raise ValidationError(said("case.types_code", line=line))
        names = {k: (row.get(k) or "").strip() for k in ("name_zh", "name_en")}
        if not all(names.values()):
            raise ValidationError(said("case.types_names", line=line))
        national = (row.get("national_code") or "").strip() or None
        existing = session.get(CaseType, code)
        if existing is None:
            session.add(CaseType(code=code, kind=CaseKind(kind), national_code=national, active=True, **names))
            added += 1
        else:
            existing.kind, existing.name_zh, existing.name_en = CaseKind(kind), names["name_zh"], names["name_en"]
            existing.national_code = national
            updated += 1
    session.flush()
    return added, updated

"""The columns of the canonical incident CSV, the checks of their values, and where a mapping sends the others.

The canonical columns have a fixed meaning; each value is checked here before it reaches the
database (lengths from the ORM columns, times, places, codes, parties). Any other column must be
named in the import's mapping: ``extra.KEY`` (kept in the incident's ``extra``, which analysts and
admins see), ``party.KIND.FIELD`` (a caller, victim or witness: personal data, read only through
the audited personal-data route) or ``ignore``. A column whose name says it may hold personal data
(:func:`looks_personal`) goes to a party or nowhere, never to ``extra``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError as PydanticValidationError

from precinct.core.errors import ValidationError
from precinct.core.i18n import both
from precinct.incidents.models import Disposition, Incident, IncidentParty, IncidentSource, IncidentStatus, PartyKind
from precinct.incidents.schemas import PartyCreate

REQUIRED_COLUMNS = ("id", "occurred_at", "category", "lat", "lon")
OPTIONAL_COLUMNS = ("source", "priority", "status", "disposition", "description", "address")
KNOWN_COLUMNS = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
PARTY_FIELDS = ("name", "phone", "notes")
RESERVED_EXTRA_KEYS = frozenset({"occurred_at"})  # the importer keeps the original time text there
FIRST_YEAR, LAST_YEAR = 1900, 2100
"""The years (UTC) an ``occurred_at`` may lie in; and never later than the service's allowed future skew."""


@dataclass(frozen=True)
class Target:
    """Where a column beyond the canonical ones goes: ``extra.KEY``, ``party.KIND.FIELD`` or ``ignore``."""

    store: Literal["extra", "party", "ignore"]
    key: str = ""  # the key in ``extra``, or the party's field
    party: PartyKind | None = None

    def __str__(self) -> str:
        """Spell the target as a mapping writes it."""
        if self.store == "party" and self.party is not None:
            return f"party.{self.party.value}.{self.key}"
        return f"extra.{self.key}" if self.store == "extra" else "ignore"


def parse_target(text: str, *, column: str) -> Target:
    """Read a mapping target: ``extra`` (same key), ``extra.KEY``, ``party.KIND.FIELD`` or ``ignore``.

    Raises
    ------
    ValidationError
        If ``text`` is none of these; the message names ``column`` and the forms allowed.
    """
    value = text.strip()
    head, _, rest = value.partition(".")
    if value == "ignore":
        return Target("ignore")
    if head == "extra":
        key = rest.strip() if rest else column
        if key and len(key) <= 64 and key not in RESERVED_EXTRA_KEYS:
            return Target("extra", key)
    if head == "party":
        kind, _, party_field = rest.partition(".")
        if kind in {k.value for k in PartyKind} and party_field in PARTY_FIELDS:
            return Target("party", party_field, PartyKind(kind))
    raise ValidationError(
        f"mapping of column {column!r}: {text!r} is not a target; use extra.KEY (1 to 64 characters, not "
        f"occurred_at), party.KIND.FIELD (KIND caller, victim or witness; FIELD name, phone or notes) or ignore")


_PERSON_WORDS = ("caller", "victim", "witness", "complainant", "reporter", "informant", "suspect", "offender",
                 "person", "party")
_CONTACT_WORDS = ("phone", "mobile", "email", "passport", "idcard", "birth")  # anywhere in the name
_CONTACT_TOKENS = frozenset({"tel", "fax", "ssn", "nric", "dob", "plate", "mail"})
_THING_WORDS = frozenset({"street", "road", "place", "premises", "location", "district", "station", "beat",
                          "neighbourhood", "neighborhood", "hood", "division", "ward", "area", "city", "county",
                          "region", "zone", "unit", "type", "category", "offence", "offense", "crime", "event",
                          "file", "org", "agency", "building", "community", "village", "town", "park", "venue",
                          "business", "shop", "company"})
_HOME_WORDS = frozenset({"home", "residence", "residential", "domicile", "mailing", "postal", "permanent",
                         "household", "personal"})
_CHINESE_PERSONAL = ("身份证", "证件", "姓名", "名字", "电话", "手机", "联系", "住址", "户籍", "居住", "报警人",
                     "受害人", "被害人", "证人", "当事人", "嫌疑人", "车牌", "出生", "邮箱")


def looks_personal(column: str) -> bool:
    """Tell whether a column's name says it may hold personal data (names, phones, id numbers, homes).

    Recognised: the prefixes caller, victim, witness (and complainant, reporter, informant, suspect,
    offender, person, party); names (``name``, ``first_name``, ``surname`` ... but not ``street_name``
    or other names of places and things); phones, e-mail, id cards, passports, birth dates, plates;
    home addresses; and the Chinese 姓名, 电话, 手机, 身份证, 证件, 住址, 户籍, 报警人, 受害人 and the like.
    """
    if any(word in column for word in _CHINESE_PERSONAL):
        return True
    tokens = [t for t in re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", column).lower()) if t]
    joined = "".join(tokens)
    if not tokens:
        return False
    if tokens[0] in _PERSON_WORDS or any(word in joined for word in _CONTACT_WORDS):
        return True
    if _CONTACT_TOKENS & set(tokens) or ("id" in tokens[:-1] and tokens[tokens.index("id") + 1] in
                                         {"card", "number", "no", "num", "nr"}):
        return True
    if any(t.endswith("name") for t in tokens) and not _THING_WORDS & set(tokens):
        return True
    return bool({"address", "addr"} & set(tokens) and _HOME_WORDS & set(tokens))


def suggest_target(column: str) -> Target:
    """Propose a target for an unmapped column: a party field for personal data, else ``extra.<column>``."""
    if not looks_personal(column):
        return Target("extra", column[:64])
    lowered = column.lower()
    kind = next((k for k in PartyKind if k.value in lowered), PartyKind.CALLER)
    kind = PartyKind.VICTIM if kind == PartyKind.CALLER and ("受害" in column or "被害" in column) else kind
    kind = PartyKind.WITNESS if kind == PartyKind.CALLER and "证人" in column and "当事" not in column else kind
    if any(w in lowered for w in ("phone", "tel", "mobile", "cell")) or any(w in column for w in ("电话", "手机")):
        return Target("party", "phone", kind)
    if "name" in lowered or any(w in column for w in ("姓名", "名字")):
        return Target("party", "name", kind)
    return Target("party", "notes", kind)


class UnmappedColumnsError(ValidationError):
    """The file has columns the mapping does not place, or places personal data into ``extra``."""

    def __init__(self, path: Path, *, unmapped: list[str], personal_in_extra: list[str]) -> None:
        self.path, self.unmapped, self.personal_in_extra = path, unmapped, personal_in_extra
        parts = [f"columns not in the mapping: {', '.join(unmapped)}"] if unmapped else []
        if personal_in_extra:
            parts.append(f"columns that may hold personal data cannot go into extra: {', '.join(personal_in_extra)}")
        super().__init__(f"{path.name}: {'; '.join(parts)}; map each column to extra.KEY, party.KIND.FIELD "
                         "(personal data) or ignore; nothing was imported")


def plan_columns(header: list[str], mapping: Mapping[str, str], *, path: Path) -> dict[str, Target]:
    """Check the header against the mapping; return the target of every non-canonical column.

    Raises
    ------
    ValidationError
        If a required column is missing, a column repeats, the mapping names a canonical column or one
        the file lacks, or two columns go to the same place.
    UnmappedColumnsError
        If a column is not mapped, or a column that may hold personal data is mapped into ``extra``.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationError(f"{path} lacks the required column(s) {', '.join(missing)}; the canonical incident "
                              "CSV has " + ", ".join(REQUIRED_COLUMNS))
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ValidationError(f"{path}: the header names column(s) {', '.join(repeated)} more than once")
    names = {name.strip(): text for name, text in mapping.items()}
    for name in names:
        if name in KNOWN_COLUMNS or name not in header:
            why = "is a canonical column" if name in KNOWN_COLUMNS else "is not a column of this file"
            raise ValidationError(f"mapping: {name!r} {why}; map only the file's other columns "
                                  f"({', '.join(c for c in header if c not in KNOWN_COLUMNS) or 'none'})")
    targets = {name: parse_target(text, column=name) for name, text in names.items()}
    placed: dict[str, str] = {}
    for name, target in targets.items():
        if target.store != "ignore" and placed.setdefault(str(target), name) != name:
            raise ValidationError(f"mapping: columns {placed[str(target)]!r} and {name!r} both go to {target}; "
                                  "give each its own target")
    unmapped = [c for c in header if c not in KNOWN_COLUMNS and c not in targets]
    personal_in_extra = [c for c, t in targets.items()
                         if t.store == "extra" and (looks_personal(c) or looks_personal(t.key))]
    if unmapped or personal_in_extra:
        raise UnmappedColumnsError(path, unmapped=unmapped, personal_in_extra=personal_in_extra)
    return targets


# ---- the values of a row --------------------------------------------------------------------


def column_length(model: type[Incident] | type[IncidentParty], name: str) -> int | None:
    """Return the most characters the ORM column ``name`` of ``model`` holds (None: no limit)."""
    length: int | None = getattr(model.__table__.c[name].type, "length", None)
    return length


def check_length(value: str, name: str, limit: int | None) -> str | None:
    """Return why ``value`` of column ``name`` is too long for ``limit`` characters, or None when it fits."""
    if limit is not None and len(value) > limit:
        return both("import.too_long").format(name=name, limit=limit)
    return None


def received_at_from(text: str, latest: datetime) -> datetime | str:
    """Read ``occurred_at`` as a UTC time in the years 1900 to 2100, no later than ``latest``; or say why not."""
    if not re.search(r"(?:Z|[+-]\d\d:?\d\d)$", text):
        return both("import.time_needs_offset")
    try:
        parsed = datetime.fromisoformat(text)
        at = parsed.astimezone(UTC) if parsed.tzinfo is not None else None
    except (ValueError, OverflowError):  # year 0; year 1 with an offset east of UTC
        at = None
    if at is None:
        return both("import.time_invalid")
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        return both("import.time_years").format(first=FIRST_YEAR, last=LAST_YEAR)
    if at > latest:
        return both("import.time_future")
    return at


def place_from(values: dict[str, str]) -> tuple[float, float] | str:
    """Return a row's (lat, lon) in degrees, or why they are not a place."""
    try:
        lat, lon = float(values["lat"]), float(values["lon"])
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and abs(lat) <= 90):
        return both("import.lat_invalid")
    if not (math.isfinite(lon) and abs(lon) <= 180):
        return both("import.lon_invalid")
    if lat == 0 and lon == 0:
        return both("import.no_location")
    return lat, lon


_CODES: dict[type[StrEnum], frozenset[str]] = {
    enum_cls: frozenset(m.value for m in enum_cls) for enum_cls in (IncidentSource, IncidentStatus, Disposition)}


def codes_from(values: dict[str, str], default_source: IncidentSource) -> dict[str, Any] | str:
    """Return source, status and disposition (closed and resolved when not given), or why they are bad."""
    chosen: dict[str, str] = {}
    codes: tuple[tuple[str, type[StrEnum], str], ...] = (
        ("source", IncidentSource, default_source.value), ("status", IncidentStatus, IncidentStatus.CLOSED.value),
        ("disposition", Disposition, ""))
    for name, enum_cls, default in codes:
        chosen[name] = values.get(name, "").strip().lower() or default
        if chosen[name] and chosen[name] not in _CODES[enum_cls]:
            return both("import.code_invalid").format(name=name, allowed=", ".join(sorted(_CODES[enum_cls])))
    closing = chosen["status"] == IncidentStatus.CLOSED.value
    if not closing and chosen["disposition"]:
        return both("import.disposition_not_closed")
    priority_text = values.get("priority", "").strip()
    try:
        priority = float(priority_text) if priority_text else None
    except ValueError:
        priority = math.nan
    if priority is not None and priority not in (1, 2, 3, 4):
        return both("import.priority_invalid")
    return {"source": IncidentSource(chosen["source"]), "status": IncidentStatus(chosen["status"]),
            "disposition": Disposition(chosen["disposition"] or Disposition.RESOLVED.value) if closing else None,
            "priority": None if priority is None else int(priority)}


def parties_from(values: dict[str, str], targets: dict[str, Target]) -> list[dict[str, Any]] | str:
    """Build the row's parties (a kind with any non-empty mapped field), checked as the API checks them."""
    fields: dict[PartyKind, dict[str, str]] = {}
    for column, target in targets.items():
        if target.party is not None and values[column].strip():
            fields.setdefault(target.party, {})[target.key] = values[column].strip()
    parties = []
    for kind, given in fields.items():
        for name, value in given.items():
            too_long = check_length(value, f"party.{kind.value}.{name}", column_length(IncidentParty, name))
            if too_long:
                return too_long
        try:
            parties.append(PartyCreate(kind=kind, **given).model_dump())
        except PydanticValidationError as exc:
            error = exc.errors()[0]
            field = f"party.{kind.value}.{error['loc'][0]}"
            return both("import.party_invalid").format(field=field, error=error["msg"])
    return parties

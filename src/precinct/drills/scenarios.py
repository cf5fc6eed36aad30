"""Drill scenario files: JSON lists of timed calls, shipped in ``drills/scenarios/`` or local.

Format::

    {"code": "armed_assault", "name_zh": "持械伤人", "name_en": "Armed assault",
     "description_zh": "...", "description_en": "...",
     "anchor": [lon, lat],                        # optional: the point a run may move elsewhere
     "places": {"司门口": [114.299, 30.548]},      # optional named places
     "steps": [{"offset_s": 0, "type_code": "weapons", "place": "司门口" | "lon": .., "lat": ..,
                "priority": 1, "description_zh": "...", "description_en": "..."}]}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from precinct.core.errors import NotFoundError, ValidationError

CODE_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass(frozen=True)
class Step:
    """One timed call of a scenario, already placed (lon/lat)."""

    offset_s: float
    type_code: str
    lon: float
    lat: float
    priority: int | None
    description_zh: str
    description_en: str
    place: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A drill scenario: timed calls, and the anchor a run may move them to."""

    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    anchor: tuple[float, float] | None
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as plain JSON values (the anchor as ``[lon, lat]``)."""
        return asdict(self) | {"anchor": list(self.anchor) if self.anchor else None}

    def moved_to(self, lon: float, lat: float) -> Scenario:
        """Return the same scenario translated so that its anchor (or first step) lies at ``lon, lat``."""
        base_lon, base_lat = self.anchor or (self.steps[0].lon, self.steps[0].lat)
        d_lon, d_lat = lon - base_lon, lat - base_lat
        steps = tuple(Step(**(asdict(s) | {"lon": s.lon + d_lon, "lat": s.lat + d_lat})) for s in self.steps)
        return Scenario(self.code, self.name_zh, self.name_en, self.description_zh, self.description_en, (lon, lat),
                        steps)


def scenario_from_dict(data: object, *, source: str = "scenario") -> Scenario:
    """Validate a scenario mapping (a JSON object) and return the scenario.

    Raises
    ------
    ValidationError
        Naming the step and field that is wrong.
    """
    if not isinstance(data, dict):
        raise ValidationError(f"{source}: a scenario must be a JSON object")
    code = str(data.get("code", ""))
    if not code or not set(code) <= CODE_CHARACTERS or len(code) > 64:
        raise ValidationError(f"{source}: code must be 1-64 lowercase letters, digits, '_' or '-', got {code!r}")
    places = data.get("places") or {}
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ValidationError(f"{source}: steps must be a non-empty list")
    steps = []
    for number, raw in enumerate(raw_steps):
        where = f"{source}: step {number}"
        if not isinstance(raw, dict):
            raise ValidationError(f"{where} must be an object")
        try:
            offset_s = float(raw["offset_s"])
            type_code = str(raw["type_code"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError(f"{where} needs offset_s (seconds) and type_code") from None
        if offset_s < 0:
            raise ValidationError(f"{where}: offset_s must be >= 0")
        place = raw.get("place")
        if place is not None:
            if place not in places:
                raise ValidationError(f"{where}: place {place!r} is not in places")
            lon, lat = (float(v) for v in places[place])
        elif "lon" in raw and "lat" in raw:
            lon, lat = float(raw["lon"]), float(raw["lat"])
        else:
            raise ValidationError(f"{where} needs lon and lat, or a named place")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError(f"{where}: lon/lat out of range (lon first)")
        priority = raw.get("priority")
        if priority is not None and (not isinstance(priority, int) or not 1 <= priority <= 4):
            raise ValidationError(f"{where}: priority must be 1-4")
        steps.append(Step(offset_s, type_code, lon, lat, priority, str(raw.get("description_zh", "")),
                          str(raw.get("description_en", "")), place))
    anchor = data.get("anchor")
    return Scenario(
        code=code, name_zh=str(data.get("name_zh", code)), name_en=str(data.get("name_en", code)),
        description_zh=str(data.get("description_zh", "")), description_en=str(data.get("description_en", "")),
        anchor=(float(anchor[0]), float(anchor[1])) if anchor else None,
        steps=tuple(sorted(steps, key=lambda s: s.offset_s)),
    )


def scenario_from_file(path: str | Path) -> Scenario:
    """Load a local scenario file (JSON).

    Raises
    ------
    NotFoundError, ValidationError
    """
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"scenario file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path} is not valid JSON ({exc})") from None
    return scenario_from_dict(data, source=str(path))


def standard_scenarios() -> dict[str, Scenario]:
    """Return the scenarios shipped with Precinct, by code."""
    folder = resources.files("precinct.drills").joinpath("scenarios")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            scenario = scenario_from_dict(json.loads(entry.read_text(encoding="utf-8")), source=entry.name)
            found[scenario.code] = scenario
    return found


def standard_scenario(code: str) -> Scenario:
    """Return a shipped scenario by code (never a path: the API uses this).

    Raises
    ------
    NotFoundError
    """
    scenarios = standard_scenarios()
    if code not in scenarios:
        raise NotFoundError(f"no scenario {code!r}; standard ones: {', '.join(scenarios)}")
    return scenarios[code]


def get_scenario(code_or_path: str) -> Scenario:
    """Return a standard scenario by code, or a local file by path (anything ending in .json; CLI only)."""
    if code_or_path.endswith(".json"):
        return scenario_from_file(code_or_path)
    return standard_scenario(code_or_path)

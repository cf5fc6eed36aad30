"""Speed tables: free-flow speed per road class and congestion by hour of day.

Travel time on an edge is ``length_m / (speed_kph / 3.6) * congestion_by_hour[hour]``. The speed
is the tagged ``maxspeed`` when an edge has one, else the road class speed from the table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from precinct.core.errors import ValidationError

#: Free-flow urban driving speeds (km/h) by OSM ``highway`` class. Conservative city values: they
#: fold in junction delay, so they sit below the legal limit.
DEFAULT_SPEED_KPH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 80.0,
        "motorway_link": 50.0,
        "trunk": 60.0,
        "trunk_link": 40.0,
        "primary": 45.0,
        "primary_link": 35.0,
        "secondary": 40.0,
        "secondary_link": 30.0,
        "tertiary": 35.0,
        "tertiary_link": 25.0,
        "unclassified": 30.0,
        "residential": 25.0,
        "road": 25.0,
        "busway": 30.0,
        "living_street": 15.0,
        "service": 15.0,
        "pedestrian": 10.0,
        "track": 10.0,
    }
)

#: Travel-time multipliers by hour (0-23) for a weekday in a large city: morning and evening peaks.
DEFAULT_CONGESTION_BY_HOUR: tuple[float, ...] = (
    0.85, 0.85, 0.85, 0.85, 0.85, 0.9,  # 00-05
    1.0, 1.25, 1.45, 1.3, 1.1, 1.1,  # 06-11
    1.15, 1.1, 1.1, 1.15, 1.25, 1.45,  # 12-17
    1.5, 1.3, 1.1, 1.0, 0.95, 0.9,  # 18-23
)  # fmt: skip

_MPH_TO_KPH = 1.609344
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class SpeedProfile:
    """How fast vehicles move on each road class, and how much slower at each hour.

    Parameters
    ----------
    speed_kph
        Free-flow speed (km/h) per ``highway`` class.
    default_speed_kph
        Speed for classes missing from ``speed_kph``.
    congestion_by_hour
        24 travel-time multipliers, one per hour of day (1.0 = free flow, 1.5 = 50 % slower).
        Used when a query passes ``hour``; ``hour=None`` means free flow (factor 1.0).
    use_maxspeed
        Use an edge's tagged ``maxspeed`` (km/h, or "mph" suffixed) instead of the class speed.
    """

    speed_kph: Mapping[str, float] = field(default_factory=lambda: DEFAULT_SPEED_KPH)
    default_speed_kph: float = 25.0
    congestion_by_hour: tuple[float, ...] = DEFAULT_CONGESTION_BY_HOUR
    use_maxspeed: bool = True

    def __post_init__(self) -> None:
        """Refuse speeds that are not positive km/h and a congestion profile that is not 24 factors."""
        speeds = dict(self.speed_kph)
        for name, value in [*speeds.items(), ("default_speed_kph", self.default_speed_kph)]:
            if not (math.isfinite(value) and value > 0):
                raise ValidationError(f"speed for {name!r} must be a positive number of km/h, got {value!r}")
        factors = tuple(float(f) for f in self.congestion_by_hour)
        if len(factors) != 24 or not all(math.isfinite(f) and f > 0 for f in factors):
            raise ValidationError("congestion_by_hour must hold 24 positive travel-time factors, one per hour")
        object.__setattr__(self, "speed_kph", MappingProxyType(speeds))
        object.__setattr__(self, "congestion_by_hour", factors)

    def class_speed_kph(self, highway: str) -> float:
        """Return the free-flow speed (km/h) of a road class."""
        return self.speed_kph.get(highway, self.default_speed_kph)

    def time_factor(self, hour: int | None) -> float:
        """Return the travel-time multiplier for ``hour`` (0-23); ``None`` gives 1.0 (free flow).

        Raises
        ------
        ValidationError
            If ``hour`` is not an integer from 0 to 23.
        """
        if hour is None:
            return 1.0
        if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
            raise ValidationError(f"hour must be an integer from 0 to 23 or None, got {hour!r}")
        return self.congestion_by_hour[hour]


def free_flow_profile() -> SpeedProfile:
    """Return the default speed table with no congestion at any hour."""
    return SpeedProfile(congestion_by_hour=(1.0,) * 24)


def parse_maxspeed_kph(value: object) -> float:
    """Read an OSM ``maxspeed`` value as km/h; NaN when absent or not numeric ("signals", "none").

    ``"50"`` -> 50, ``"30 mph"`` -> 48.3, ``"40;60"`` -> 40 (the first, i.e. the stricter posted value
    is not guessed), numbers pass through.
    """
    if value is None:
        return math.nan
    if isinstance(value, int | float):
        return float(value) if value > 0 else math.nan
    text = str(value).strip().lower()
    match = _NUMBER.search(text)
    if match is None:
        return math.nan
    speed = float(match.group())
    if "mph" in text:
        speed *= _MPH_TO_KPH
    return speed if speed > 0 else math.nan


def parse_oneway(value: object) -> int:
    """Read an OSM ``oneway`` value: 1 forward only, -1 reverse only, 0 both ways or unknown."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return 0 if math.isnan(value) else int(value > 0) - int(value < 0)
    text = str(value).strip().lower()
    if text in {"yes", "true", "1"}:
        return 1
    if text in {"-1", "reverse"}:
        return -1
    return 0


def first_highway_class(value: object) -> str:
    """Return the road class of a ``highway`` value, taking the first of a list ("['a', 'b']")."""
    if isinstance(value, list | tuple):
        return str(value[0]) if value else ""
    text = str(value).strip()
    if text.startswith("["):
        text = text.strip("[]").split(",")[0].strip().strip("'\"")
    return text

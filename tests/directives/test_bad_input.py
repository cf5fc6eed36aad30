"""Bad input: each refused with a message that starts with the field's name, and nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from directive_kit import AREA, NOW, build_world, patrol
from sqlalchemy import func, select

from precinct.core.errors import ValidationError
from precinct.directives import service
from precinct.directives.models import Directive, DirectiveEvent, DirectiveLink

HOUR = timedelta(hours=1)
BOW_TIE = {"type": "Polygon", "coordinates": [[[114.02, 30.52], [114.04, 30.54], [114.04, 30.52], [114.02, 30.54],
                                               [114.02, 30.52]]]}
OUTSIDE = {"type": "Polygon", "coordinates": [[[115.0, 31.0], [115.1, 31.0], [115.1, 31.1], [115.0, 31.0]]]}
ACROSS = {"type": "Polygon", "coordinates": [[[114.18, 30.52], [114.25, 30.52], [114.25, 30.54], [114.18, 30.52]]]}
FLAT = {"type": "Polygon", "coordinates": [[[114.02, 30.52], [114.03, 30.52], [114.04, 30.52], [114.02, 30.52]]]}


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


# (id, who issues, changes to the patrol directive, the field named)
CASES = [
    ("deadline in the past", "west-chief", {"deadline": NOW - timedelta(minutes=1)}, "deadline"),
    ("deadline now", "west-chief", {"deadline": NOW}, "deadline"),
    ("deadline before the window ends", "west-chief", {"deadline": NOW + HOUR}, "deadline"),
    ("window ends before it starts", "west-chief", {"window_end": NOW - HOUR}, "window_end"),
    ("window ends as it starts", "west-chief", {"window_end": NOW}, "window_end"),
    ("window without an end", "west-chief", {"window_end": None}, "window_end"),
    ("window without a start", "west-chief", {"window_start": None}, "window_start"),
    ("window of 40 days", "west-chief", {"window_end": NOW + timedelta(days=40), "deadline": NOW + timedelta(days=41)},
     "window_end"),
    ("window already over", "west-chief", {"window_start": NOW - 3 * HOUR, "window_end": NOW - HOUR}, "window_end"),
    ("patrol without a window", "west-chief", {"window_start": None, "window_end": None}, "window_start"),
    ("patrol without an area", "west-chief", {"geometry": None}, "geometry"),
    ("patrol of a point", "west-chief", {"geometry": {"type": "Point", "coordinates": [114.03, 30.53]}}, "geometry"),
    ("a polygon that crosses itself", "west-chief", {"geometry": BOW_TIE}, "geometry"),
    ("a polygon without area", "west-chief", {"geometry": FLAT}, "geometry"),
    ("a polygon outside the city", "west-chief", {"geometry": OUTSIDE}, "geometry"),
    ("a polygon across the city boundary", "west-chief", {"geometry": ACROSS}, "geometry"),
    ("a ring of two points", "west-chief", {"geometry": {"type": "Polygon", "coordinates": [[[114.0, 30.5],
                                                                                              [114.1, 30.5]]]}},
     "geometry"),
    ("a point outside the city", "west-chief", {"kind": "other", "geometry": {"type": "Point",
                                                                               "coordinates": [120.0, 30.5]}},
     "geometry"),
    ("latitude beyond 90", "west-chief", {"kind": "other", "geometry": {"type": "Point", "coordinates": [114.0, 95.0]}},
     "geometry"),
    ("blank title", "west-chief", {"title": "   "}, "title"),
    ("an unknown target", "west-chief", {"target_org_unit_id": 99_999}, "target_org_unit_id"),
    ("the city as target", "city-chief", {"target_org_unit_id": "city"}, "target_org_unit_id"),
    ("two targets", "west-chief", {"target_unit_id": "W-1"}, "target_org_unit_id"),
    ("no target", "west-chief", {"target_org_unit_id": None}, "target_org_unit_id"),
    ("an unknown unit", "west-chief", {"target_org_unit_id": None, "target_unit_id": 99_999}, "target_unit_id"),
    ("a station of another branch", "west-chief", {"target_org_unit_id": "east_station"}, "target_org_unit_id"),
    ("another branch", "west-chief", {"target_org_unit_id": "east"}, "target_org_unit_id"),
    ("the station's own branch", "west-station-chief", {"target_org_unit_id": "west"}, "target_org_unit_id"),
    ("a unit of another branch", "west-chief", {"target_org_unit_id": None, "target_unit_id": "E-1"},
     "target_unit_id"),
    ("unknown premises", "west-chief", {"links": [{"kind": "premises", "premises_id": 99_999}]},
     "links.0.premises_id"),
    ("an unknown incident", "west-chief", {"links": [{"kind": "spike", "area": "West"},
                                                      {"kind": "incident", "incident_id": 99_999}]},
     "links.1.incident_id"),
    ("an unknown forecast", "west-chief", {"links": [{"kind": "forecast_cell", "forecast_id": 99_999, "cell": 3}]},
     "links.0.forecast_id"),
]


def _resolve(world, changes):
    """Put the world's ids in for the names the cases use."""
    resolved = dict(changes)
    for key in ("target_org_unit_id", "target_unit_id"):
        value = resolved.get(key)
        if isinstance(value, str):
            resolved[key] = world.ids[value] if key == "target_org_unit_id" else world.units[value]
    return resolved


def _stored(session):
    return [session.scalar(select(func.count()).select_from(table)) for table in (Directive, DirectiveEvent,
                                                                                   DirectiveLink)]


@pytest.mark.parametrize(("who", "changes", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_names_the_field_and_stores_nothing(session, world, who, changes, field):
    data = patrol(world, **_resolve(world, changes))
    with pytest.raises(ValidationError) as raised:
        service.create(session, data, actor=world[who], now=NOW)
    assert str(raised.value).startswith(f"{field}: "), str(raised.value)
    assert " / " in str(raised.value)  # Chinese, then English
    session.rollback()
    assert _stored(session) == [0, 0, 0]


def test_the_good_directive_of_the_cases_is_stored(session, world):
    directive = service.create(session, patrol(world), actor=world["west-chief"], now=NOW)
    session.commit()
    assert _stored(session) == [1, 1, 0] and directive.geometry_geojson is not None
    assert AREA["coordinates"][0][0] == [114.02, 30.52]

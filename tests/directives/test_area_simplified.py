"""An area above the vertex limit (a district's boundary sent as a spike's patrol area) is simplified to fit.

The boundary here is a jagged ring of 15,000 vertices around West Station's middle, as a
digitised district boundary is; the limit is 10,000.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import shapely
from directive_kit import build_world, patrol
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

from precinct.core.errors import ValidationError
from precinct.directives import geometry, service
from precinct.directives.models import Directive
from testkit import bearer_for

CENTRE = (114.05, 30.55)


def _jagged(vertices: int = 15_000, *, radius: float = 0.03, centre: tuple[float, float] = CENTRE) -> Polygon:
    """A star-shaped ring (valid whatever the jitter) of ``vertices`` points, radius ± 2 %, fixed seed."""
    angles = np.linspace(0.0, 2 * math.pi, vertices, endpoint=False)
    radii = radius * (1 + 0.02 * np.random.default_rng(7).uniform(-1, 1, vertices))
    return Polygon(np.column_stack([centre[0] + radii * np.cos(angles), centre[1] + radii * np.sin(angles)]))


def _vertices(found) -> int:
    return len(shapely.get_coordinates(found))


def test_an_area_above_the_limit_is_simplified_to_a_valid_area_close_to_it():
    boundary = _jagged()
    assert _vertices(boundary) > geometry.MAX_VERTICES
    simpler = geometry.simplified(boundary)
    assert simpler is not None and simpler.is_valid and not simpler.is_empty
    assert simpler.geom_type == "Polygon" and 4 <= _vertices(simpler) <= geometry.MAX_VERTICES
    assert abs(simpler.area - boundary.area) / boundary.area < 0.01
    assert boundary.symmetric_difference(simpler).area / boundary.area < 0.02


def test_an_area_with_a_hole_keeps_it_and_one_within_the_limit_is_returned_as_it_is():
    outer, hole = _jagged(), _jagged(6_000, radius=0.01)
    ring = Polygon(outer.exterior.coords, [hole.exterior.coords])
    simpler = geometry.simplified(ring)
    assert simpler is not None and simpler.is_valid and _vertices(simpler) <= geometry.MAX_VERTICES
    assert len(simpler.interiors) == 1 and not simpler.contains(shapely.Point(CENTRE))
    small = _jagged(500)
    assert geometry.simplified(small) is small


def test_an_area_that_cannot_be_simplified_under_the_limit_is_refused_naming_the_field():
    triangles = MultiPolygon([Polygon([(114.01 + 0.0015 * i, 30.51 + 0.0015 * j),
                                       (114.0105 + 0.0015 * i, 30.51 + 0.0015 * j),
                                       (114.01 + 0.0015 * i, 30.5105 + 0.0015 * j)])
                              for i in range(55) for j in range(55)])  # 3,025 triangles: 12,100 vertices
    assert triangles.is_valid and _vertices(triangles) > geometry.MAX_VERTICES
    assert geometry.simplified(triangles) is None
    with pytest.raises(ValidationError, match=r"^geometry: .* 10000 "):
        geometry.checked(mapping(triangles), city=None)


def test_an_area_beyond_the_input_ceiling_is_refused_before_any_work():
    with pytest.raises(ValidationError, match=r"^links: .* 100000 "):
        geometry.checked(mapping(_jagged(geometry.MAX_INPUT_VERTICES + 1)), city=None, field="links")


@pytest.fixture
def world(session, ids):
    return build_world(session, ids, accounts=True)


def test_a_patrol_over_a_boundary_above_the_limit_is_stored_simplified(session, world):
    boundary = _jagged()
    directive = service.create(session, patrol(world, geometry=mapping(boundary)), actor=world["west-chief"],
                               now=datetime(2025, 3, 4, 8, 0, tzinfo=UTC))
    session.commit()
    stored = shape(json.loads(session.get(Directive, directive.id).geometry_geojson))
    assert stored.is_valid and _vertices(stored) <= geometry.MAX_VERTICES
    assert abs(stored.area - boundary.area) / boundary.area < 0.01


def test_send_as_directive_with_a_district_boundary_above_the_limit_over_http(client, world):
    now = datetime.now(UTC)
    body = {"kind": "patrol", "title": "巡逻 · West Branch", "target_org_unit_id": world.ids["west_station"],
            "geometry": mapping(_jagged()), "window_start": now.isoformat(),
            "window_end": (now + timedelta(hours=1)).isoformat(), "deadline": (now + timedelta(hours=2)).isoformat(),
            "links": [{"kind": "spike", "area": "West Branch", "window_days": 7}]}
    body["geometry"]["coordinates"] = [[list(xy) for xy in ring] for ring in body["geometry"]["coordinates"]]
    assert len(json.dumps(body)) > 64 * 1024  # above the default body limit
    issued = client.post("/api/v1/directives", headers=bearer_for("west-chief", world["west-chief"].role), json=body)
    assert issued.status_code == 201, issued.text[:300]
    area = shape(issued.json()["geometry"])
    assert area.is_valid and _vertices(area) <= geometry.MAX_VERTICES
    assert issued.json()["links"][0]["kind"] == "spike"

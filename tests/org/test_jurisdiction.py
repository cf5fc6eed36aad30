"""Jurisdiction resolution: point -> district, station, beat; vectorised and cache-refreshing."""

from __future__ import annotations

import numpy as np
import pytest

from precinct.core.errors import ValidationError
from precinct.org import service
from precinct.org.models import OrgTier


def test_resolve_single_points(session, ids):
    assert service.resolve(session, 114.02, 30.52) == service.Jurisdiction(ids["west"], ids["west_station"],
                                                                           ids["beat"])
    assert service.resolve(session, 114.07, 30.57) == service.Jurisdiction(ids["west"], ids["west_station"], None)
    assert service.resolve(session, 114.15, 30.55) == service.Jurisdiction(ids["east"], ids["east_station"], None)
    assert service.resolve(session, 100.0, 10.0) == service.Jurisdiction(None, None, None)


def test_resolve_many_is_vectorised(session, ids):
    index = service.jurisdiction_index(session)
    lon = np.array([114.02, 114.15, 99.0])
    lat = np.array([30.52, 30.55, 10.0])
    districts, stations, beats = index.resolve_many(lon, lat)
    assert districts.tolist() == [ids["west"], ids["east"], -1]
    assert stations.tolist() == [ids["west_station"], ids["east_station"], -1]
    assert beats.tolist() == [ids["beat"], -1, -1]


def test_new_beat_is_seen_immediately(session, ids):
    assert service.resolve(session, 114.17, 30.52).beat_id is None
    square = {"type": "Polygon",
              "coordinates": [[[114.15, 30.5], [114.2, 30.5], [114.2, 30.55], [114.15, 30.55], [114.15, 30.5]]]}
    beat = service.create_beat(session, code="B9", name_zh="东九", name_en="East 9", station_id=ids["east_station"],
                               boundary_geojson=square)
    assert service.resolve(session, 114.17, 30.52).beat_id == beat.id


def test_bad_hierarchy_and_geometry_are_refused(session, ids):
    with pytest.raises(ValidationError, match="needs a parent_id"):
        service.create_unit(session, code="X", name_zh="x", name_en="x", tier=OrgTier.STATION)
    with pytest.raises(ValidationError, match="must name a district"):
        service.create_unit(session, code="X", name_zh="x", name_en="x", tier=OrgTier.STATION, parent_id=ids["city"])
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError, match="valid GeoJSON Polygon"):
        service.create_beat(session, code="B8", name_zh="b", name_en="b", station_id=ids["west_station"],
                            boundary_geojson=bowtie)


def test_org_routes(client, auth, ids):
    from precinct.core.permissions import Role

    districts = client.get("/api/v1/org/units", headers=auth(Role.ANALYST), params={"tier": "district"}).json()
    assert [d["code"] for d in districts] == ["D1", "D2"] and districts[0]["boundary"] is None
    station = client.get(f"/api/v1/org/units/{ids['west_station']}", headers=auth(Role.AUDITOR)).json()
    assert station["boundary"]["type"] == "Polygon" and station["parent_id"] == ids["west"]
    beats = client.get("/api/v1/beats", headers=auth(Role.PATROL_OFFICER),
                       params={"station_id": ids["west_station"]}).json()
    assert [b["code"] for b in beats] == ["B1"]
    assert client.get("/api/v1/beats/999999", headers=auth(Role.ANALYST)).status_code == 404

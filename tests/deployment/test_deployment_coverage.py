"""GET /api/v1/planning/coverage on the seeded city (real Wuhan roads around lon 114.0-114.2)."""

from __future__ import annotations

from datetime import timedelta

from precinct.core.db import utcnow
from precinct.core.permissions import Role
from precinct.incidents.models import Incident, IncidentSource, IncidentStatus
from precinct.org import service as org_service
from precinct.org.models import OrgTier

PLANTED = (114.17, 30.57)          # on a road in the east district
NEAR = [(114.1702, 30.5701), (114.1698, 30.5699)]
FAR = [(114.12, 30.56), (114.121, 30.561)]    # about 5 km west of the planted station


def _incident(lon: float, lat: float, district_id: int, *, source=IncidentSource.PHONE_110,
              days_ago: float = 1.0) -> Incident:
    return Incident(source=source, type_code="theft", priority=3, status=IncidentStatus.CLOSED, lon=lon, lat=lat,
                    received_at=utcnow() - timedelta(days=days_ago), district_id=district_id, created_by="test")


def test_planted_station_covers_the_incidents_next_to_it_at_one_minute(client, session, ids, auth):
    planted = org_service.create_unit(session, code="S9", name_zh="试验派出所", name_en="Test Station",
                                      tier=OrgTier.STATION, parent_id=ids["east"], lon=PLANTED[0], lat=PLANTED[1])
    session.add_all([_incident(lon, lat, ids["east"]) for lon, lat in NEAR + FAR])
    session.add(_incident(*FAR[0], ids["east"], source=IncidentSource.OFFICER_INITIATED))   # not counted
    session.add(_incident(*FAR[0], ids["east"], days_ago=40))                              # too old
    session.commit()
    response = client.get("/api/v1/planning/coverage?minutes=1&minutes=3&minutes=5", headers=auth(Role.DISPATCHER))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == "FeatureCollection"
    mine = [f for f in body["features"] if f["properties"]["station_id"] == planted.id]
    assert [f["properties"]["minutes"] for f in mine] == [1.0, 3.0, 5.0]
    assert mine[0]["properties"]["name_en"] == "Test Station"
    areas = [f["properties"]["area_km2"] for f in mine]
    assert 0 < areas[0] < areas[1] < areas[2]
    summary = body["summary"]
    assert summary["incidents"] == 4 and summary["window_days"] == 28
    assert summary["citywide_share"][0] == 0.5          # the two next to it, not the two 5 km away
    east = next(d for d in summary["districts"] if d["district_id"] == ids["east"])
    assert east["incidents"] == 4 and east["share"][0] == 0.5 and east["name_en"] == "East Branch"


def test_areas_are_cached_until_the_stations_change(client, session, ids, auth):
    first = client.get("/api/v1/planning/coverage?minutes=1", headers=auth(Role.ANALYST)).json()
    again = client.get("/api/v1/planning/coverage?minutes=1", headers=auth(Role.ANALYST)).json()
    assert again["features"] == first["features"]
    assert first["summary"]["incidents"] == 0 and first["summary"]["citywide_share"] == [None]
    org_service.create_unit(session, code="S8", name_zh="新派出所", name_en="New Station", tier=OrgTier.STATION,
                            parent_id=ids["east"], lon=PLANTED[0], lat=PLANTED[1])
    session.commit()
    changed = client.get("/api/v1/planning/coverage?minutes=1", headers=auth(Role.ANALYST)).json()
    assert len(changed["features"]) == len(first["features"]) + 1


def test_coverage_rejects_bad_minutes_and_roles(client, auth):
    assert client.get("/api/v1/planning/coverage?minutes=0", headers=auth(Role.ADMIN)).status_code == 422
    assert client.get("/api/v1/planning/coverage", headers=auth(Role.AUDITOR)).status_code == 403
    assert client.get("/api/v1/planning/coverage").status_code == 401

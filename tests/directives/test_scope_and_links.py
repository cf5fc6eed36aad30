"""Who reads and works which directive (service layer), and the typed links that prompted one."""

from __future__ import annotations

import json
from datetime import date

import pytest
from directive_kit import AREA, NOW, build_world, issue, patrol

from precinct.core.errors import NotFoundError, PermissionDeniedError
from precinct.directives import lifecycle, service
from precinct.directives.models import LinkKind
from precinct.forecasts.models import StoredForecast
from precinct.incidents import service as incident_service
from precinct.incidents.schemas import IncidentCreate
from precinct.places import service as places_service
from precinct.places.models import PremisesCategory
from testkit import ADMIN_ACTOR


@pytest.fixture
def world(session, ids):
    return build_world(session, ids)


@pytest.fixture
def directives(session, world):
    """One directive to West Station, one to its unit W-1, one to the West Branch itself (from the city)."""
    return {"station": issue(session, world).id, "unit": issue(session, world, unit="W-1").id,
            "branch": issue(session, world, by="city-chief", to="west").id}


READERS = {
    # account: the directives it reads (the others answer 404)
    "city-chief": {"station", "unit", "branch"},
    "city-desk": {"station", "unit", "branch"},
    "west-chief": {"station", "unit", "branch"},
    "west-branch-desk": {"station", "unit", "branch"},
    "west-station-chief": {"station", "unit"},
    "west-desk": {"station", "unit"},
    "west-analyst": {"station", "unit"},
    "east-chief": set(),
    "east-desk": set(),
    "west-officer": {"unit"},
    "other-officer": set(),
    "east-officer": set(),
}


@pytest.mark.parametrize(("account", "reads"), READERS.items(), ids=READERS.keys())
def test_each_account_reads_the_directives_of_its_scope_only(session, world, directives, account, reads):
    actor = world[account]
    for name, directive_id in directives.items():
        if name in reads:
            assert service.get_visible(session, directive_id, actor).id == directive_id
        else:
            with pytest.raises(NotFoundError, match=f"directive {directive_id} does not exist"):
                service.get_visible(session, directive_id, actor)
    listed, total = service.list_(session, service.DirectiveFilter(), actor=actor)
    assert {d.id for d in listed} == {directives[name] for name in reads} and total == len(reads)


# account -> the directives it signs for (of those it reads; the others are not its work: 403)
WORKERS = {
    "west-desk": {"station", "unit"},
    "west-station-chief": {"station", "unit"},
    "west-branch-desk": {"branch"},
    "west-chief": {"branch"},
    "city-desk": set(),
    "west-officer": {"unit"},
}


@pytest.mark.parametrize(("account", "works"), WORKERS.items(), ids=WORKERS.keys())
def test_the_target_side_signs_for_its_own_directives_only(session, world, directives, account, works):
    actor = world[account]
    for name in READERS[account]:
        if name in works:
            assert lifecycle.sign(session, directives[name], actor=actor, now=NOW).signed_by == account
        else:
            with pytest.raises(PermissionDeniedError, match="only its accounts sign for, work on and report it"):
                lifecycle.sign(session, directives[name], actor=actor, now=NOW)
        session.rollback()
    for_me, _ = service.list_(session, service.DirectiveFilter(for_me=True), actor=actor)
    assert {d.id for d in for_me} == {directives[name] for name in works}


@pytest.mark.parametrize(("account", "allowed"), [
    ("west-chief", True),  # the issuer
    ("city-chief", True),  # a supervisor above it
    ("west-station-chief", False),  # below it: the target's own supervisor does not check its own work
])
def test_the_issuing_side_checks_and_cancels(session, world, directives, account, allowed):
    directive_id = directives["station"]
    if allowed:
        assert lifecycle.cancel(session, directive_id, actor=world[account], reason="withdrawn", now=NOW).status == \
            "cancelled"
    else:
        with pytest.raises(PermissionDeniedError, match="only the issuing side"):
            lifecycle.cancel(session, directive_id, actor=world[account], reason="withdrawn", now=NOW)


def test_units_named_belong_to_the_target_and_an_officer_names_only_their_own(session, world, directives):
    desk, officer = world["west-desk"], world["west-officer"]
    lifecycle.sign(session, directives["station"], actor=desk, now=NOW)
    lifecycle.sign(session, directives["unit"], actor=officer, now=NOW)
    session.commit()
    with pytest.raises(ValueError, match=f"^unit_ids: .*unit {world.units['E-1']} does not belong"):
        lifecycle.start(session, directives["station"], actor=desk, unit_ids=[world.units["E-1"]], now=NOW)
    session.rollback()
    with pytest.raises(PermissionDeniedError, match="is not yours"):
        lifecycle.start(session, directives["unit"], actor=officer, unit_ids=[world.units["W-2"]], now=NOW)
    session.rollback()
    started = lifecycle.start(session, directives["unit"], actor=officer, unit_ids=[world.units["W-1"]], now=NOW)
    assert service.unit_ids_of(session, started.id) == [world.units["W-1"]]


def test_links_are_typed_checked_and_lend_their_place(session, world):
    premises = places_service.create(session, name="第一中学", category=PremisesCategory.SCHOOL, lon=114.03,
                                     lat=30.53, actor=ADMIN_ACTOR)
    incident = incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=114.031,
                                                               lat=30.531), actor=ADMIN_ACTOR)
    cell = {"type": "Polygon", "coordinates": [[[114.03, 30.53], [114.035, 30.53], [114.035, 30.535],
                                                [114.03, 30.535], [114.03, 30.53]]]}
    forecast = StoredForecast(created_by="tester", method="kde", category="all", cell_m=500.0, coverage=0.05,
                              target_date=date(2025, 3, 4), history_days=365, n_events=10, district_shares=[],
                              seconds=0.1, geojson=json.dumps({"type": "FeatureCollection", "features": [
                                  {"type": "Feature", "geometry": cell,
                                   "properties": {"cell": 42, "rank": 1, "score": 0.9, "method": "kde"}}]}))
    session.add(forecast)
    session.commit()
    links = [{"kind": "forecast_cell", "forecast_id": forecast.id, "cell": 42},
             {"kind": "repeat_place", "place": "中山路 12 号", "lon": 114.033, "lat": 30.533},
             {"kind": "premises", "premises_id": premises.id}, {"kind": "incident", "incident_id": incident.id},
             {"kind": "spike", "area": "West Branch", "window_days": 7}]
    directive = service.create(session, patrol(world, geometry=None, links=links), actor=world["west-chief"], now=NOW)
    session.commit()
    assert json.loads(directive.geometry_geojson)["coordinates"] == cell["coordinates"]  # the cell's square
    stored = service.details(session, [directive.id])[0][directive.id]
    assert [(link.kind, link.ref_id, link.ref_key) for link in stored] == [
        (LinkKind.FORECAST_CELL, forecast.id, "42"), (LinkKind.REPEAT_PLACE, None, "中山路 12 号"),
        (LinkKind.PREMISES, premises.id, None), (LinkKind.INCIDENT, incident.id, None),
        (LinkKind.SPIKE, None, "West Branch")]
    assert stored[0].data["rank"] == 1 and stored[2].data == {"name": "第一中学"}
    with pytest.raises(ValueError, match=r"^links\.0\.cell: "):
        service.create(session, patrol(world, links=[{"kind": "forecast_cell", "forecast_id": forecast.id,
                                                      "cell": 7}]), actor=world["west-chief"], now=NOW)
    session.rollback()
    inspect = service.create(session, patrol(world, kind="inspect_premises", geometry=None, window_start=None,
                                             window_end=None, links=links[2:3]), actor=world["west-chief"], now=NOW)
    assert json.loads(inspect.geometry_geojson) == {"type": "Point", "coordinates": [114.03, 30.53]}
    assert AREA["type"] == "Polygon"


def test_a_link_to_another_scopes_record_reads_as_unknown(session, world):
    """The east branch's chief cannot link (or learn of) a west incident or premises."""
    premises = places_service.create(session, name="西区仓库", category=PremisesCategory.SCHOOL, lon=114.03,
                                     lat=30.53, actor=ADMIN_ACTOR)
    incident = incident_service.create(session, IncidentCreate(source="phone_110", type_code="theft", lon=114.031,
                                                               lat=30.531), actor=ADMIN_ACTOR)
    session.commit()
    assert incident.station_id == world.ids["west_station"]
    for link, field in (({"kind": "incident", "incident_id": incident.id}, "incident_id"),
                        ({"kind": "premises", "premises_id": premises.id}, "premises_id")):
        with pytest.raises(ValueError, match=rf"^links\.0\.{field}: "):
            service.create(session, patrol(world, to="east_station", kind="other", geometry=None, window_start=None,
                                           window_end=None, links=[link]), actor=world["east-chief"], now=NOW)
        session.rollback()
    own = {"kind": "incident", "incident_id": incident.id}
    directive = service.create(session, patrol(world, kind="follow_up_incident", geometry=None, window_start=None,
                                               window_end=None, links=[own]), actor=world["west-chief"], now=NOW)
    assert directive.id is not None

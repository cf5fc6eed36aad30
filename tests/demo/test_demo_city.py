"""The Wuhan demo city loads on both databases, covers the road network, and the stream moves."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select

from precinct.app import session_factory
from precinct.core.db import make_engine, utcnow
from precinct.demo.calls import HOURLY_PROFILE, LABEL, road_points
from precinct.demo.simulate import Simulator
from precinct.incidents.models import Incident, IncidentEvent
from precinct.org import service as org_service
from precinct.org.models import Beat, OrgTier, OrgUnit
from precinct.units.models import Unit
from precinct.users import service as user_service


def test_demo_load_and_simulated_stream(fresh_database_url, cli, tmp_path, monkeypatch):
    credentials = tmp_path / "credentials.json"
    loaded = cli("demo", "load", "--credentials-file", str(credentials), "--history-days", "3")
    assert loaded.exit_code == 0, loaded.output
    accounts = json.loads(credentials.read_text())
    assert {a["role"] for a in accounts} == {"admin", "call_taker", "dispatcher", "patrol_officer", "analyst",
                                              "supervisor", "auditor"}
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
    again = cli("demo", "load", "--credentials-file", str(credentials))
    assert again.exit_code == 0 and "already loaded" in again.output
    assert json.loads(credentials.read_text()) == accounts  # same passwords on a re-run

    factory = session_factory(make_engine(fresh_database_url))
    with factory() as session:
        tiers = dict(session.execute(select(OrgUnit.tier, func.count()).group_by(OrgUnit.tier)).all())
        assert tiers[OrgTier.CITY] == 1 and tiers[OrgTier.DISTRICT] == 13
        assert 40 <= tiers[OrgTier.STATION] <= 90
        assert session.scalar(select(func.count(Beat.id))) >= 2 * tiers[OrgTier.STATION]
        assert session.scalar(select(func.count(Unit.id))) >= 5 * tiers[OrgTier.STATION]
        # every road point of the demo city lies in exactly one district, station and beat
        points = road_points()
        districts, stations, beats = org_service.jurisdiction_index(session).resolve_many(points.lon, points.lat)
        assert (districts >= 0).mean() > 0.999 and (stations >= 0).mean() > 0.999 and (beats >= 0).mean() > 0.99

        history = session.scalars(select(Incident).where(Incident.external_id.like("demo-history-%"))).all()
        assert 500 < len(history) < 1400  # ~300 a day for 3 days
        assert all(i.simulated and i.description.startswith(LABEL) and i.status.value == "closed" for i in history)
        assert {i.source.value for i in history} >= {"phone_110", "officer_initiated"}
        hours = np.array([(i.received_at + timedelta(hours=8)).hour for i in history])
        assert (hours == 4).sum() < (hours == 20).sum()  # quiet before dawn, busy in the evening

    simulator = Simulator(factory, interval_s=5.0, zone=ZoneInfo("Asia/Shanghai"), seed=7)
    first = simulator.step(10.0)
    assert first.created >= 1
    now = utcnow()
    # Fast-forward: dispatch, en route, drive, on scene, close. The platform's clock moves with the
    # simulation, or the units' position reports would be refused as coming from the future.
    from precinct.units import service as unit_service

    for minutes in (1, 2, 3, 30, 45, 60):
        simulated_now = now + timedelta(minutes=minutes)
        monkeypatch.setattr(unit_service, "utcnow", lambda at=simulated_now: at)
        simulator.step(2.0, now=simulated_now)
    with factory() as session:
        incidents = session.scalars(select(Incident).where(Incident.external_id.is_(None))).all()
        assert incidents and all(i.simulated and i.description.startswith(LABEL) for i in incidents)
        assert all(i.district_id is not None for i in incidents)
        closed = [i for i in incidents if i.status.value == "closed"]
        assert closed, [i.status for i in incidents]
        kinds = session.scalars(select(IncidentEvent.kind).where(IncidentEvent.incident_id == closed[0].id)
                                .order_by(IncidentEvent.id)).all()
        assert kinds[0] == "created" and "assigned" in kinds and kinds[-1] == "status"
    factory.kw["bind"].dispose()
    assert cli("audit", "verify").exit_code == 0


def test_daily_profile_has_a_quiet_night_and_busy_evening():
    assert HOURLY_PROFILE.mean() == np.float64(1.0) or abs(HOURLY_PROFILE.mean() - 1) < 1e-12
    assert HOURLY_PROFILE[4] < 0.5 < 1.2 < HOURLY_PROFILE[20]


def test_demo_load_leaves_existing_accounts_alone(fresh_database_url, cli, tmp_path):
    assert cli("user", "add", "admin", "--role", "admin", input="the-real-chief-passphrase\n").exit_code == 0
    loaded = cli("demo", "load", "--credentials-file", str(tmp_path / "c.json"), "--history-days", "0")
    assert loaded.exit_code == 0, loaded.output
    assert "password unchanged" in loaded.output
    import json

    assert "admin" not in {a["username"] for a in json.loads((tmp_path / "c.json").read_text())}
    engine = make_engine(fresh_database_url)
    with session_factory(engine)() as session:
        from precinct.core.security import verify_password

        admin = user_service.get_by_username(session, "admin")
        assert verify_password(admin.password_hash, "the-real-chief-passphrase")
    engine.dispose()

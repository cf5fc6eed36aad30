"""The simulated live stream: calls arrive and are worked through the real service layer.

Arrivals are Poisson with a rate that follows a daily profile (quiet before dawn, peaks late morning
and evening) and a weekly profile (busier Friday and Saturday). Places are drawn from the road
network, with a share concentrated on a fixed set of busy places so that hot spots and repeat-call
places exist. Every simulated incident is flagged ``simulated`` and its description says so. The
simulator dispatches the nearest available unit, moves it, puts it on scene and closes the call;
it touches only simulated incidents, so dispatchers can work real calls beside it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from precinct.core.db import utcnow
from precinct.core.errors import PrecinctError
from precinct.core.jobs import BackgroundLoop
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.demo.calls import (
    DISPOSITION_MIX,
    HOT_PLACES,
    HOT_SHARE,
    HOURLY_PROFILE,
    LABEL,
    SOURCE_MIX,
    TYPE_MIX,
    WEEKDAY_FACTOR,
    mix,
    road_points,
)
from precinct.dispatch import assignments
from precinct.geo.distance import haversine_m as distance_m
from precinct.incidents import lifecycle as incident_lifecycle
from precinct.incidents import service as incident_service
from precinct.incidents.models import Assignment, Incident, IncidentStatus
from precinct.incidents.schemas import IncidentCreate
from precinct.incidents.status import OPEN_STATUSES
from precinct.units import service as unit_service
from precinct.units.models import Unit, UnitPosition, UnitStatus
from precinct.users.models import User

logger = logging.getLogger("precinct.simulate")

SIMULATOR = Actor(username="simulator", role=Role.DISPATCHER, ip="local")
DISPATCH_DELAY_S = 25.0
EN_ROUTE_DELAY_S = 15.0
SPEED_M_PER_S = 30 / 3.6
SERVICE_S = (180.0, 720.0)
HEARTBEAT_S = 240.0


@dataclass
class StepReport:
    """What one simulator step did: calls created, dispatched and closed."""

    created: int = 0
    dispatched: int = 0
    closed: int = 0


class Simulator:
    """Generates and works simulated calls; call :meth:`step` every few seconds."""

    def __init__(self, session_factory: sessionmaker[Session], *, interval_s: float, zone: ZoneInfo,
                 seed: int | None = None) -> None:
        self.session_factory = session_factory
        self.zone = zone
        self.interval_s = interval_s
        self.rng = np.random.default_rng(seed)
        self.points = road_points()
        weights = self.points.length_m / self.points.length_m.sum()
        self.weights = weights
        self.hot = self.rng.choice(len(weights), size=HOT_PLACES, replace=False, p=weights)
        self.types, self.type_p = mix(TYPE_MIX)
        self.sources, self.source_p = mix(SOURCE_MIX)
        self.dispositions, self.disposition_p = mix(DISPOSITION_MIX)
        self.started = False

    def expected_calls(self, now: datetime, dt_s: float) -> float:
        """Return the mean number of calls in the ``dt_s`` seconds before ``now`` (daily and weekly profiles)."""
        local = now.astimezone(self.zone)
        calls: float = dt_s / self.interval_s * HOURLY_PROFILE[local.hour] * WEEKDAY_FACTOR[local.weekday()]
        return calls

    def step(self, dt_s: float, *, now: datetime | None = None) -> StepReport:
        """Create the calls of the last ``dt_s`` seconds, then dispatch, drive and close open simulated ones."""
        now = now or utcnow()
        report = StepReport()
        arrivals = int(self.rng.poisson(self.expected_calls(now, dt_s)))
        if not self.started:
            arrivals = max(arrivals, 1)
            self.started = True
        with self.session_factory() as session:
            self._heartbeat(session, now)
            for _ in range(arrivals):
                self._create(session)
                report.created += 1
            session.commit()
            for incident in self._open_incidents(session):
                try:
                    outcome = self._advance(session, incident, now)
                    session.commit()
                except PrecinctError as exc:
                    session.rollback()
                    logger.info("simulator skipped incident %s: %s", incident.id, exc)
                    continue
                report.dispatched += outcome == "dispatched"
                report.closed += outcome == "closed"
        return report

    def _heartbeat(self, session: Session, now: datetime) -> None:
        """Report where idle simulated units stand, every few minutes (simulated AVL)."""
        quiet = list(session.execute(select(Unit.id, Unit.lon, Unit.lat).where(
            Unit.simulated.is_(True), Unit.lon.is_not(None), Unit.status == UnitStatus.AVAILABLE,
            Unit.position_at < now - timedelta(seconds=HEARTBEAT_S))))
        if not quiet:
            return
        session.execute(insert(UnitPosition), [
            {"unit_id": uid, "at": now, "lon": lon, "lat": lat, "reported_by": SIMULATOR.username}
            for uid, lon, lat in quiet])
        session.execute(update(Unit).where(Unit.id.in_([uid for uid, _, _ in quiet])).values(position_at=now)
                        .execution_options(synchronize_session=False))
        session.commit()

    def _create(self, session: Session) -> Incident:
        if self.rng.random() < HOT_SHARE:
            index = int(self.rng.choice(self.hot))
        else:
            index = int(self.rng.choice(len(self.weights), p=self.weights))
        jitter = self.rng.normal(0, 0.0004, size=2)
        type_code = str(self.rng.choice(self.types, p=self.type_p))
        source = self.sources[int(self.rng.choice(len(self.sources), p=self.source_p))]
        return incident_service.create(
            session,
            IncidentCreate(
                source=source, type_code=type_code,
                lon=float(self.points.lon[index] + jitter[0]), lat=float(self.points.lat[index] + jitter[1]),
                description=f"{LABEL} 模拟警情，用于演示 / simulated call for the demo",
                address=f"{LABEL} road point {index}",
            ),
            actor=SIMULATOR, simulated=True,
        )

    def _open_incidents(self, session: Session) -> list[Incident]:
        return list(session.scalars(
            select(Incident).where(Incident.simulated.is_(True), Incident.drill_run_id.is_(None),
                                   Incident.status.in_(OPEN_STATUSES))
            .order_by(Incident.priority, Incident.received_at).limit(500)
        ))

    def _advance(self, session: Session, incident: Incident, now: datetime) -> str | None:
        age_s = (now - incident.received_at).total_seconds()
        if incident.status == IncidentStatus.RECEIVED:
            if age_s < DISPATCH_DELAY_S:
                return None
            unit = self._nearest_available(session, incident)
            if unit is None:
                return None
            sent = incident_lifecycle.assign_unit(session, incident.id, unit.id, actor=SIMULATOR)
            assignments.acknowledge_assignment(session, sent, unit, actor=SIMULATOR)
            return "dispatched"
        assignment = session.scalar(
            select(Assignment).where(Assignment.incident_id == incident.id, Assignment.cleared_at.is_(None))
            .order_by(Assignment.id)
        )
        if assignment is None:
            return None
        unit = session.get(Unit, assignment.unit_id)
        if unit is None or not unit.simulated:
            return None  # a real unit sent to a simulated call is driven by its crew, not by the simulator
        if unit.status == UnitStatus.DISPATCHED:
            if (now - assignment.dispatched_at).total_seconds() >= EN_ROUTE_DELAY_S:
                assignments.set_unit_status(session, unit.id, UnitStatus.EN_ROUTE, actor=SIMULATOR)
            return None
        if unit.status == UnitStatus.EN_ROUTE and assignment.en_route_at is not None:
            self._drive(session, unit, incident, moving_since=unit.position_at or assignment.en_route_at, now=now)
            return None
        if unit.status == UnitStatus.ON_SCENE and assignment.on_scene_at is not None:
            service_s = SERVICE_S[0] + (incident.id * 7919 % 1000) / 1000 * (SERVICE_S[1] - SERVICE_S[0])
            if (now - assignment.on_scene_at).total_seconds() >= service_s:
                disposition = self.dispositions[int(self.rng.choice(len(self.dispositions), p=self.disposition_p))]
                incident_lifecycle.transition(session, incident.id, IncidentStatus.CLOSED, actor=SIMULATOR,
                                              disposition=disposition, note="模拟处置完毕 / simulated: handled")
                return "closed"
        return None

    def _drive(
        self, session: Session, unit: Unit, incident: Incident, *, moving_since: datetime, now: datetime,
    ) -> None:
        start_lon = unit.lon if unit.lon is not None else incident.lon
        start_lat = unit.lat if unit.lat is not None else incident.lat
        remaining = float(distance_m(start_lon, start_lat, np.array([incident.lon]), np.array([incident.lat]))[0])
        elapsed = (now - moving_since).total_seconds()
        step_m = max(elapsed, 0.0) * SPEED_M_PER_S
        if remaining <= max(step_m, 30.0):
            unit_service.report_position(session, unit.id, lon=incident.lon, lat=incident.lat, actor=SIMULATOR, at=now)
            assignments.set_unit_status(session, unit.id, UnitStatus.ON_SCENE, actor=SIMULATOR)
            return None
        share = step_m / remaining
        lon = start_lon + (incident.lon - start_lon) * share
        lat = start_lat + (incident.lat - start_lat) * share
        heading = float(np.degrees(np.arctan2(incident.lon - start_lon, incident.lat - start_lat)) % 360)
        unit_service.report_position(session, unit.id, lon=lon, lat=lat, heading_deg=heading,
                                     speed_kph=SPEED_M_PER_S * 3.6, actor=SIMULATOR, at=now)
        return None

    def _nearest_available(self, session: Session, incident: Incident) -> Unit | None:
        crewed_by_people = select(User.unit_id).where(User.unit_id.is_not(None))
        units = list(session.scalars(
            select(Unit).where(Unit.status == UnitStatus.AVAILABLE, Unit.lon.is_not(None), Unit.simulated.is_(True),
                               Unit.id.not_in(crewed_by_people))
        ))
        if not units:
            return None
        distances = distance_m(incident.lon, incident.lat, np.array([u.lon for u in units]),
                               np.array([u.lat for u in units]))
        return units[int(np.argmin(distances))]


def run_forever(
    session_factory: sessionmaker[Session],
    settings: Settings,
    *,
    interval_s: float | None = None,
    duration_s: float | None = None,
    seed: int | None = None,
    tick_s: float = 2.0,
    stop: threading.Event | None = None,
    log: Callable[[str], None] | None = None,
) -> None:
    """Run the simulated stream in this thread until ``stop`` is set or ``duration_s`` has passed."""
    simulator = Simulator(session_factory, interval_s=interval_s or settings.simulate_interval_s, zone=settings.zone,
                          seed=seed if seed is not None else settings.simulate_seed)
    stop = stop or threading.Event()
    started = time.monotonic()
    last = started
    while not stop.is_set():
        now = time.monotonic()
        try:
            report = simulator.step(now - last if now > last else tick_s)
        except Exception:  # the stream must survive a database hiccup; the error is logged in full
            logger.exception("simulator step failed; retrying")
            report = StepReport()
        last = now
        if log and (report.created or report.closed):
            log(f"模拟 / simulated: +{report.created} new, {report.dispatched} dispatched, {report.closed} closed")
        if duration_s is not None and now - started >= duration_s:
            return
        stop.wait(tick_s)


def simulator_job(session_factory: sessionmaker[Session], settings: Settings, *, tick_s: float = 2.0) -> BackgroundLoop:
    """Return the simulated stream as a background job of the server (``settings.simulate``)."""
    simulator = Simulator(session_factory, interval_s=settings.simulate_interval_s, zone=settings.zone,
                          seed=settings.simulate_seed)
    last = [time.monotonic()]

    def step() -> None:
        now = time.monotonic()
        report = simulator.step(now - last[0] if now > last[0] else tick_s)
        last[0] = now
        if report.created or report.closed:
            logger.info("simulated: +%d new, %d dispatched, %d closed", report.created, report.dispatched,
                        report.closed)

    return BackgroundLoop("simulator", step, every_s=tick_s, first_at_once=True)

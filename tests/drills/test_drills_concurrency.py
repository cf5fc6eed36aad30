"""Two tickers at once (two server processes, or the background thread and a manual tick)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from precinct.app import session_factory
from precinct.core.db import make_engine, utcnow
from precinct.drills import service as drill_service
from precinct.drills.scenarios import standard_scenarios
from precinct.incidents.models import Incident
from testkit import ADMIN_ACTOR


def test_concurrent_ticks_inject_each_step_once(fresh_database_url):
    engine = make_engine(fresh_database_url)
    factory = session_factory(engine)
    scenario = next(iter(standard_scenarios().values()))
    with factory() as session:
        run = drill_service.start(session, scenario, actor=ADMIN_ACTOR, speed=1.0, now=utcnow() - timedelta(days=1))
        session.commit()
        run_id = run.id
    barrier = threading.Barrier(2)

    def tick():
        barrier.wait()
        with factory() as session:
            drill_service.tick(session, run_id=run_id)
            session.commit()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with factory() as session:
        stored = session.scalar(select(func.count(Incident.id)).where(Incident.drill_run_id == run_id))
        run = drill_service.get(session, run_id)
        assert stored == len(scenario.steps) == len(run.score["injected"]) == len(set(run.score["injected"]))
    engine.dispose()

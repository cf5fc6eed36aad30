"""Call intake: the group-commit writer that stores calls, and the answer each caller gets.

Every call taken is one transaction: insert, status event, audit entry, live notification, commit.
Under a surge those transactions queue on the audit chain's head-row lock and on the commit itself,
so calls arriving while one is being written are written together: one writer thread per server
process takes everything that has queued up, stores it in one transaction (one INSERT for the
incidents, one for their events, one audit append, one NOTIFY statement and one COMMIT) and then
answers each caller. A lone call is written at once (no waiting to fill a batch), and a caller is
answered only after its incident is committed, so nothing acknowledged can be lost. If a batch
fails, its calls are retried one by one, so a bad call fails alone.

An optional ``answer`` stage runs after the commit, in the same thread and session, one call at a
time, each caller getting its answer as soon as it is ready: the intake route uses it to find
duplicates, rank units and serialise the response, so a call costs the server no request session,
no worker-thread hop and no GIL contention between request threads (measured in
``bench/dispatch.py``; see docs/dispatch.md). Calls arriving meanwhile are stored right after the
batch's answers (about 3 ms a call for intake). Answering in a second thread was measured too and
was slower by half: a thread busy answering holds the GIL for up to the 5 ms switch interval each
time the writer comes back from the database (the "convoy" effect). A call that is still queued
when its caller's wait times out is withdrawn and never stored; once its batch has begun, the
caller waits for the outcome.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from precinct.core.errors import ServiceUnavailableError
from precinct.core.jobs import JobState
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.dispatch import plans
from precinct.dispatch import service as dispatch_service
from precinct.dispatch.ranking import Reason
from precinct.dispatch.schemas import DuplicateRead, IntakeRead, PlanRead, RecommendationRead
from precinct.incidents import service
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentCreate, IncidentRead
from precinct.roads.graph import road_graph

logger = logging.getLogger(__name__)

MAX_BATCH = 64

#: ``answer(session, incident, context)``: after a call is committed, what its caller gets (raise to
#: give the caller an error instead), computed in the writer's session.
Answer = Callable[[Session, Incident, Any], Any]


@dataclass
class _Call:
    data: IncidentCreate
    actor: Actor
    context: Any = None
    result: Future[Any] = field(default_factory=Future)


class GroupCommit:
    """Writes incoming calls in shared transactions; :meth:`create` blocks until the call is stored.

    Without ``answer`` a call's result is its committed (detached) incident; with it, what
    ``answer`` returned for the call.
    """

    name = "intake-writer"

    def __init__(self, session_factory: sessionmaker[Session], *, max_batch: int = MAX_BATCH,
                 answer: Answer | None = None) -> None:
        self._session_factory = session_factory
        self._max_batch = max_batch
        self._answer = answer
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None  # the writer, reading self._calls
        self._lock = threading.Lock()
        self.batches = 0  # transactions written (for tests and benchmarks)
        self.calls = 0

    def create(self, data: IncidentCreate, *, actor: Actor, context: Any = None, timeout_s: float = 60.0) -> Any:
        """Store one call; returns its result (see the class) or raises the call's own error.

        Raises
        ------
        ServiceUnavailableError
            If the writer has not begun storing the call within ``timeout_s`` (it is then withdrawn).
        """
        result = self.submit(data, actor=actor, context=context)
        self.start()
        try:
            return result.result(timeout=timeout_s)
        except FutureTimeout:
            self._withdraw(result, timeout_s)
            return result.result()  # being stored or answered: its outcome is on its way

    async def take(self, data: IncidentCreate, *, actor: Actor, context: Any = None, timeout_s: float = 60.0) -> Any:
        """:meth:`create` for an event loop: waits without holding a thread."""
        result = self.submit(data, actor=actor, context=context)
        self.start()
        waiting = asyncio.wrap_future(result)
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), timeout_s)
        except TimeoutError:
            self._withdraw(result, timeout_s)
            return await waiting

    @staticmethod
    def _withdraw(result: Future[Any], timeout_s: float) -> None:
        if result.cancel():  # still queued: withdrawn, never stored
            raise ServiceUnavailableError(
                f"the call could not be stored within {timeout_s:.0f} s (the database is slow or unreachable); "
                "it was not stored: send it again") from None

    def submit(self, data: IncidentCreate, *, actor: Actor, context: Any = None) -> Future[Any]:
        """Queue a call; the writer stores it once started (:meth:`create` starts it).

        ``context`` is passed to ``answer`` with the call's incident.
        """
        call = _Call(data, actor, context)
        self._calls.put(call)
        return call.result

    def start(self) -> GroupCommit:
        """Start the writer thread unless it runs; a writer that died is replaced."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            return self
        with self._lock:
            thread = self._thread
            if thread is not None and thread.is_alive():
                return self
            self._thread = threading.Thread(target=self._run, args=(self._calls,), name="precinct-intake-writer",
                                            daemon=True)
            self._thread.start()
        return self

    @property
    def state(self) -> JobState:
        """``running`` while a writer thread serves calls; ``stopped`` otherwise (a call starts one)."""
        thread = self._thread
        return "running" if thread is not None and thread.is_alive() else "stopped"

    def stop(self) -> None:
        """Store and answer what was queued before, then stop; a later call starts afresh.

        A call that slips into the old queue after the writer stopped is refused with
        :class:`ServiceUnavailableError`.
        """
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            calls, self._calls = self._calls, queue.SimpleQueue()  # calls from now on wait for the next start
        calls.put(None)
        thread.join(timeout=30)
        while True:
            try:
                call = calls.get_nowait()
            except queue.Empty:
                break
            if call is not None and call.result.set_running_or_notify_cancel():
                call.result.set_exception(ServiceUnavailableError("the intake writer was stopping; the call was not "
                                                                  "stored: send it again"))

    def _run(self, calls: queue.SimpleQueue[_Call | None]) -> None:
        while True:
            first = calls.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    call = calls.get_nowait()
                except queue.Empty:
                    break
                if call is None:  # stop after this batch
                    calls.put(None)
                    break
                batch.append(call)
            # a call whose waiter gave up (cancelled) is dropped; the others can no longer be cancelled
            batch = [call for call in batch if call.result.set_running_or_notify_cancel()]
            try:
                if batch:
                    self._write(batch)
            except BaseException as exc:  # the thread is ending: nobody may be left waiting
                with self._lock:
                    if self._thread is threading.current_thread():
                        self._thread = None  # the next call starts a new writer on the same queue
                for call in batch:
                    if not call.result.done():
                        call.result.set_exception(ServiceUnavailableError(
                            f"the intake writer stopped ({type(exc).__name__}); the call may not be stored: check "
                            "the incident list before sending it again"))
                raise

    def _write(self, batch: list[_Call]) -> None:
        try:
            with self._session_factory() as session:
                try:
                    incidents = service.create_many(session, [(call.data, call.actor) for call in batch])
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
                self.batches += 1
                self.calls += len(batch)
                self._settle(session, batch, incidents)
        except Exception as exc:  # each caller gets its own outcome
            if batch[0].result.done():  # stored and settled: only closing the session failed
                logger.warning("closing the intake writer's session failed", exc_info=True)
                return
            if len(batch) == 1:
                batch[0].result.set_exception(exc)
                return
            logger.info("a batch of %d calls failed (%s); writing them one by one", len(batch), exc)
            for call in batch:
                self._write([call])

    def _settle(self, session: Session, batch: list[_Call], incidents: list[Incident]) -> None:
        """Give each stored call's caller its result as soon as it is ready.

        Nothing here raises, and one call's failed answer is its caller's alone.
        """
        if self._answer is None:
            for call, incident in zip(batch, incidents, strict=True):
                call.result.set_result(incident)
            return
        last = len(batch) - 1
        for index, (call, incident) in enumerate(zip(batch, incidents, strict=True)):
            try:
                result = self._answer(session, incident, call.context)
            except Exception as exc:  # this caller's error; the others are answered
                self._end_read(session)  # a failed statement leaves the transaction unusable
                call.result.set_exception(exc)
            else:
                if index == last:  # the batch's read ends before its last caller goes on
                    self._end_read(session)
                call.result.set_result(result)

    @staticmethod
    def _end_read(session: Session) -> None:
        try:
            session.rollback()
        except Exception:  # the next statement reconnects, or fails for its own call
            logger.warning("could not end the intake answers' read transaction", exc_info=True)


def intake_answers(settings: Settings) -> Callable[[Session, Incident, int], bytes]:
    """Return the intake writer's answer stage: the JSON body of :class:`IntakeRead` for a committed call.

    The answer takes the call's ``k`` (candidates to rank) as its context. The call is stored
    whatever happens here, so a failed duplicate search or ranking is reported in
    ``recommendations.warnings`` with the incident (201), never as an error that would make the
    call-taker send the call again.
    """

    def answer(session: Session, incident: Incident, k: int) -> bytes:
        stored = IncidentRead.model_validate(incident)  # first: a rollback below would expire it
        plan = plans.get_plan(session, stored.type_code, stored.district_id)  # once, for ranking and the answer
        warnings: list[Reason] = []
        try:
            duplicates = dispatch_service.find_duplicates(
                session, lon=incident.lon, lat=incident.lat, type_code=incident.type_code,
                radius_m=settings.duplicate_radius_m, window_min=settings.duplicate_window_min, exclude_id=incident.id)
        except Exception:  # stored; say the check is missing
            logger.exception("duplicate search failed for stored incident %s", stored.id)
            session.rollback()
            duplicates = []
            warnings.append(Reason("duplicates_unavailable", "重复警情查询失败，请在警情列表中核对",
                                  "the duplicate search failed; check the incident list for duplicates"))
        try:
            recommendation = dispatch_service.recommend(session, stored.id, graph=road_graph(settings.roads_file),
                                                        policy=dispatch_service.policy_for(settings, k), plan=plan)
        except Exception:  # stored; the dispatcher can ask again or dispatch by hand
            logger.exception("unit recommendation failed for stored incident %s", stored.id)
            session.rollback()
            recommendation = dispatch_service.Recommendation(stored.id, [], [], [])
            warnings.append(Reason("recommendation_unavailable", "警力推荐失败：请重新获取推荐或手动派警",
                                  "unit recommendation failed: fetch recommendations again or dispatch by hand"))
        recommendation.warnings.extend(warnings)
        return IntakeRead(
            incident=stored,
            duplicates=[DuplicateRead(incident=IncidentRead.model_validate(d.incident), distance_m=d.distance_m,
                                      minutes_ago=d.minutes_ago) for d in duplicates],
            recommendations=RecommendationRead.model_validate(recommendation),
            response_plan=PlanRead.model_validate(plan),
        ).model_dump_json().encode()

    return answer

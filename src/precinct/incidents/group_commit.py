"""Group commit for call intake.

Every call taken is one transaction: insert, status event, audit entry, live notification, commit.
Under a surge those transactions queue on the audit chain's head-row lock and on the commit itself,
so calls arriving while one is being written are written together: one writer thread per server
process takes everything that has queued up, stores it in one transaction (one INSERT for the
incidents, one for their events, one audit append, one NOTIFY statement and one COMMIT) and then
answers each caller. A lone call is written at once (no waiting to fill a batch), and a caller is
answered only after its incident is committed, so nothing acknowledged can be lost. If a batch
fails, its calls are retried one by one, so a bad call fails alone.

An optional ``answer`` stage runs after the commit in a second thread with its own session, one
call at a time, each caller getting its answer as soon as it is ready: the intake route uses it to
find duplicates, rank units and serialise the response, so a call costs the server no request
session, no worker-thread hop and no GIL contention between request threads (measured in
``bench/dispatch.py``; see docs/dispatch.md). Storing never waits for answering: while one batch
is being answered the next is already being written. A call that is still queued when its caller's
wait times out is withdrawn and never stored; once its batch has begun, the caller waits for it.
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
from precinct.core.security import Actor
from precinct.incidents import service
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentCreate

logger = logging.getLogger(__name__)

MAX_BATCH = 64

#: ``answer(session, incident, context)``: after a call is committed, what its caller gets (raise to
#: give the caller an error instead), computed in the answer thread's session.
Answer = Callable[[Session, Incident, Any], Any]


@dataclass
class _Call:
    data: IncidentCreate
    actor: Actor
    context: Any = None
    result: Future[Any] = field(default_factory=Future)


@dataclass
class _Threads:
    writer: threading.Thread
    answerer: threading.Thread | None
    calls: queue.SimpleQueue[_Call | None]
    stored: queue.SimpleQueue[tuple[list[_Call], list[Incident]] | None]


class GroupCommit:
    """Writes incoming calls in shared transactions; :meth:`create` blocks until the call is stored.

    Without ``answer`` a call's result is its committed (detached) incident; with it, what
    ``answer`` returned for the call.
    """

    def __init__(self, session_factory: sessionmaker[Session], *, max_batch: int = MAX_BATCH,
                 answer: Answer | None = None) -> None:
        self._session_factory = session_factory
        self._max_batch = max_batch
        self._answer = answer
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._threads: _Threads | None = None
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
        """Queue a call; the writer stores it once started (:meth:`create` starts it). ``context``
        is passed to ``answer`` with the call's incident."""
        call = _Call(data, actor, context)
        self._calls.put(call)
        return call.result

    def start(self) -> None:
        """Start the writer (and answer) thread unless running; a writer that died is replaced."""
        threads = self._threads
        if threads is not None and threads.writer.is_alive():
            return
        with self._lock:
            threads = self._threads
            if threads is not None and threads.writer.is_alive():
                return
            stored: queue.SimpleQueue[tuple[list[_Call], list[Incident]] | None] = queue.SimpleQueue()
            writer = threading.Thread(target=self._run, args=(self._calls, stored), name="precinct-intake-writer",
                                      daemon=True)
            answerer = None
            if self._answer is not None:
                answerer = threading.Thread(target=self._answer_all, args=(stored,), name="precinct-intake-answers",
                                            daemon=True)
                answerer.start()
            writer.start()
            self._threads = _Threads(writer, answerer, self._calls, stored)

    def stop(self) -> None:
        """Store and answer what was queued before, then stop; a later call starts afresh. Calls
        queued after the stop began are refused with :class:`ServiceUnavailableError`."""
        with self._lock:
            threads, self._threads = self._threads, None
            if threads is None:
                return
            self._calls = queue.SimpleQueue()  # calls from now on wait for the next start
        threads.calls.put(None)
        threads.writer.join(timeout=30)
        if threads.answerer is not None:
            threads.answerer.join(timeout=30)
        while True:  # a call that slipped into the old queue after its writer stopped
            try:
                call = threads.calls.get_nowait()
            except queue.Empty:
                break
            if call is not None and call.result.set_running_or_notify_cancel():
                call.result.set_exception(ServiceUnavailableError("the intake writer was stopping; the call was not "
                                                                  "stored: send it again"))

    def _run(self, calls: queue.SimpleQueue[_Call | None],
             stored: queue.SimpleQueue[tuple[list[_Call], list[Incident]] | None]) -> None:
        try:
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
                if batch:
                    self._write(batch, stored)
        finally:
            stored.put(None)  # the answer thread ends after what was stored before

    def _write(self, batch: list[_Call], stored: queue.SimpleQueue[tuple[list[_Call], list[Incident]] | None]) -> None:
        try:
            with self._session_factory() as session:
                try:
                    incidents = service.create_many(session, [(call.data, call.actor) for call in batch])
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except Exception as exc:  # noqa: BLE001  each caller gets its own outcome
            if len(batch) == 1:
                batch[0].result.set_exception(exc)
                return
            logger.info("a batch of %d calls failed (%s); writing them one by one", len(batch), exc)
            for call in batch:
                self._write([call], stored)
            return
        self.batches += 1
        self.calls += len(batch)
        if self._answer is None:
            for call, incident in zip(batch, incidents, strict=True):
                call.result.set_result(incident)
        else:
            stored.put((batch, incidents))

    def _answer_all(self, stored: queue.SimpleQueue[tuple[list[_Call], list[Incident]] | None]) -> None:
        while (item := stored.get()) is not None:
            batch, incidents = item
            try:
                self._answer_batch(batch, incidents)
            except Exception as exc:  # noqa: BLE001  opening or closing the session: stored, but unanswered
                logger.exception("answering %d stored calls failed", len(batch))
                for call in batch:
                    if not call.result.done():
                        call.result.set_exception(exc)

    def _answer_batch(self, batch: list[_Call], incidents: list[Incident]) -> None:
        """Answer each stored call in turn; one call's failure is its caller's alone."""
        assert self._answer is not None
        with self._session_factory() as session:
            for call, incident in zip(batch, incidents, strict=True):
                try:
                    result = self._answer(session, session.merge(incident, load=False), call.context)
                except Exception as exc:  # noqa: BLE001  this caller's error; the others are answered
                    call.result.set_exception(exc)
                    try:
                        session.rollback()  # a failed statement leaves the transaction unusable
                    except Exception:  # noqa: BLE001  the next call's statement reconnects or fails alone
                        logger.warning("could not roll back after a failed intake answer", exc_info=True)
                else:
                    call.result.set_result(result)
            session.rollback()  # read-only: nothing to keep

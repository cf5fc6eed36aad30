"""Group commit for call intake.

Every call taken is one transaction: insert, status event, audit entry, live notification, commit.
Under a surge those transactions queue on the audit chain's head-row lock and on the commit itself,
so calls arriving while one is being written are written together: one writer thread per server
process takes everything that has queued up, stores it in one transaction (one INSERT for the
incidents, one for their events, one audit append, one NOTIFY statement, one COMMIT) and then
answers each caller. A lone call is written at once (no waiting to fill a batch), and a caller is
answered only after its incident is committed, so nothing acknowledged can be lost. If a batch
fails, its calls are retried one by one, so a bad call fails alone.

An ``answer`` stage may follow the commit in the same thread and session: the intake route uses it
to find duplicates, rank units and serialise each caller's response, so a call costs the server no
request session, no worker-thread hop and no GIL contention between request threads (measured in
``bench/dispatch.py``; see docs/dispatch.md). A call whose waiter gave up before its batch began is
not stored.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from precinct.core.security import Actor
from precinct.incidents import service
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentCreate

logger = logging.getLogger(__name__)

MAX_BATCH = 64

#: ``answer(session, incidents, contexts)``: after a batch is committed, one result per call (or the
#: exception that call's caller should get), computed in the writer's session.
Answer = Callable[[Session, list[Incident], list[Any]], list[Any]]


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

    def __init__(self, session_factory: sessionmaker[Session], *, max_batch: int = MAX_BATCH,
                 answer: Answer | None = None) -> None:
        self._session_factory = session_factory
        self._max_batch = max_batch
        self._answer = answer
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0  # transactions written (for tests and benchmarks)
        self.calls = 0

    def create(self, data: IncidentCreate, *, actor: Actor, context: Any = None, timeout_s: float = 60.0) -> Any:
        """Store one call; returns its result (see the class) or raises the call's own error."""
        result = self.submit(data, actor=actor, context=context)
        self.start()
        return result.result(timeout=timeout_s)

    async def take(self, data: IncidentCreate, *, actor: Actor, context: Any = None, timeout_s: float = 60.0) -> Any:
        """:meth:`create` for an event loop: waits without holding a thread."""
        result = self.submit(data, actor=actor, context=context)
        self.start()
        async with asyncio.timeout(timeout_s):
            return await asyncio.wrap_future(result)

    def submit(self, data: IncidentCreate, *, actor: Actor, context: Any = None) -> Future[Any]:
        """Queue a call; the writer stores it once started (:meth:`create` starts it). ``context``
        is passed to ``answer`` with the call's incident."""
        call = _Call(data, actor, context)
        self._queue.put(call)
        return call.result

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def start(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="precinct-intake-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    call = self._queue.get_nowait()
                except queue.Empty:
                    break
                if call is None:  # stop after this batch
                    self._queue.put(None)
                    break
                batch.append(call)
            # a call whose waiter gave up (cancelled) is dropped; the others can no longer be cancelled
            batch = [call for call in batch if call.result.set_running_or_notify_cancel()]
            if batch:
                self._write(batch)

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
        except Exception as exc:  # noqa: BLE001  each caller gets its own outcome
            if batch[0].result.done():  # committed and answered: the failure came after (closing the session)
                logger.warning("closing the intake writer's session failed", exc_info=True)
                return
            if len(batch) == 1:
                batch[0].result.set_exception(exc)
                return
            logger.info("a batch of %d calls failed (%s); writing them one by one", len(batch), exc)
            for call in batch:
                self._write([call])

    def _settle(self, session: Session, batch: list[_Call], incidents: list[Incident]) -> None:
        """Give each caller its result; the batch is committed, so nothing here may raise."""
        if self._answer is None:
            results: list[Any] = incidents
        else:
            try:
                results = self._answer(session, incidents, [call.context for call in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"answer gave {len(results)} results for {len(batch)} calls")
            except Exception as exc:  # noqa: BLE001  stored, but no answer could be computed
                logger.exception("answering %d stored calls failed", len(batch))
                results = [exc] * len(batch)
            finally:
                try:
                    session.rollback()
                except Exception:  # noqa: BLE001  the connection is discarded with the session
                    logger.warning("could not end the intake answers' read transaction", exc_info=True)
        for call, result in zip(batch, results, strict=False):
            if isinstance(result, BaseException):
                call.result.set_exception(result)
            else:
                call.result.set_result(result)

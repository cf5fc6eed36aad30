"""Group commit for call intake.

Every call taken is one transaction: insert, status event, audit entry, live notification, commit.
Under a surge those transactions queue on the audit chain's head-row lock and on the commit itself,
so calls arriving while one is being written are written together: one writer thread per server
process takes everything that has queued up, stores it in one transaction (one INSERT for the
incidents, one for their events, one audit append, one NOTIFY statement, one COMMIT) and then
answers each caller. A lone call is written at once (no waiting to fill a batch), and a caller is
answered only after its incident is committed, so nothing acknowledged can be lost. If a batch
fails, its calls are retried one by one, so a bad call fails alone.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from precinct.core.security import Actor
from precinct.incidents import service
from precinct.incidents.models import Incident
from precinct.incidents.schemas import IncidentCreate

logger = logging.getLogger(__name__)

MAX_BATCH = 64


@dataclass
class _Call:
    data: IncidentCreate
    actor: Actor
    result: Future[Incident] = field(default_factory=Future)


class GroupCommit:
    """Writes incoming calls in shared transactions; :meth:`create` blocks until the call is stored."""

    def __init__(self, session_factory: sessionmaker[Session], *, max_batch: int = MAX_BATCH) -> None:
        self._session_factory = session_factory
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0  # transactions written (for tests and benchmarks)
        self.calls = 0

    def create(self, data: IncidentCreate, *, actor: Actor, timeout_s: float = 60.0) -> Incident:
        """Store one call; returns the committed (detached) incident or raises the call's own error."""
        result = self.submit(data, actor=actor)
        self.start()
        return result.result(timeout=timeout_s)

    def submit(self, data: IncidentCreate, *, actor: Actor) -> Future[Incident]:
        """Queue a call; the writer stores it once started (:meth:`create` starts it)."""
        call = _Call(data, actor)
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
        except Exception as exc:  # noqa: BLE001  each caller gets its own outcome
            if len(batch) == 1:
                batch[0].result.set_exception(exc)
                return
            logger.info("a batch of %d calls failed (%s); writing them one by one", len(batch), exc)
            for call in batch:
                self._write([call])
            return
        self.batches += 1
        self.calls += len(batch)
        for call, incident in zip(batch, incidents, strict=True):
            call.result.set_result(incident)

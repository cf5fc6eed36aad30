"""Background jobs: what the composition root starts in the application's lifespan.

The lifespan stops them again at shutdown. A job is anything with a ``name``, ``start()``,
``stop()`` and a ``state``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal, Protocol

logger = logging.getLogger("precinct.jobs")

JobState = Literal["running", "finished", "stopped"]


class Job(Protocol):
    """A background job of a server process."""

    name: str

    def start(self) -> Job:
        """Start the job's thread and return the job."""

    def stop(self) -> None:
        """Ask the job to end (it may finish its current step first)."""

    @property
    def state(self) -> JobState:
        """Say whether the job runs, has finished on its own, or was stopped."""


class BackgroundLoop:
    """A daemon thread that calls ``step()`` every ``every_s`` seconds until stopped.

    ``step`` may return ``False`` to end the loop. An exception in a step is logged in full and the
    loop goes on (a database hiccup must not end a watchdog). ``first_at_once`` runs the first step
    as soon as the loop starts instead of after one interval.
    """

    def __init__(self, name: str, step: Callable[[], object], *, every_s: float, first_at_once: bool = False) -> None:
        if every_s <= 0:
            raise ValueError(f"every_s must be positive, got {every_s}")
        self.name = name
        self.step = step
        self.every_s = every_s
        self.first_at_once = first_at_once
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"precinct-{name}", daemon=True)

    def start(self) -> BackgroundLoop:
        """Start the loop's thread and return the loop."""
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """End the loop, waiting up to ``timeout_s`` seconds for a running step."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    @property
    def state(self) -> JobState:
        """Say whether the loop runs, ended on its own (a step returned ``False``), or was stopped."""
        if self._stop.is_set():
            return "stopped"
        return "running" if self._thread.is_alive() else "finished"

    def _run(self) -> None:
        if not self.first_at_once and self._stop.wait(self.every_s):
            return
        while True:
            try:
                if self.step() is False:
                    return
            except Exception:  # keep the job alive; the error is logged in full
                logger.exception("background job %s: a step failed", self.name)
            if self._stop.wait(self.every_s):
                return


class OneShot:
    """A daemon thread that runs ``work()`` once (e.g. warming a cache at start-up)."""

    def __init__(self, name: str, work: Callable[[], object]) -> None:
        self.name = name
        self._work = work
        self._stopped = False
        self._thread = threading.Thread(target=work, name=f"precinct-{name}", daemon=True)

    def start(self) -> OneShot:
        """Start the work in its thread and return the job."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Mark the job stopped."""
        self._stopped = True  # the work is not interruptible; the daemon thread ends with the process

    @property
    def state(self) -> JobState:
        """Say whether the work runs, has finished, or was stopped."""
        if self._thread.is_alive():
            return "running"
        return "stopped" if self._stopped else "finished"

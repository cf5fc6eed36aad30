"""How fast log-in attempts may come: growing delays per account name and per client address.

Counted over the lock-out window (``PRECINCT_LOCKOUT_WINDOW_MINUTES``), failed attempts (and ones
still being checked) slow further attempts down: after :data:`FREE_ACCOUNT_FAILURES` for one
account name, or :data:`FREE_ADDRESS_FAILURES` from one client address, each further attempt must
wait twice as long as the one before (1 s, 2 s, 4 s, ... up to :data:`MAX_DELAY_S`; the first
delay is ``PRECINCT_LOGIN_BACKOFF_BASE_S``), counted from
the latest attempt. The account name is counted whether or not such an account exists, so the
answers tell a stranger nothing about which names exist. This is NIST SP 800-63B's rate limiting
and CJIS's limit on consecutive attempts; the timed lock after ``PRECINCT_LOCKOUT_FAILURES``
failures is the users service's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_ACCOUNT_FAILURES = 3
FREE_ADDRESS_FAILURES = 10
MAX_DELAY_S = 15 * 60.0


@dataclass(frozen=True)
class AttemptCounts:
    """Recent failed (or pending) attempts for one account name and for one client address."""

    account_failures: int
    account_latest: datetime | None
    address_failures: int
    address_latest: datetime | None
    account_pending: int = 0


def delay_s(failures: int, free: int, *, base_s: float = 1.0) -> float:
    """Return the wait owed after ``failures`` recent failures when the first ``free`` cost nothing."""
    if failures < free or base_s <= 0:
        return 0.0
    return min(base_s * 2.0 ** (failures - free), MAX_DELAY_S)


def retry_after_s(counts: AttemptCounts, now: datetime, *, base_s: float = 1.0) -> float:
    """Return the seconds until the next attempt may be checked (0: now)."""
    waits = []
    for failures, free, latest in ((counts.account_failures, FREE_ACCOUNT_FAILURES, counts.account_latest),
                                   (counts.address_failures, FREE_ADDRESS_FAILURES, counts.address_latest)):
        delay = delay_s(failures, free, base_s=base_s)
        if latest is not None and delay > 0:
            waits.append((latest + timedelta(seconds=delay) - now).total_seconds())
    return max([0.0, *waits])

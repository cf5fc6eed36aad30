"""Command and dispatch.

Call intake (the group-commit writer and its answer), unit recommendation (pure ranking in
``ranking.py``, store reads in ``service.py``), duplicates, hand-offs, response plans and duty
levels, units' status reports on their assignments, the officer's assignment and the escalation of
unacknowledged ones.

May import ``core``, ``api``, ``geo``, ``live``, ``audit``, ``org``, ``units``, ``users``,
``incidents`` and ``roads``.
"""

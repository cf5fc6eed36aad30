"""Units (patrol cars, foot patrols, ...).

The registry, the unit status machine and its log, and position reports (single and AVL batches)
with their append-only log.

May import ``core``, ``api``, ``live``, ``audit`` and ``org``.
"""

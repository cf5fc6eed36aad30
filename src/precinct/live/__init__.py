"""Live push: every committed change to an incident, unit or duty level reaches every console.

Changes are collected by session hooks (``precinct.live.hooks``, installed by the composition
root with the record types to publish) and published when the transaction commits. On SQLite (one
process) they go straight to the in-process hub; on PostgreSQL they are sent with ``pg_notify``
inside the transaction, so they are delivered only if it commits, and every server process relays
them to its own subscribers from a LISTEN connection.

May import ``core`` and ``api``.
"""

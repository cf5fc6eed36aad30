"""The tamper-evident audit log.

Entries are queued by services inside their unit of work, chained by SHA-256 and written in the
same transaction as the change they describe; verification; the auditors' routes.

May import ``core`` and ``api``.
"""

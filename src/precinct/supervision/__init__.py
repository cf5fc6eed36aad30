"""Supervision (警情督办): time limits per priority and stage, deadlines, breaches and their escalation.

Owns the versioned time-limit table, the deadline each open incident carries per stage (set when it
enters the stage), the breaches the deadline sweep records (kept when the incident later closes),
the escalation chain (station, district branch, city command centre), the overdue board, and the
feedback and call-back that follow a closed incident.

May import ``core``, ``api``, ``live``, ``audit``, ``org``, ``units``, ``users`` and ``incidents``.
"""

"""Places (never persons): key premises, their inspections and hazards, and the community beat log.

Owns key premises with their append-only history and bulk import; versioned inspection checklists
per category, the inspection schedule by category and risk grade, inspections with item results
and files stored under their SHA-256, the overdue-inspection board; hazards with rectification,
re-inspection, closing and the overdue escalation (station, district branch, city); the beat log.

May import ``core``, ``api``, ``audit``, ``org`` and ``incidents``.
"""

"""Directives (指令): orders from command to a station, a district branch or a unit, and their check.

Owns the directive with its area, time window, deadline and typed links to what prompted it; its
life cycle (issued, signed for, in progress, reported done, checked: closed or returned) with an
append-only event log; the patrol minutes measured from the unit-position log; the overdue sweep
and its escalation (station, district branch, city); and the before/after evaluation of a patrol
directive's area.

May import ``core``, ``api``, ``planning`` (the difference-in-differences core), ``live``,
``audit``, ``org``, ``units``, ``incidents``, ``places``, ``forecasts``, ``deployment`` (the
before/after answer's shape) and ``supervision`` (the escalation chain's levels).
"""

"""The three-tier organisation (city bureau, district branches, stations).

Jurisdiction polygons, community beats, and point-to-jurisdiction resolution.

May import ``core`` and ``api``.
"""

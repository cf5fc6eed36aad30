"""Three-tier organisation (city bureau, district branches, stations) with jurisdiction polygons,
community beats, and point-to-jurisdiction resolution.

May import ``core`` and ``api``.
"""

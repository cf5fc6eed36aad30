"""Alembic migrations.

The environment reads every table from the composition root (``precinct.app.metadata``); the
revisions import nothing of Precinct's.
"""

"""Precinct: an open-source platform for intelligence-led policing."""

__version__ = "0.1.0"

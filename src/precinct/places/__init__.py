"""Places (never persons): key premises and their map layer.

May import ``core``, ``api``, ``audit`` and ``org``.
"""

"""Accounts: creation, log-in with lockout, account state for request authentication, unlocking.

May import ``core``, ``api``, ``audit``, ``org`` and ``units``.
"""

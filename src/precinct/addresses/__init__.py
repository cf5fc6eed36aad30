"""Standard addresses (标准地址): the register, search as you type, and reverse geocoding.

Places only, never persons. May import ``core``, ``api``, ``audit``, ``org`` and ``roads``.
"""

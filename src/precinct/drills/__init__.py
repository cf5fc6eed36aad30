"""Drills (红蓝攻防): scripted scenarios played as drill incidents.

Runs are scored afterwards against the recommendation at injection, and replayed step by step;
the background ticker injects due steps.

May import ``core``, ``api``, ``audit``, ``incidents``, ``units``, ``roads`` and ``dispatch``.
"""

"""Disputes and repeat places: dispute mediation (矛盾纠纷多元化解) and repeat-place operations (拔钉).

Owns the dispute case at a place with its sessions, agreement, follow-up and parties (personal
data, read with a purpose and audited), and the operation on a repeat-call place with its links to
disputes, hazards and directives. Both are measured on the place: calls there before and after,
through the platform's before/after evaluation.

May import ``core``, ``api``, ``audit``, ``org``, ``incidents``, ``places``, ``forecasts`` (the
repeat-call places), ``deployment`` (the before/after estimate), ``directives`` and ``cases``.
"""

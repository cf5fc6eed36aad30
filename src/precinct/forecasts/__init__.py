"""The edge of the pure ``analysis`` core on the store.

Reported demand read into the analysis layout, stored operational forecasts (run outside the
request path by the scheduler or on request), their accuracy, repeat-call places and spikes.

May import ``core``, ``api``, ``analysis``, ``audit``, ``org`` and ``incidents``.
"""

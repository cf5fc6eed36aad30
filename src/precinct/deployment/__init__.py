"""The edge of the pure ``planning`` core on the store.

Station response areas and coverage of recent calls, staffing for a shift, before/after
evaluation, and the deployment and demand that the replay of a day reads (for the API and the CLI
alike).

May import ``core``, ``api``, ``planning``, ``geo`` and the ``incidents``, ``org``, ``units`` and
``roads`` domains.
"""

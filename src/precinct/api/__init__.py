"""What every HTTP route shares.

Request dependencies (the session as the request's unit of work, settings, the current actor and
permission checks), the one table that turns domain errors into HTTP answers, the GeoJSON answer
shapes of the map layers, and the log filter that keeps tokens out of server logs.

May import ``core`` only; the domains' routes import it. The application itself is built by the
composition root, ``precinct.app``.
"""

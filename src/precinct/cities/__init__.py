"""Any city from files: ``precinct city init`` and the city's own settings.

From an OpenStreetMap extract (``.osm.pbf``) and optional boundary files it builds the roads file
the road layer reads, the organisation (city bureau, district branches, stations), their
jurisdictions, community beats, the base map's water and parks, the map's centre and bounds and the
city's time zone. The profile it stores (:class:`~precinct.cities.models.CityProfile`) is what the
console's map opens on (``GET /api/v1/city``) and what a server process takes its roads file and
time zone from when the environment does not set them. May import ``core``, ``api``, ``geo`` and the
domains below it (``org``, ``units``).
"""

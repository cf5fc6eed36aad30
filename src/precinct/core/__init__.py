"""The ground floor that every other package stands on.

Settings (``PRECINCT_*``), database engine and column types, password hashing and tokens, roles
and their permissions, domain errors, bilingual texts, process-local caches, background-job helpers
and the migration runner.

Imports no other Precinct package (a test walks the imports); every other package may import it.
"""

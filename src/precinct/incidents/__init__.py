"""Incidents (calls for service).

Intake rules and jurisdiction, the status machine, assignments of units, the append-only event
log, audited personal data of parties, the incident-type code list, the CSV importer, and the one
query that says which incidents count as demand.

May import ``core``, ``api``, ``audit``, ``org`` and ``units``.
"""

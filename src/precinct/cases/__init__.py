"""Cases (案件) and law-enforcement supervision (执法监督): the case register, its legal deadlines, review and custody.

Owns the case tables (the register, events, linked incidents and suggestions, tasks, documents,
parties, reviews), the versioned rule table of legal time limits with each case's deadlines,
extensions, pauses and breaches, and the evidence and property in custody. May import ``core``,
``api``, ``audit``, ``live``, ``org``, ``units``, ``users``, ``incidents``, ``supervision`` and
``forecasts`` (the edge of the analysis core, for the series-linking suggestions); nothing above.
Case-based throughout: parties are read one case at a time, for a purpose, and audited; nothing
here scores, ranks or lists persons across cases.
"""

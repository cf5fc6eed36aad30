"""The ``precinct`` command line (Typer).

Each command opens its own unit of work through the composition root and calls services and the
pure core, never HTTP routes. May import everything.
"""

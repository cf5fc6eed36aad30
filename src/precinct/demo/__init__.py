"""The Wuhan demo city, its simulated call history and the simulated live stream, all labelled as such.

Real roads and districts; generated stations, beats, units, premises and accounts.

May import ``core``, the pure core and every domain; nothing but the CLI and the composition root
imports it.
"""

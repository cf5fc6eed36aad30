"""The platform describing itself: health, and the reference tables the console reads.

Roles and their permissions, status machines, code lists and the city's time zone, so that none is
copied into the console. May import core/, api/ and the domains' models and status machines.
"""

"""Planning endpoints over the store: coverage circles, staffing, before/after evaluation."""

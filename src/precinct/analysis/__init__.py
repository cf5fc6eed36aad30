"""Pure analysis core: hotspot forecasting with honest evaluation, and pattern analyses.

Imports no web framework and no database layer; takes data frames and arrays, returns frozen
dataclasses. Heavy libraries (lightgbm, esda, scikit-learn) are imported only when used.

Imports only itself, ``geo`` (its projections) and ``precinct.core.errors`` (a test walks the imports).
"""

from precinct.analysis.evaluation import EvaluationResult, evaluate_forecast, score_rankings
from precinct.analysis.events import EventTable, distinct_events, event_table_from_frame, read_events_csv
from precinct.analysis.grid import SquareGrid, grid_for_points
from precinct.analysis.hotspots import gi_star_hotspots, gi_star_on_grid
from precinct.analysis.methods import BEST_METHOD, METHODS, make_forecaster
from precinct.analysis.near_repeat import knox_test
from precinct.analysis.operational import district_flag_shares, forecast_next_day, forecast_to_geojson
from precinct.analysis.repeats import repeat_call_places
from precinct.analysis.series import link_series
from precinct.analysis.spikes import spike_alerts_for_areas, spike_tests
from precinct.geo.projection import projected_crs_for

__all__ = [
    "BEST_METHOD", "METHODS", "EvaluationResult", "EventTable", "SquareGrid", "distinct_events",
    "district_flag_shares", "evaluate_forecast", "event_table_from_frame", "forecast_next_day",
    "forecast_to_geojson", "gi_star_hotspots", "gi_star_on_grid", "grid_for_points", "knox_test",
    "link_series", "make_forecaster", "projected_crs_for", "read_events_csv", "repeat_call_places",
    "score_rankings", "spike_alerts_for_areas", "spike_tests",
]

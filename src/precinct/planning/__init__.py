"""Pure planning library: post placement, coverage, queueing, simulation and evaluation.

Numeric cores take travel-time matrices in seconds (rows = posts or candidate sites, columns =
demand cells or atoms) so that road-network adapters can supply them. No web or database imports.

Imports only itself, ``geo`` and ``precinct.core.errors`` (a test walks the imports).
"""

from precinct.planning.coverage import CoverageReport, coverage_by_threshold
from precinct.planning.evaluation import DifferenceInDifferences, difference_in_differences
from precinct.planning.hypercube import HypercubeModel, HypercubeResult, fewest_units_for_posts
from precinct.planning.location import (
    LocationResult,
    MaximalCoveringModel,
    SetCoveringModel,
    coverage_matrix_from_travel_times,
    greedy_maximal_covering,
)
from precinct.planning.queueing import (
    QueueMetrics,
    StaffingRecommendation,
    erlang_b,
    erlang_c,
    erlang_c_mean_wait_s,
    fewest_units,
    queue_metrics,
)
from precinct.planning.simulation import (
    Deployment,
    IncidentStream,
    PriorityStats,
    SimulationReport,
    simulate_incidents,
    synthetic_incidents,
)

__all__ = [
    "CoverageReport",
    "Deployment",
    "DifferenceInDifferences",
    "HypercubeModel",
    "HypercubeResult",
    "IncidentStream",
    "LocationResult",
    "MaximalCoveringModel",
    "PriorityStats",
    "QueueMetrics",
    "SetCoveringModel",
    "SimulationReport",
    "StaffingRecommendation",
    "coverage_by_threshold",
    "coverage_matrix_from_travel_times",
    "difference_in_differences",
    "erlang_b",
    "erlang_c",
    "erlang_c_mean_wait_s",
    "fewest_units",
    "fewest_units_for_posts",
    "greedy_maximal_covering",
    "queue_metrics",
    "simulate_incidents",
    "synthetic_incidents",
]

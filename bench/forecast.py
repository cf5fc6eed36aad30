"""Benchmark: rolling-origin hotspot forecasts on the Toronto MCI file, printed as JSON.

Usage::

    .venv/bin/python bench/forecast.py [--events PATH] [--start 2019-09-01] [--days 60] [--cell-m 250]

For each category ('Break and Enter' and 'all') and each method, every one of the 60 days from
2019-09-01 is forecast from events before it only; scores are pooled over days. Local days are in
America/Toronto. Baselines (naive_all, naive_365d, naive_28d, prospective) run in the same process.

The file is not in the repository: ``--events``, else ``$PRECINCT_TORONTO_EVENTS``, else
``../shared/data/toronto_mci_2014_2019.csv.gz`` relative to the repository root, as for the scripts
in ``forecast_experiments/`` (whose harness reads it); a missing file exits with status 2.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")  # before numpy loads (the imports below)
# the experiments' harness: the Toronto file's path and loader (also when `precinct bench` runs this file)
sys.path.insert(0, str(Path(__file__).resolve().parent / "forecast_experiments"))

from harness import CATEGORIES, TIMEZONE, events_path, load_events, parser

from precinct.analysis.evaluation import evaluate_forecast
from precinct.analysis.methods import BEST_METHOD

BASELINES = ("naive_all", "naive_365d", "naive_28d", "prospective")
PRECINCT_METHODS = ("kde", "ewma", "sepp", "boosted")
OPTIONS = {"boosted": {"holiday_country": "CA", "holiday_subdivision": "ON", "n_threads": 2}}


def main() -> None:
    """Evaluate every method on every category and print the JSON."""
    arguments = parser(__doc__, windows=None)
    arguments.add_argument("--start", default="2019-09-01")
    arguments.add_argument("--days", type=int, default=60)
    arguments.add_argument("--cell-m", type=float, default=250.0)
    arguments.add_argument("--methods", default=",".join(BASELINES + PRECINCT_METHODS))
    args = arguments.parse_args()
    began = time.perf_counter()
    table = load_events(args.events)
    load_s = time.perf_counter() - began
    methods = args.methods.split(",")
    report: dict[str, Any] = {"data": str(events_path(args.events)), "n_events": len(table), "start": args.start,
                    "days": args.days, "cell_m": args.cell_m, "timezone": TIMEZONE, "best_method": BEST_METHOD,
                    "load_seconds": round(load_s, 2), "results": {}, "summary": {}}
    for category in CATEGORIES:
        rows = {}
        for method in methods:
            result = evaluate_forecast(table, method=method, category=category, start=args.start, n_days=args.days,
                                       cell_m=args.cell_m, options=OPTIONS.get(method))
            payload = result.to_dict()
            at_5 = payload["coverage"]["0.05"]
            rows[method] = {"hit_rate_5": at_5["hit_rate"], "pai_5": at_5["pai"], "coverage": payload["coverage"],
                            "seconds": payload["seconds"], "n_cells": payload["n_cells"]}
            print(f"{category:16s} {method:12s} PAI@5% {rows[method]['pai_5']:.3f} "
                  f"HR@5% {rows[method]['hit_rate_5']:.3f} {payload['seconds']:.1f} s", file=sys.stderr, flush=True)
        report["results"][category] = rows
        baseline = max((m for m in methods if m in BASELINES), key=lambda m: rows[m]["pai_5"], default=None)
        ours = max((m for m in methods if m not in BASELINES), key=lambda m: rows[m]["pai_5"], default=None)
        if baseline and ours:
            report["summary"][category] = {
                "best_baseline": baseline, "best_baseline_pai_5": rows[baseline]["pai_5"],
                "best_precinct": ours, "best_precinct_pai_5": rows[ours]["pai_5"],
                "recommended": BEST_METHOD, "recommended_pai_5": rows.get(BEST_METHOD, {}).get("pai_5"),
                "improvement_pct": round(100 * (rows[ours]["pai_5"] / rows[baseline]["pai_5"] - 1), 2),
                "goal_10pct_met": rows[ours]["pai_5"] >= 1.10 * rows[baseline]["pai_5"],
            }
    report["total_seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Benchmark: rolling-origin hotspot forecasts on the Toronto MCI file, printed as JSON.

Usage::

    .venv/bin/python bench/forecast.py [--events PATH] [--start 2019-09-01] [--days 60] [--cell-m 250]

For each category ('Break and Enter' and 'all') and each method, every one of the 60 days from
2019-09-01 is forecast from events before it only; scores are pooled over days. Local days are in
America/Toronto. Baselines (naive_all, naive_365d, naive_28d, prospective) run in the same process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")  # before numpy loads (the imports below)

from precinct.analysis.evaluation import evaluate_forecast
from precinct.analysis.events import event_table_from_frame, read_events_csv
from precinct.analysis.methods import BEST_METHOD

DEFAULT_EVENTS = "/work/shared/data/toronto_mci_2014_2019.csv.gz"
BASELINES = ("naive_all", "naive_365d", "naive_28d", "prospective")
PRECINCT_METHODS = ("kde", "ewma", "sepp", "boosted")
CATEGORIES = ("Break and Enter", "all")
OPTIONS = {"boosted": {"holiday_country": "CA", "holiday_subdivision": "ON", "n_threads": 2}}


def main() -> None:
    """Evaluate every method on every category and print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", default=DEFAULT_EVENTS)
    parser.add_argument("--start", default="2019-09-01")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--cell-m", type=float, default=250.0)
    parser.add_argument("--methods", default=",".join(BASELINES + PRECINCT_METHODS))
    args = parser.parse_args()
    began = time.perf_counter()
    table = event_table_from_frame(read_events_csv(args.events, timezone="America/Toronto"))
    load_s = time.perf_counter() - began
    methods = args.methods.split(",")
    report: dict[str, Any] = {"data": args.events, "n_events": len(table), "start": args.start, "days": args.days,
                    "cell_m": args.cell_m, "timezone": "America/Toronto", "best_method": BEST_METHOD,
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

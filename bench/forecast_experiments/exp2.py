import sys, json; sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
import numpy as np
from scipy import ndimage
from h import Win, TAB
from precinct.analysis.events import distinct_events
from precinct.analysis.forecasting import history_for

WINDOWS = sys.argv[1].split(",")
OUT = sys.argv[2]
CATS = ["Break and Enter", "all"]
DIST = distinct_events(TAB)
res = {}
for start in WINDOWS:
    for cat in CATS:
        w = Win(start, cat); G = w.grid; nc = G.n_cells; f = w.full
        dh = history_for(DIST, G, cat)
        days = np.arange(w.start_day, w.start_day + w.n_days)
        def per_day(hist, hl, target=True):
            out = np.zeros((w.n_days, nc))
            for o, d in enumerate(days):
                i = hist.index_of_day(d); c = hist.cells[:i]; m = c >= 0
                if target: m = m & hist.is_target[:i]
                di = hist.events.day[:i][m].astype(float)
                wts = np.ones_like(di) if hl is None else (0.5 ** ((d - di) / hl)) if hl > 0 else (d - di <= -hl).astype(float)
                out[o] = np.bincount(c[m], weights=wts, minlength=nc)
            return out
        r = {}
        r["naive_all"] = w.pai5(per_day(f, None)); r["naive_365d"] = w.pai5(per_day(f, -365)); r["naive_28d"] = w.pai5(per_day(f, -28))
        for hl in (365, 548, 730, 1095):
            for dist in (0, 1):
                B = per_day(dh if dist else f, hl)
                A = per_day(dh if dist else f, hl, target=False) if cat != "all" else None
                nb = np.stack([ndimage.uniform_filter(x.reshape(G.shape), size=7, mode="constant").ravel() for x in B])
                for alpha in (0, 0.25, 0.5):
                    for beta in ((0, 0.1, 0.25) if cat != "all" else (0,)):
                        S = B + alpha * nb
                        if beta: S = S + beta * A * (B.sum(1, keepdims=True) / A.sum(1, keepdims=True))
                        r[f"ewma{hl}_d{dist}_nb{alpha}_ac{beta}"] = w.pai5(S)
        res[f"{start}|{cat}"] = r
        print(start, cat, "done", flush=True)
json.dump(res, open(OUT, "w"), indent=1)

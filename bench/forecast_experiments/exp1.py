import sys, time; sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
import numpy as np
from scipy import ndimage
from h import Win, TAB
from precinct.analysis.events import distinct_events
from precinct.analysis.forecasting import history_for

WINDOWS = sys.argv[1].split(",") if len(sys.argv) > 1 else ["2019-05-01", "2019-07-01"]
CATS = ["Break and Enter", "all"]

def run(start, cat):
    w = Win(start, cat)
    G = w.grid; nc = G.n_cells
    f = w.full
    dh = history_for(distinct_events(TAB), G, cat)
    S = {}
    def add(name, arr): S[name] = arr
    days = np.arange(w.start_day, w.start_day + w.n_days)
    # precompute per-day matrices via loops over days (cheap)
    def per_day(hist, weight_fn, target=True):
        out = np.zeros((w.n_days, nc))
        for o, d in enumerate(days):
            i = hist.index_of_day(d); c = hist.cells[:i]; m = c >= 0
            if target: m = m & hist.is_target[:i]
            wts = weight_fn(d, hist.events.day[:i][m].astype(float), hist, i, m)
            out[o] = np.bincount(c[m], weights=wts, minlength=nc)
        return out
    one = lambda d, di, *a: np.ones_like(di)
    add("naive_all", per_day(f, one))
    add("naive_365d", per_day(f, lambda d, di, *a: (d - di <= 365).astype(float)))
    add("naive_all_distinct", per_day(dh, one))
    for hl in (182, 365, 730, 1095, 1460):
        add(f"ewma{hl}", per_day(f, lambda d, di, *a, hl=hl: 0.5 ** ((d - di) / hl)))
        add(f"ewma{hl}_distinct", per_day(dh, lambda d, di, *a, hl=hl: 0.5 ** ((d - di) / hl)))
    allc = per_day(f, one, target=False)
    allc365 = per_day(f, lambda d, di, *a: 0.5 ** ((d - di) / 730), target=False)
    # multi-scale blends (normalised by mean)
    nm = lambda a: a / a.mean(axis=1, keepdims=True)
    for a_, b_ in (("ewma365", "naive_all"), ("ewma182", "ewma1460"), ("ewma365", "ewma1460")):
        for wt in (0.25, 0.5):
            add(f"{a_}*{wt}+{b_}", wt * nm(S[a_]) + nm(S[b_]))
    # EB / neighbourhood shrinkage on naive_all and ewma730
    for base in ("naive_all", "ewma730", "naive_all_distinct"):
        B = S[base]
        for size in (3, 7):
            nb = np.stack([ndimage.uniform_filter(x.reshape(G.shape), size=size, mode="constant").ravel() for x in B])
            for alpha in (0.5, 1, 2):
                add(f"{base}+{alpha}nb{size}", B + alpha * nb)
        if cat != "all":
            share = B.sum(1, keepdims=True) / allc.sum(1, keepdims=True)
            for beta in (0.1, 0.25, 0.5):
                add(f"{base}+{beta}allcat", B + beta * share * allc)
                add(f"{base}+{beta}allcat730", B + beta * (B.sum(1, keepdims=True)/allc365.sum(1, keepdims=True)) * allc365)
    # weekday profile
    i0 = f.index_of_day(w.start_day)
    wd_all = (f.events.day + 3) % 7  # 1970-01-01 is Thursday -> 0=Mon
    for kappa in (5, 20, 100):
        out = np.zeros((w.n_days, nc))
        for o, d in enumerate(days):
            i = f.index_of_day(d); c = f.cells[:i]; m = (c >= 0) & f.is_target[:i]
            n_c = np.bincount(c[m], minlength=nc).astype(float)
            wd = (d + 3) % 7
            mm = m & (wd_all[:i] == wd)
            n_cw = np.bincount(c[mm], minlength=nc).astype(float)
            g = mm.sum() / m.sum()
            share = (n_cw + kappa * g) / (n_c + kappa)
            out[o] = n_c * share / g
        add(f"weekday_k{kappa}", out)
    # season profile: events within +-30 days of same day-of-year in past
    for kappa in (5, 20, 100):
        out = np.zeros((w.n_days, nc))
        for o, d in enumerate(days):
            i = f.index_of_day(d); c = f.cells[:i]; m = (c >= 0) & f.is_target[:i]
            lag = d - f.events.day[:i].astype(float); ph = lag - 365.25 * np.round(lag / 365.25)
            mm = m & (np.abs(ph) <= 30)
            n_c = np.bincount(c[m], minlength=nc).astype(float); n_cs = np.bincount(c[mm], minlength=nc).astype(float)
            g = mm.sum() / m.sum()
            out[o] = n_c * (n_cs + kappa * g) / (n_c + kappa) / g
        add(f"season_k{kappa}", out)
    return w, S

for start in WINDOWS:
    for cat in CATS:
        t = time.time()
        w, S = run(start, cat)
        base = max(w.pai5(S["naive_all"]), w.pai5(S["naive_365d"]))
        print(f"== {start} {cat} n_events={int(w.actual.sum()+w.missed.sum())} baseline(max naive_all/365d)={base:.3f}  [{time.time()-t:.0f}s]")
        for k, v in S.items():
            p = w.pai5(v); print(f"   {k:32s} {p:.3f} {100*(p/base-1):+.1f}%")
        sys.stdout.flush()

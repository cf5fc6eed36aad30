import sys, time, json; sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
import numpy as np, lightgbm as lgb
from scipy import ndimage
from h import Win, TAB
from precinct.analysis.events import distinct_events
from precinct.analysis.forecasting import history_for
WINDOWS = sys.argv[1].split(","); OBJ = sys.argv[2].split(","); OUT = sys.argv[3]
DIST = distinct_events(TAB)
HLS = (30, 91, 182, 365, 730, 1460)
res = {}
for start in WINDOWS:
    for cat in ("Break and Enter", "all"):
        w = Win(start, cat); G = w.grid; nc = G.n_cells
        dh = history_for(DIST, G, cat)
        c_all = dh.cells; ok = c_all >= 0; dd = dh.events.day.astype(float); tg = dh.is_target
        def feats(d):
            i = dh.index_of_day(d); c = c_all[:i]; m = ok[:i]; age = d - dd[:i]
            cols = []
            for hl in HLS:
                wt = 0.5 ** (age / hl)
                for sel in (m & tg[:i], m):
                    x = np.bincount(c[sel], weights=wt[sel], minlength=nc).reshape(G.shape)
                    cols += [x.ravel(), ndimage.uniform_filter(x, 3, mode="constant").ravel(), ndimage.uniform_filter(x, 7, mode="constant").ravel()]
            sel = m & tg[:i]
            last = np.full(nc, -1e5); np.maximum.at(last, c[sel], dd[:i][sel]); cols.append(np.minimum(d - last, 3650))
            cols.append(np.bincount(c[sel], minlength=nc).astype(float)); cols.append(np.bincount(c[m], minlength=nc).astype(float))
            return np.stack(cols, 1).astype(np.float32)
        def label(t, h=28):
            a, b = w.full.index_of_day(t), w.full.index_of_day(t + h)
            cc = w.full.cells[a:b][w.full.is_target[a:b]]
            return np.bincount(cc[cc >= 0], minlength=nc).astype(float)
        t0 = time.time()
        s = w.start_day
        i = w.full.index_of_day(s); active = np.unique(w.full.cells[:i][w.full.cells[:i] >= 0])
        origins = list(range(s - 28, s - 28 - 730, -14))[::-1]
        X, Y, Gs = [], [], []
        for t in origins:
            X.append(feats(t)[active]); Y.append(label(t)); Gs.append(active.size)
        X = np.concatenate(X); Y = np.concatenate([y[active] for y in Y])
        Xtest = np.stack([feats(d) for d in range(s, s + w.n_days)])
        tf = time.time() - t0
        r = {}
        for obj in OBJ:
            t1 = time.time()
            params = dict(learning_rate=0.05, num_leaves=31, min_data_in_leaf=200, feature_fraction=0.8, bagging_fraction=0.8,
                          bagging_freq=1, lambda_l2=1.0, verbose=-1, seed=0, deterministic=True, num_threads=2)
            if obj == "poisson": params["objective"] = "poisson"; ds = lgb.Dataset(X, Y)
            elif obj == "binary": params["objective"] = "binary"; ds = lgb.Dataset(X, (Y > 0).astype(float))
            elif obj == "lambdarank":
                params.update(objective="lambdarank", lambdarank_truncation_level=int(0.05 * active.size) + 10, label_gain=[0, 1, 3, 7, 15])
                ds = lgb.Dataset(X, np.minimum(Y, 4).astype(int), group=Gs)
            mdl = lgb.train(params, ds, num_boost_round=200)
            P = mdl.predict(Xtest.reshape(-1, Xtest.shape[-1])).reshape(w.n_days, nc)
            r[obj] = w.pai5(P); r[obj + "_s"] = time.time() - t1
        r["feat_s"] = tf
        base = {}
        for name, fn in (("naive_all", None),):
            pass
        res[f"{start}|{cat}"] = r
        print(start, cat, {k: round(v, 3) for k, v in r.items()}, flush=True)
json.dump(res, open(OUT, "w"), indent=1)

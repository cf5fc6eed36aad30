import sys; sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
import numpy as np
from h import Win
from precinct.analysis.evaluation import score_rankings
for cat in ("Break and Enter", "all"):
    w = Win("2019-09-01", cat)
    f = w.full
    i = f.index_of_day(w.start_day); c=f.cells[:i]; m=(c>=0)&f.is_target[:i]
    pre = np.bincount(c[m], minlength=w.grid.n_cells)[w.study].astype(float)
    yrs = (w.start_day - f.events.day[0])/365.25
    A = w.actual
    for name, tr, te in (("odd->even", slice(1,None,2), slice(0,None,2)), ("even->odd", slice(0,None,2), slice(1,None,2))):
        ins = A[tr].sum(0)
        te_a = A[te]; te_m = w.missed[te]
        def pai(s):
            s = np.broadcast_to(s, te_a.shape)
            return score_rankings(s, te_a, missed=te_m, tie_order=w.tie)[0.05].pai
        res = {"naive_all": pai(pre), "future30d_only": pai(ins+1e-6*pre), "insample_30d(upper)": pai(te_a.sum(0))}
        for wgt in (0.02,0.05,0.1,0.2):
            res[f"pre+{wgt}x future30d(as rate)"] = pai(pre/yrs + wgt*ins*365.25/30)
        print(cat, name, {k: round(v,2) for k,v in res.items()})

import sys; sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
import numpy as np
from h import Win
from precinct.analysis.events import day_number
for cat in ("Break and Enter", "all"):
    w = Win("2019-09-01", cat)
    f = w.full
    def counts(a, b, target=True):
        i, j = f.index_of_day(day_number(a)), f.index_of_day(day_number(b))
        c = f.cells[i:j]; m = c >= 0
        if target: m &= f.is_target[i:j]
        return np.bincount(c[m], minlength=w.grid.n_cells).astype(float)
    pre = counts("2000-01-01", "2019-09-01")
    nxt = counts("2019-11-01", "2020-01-01")
    ins = counts("2019-09-01", "2019-10-31")
    print(cat, "events", w.actual.sum()+w.missed.sum(), "n", w.n)
    print("  naive_all", w.score(pre))
    print("  clairvoyant next (Nov-Dec 2019)", w.score(nxt))
    print("  clairvoyant next + tie-break by history", w.score(nxt + 1e-6*pre))
    print("  in-sample test-window counts", w.score(ins))
    # oracle mixture: naive_all + next
    for a in (0.5,1,2):
        print("  pre/yrs + a*next/yr a=",a, w.pai5(pre/ (day_number('2019-09-01')-day_number('2014-01-01'))*365 + a*nxt*6))

import pickle, numpy as np
from precinct.analysis.evaluation import study_setup, score_rankings
from precinct.analysis.events import day_number
TAB = pickle.load(open("/tmp/fc/table.pkl","rb"))

class Win:
    def __init__(self, start, category, n_days=60, cell_m=250.0, tab=TAB):
        self.start_day = day_number(start); self.n_days = n_days; self.category = category
        s = study_setup(tab, category=category, start_day=self.start_day, cell_m=cell_m)
        self.setup = s; self.grid = s.grid; self.study = s.study_cells; self.full = s.history
        n = self.study.size; self.n = n
        in_study = np.full(self.grid.n_cells, -1, dtype=np.int64); in_study[self.study] = np.arange(n)
        self.in_study = in_study
        full = self.full
        self.actual = np.zeros((n_days, n)); self.missed = np.zeros(n_days)
        for o in range(n_days):
            day = self.start_day + o
            a, b = full.index_of_day(day), full.index_of_day(day + 1)
            cells = full.cells[a:b][full.is_target[a:b]]
            pos = np.where(cells >= 0, in_study[np.maximum(cells, 0)], -1)
            self.actual[o] = np.bincount(pos[pos >= 0], minlength=n); self.missed[o] = np.sum(pos < 0)
        self.tie = np.random.default_rng(0).permutation(n)
    def score(self, scores):
        """scores: (n_days, n_grid_cells) or (n_grid_cells,) constant"""
        scores = np.asarray(scores, float)
        if scores.ndim == 1: scores = np.broadcast_to(scores, (self.n_days, scores.size))
        r = score_rankings(scores[:, self.study], self.actual, missed=self.missed, tie_order=self.tie)
        return {c: v.pai for c, v in r.items()}
    def pai5(self, scores): return self.score(scores)[0.05]
    def daily(self, fn):
        """fn(history_prefix, day) -> grid scores"""
        out = np.zeros((self.n_days, self.grid.n_cells))
        for o in range(self.n_days):
            d = self.start_day + o
            out[o] = fn(self.full.before_day(d), d)
        return out

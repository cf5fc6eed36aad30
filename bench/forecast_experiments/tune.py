"""Score forecasters on tuning windows. usage: tune.py MODULE_PATH WINDOWS METHODS OUT [json options]"""
import sys, time, json, importlib.util
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
from h import Win
from precinct.analysis.methods import make_forecaster
mod_path, windows, methods, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(","), sys.argv[4]
opts = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
spec = importlib.util.spec_from_file_location("bmod", mod_path); bmod = importlib.util.module_from_spec(spec); spec.loader.exec_module(bmod)
res = {}
for start in windows:
    for cat in __import__("os").environ.get("CATS", "Break and Enter|all").split("|"):
        w = Win(start, cat)
        for m in methods:
            if m == "boosted":
                f = bmod.BoostedForecaster(w.grid, holiday_country="CA", holiday_subdivision="ON", n_threads=2, **opts)
            else:
                f = make_forecaster(m, w.grid)
            t = time.time(); P = w.daily(f.predict); s = time.time() - t
            sc = w.score(P)
            res[f"{start}|{cat}|{m}"] = {"pai1": sc[0.01], "pai5": sc[0.05], "pai10": sc[0.1], "s": s}
            print(start, cat, m, {k: round(v, 3) for k, v in res[f"{start}|{cat}|{m}"].items()}, flush=True)
            json.dump(res, open(out, "w"), indent=1)

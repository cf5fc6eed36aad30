import sys, pickle, time
from precinct.analysis.evaluation import evaluate_forecast
tab = pickle.load(open("/tmp/fc/table.pkl","rb"))
for start in sys.argv[1].split(","):
    for cat in ("Break and Enter", "all"):
        out = {}
        for m in sys.argv[2].split(","):
            t=time.time(); r = evaluate_forecast(tab, method=m, category=cat, start=start, n_days=60)
            out[m] = (round(r.coverage[0.05].pai,3), round(r.coverage[0.01].pai,2), round(r.coverage[0.1].pai,2), round(r.coverage[0.05].hit_rate,3), round(time.time()-t,1))
        print(start, cat, out, flush=True)

import json, sys, numpy as np
res = json.load(open(sys.argv[1]))
base = {k: max(res[k][b] for b in ("naive_all","naive_365d","naive_28d")) for k in res}
rows=[]
for m in res[next(iter(res))]:
    if m.startswith("naive") or not m.endswith("ac0.1"): continue
    mall = m.rsplit("_ac",1)[0]+"_ac0"
    be=[100*(res[k][m]/base[k]-1) for k in res if k.endswith("Enter")]
    al=[100*(res[k][mall]/base[k]-1) for k in res if k.endswith("|all")]
    rows.append((np.mean(be)+np.mean(al), np.mean(be), min(be), np.mean(al), min(al), m))
rows.sort(reverse=True)
for r in rows[:10]: print(f"{r[5]:28s} joint {r[0]:+.2f}  B&E mean {r[1]:+.1f} min {r[2]:+.1f}  all mean {r[3]:+.1f} min {r[4]:+.1f}")

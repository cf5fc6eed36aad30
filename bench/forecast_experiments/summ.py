import json, sys, numpy as np
res = json.load(open(sys.argv[1]))
for cat in ("Break and Enter", "all"):
    keys = [k for k in res if k.endswith("|"+cat)]
    base = {k: max(res[k][b] for b in ("naive_all","naive_365d","naive_28d")) for k in keys}
    methods = res[keys[0]].keys()
    rows = []
    for m in methods:
        imp = [100*(res[k][m]/base[k]-1) for k in keys]
        rows.append((np.mean(imp), min(imp), m, imp))
    rows.sort(reverse=True)
    print("==", cat, "windows:", [k.split("|")[0] for k in keys], "base:", [round(base[k],2) for k in keys])
    for r in rows[:int(sys.argv[2]) if len(sys.argv)>2 else 12]:
        print(f"  {r[2]:28s} mean {r[0]:+.1f}% min {r[1]:+.1f}%  ", " ".join(f"{x:+.1f}" for x in r[3]))
    for m in ("naive_all","naive_365d","naive_28d"):
        print(f"  {m:28s}", " ".join(f"{res[k][m]:.2f}" for k in keys))

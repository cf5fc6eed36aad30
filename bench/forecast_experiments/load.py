import pickle, time
t=time.time()
from precinct.analysis.events import event_table_from_frame, read_events_csv
tab = event_table_from_frame(read_events_csv("/work/shared/data/toronto_mci_2014_2019.csv.gz", timezone="America/Toronto"))
pickle.dump(tab, open(__import__("os").makedirs("/tmp/fc", exist_ok=True) or "/tmp/fc/table.pkl","wb"))
print(len(tab), tab.categories, time.time()-t)

"""Independent computation of the IBM Telco churn figures the Rust tests assert.

From the catalogue's definitions with Python's csv module only. The churn flag is a
snapshot: customers there before this month (tenure >= 1) are the base S; customers with
tenure 0 are the month's new ones N. Run: python3 tests/independent/telco_figures.py
"""
import csv, sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ibm-telco-customer-churn/Telco-Customer-Churn.csv"
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
new = [r for r in rows if int(r["tenure"]) == 0]
base = [r for r in rows if int(r["tenure"]) >= 1]
lost = [r for r in base if r["Churn"] == "Yes"]
kept = [r for r in rows if r["Churn"] != "Yes"]
print("customers", len(rows), "new", len(new), "base", len(base), "lost", len(lost))
print("churn_rate", len(lost) / len(base))
print("retention_rate", (len(kept) - len(new)) / len(base))
mrr = [float(r["MonthlyCharges"]) for r in rows]
at_risk = sum(float(r["MonthlyCharges"]) for r in rows if r["Churn"] == "Yes")
print("revenue_at_risk", at_risk, "share", at_risk / sum(mrr))
arpa = sum(mrr) / len(mrr)
print("arpa", arpa, "clv", arpa / (len(lost) / len(base)))
by = defaultdict(lambda: [0, 0])
for r in base:
    by[r["Contract"]][0] += 1
    by[r["Contract"]][1] += r["Churn"] == "Yes"
for k, (n, c) in sorted(by.items()):
    print("contract", k, c, n, c / n)

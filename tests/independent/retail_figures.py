"""Independent computation of the UCI Online Retail figures the Rust tests assert.

From the catalogue's definitions with Python's csv module only. An order is an invoice
number; lines of cancelled invoices (numbers starting with C) and negative quantities are
left out; an order's amount is the sum of quantity x unit price over its lines. A customer
is active on a day when it ordered within the 90 days up to it.
Run: python3 tests/independent/retail_figures.py [PERIOD_START PERIOD_END]
"""
import csv, sys
from collections import defaultdict
from datetime import date, datetime, timedelta

path = "../shared/data/uci-online-retail/online_retail_non_uk.csv"
start = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 2 else date(2011, 6, 1)
end = date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else date(2011, 6, 30)
W = 90
orders = {}  # invoice -> [day, customer, amount]
for r in csv.DictReader(open(path, newline="", encoding="utf-8")):
    q, p = float(r["Quantity"]), float(r["UnitPrice"])
    if r["InvoiceNo"].startswith("C") or q * p < 0:
        continue
    day = datetime.strptime(r["InvoiceDate"], "%Y-%m-%d %H:%M:%S").date()
    o = orders.setdefault(r["InvoiceNo"], [day, r["CustomerID"], 0.0])
    o[2] += q * p
inside = [o for o in orders.values() if start <= o[0] <= end and o[2] > 0]
revenue = sum(o[2] for o in inside)
print("orders", len(inside), "revenue", revenue, "aov", revenue / len(inside))
days = defaultdict(set)
for d, c, a in orders.values():
    if c:
        days[c].add(d)
first = {c: min(v) for c, v in days.items()}
new = [c for c, f in first.items() if start <= f <= end]
before = [c for c, f in first.items() if f < start]
print("new_customers", len(new), "acquisition_rate", len(new) / len(before))
per = defaultdict(int)
for d, c, a in orders.values():
    if c and a > 0 and start <= d <= end:
        per[c] += 1
print("repurchase_rate", sum(1 for n in per.values() if n >= 2) / len(per))
def active(c, a, b):
    return any(a <= d <= b for d in days[c])
S = [c for c in days if active(c, start - timedelta(W), start - timedelta(1))]
E = [c for c in days if active(c, end - timedelta(W - 1), end)]
lost = [c for c in S if c not in set(E)]
print("S", len(S), "E", len(E), "N", len(new), "lost", len(lost))
print("retention_rate", (len(E) - len(new)) / len(S), "churn_rate", len(lost) / len(S))

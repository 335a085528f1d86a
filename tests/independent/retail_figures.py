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
# Won back: active at the end, not at the start, with orders from before the period. Like
# new customers they are not customers kept, so retention is (E - N - B) / S.
back = [c for c in E if c not in set(S) and first[c] < start]
print("S", len(S), "E", len(E), "N", len(new), "B", len(back), "lost", len(lost))
print("retention_rate", (len(E) - len(new) - len(back)) / len(S), "churn_rate", len(lost) / len(S))

# Retention and churn month by month (the trend), for every month with 90 days of history.
first_day = min(o[0] for o in orders.values())
def month_bounds(y, m):
    s = date(y, m, 1)
    e = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(1))
    return s, e
def churn_figures(s, e):
    S = [c for c in days if active(c, s - timedelta(W), s - timedelta(1))]
    E = [c for c in days if active(c, e - timedelta(W - 1), e)]
    N = [c for c, f in first.items() if s <= f <= e]
    lost = [c for c in S if c not in set(E)]
    B = [c for c in E if c not in set(S) and first[c] < s]
    return len(S), len(E), len(N) + len(B), len(lost)
monthly = []
for (y, m) in [(2011, 3), (2011, 4), (2011, 5), (2011, 6)]:
    s, e = month_bounds(y, m)
    S, E, N, L = churn_figures(s, e)
    print("month", f"{y}-{m:02}", "retention", (E - N) / S, "churn", L / S)
    monthly.append(L / S)
# CLV for June 2011: AOV and orders per customer per year over the trailing year (here from
# the data's first day), lifetime 1 / annual churn from the mean monthly churn.
t0 = max(end - timedelta(364), first_day)
span = (end - t0).days + 1
trail = [o for o in orders.values() if t0 <= o[0] <= end and o[2] > 0]
aov = sum(o[2] for o in trail) / len(trail)
with_c = [o for o in trail if o[1]]
per_year = len(with_c) / len({o[1] for o in with_c}) * 365 / span
m = sum(monthly) / len(monthly)
annual = 1 - (1 - m) ** 12
print("clv", aov * per_year / annual, "aov", aov, "per_year", per_year, "monthly_churn", m)

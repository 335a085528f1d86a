"""Independent computation of the Maven CRM figures the Rust tests assert.

Written from the catalogue's definitions with Python's csv module and nothing of the engine,
so a shared mistake is unlikely. Run: python3 tests/independent/maven_figures.py
"""
import csv, statistics, sys
from collections import defaultdict
from datetime import date

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/maven-crm-sales-opportunities/sales_pipeline.csv"
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
d = lambda s: date.fromisoformat(s) if s else None
won = [r for r in rows if r["deal_stage"] == "Won"]
lost = [r for r in rows if r["deal_stage"] == "Lost"]
open_ = [r for r in rows if r["deal_stage"] not in ("Won", "Lost")]
revenue = sum(float(r["close_value"]) for r in won if r["close_value"])
cycles = [(d(r["close_date"]) - d(r["engage_date"])).days for r in won if r["close_date"] and r["engage_date"]]
print("rows", len(rows), "won", len(won), "lost", len(lost), "open", len(open_))
print("win_rate", len(won) / (len(won) + len(lost)))
print("revenue", revenue)
print("average_deal_size", revenue / len([r for r in won if r["close_value"]]))
print("cycle_median", statistics.median(cycles), "cycle_mean", statistics.mean(cycles), "n", len(cycles))
print("pipeline_value", sum(float(r["close_value"]) for r in open_ if r["close_value"]))
by_agent = defaultdict(lambda: [0, 0, 0.0])
for r in won + lost:
    a = by_agent[r["sales_agent"]]
    a[0 if r["deal_stage"] == "Won" else 1] += 1
    if r["deal_stage"] == "Won":
        a[2] += float(r["close_value"])
top = max(by_agent.items(), key=lambda kv: kv[1][2])
print("top_agent", top[0], "won", top[1][0], "lost", top[1][1], "revenue", top[1][2])
by_product = defaultdict(float)
for r in won:
    by_product[r["product"]] += float(r["close_value"])
print("product_revenue", sorted(by_product.items()))
months = defaultdict(float)
for r in won:
    months[r["close_date"][:7]] += float(r["close_value"])
print("months", sorted(months.items()))
# 2017-Q2: won/lost by close date; revenue; previous quarter revenue for growth
def q(r):
    c = d(r["close_date"])
    return c and (c.year, (c.month - 1) // 3 + 1)
w2 = [r for r in won if q(r) == (2017, 2)]
l2 = [r for r in lost if q(r) == (2017, 2)]
w1 = [r for r in won if q(r) == (2017, 1)]
r2 = sum(float(r["close_value"]) for r in w2)
r1 = sum(float(r["close_value"]) for r in w1)
print("q2_won", len(w2), "q2_lost", len(l2), "q2_revenue", r2, "q1_revenue", r1, "growth", (r2 - r1) / r1)
# new customers: accounts whose first won deal closes in 2017-Q2
first = {}
for r in won:
    if r["account"]:
        c = d(r["close_date"])
        if r["account"] not in first or c < first[r["account"]]:
            first[r["account"]] = c
new_q2 = [a for a, c in first.items() if (c.year, (c.month - 1) // 3 + 1) == (2017, 2)]
before = [a for a, c in first.items() if c < date(2017, 4, 1)]
print("customers_with_won", len(first), "new_q2", len(new_q2), "before_q2", len(before))
# Breakdowns looked up in the other tables: the rep's office and manager (sales_teams.csv, by
# sales_agent), the account's sector (accounts.csv, by account). Win rate = won / (won + lost)
# over all closed deals; revenue = sum of won close_value.
base = path.rsplit("/", 1)[0]
teams = {r["sales_agent"]: r for r in csv.DictReader(open(base + "/sales_teams.csv", newline="", encoding="utf-8"))}
sectors = {r["account"]: r["sector"] for r in csv.DictReader(open(base + "/accounts.csv", newline="", encoding="utf-8"))}
for name, of in [
    ("regional_office", lambda r: teams[r["sales_agent"]]["regional_office"]),
    ("manager", lambda r: teams[r["sales_agent"]]["manager"]),
    ("sector", lambda r: sectors.get(r["account"], "")),
]:
    g = defaultdict(lambda: [0, 0, 0.0])
    for r in won + lost:
        a = g[of(r)]
        a[0 if r["deal_stage"] == "Won" else 1] += 1
        if r["deal_stage"] == "Won":
            a[2] += float(r["close_value"])
    print(name, sorted((k, w, l, w / (w + l), rev) for k, (w, l, rev) in g.items()))
# December 2017, the month the page opens on: closed deals by the rep's office and by the
# account's sector.
for name, of in [
    ("regional_office", lambda r: teams[r["sales_agent"]]["regional_office"]),
    ("sector", lambda r: sectors.get(r["account"], "")),
]:
    dec = defaultdict(lambda: [0, 0, 0.0])
    for r in won + lost:
        if r["close_date"].startswith("2017-12"):
            a = dec[of(r)]
            a[0 if r["deal_stage"] == "Won" else 1] += 1
            if r["deal_stage"] == "Won":
                a[2] += float(r["close_value"])
    print("2017-12", name, sorted((k, w, l, w / (w + l), rev) for k, (w, l, rev) in dec.items()))

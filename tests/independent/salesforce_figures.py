"""Independent computation of the Salesforce workshop export's figures the Rust tests assert.

From the catalogue's definitions with Python's csv module only: the outcome from IsWon and
IsClosed, the close date from CloseDate, the whole range. Run:
python3 tests/independent/salesforce_figures.py
"""
import csv, statistics
from collections import defaultdict
from datetime import date

rows = list(csv.DictReader(open("../shared/data/salesforce-data-cloud-workshop/Opportunity.csv", newline="", encoding="utf-8-sig")))
won = [r for r in rows if r["IsWon"] == "1"]
lost = [r for r in rows if r["IsClosed"] == "1" and r["IsWon"] != "1"]
open_ = [r for r in rows if r["IsClosed"] != "1"]
revenue = sum(float(r["Amount"]) for r in won)
d = lambda s: date.fromisoformat(s[:10])
cycles = [(d(r["CloseDate"]) - d(r["CreatedDate"])).days for r in won]
print("rows", len(rows), "won", len(won), "lost", len(lost), "open", len(open_))
print("win_rate", len(won) / (len(won) + len(lost)))
print("revenue", revenue, "average_deal_size", revenue / len(won))
print("pipeline_value", sum(float(r["Amount"]) for r in open_))
print("cycle_median", statistics.median(cycles), "closed_before_created", sum(1 for c in cycles if c < 0) + sum(1 for r in lost if d(r["CloseDate"]) < d(r["CreatedDate"])))
by_product = defaultdict(float)
for r in won:
    by_product[r["Product__c"]] += float(r["Amount"])
print("product_revenue", sorted(by_product.items()))

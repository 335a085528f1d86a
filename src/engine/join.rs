//! Tables loaded together are linked by customer: a deals, orders, activities, tickets or
//! surveys table's customer column against a customer table's id, customer or name column,
//! by exact id or by normalised name (`Acme, Inc.` = `ACME Inc` = `acme`; `华为技术有限公司` =
//! `华为技术`). Later KPIs combine the linked rows; the report shows how well each link holds.

use crate::engine::dataset::Table;
use crate::engine::ingest::RawTable;
use crate::engine::schema::{Role, TableKind};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Legal-form words that do not tell two customers apart.
const SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "公司",
    "incorporated",
    "corporation",
    "company",
    "limited",
    "gmbh",
    "corp",
    "inc",
    "llc",
    "ltd",
    "plc",
    "co",
    "ag",
    "sa",
];

/// A customer name as a key: lower case, letters and digits only, legal form dropped.
pub fn customer_key(name: &str) -> String {
    let words: Vec<String> = crate::engine::case::lower(name)
        .split(|c: char| !crate::engine::case::is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut end = words.len();
    while end > 1 && SUFFIXES.contains(&words[end - 1].as_str()) {
        end -= 1;
    }
    let mut key = words[..end].concat();
    for s in SUFFIXES.iter().filter(|s| !s.is_ascii()) {
        if key.len() > s.len() {
            if let Some(k) = key.strip_suffix(s) {
                key = k.to_string();
            }
        }
    }
    key
}

/// How one table's customers are found in a customer table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub from: String,
    pub from_column: String,
    pub to: String,
    pub to_column: String,
    /// Rows of `from` with a customer, and of those the rows whose customer was found.
    pub rows: usize,
    pub rows_found: usize,
    /// Distinct customers of `from`, and of those the ones found.
    pub customers: usize,
    pub customers_found: usize,
}

fn column(t: &Table, role: Role) -> Option<usize> {
    t.columns.iter().position(|c| c.role == Some(role))
}

/// Every link between the loaded tables, best target column first.
pub fn links(tables: &[Table], raws: &[RawTable]) -> Vec<Link> {
    let mut out = Vec::new();
    let targets: Vec<usize> = (0..tables.len())
        .filter(|i| tables[*i].kind == TableKind::Customers)
        .collect();
    if targets.is_empty() {
        return out;
    }
    for (fi, from) in tables.iter().enumerate() {
        if from.kind == TableKind::Customers || from.kind == TableKind::Unknown {
            continue;
        }
        let Some(fc) = column(from, Role::Customer) else {
            continue;
        };
        let values: Vec<&str> = raws[fi].columns[fc]
            .iter()
            .filter(|v| !v.is_empty())
            .collect();
        let distinct: HashSet<&str> = values.iter().copied().collect();
        for &ti in &targets {
            let to = &tables[ti];
            let mut best: Option<Link> = None;
            for role in [Role::RecordId, Role::Customer, Role::Name] {
                let Some(tc) = column(to, role) else {
                    continue;
                };
                let exact: HashSet<&str> = raws[ti].columns[tc].iter().collect();
                let named: HashSet<String> =
                    raws[ti].columns[tc].iter().map(customer_key).collect();
                let found = |v: &str| exact.contains(v) || named.contains(&customer_key(v));
                let link = Link {
                    from: from.file.clone(),
                    from_column: from.columns[fc].header.clone(),
                    to: to.file.clone(),
                    to_column: to.columns[tc].header.clone(),
                    rows: values.len(),
                    rows_found: values.iter().filter(|v| found(v)).count(),
                    customers: distinct.len(),
                    customers_found: distinct.iter().filter(|v| found(v)).count(),
                };
                if best.as_ref().is_none_or(|b| link.rows_found > b.rows_found) {
                    best = Some(link);
                }
            }
            if let Some(l) = best.filter(|l| l.rows_found > 0) {
                out.push(l);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_across_spellings() {
        for (a, b) in [
            ("Acme, Inc.", "ACME Inc"),
            ("Acme Inc", "acme"),
            ("Globex Corporation", "Globex Corp."),
            ("华为技术有限公司", "华为技术"),
            ("Müller GmbH", "müller"),
        ] {
            assert_eq!(customer_key(a), customer_key(b), "{a} / {b}");
        }
        assert_ne!(customer_key("Acme"), customer_key("Acme Labs"));
        // A name that is only a legal form stays itself.
        assert_eq!(customer_key("Inc"), "inc");
    }
}

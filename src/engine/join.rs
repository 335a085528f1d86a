//! Tables loaded together are linked by customer: a deals, orders, activities, tickets or
//! surveys table's customer column against a customer table's id, customer or name column,
//! by exact id or by normalised name (`Acme, Inc.` = `ACME Inc` = `acme`; `华为技术有限公司` =
//! `华为技术`). Later KPIs combine the linked rows; the report shows how well each link holds.

use crate::engine::dataset::{Ids, Interned, Table};
use crate::engine::ingest::RawTable;
use crate::engine::schema::{Role, TableKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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
        // Distinct as interning counts them (a map to nothing of the type it uses).
        let mut distinct: rustc_hash::FxHashMap<&str, u32> = Default::default();
        for v in &values {
            distinct.entry(v).or_insert(0);
        }
        for &ti in &targets {
            let to = &tables[ti];
            let mut best: Option<Link> = None;
            for role in [Role::RecordId, Role::Customer, Role::Name] {
                let Some(tc) = column(to, role) else {
                    continue;
                };
                let rows = Keyed::new(&raws[ti], tc);
                let found = |v: &str| rows.holds(v);
                let link = Link {
                    from: from.file.clone(),
                    from_column: from.columns[fc].header.clone(),
                    to: to.file.clone(),
                    to_column: to.columns[tc].header.clone(),
                    rows: values.len(),
                    rows_found: values.iter().filter(|v| found(v)).count(),
                    customers: distinct.len(),
                    customers_found: distinct.keys().filter(|v| found(v)).count(),
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

/// A breakdown of the deals that their own table lacks, looked up in another table by each
/// deal's owner (a team list: rep, manager, office) or customer (an account list: industry,
/// segment, country).
#[derive(Clone, Debug, PartialEq)]
pub struct Linked {
    /// The breakdown: `region`, `team`, `segment` or `industry`.
    pub dim: &'static str,
    /// Each deal's value (id 0: blank, or not found).
    pub values: std::sync::Arc<Interned>,
    pub file: String,
    pub column: String,
    /// [`Role::Owner`] or [`Role::Customer`].
    pub by: Role,
    /// Deals with an owner (or customer), and of those the ones found.
    pub rows: usize,
    pub rows_found: usize,
}

/// The breakdowns that can be looked up, and whether a customer's value comes before an
/// owner's: a region or a team is the rep's first, a segment or an industry the customer's.
const LOOKED_UP: [(Role, &str, bool); 4] = [
    (Role::Region, "region", false),
    (Role::Team, "team", false),
    (Role::Segment, "segment", true),
    (Role::Industry, "industry", true),
];

/// The breakdowns the deals table `at` lacks that another loaded table gives by owner or by
/// customer: a customer table, or any table but a deals table that names each owner (a list
/// of reps) or each customer (a list of accounts) on one row. Its key must find at least half
/// of the deals' distinct owners or customers. Keys match as customer names do
/// ([`customer_key`]).
pub fn linked_dims(tables: &[Table], raws: &[RawTable], at: usize) -> Vec<Linked> {
    let Some(d) = tables.get(at).and_then(|t| t.deals.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Each key column's rows by key, made once for every breakdown that searches it.
    let mut keyed = Vec::new();
    for (role, dim, customer_first) in LOOKED_UP {
        if column(&tables[at], role).is_some() {
            continue;
        }
        let mut by = [(Role::Owner, &d.owner), (Role::Customer, &d.customer)];
        if customer_first {
            by.reverse();
        }
        let found = by.iter().find_map(|(by, keys)| {
            let keys = keys.as_ref()?;
            look_up(tables, raws, at, keys, *by, (role, dim), &mut keyed)
        });
        out.extend(found);
    }
    out
}

/// The key columns made into [`Keyed`] so far: (table, column) and its rows by key.
type KeyedColumns = Vec<((usize, usize), Keyed)>;

/// The breakdown `dim` from the best column of `role` found by `by` for the deals' `keys`,
/// over every table but `at`.
fn look_up(
    tables: &[Table],
    raws: &[RawTable],
    at: usize,
    keys: &Interned,
    by: Role,
    (role, dim): (Role, &'static str),
    keyed: &mut KeyedColumns,
) -> Option<Linked> {
    // The table that finds the most of the deals' distinct keys: the number found, where
    // its rows by key are in `keyed`, its value column, and its keys whose rows disagree.
    let distinct = keys.names.iter().filter(|n| !n.trim().is_empty()).count();
    let mut best: Option<(usize, usize, usize, Vec<bool>)> = None;
    for (ti, t) in tables.iter().enumerate() {
        let Some(vc) = column(t, role).filter(|_| ti != at && t.deals.is_none()) else {
            continue;
        };
        // A customer table is searched by id, customer or name; any other table by its
        // owner or customer column, and only if it gives each one value (a list of reps or
        // of accounts).
        let listed = by == Role::Customer && t.kind == TableKind::Customers;
        let key_roles: &[Role] = match listed {
            true => &[Role::RecordId, Role::Customer, Role::Name],
            false => std::slice::from_ref(&by),
        };
        for kc in key_roles.iter().filter_map(|r| column(t, *r)) {
            let slot = match keyed.iter().position(|(k, _)| *k == (ti, kc)) {
                Some(slot) => slot,
                None => {
                    keyed.push(((ti, kc), Keyed::new(&raws[ti], kc)));
                    keyed.len() - 1
                }
            };
            let rows = &keyed[slot].1;
            let Some(mixed) = rows.mixed(&raws[ti].columns[vc], !listed) else {
                continue;
            };
            let found = keys
                .names
                .iter()
                .filter(|n| rows.find(n, &mixed).is_some())
                .count();
            if found > 0 && 2 * found >= distinct && best.as_ref().is_none_or(|b| found > b.0) {
                best = Some((found, slot, vc, mixed));
            }
        }
    }
    let (_, slot, vc, mixed) = best?;
    let ((ti, _), rows) = &keyed[slot];
    let ti = *ti;
    let value = |row: u32| raws[ti].columns[vc].get(row as usize).trim();
    // Each key's value id, numbered in the order the deals first use them (0: blank or not
    // found); the deals with a key, and with one found.
    const UNSEEN: u32 = u32::MAX;
    let mut id_of = vec![UNSEEN; keys.names.len()];
    let mut names = vec![String::new()];
    let mut number: rustc_hash::FxHashMap<&str, u32> = Default::default();
    let mut counts = vec![[0usize; 2]; keys.names.len()];
    let ids: Ids = keys
        .ids
        .iter()
        .map(|k| {
            let k = k as usize;
            if id_of[k] == UNSEEN {
                let row = rows.find(&keys.names[k], &mixed);
                id_of[k] = match row.map(value).filter(|v| !v.is_empty()) {
                    Some(v) => *number.entry(v).or_insert_with(|| {
                        names.push(v.to_string());
                        (names.len() - 1) as u32
                    }),
                    None => 0,
                };
                counts[k][1] = usize::from(row.is_some());
            }
            counts[k][0] += 1;
            id_of[k]
        })
        .collect();
    let (with_key, found) = keys
        .names
        .iter()
        .zip(&counts)
        .filter(|(n, _)| !n.trim().is_empty())
        .fold((0, 0), |(w, f), (_, [n, found])| (w + n, f + n * found));
    // A column blank for every deal found (Salesforce's account Type, often) breaks nothing
    // down.
    if names.len() == 1 {
        return None;
    }
    let t = &tables[ti];
    Some(Linked {
        dim,
        values: std::sync::Arc::new(Interned { ids, names }),
        file: t.file.clone(),
        column: t.columns[vc].header.clone(),
        by,
        rows: with_key,
        rows_found: found,
    })
}

/// A table's rows by one column's keys: by the key as written, else by its [`customer_key`]
/// (`Acme Inc.` finds `ACME`), the first row of a key counting.
struct Keyed {
    exact: HashMap<String, u32>,
    named: HashMap<String, u32>,
    /// Each row's first row with its key as written, and with its customer key (`NONE`:
    /// blank).
    firsts: Vec<(u32, u32)>,
}

/// No row.
const NONE: u32 = u32::MAX;

impl Keyed {
    fn new(raw: &RawTable, kc: usize) -> Keyed {
        let (mut exact, mut named) = (HashMap::new(), HashMap::new());
        let mut firsts = Vec::with_capacity(raw.rows());
        for (row, k) in raw.columns[kc].iter().enumerate() {
            let k = k.trim();
            let row = row as u32;
            if k.is_empty() {
                firsts.push((NONE, NONE));
                continue;
            }
            let first = *exact.entry(k.to_string()).or_insert(row);
            // A name of punctuation alone has no key to be found by.
            let key = customer_key(k);
            let named_first = match key.is_empty() {
                true => NONE,
                false => *named.entry(key).or_insert(row),
            };
            firsts.push((first, named_first));
        }
        Keyed {
            exact,
            named,
            firsts,
        }
    }

    /// For the values of column `values`: the rows that are the first of a customer key
    /// whose rows give other values (`Acme APAC Corp.` and `Acme APAC Ltd`: each is then
    /// found only as written). With `list`, none when one name's rows give two values (the
    /// table is not a list of them).
    fn mixed(&self, values: &crm_kpi_scan::TextColumn, list: bool) -> Option<Vec<bool>> {
        let same = |a: u32, b: usize| values.get(a as usize).trim() == values.get(b).trim();
        let mut mixed = vec![false; self.firsts.len()];
        for (row, &(first, named)) in self.firsts.iter().enumerate() {
            if first == NONE {
                continue;
            }
            if list && !same(first, row) {
                return None;
            }
            if named != NONE && !same(named, row) {
                mixed[named as usize] = true;
            }
        }
        Some(mixed)
    }

    /// Whether a row has the key of `name`, as written or as [`customer_key`] makes it.
    fn holds(&self, name: &str) -> bool {
        self.exact.contains_key(name.trim()) || self.named.contains_key(&customer_key(name))
    }

    /// The row of `name`: as written, else by its customer key unless that key's rows
    /// give other values (`mixed`, from [`Keyed::mixed`]).
    fn find(&self, name: &str, mixed: &[bool]) -> Option<u32> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        match self.exact.get(name) {
            Some(row) => Some(*row),
            None => self
                .named
                .get(&customer_key(name))
                .copied()
                .filter(|r| !mixed[*r as usize]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookups(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        let r = crate::engine::analyze(&files, &Default::default());
        r.lookups
            .into_iter()
            .map(|l| (l.dimension, l.file, l.column))
            .collect()
    }

    #[test]
    fn a_list_of_reps_or_customers_gives_breakdowns_only_when_it_is_one() {
        let deals = "Deal,Owner,Company,Stage,Amount\n\
                     1,Ann,Acme,Closed Won,100\n2,Bob,Beta,Closed Lost,200\n\
                     3,Cy,Gamma,Closed Won,300\n4,Ann,Delta,Open,400\n";
        let reps = "Owner,Team\nann ,North\nBOB,South\n";
        // Two of the three owners found, matched without regard to case or spaces.
        assert_eq!(
            lookups(&[("deals.csv", deals), ("reps.csv", reps)]),
            [("team".into(), "reps.csv".into(), "Team".into())]
        );
        // An owner on two rows with two teams: not a list of reps. On two rows with one
        // team (an activities table, say): still one team per owner.
        let twice = "Owner,Team\nAnn,North\nBob,South\nAnn,East\n";
        assert!(lookups(&[("deals.csv", deals), ("reps.csv", twice)]).is_empty());
        let agree = "Owner,Team\nAnn,North\nBob,South\nAnn,North\n";
        assert_eq!(
            lookups(&[("deals.csv", deals), ("reps.csv", agree)]).len(),
            1
        );
        // One owner of three: too few to be the deals' reps.
        let few = "Owner,Team\nAnn,North\nZed,South\n";
        assert!(lookups(&[("deals.csv", deals), ("reps.csv", few)]).is_empty());
        // A customer table: Acme found by its name without the legal form; Beta's first row
        // counts; Gamma and Delta are not listed (Delta's deal is open: no closed deal).
        let accounts = "Account Name,Industry\nAcme Inc.,Retail\nBeta,Energy\nBeta,Mining\n";
        let industries = |deals: &str| {
            let r = crate::engine::analyze(
                &[
                    ("deals.csv", deals.as_bytes()),
                    ("accounts.csv", accounts.as_bytes()),
                ],
                &Default::default(),
            );
            let l = &r.lookups[0];
            let found = (l.dimension.clone(), l.by.clone(), l.rows, l.rows_found);
            let mut rows: Vec<(String, u64)> = r.kpi("win_rate").unwrap().breakdowns["industry"]
                .iter()
                .map(|x| (x.key.clone(), x.count))
                .collect();
            rows.sort();
            (found, rows)
        };
        let (found, rows) = industries(deals);
        assert_eq!(found, ("industry".into(), "customer".into(), 4, 2));
        assert_eq!(
            rows,
            [("".into(), 1), ("Energy".into(), 1), ("Retail".into(), 1)]
        );
        // A column blank for every deal found gives no breakdown.
        let blank = "Owner,Team\nAnn,\nBob,\n";
        assert!(lookups(&[("deals.csv", deals), ("reps.csv", blank)]).is_empty());
        // Names alike but for their legal form, with other industries: found only as
        // written.
        let accounts = "Account Name,Industry\nAcme APAC Corp.,Retail\nAcme APAC Ltd,Mining\n";
        let deals = "Deal,Company,Stage\n1,Acme APAC Ltd,Closed Won\n2,ACME APAC,Closed Won\n";
        let r = crate::engine::analyze(
            &[
                ("deals.csv", deals.as_bytes()),
                ("accounts.csv", accounts.as_bytes()),
            ],
            &Default::default(),
        );
        let rows: Vec<(String, u64)> = r.kpi("win_rate").unwrap().breakdowns["industry"]
            .iter()
            .map(|x| (x.key.clone(), x.count))
            .collect();
        assert_eq!(rows, [("Mining".into(), 1), ("".into(), 1)]);
    }

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

//! The page's configuration as a query string: the same text comes from the embed page's URL
//! parameters, from the attributes of a host element (the script mount turns them into this
//! text), and from a shared link's fragment. Parsing is forgiving: what cannot be read is left
//! out and named in [`PageConfig::problems`], and the page opens anyway.
//!
//! ```
//! use crm_kpi::config::PageConfig;
//! let c = PageConfig::parse("lang=zh&stage=expansion&goals=keep_customers&targets=win_rate:0.3");
//! assert_eq!(c.stage.map(|s| s.id()), Some("expansion"));
//! assert_eq!(c.targets.get("win_rate"), Some(&0.3));
//! assert!(c.problems.is_empty());
//! ```

use crate::engine::catalogue::{self, Goal, Stage};
use crate::engine::sorted_map::SortedMap;
use crate::engine::{Period, Role};
use crate::i18n::Lang;

/// Theme names a host may set, and the CSS custom property each one sets.
pub const THEME_VARS: &[(&str, &str)] = &[
    ("accent", "--accent"),
    ("accent_soft", "--accent-soft"),
    ("bg", "--bg"),
    ("panel", "--panel"),
    ("ink", "--ink"),
    ("muted", "--muted"),
    ("line", "--line"),
    ("font", "--font"),
];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageConfig {
    pub lang: Option<Lang>,
    pub stage: Option<Stage>,
    /// `Some(vec![])`: the host chose no goal (the stage alone decides).
    pub goals: Option<Vec<Goal>>,
    /// The KPIs to show instead of the recommendation, in this order.
    pub kpis: Vec<String>,
    pub period: Option<Period>,
    /// KPI id → target, in the KPI's unit (rates as fractions).
    pub targets: SortedMap<String, f64>,
    /// Column meanings by header signature (see `engine::header_signature`).
    pub mappings: Vec<(String, Vec<Option<Role>>)>,
    /// CSS custom property → value, checked by [`theme_value`].
    pub theme: Vec<(String, String)>,
    /// A sample file on the page's own origin, loaded instead of the built-in one.
    pub sample: Option<String>,
    /// The compact layout for embedding: no site header, one column.
    pub compact: bool,
    /// Origins allowed to talk to an embedded page through `postMessage`.
    pub origins: Vec<String>,
    /// Every parameter that could not be used, as `name=value: why`.
    pub problems: Vec<String>,
}

/// A theme value is used only when it cannot reach outside a CSS value: no `url(`, no
/// `;{}<>\` and no quotes other than a font name's.
pub fn theme_value(v: &str) -> Option<String> {
    let v = v.trim();
    let ok = !v.is_empty()
        && v.len() <= 120
        && !v.to_ascii_lowercase().contains("url(")
        && !v.to_ascii_lowercase().contains("expression")
        && v.chars().all(|c| {
            crate::engine::case::is_word_char(c)
                || " #%.,-_()'\"/".contains(c)
                || (c as u32) > 0x2e80
        });
    ok.then(|| v.to_string())
}

/// An origin as `scheme://host[:port]`, the form `MessageEvent.origin` has.
fn origin(v: &str) -> Option<String> {
    let v = v.trim().trim_end_matches('/');
    let (scheme, rest) = v.split_once("://")?;
    let ok = matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    ok.then(|| v.to_ascii_lowercase())
}

/// A same-origin path: relative, no scheme, no `//`, no `..`.
fn same_origin_path(v: &str) -> Option<String> {
    let v = v.trim();
    let ok = !v.is_empty()
        && !v.contains("://")
        && !v.starts_with("//")
        && !v.contains('\\')
        && !v.split('/').any(|part| part == "..")
        && !v.contains(':');
    ok.then(|| v.to_string())
}

fn list(v: &str) -> impl Iterator<Item = &str> {
    v.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty())
}

fn pairs(v: &str) -> impl Iterator<Item = (&str, &str)> {
    v.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|p| p.split_once(':').unwrap_or((p, "")))
}

impl PageConfig {
    /// Read a query string (with or without a leading `?` or `#`).
    pub fn parse(query: &str) -> PageConfig {
        let query = query.trim_start_matches(['?', '#']);
        let mut c = PageConfig::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let (key, value) = (key.trim(), value.trim());
            let mut bad = |why: &str| c_problem(&mut c.problems, key, value, why);
            match key {
                "lang" => match value {
                    "en" | "zh" => c.lang = Some(Lang::from_tag(value)),
                    _ => bad("not en or zh"),
                },
                "stage" => match Stage::from_id(value) {
                    Some(s) => c.stage = Some(s),
                    None => bad("not a stage (startup, expansion, mature, small)"),
                },
                "goals" => {
                    let mut goals = Vec::new();
                    for id in list(value) {
                        match Goal::from_id(id) {
                            Some(g) if !goals.contains(&g) => goals.push(g),
                            Some(_) => {}
                            None => c_problem(&mut c.problems, key, id, "not a goal"),
                        }
                    }
                    crate::engine::sort_list(&mut goals, Ord::cmp);
                    c.goals = Some(goals);
                }
                "kpis" => {
                    for id in list(value) {
                        if catalogue::get(id).is_some() {
                            if !c.kpis.iter().any(|k| k == id) {
                                c.kpis.push(id.to_string());
                            }
                        } else {
                            c_problem(&mut c.problems, key, id, "not a KPI of the catalogue");
                        }
                    }
                }
                "period" => match Period::parse(value) {
                    Some(p) => c.period = Some(p),
                    None => {
                        bad("not a period (all, 2024, 2024-Q3, 2024-07, 2024-01-01..2024-03-31)")
                    }
                },
                "targets" => {
                    for (id, v) in pairs(value) {
                        match (catalogue::get(id), crm_kpi_decimal::parse(v)) {
                            (Some(_), Ok(x)) if x.is_finite() => {
                                c.targets.insert(id.to_string(), x);
                            }
                            (None, _) => {
                                c_problem(&mut c.problems, key, id, "not a KPI of the catalogue")
                            }
                            _ => c_problem(&mut c.problems, key, v, "not a number"),
                        }
                    }
                }
                "map" => {
                    for (sig, roles) in pairs(value) {
                        let ok_sig = sig.split_once('-').is_some_and(|(n, h)| {
                            n.parse::<usize>().is_ok() && h.chars().all(|c| c.is_ascii_hexdigit())
                        });
                        let roles: Vec<Option<Option<Role>>> = roles
                            .split(',')
                            .map(|r| match r.trim() {
                                "" | "-" => Some(None),
                                id => Role::from_id(id).map(Some),
                            })
                            .collect();
                        if ok_sig && roles.iter().all(Option::is_some) {
                            c.mappings
                                .push((sig.to_string(), roles.into_iter().flatten().collect()));
                        } else {
                            c_problem(
                                &mut c.problems,
                                key,
                                sig,
                                "not a header signature with column roles",
                            );
                        }
                    }
                }
                "theme" => {
                    for (name, v) in pairs(value) {
                        let var = THEME_VARS.iter().find(|(n, _)| *n == name.trim());
                        match (var, theme_value(v)) {
                            (Some((_, var)), Some(v)) => c.theme.push((var.to_string(), v)),
                            (None, _) => {
                                c_problem(&mut c.problems, key, name, "not a theme setting")
                            }
                            _ => c_problem(&mut c.problems, key, v, "not a plain CSS value"),
                        }
                    }
                }
                "sample" => match same_origin_path(value) {
                    Some(p) => c.sample = Some(p),
                    None => bad("not a path on this site"),
                },
                "embed" | "compact" => c.compact = !matches!(value, "0" | "false" | "no"),
                // Retired: how many workers read a large file. One always does (README, One
                // reader only); a page that still sets it is not told of a problem.
                "workers" => {}
                "origins" => {
                    for o in list(value) {
                        match origin(o) {
                            Some(o) => c.origins.push(o),
                            None => c_problem(
                                &mut c.problems,
                                key,
                                o,
                                "not an origin like https://example.com",
                            ),
                        }
                    }
                }
                "" => {}
                _ => bad("unknown setting"),
            }
        }
        c
    }

    /// The part of a configuration a shared link carries: the choices, never the data, and
    /// not the host's embedding settings. Parsing it gives those choices back.
    pub fn share_query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(l) = self.lang {
            q.append_pair("lang", l.id());
        }
        if let Some(s) = self.stage {
            q.append_pair("stage", s.id());
        }
        if let Some(g) = &self.goals {
            let ids: Vec<&str> = g.iter().map(|g| g.id()).collect();
            q.append_pair("goals", &ids.join(","));
        }
        if !self.kpis.is_empty() {
            q.append_pair("kpis", &self.kpis.join(","));
        }
        if let Some(p) = self.period {
            q.append_pair("period", &p.to_string());
        }
        if !self.targets.is_empty() {
            let t: Vec<String> = self
                .targets
                .iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect();
            q.append_pair("targets", &t.join(";"));
        }
        if !self.mappings.is_empty() {
            let m: Vec<String> = self
                .mappings
                .iter()
                .map(|(sig, roles)| {
                    let r: Vec<&str> = roles.iter().map(|r| r.map_or("-", Role::id)).collect();
                    format!("{sig}:{}", r.join(","))
                })
                .collect();
            q.append_pair("map", &m.join(";"));
        }
        q.finish()
    }

    /// The CSS custom properties of the theme, as a `style` attribute's text.
    pub fn theme_style(&self) -> String {
        self.theme
            .iter()
            .map(|(k, v)| format!("{k}:{v};"))
            .collect()
    }

    /// Whether messages from `origin` are taken (exact match of `scheme://host[:port]`).
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }
}

fn c_problem(problems: &mut Vec<String>, key: &str, value: &str, why: &str) {
    problems.push(format!("{key}={value}: {why}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_query_reads_back_to_the_same_choices() {
        let c = PageConfig {
            lang: Some(Lang::Zh),
            stage: Some(Stage::Mature),
            goals: Some(vec![Goal::GrowRevenue, Goal::KeepCustomers]),
            kpis: vec!["win_rate".into(), "revenue".into()],
            period: Some(Period::Quarter(2024, 3)),
            targets: [
                ("win_rate".to_string(), 0.35),
                ("revenue".to_string(), 125000.5),
            ]
            .into_iter()
            .collect(),
            mappings: vec![(
                "3-00ab12cd34ef5678".into(),
                vec![Some(Role::Amount), None, Some(Role::Stage)],
            )],
            ..PageConfig::default()
        };
        let q = c.share_query();
        let back = PageConfig::parse(&format!("#{q}"));
        assert_eq!(back, c, "{q}");
    }

    #[test]
    fn what_cannot_be_read_is_named_and_the_rest_kept() {
        let c = PageConfig::parse(
            "stage=huge&goals=grow_revenue,fly&kpis=nps,bogus&targets=win_rate:abc;nps:40\
             &theme=accent:%230a7;bg:url(http://x/y.png);font:Georgia, serif\
             &sample=https://evil.example/x.csv&origins=https://docs.example.com/,javascript:alert(1)\
             &embed=1&colour=red",
        );
        assert_eq!(c.stage, None);
        assert_eq!(c.goals, Some(vec![Goal::GrowRevenue]));
        assert_eq!(c.kpis, ["nps"]);
        assert_eq!(c.targets.get("nps"), Some(&40.0));
        assert_eq!(c.targets.len(), 1);
        assert_eq!(
            c.theme,
            [
                ("--accent".to_string(), "#0a7".to_string()),
                ("--font".to_string(), "Georgia, serif".to_string())
            ]
        );
        assert_eq!(c.sample, None);
        assert_eq!(c.origins, ["https://docs.example.com"]);
        assert!(c.allows("https://docs.example.com"));
        assert!(!c.allows("https://docs.example.com.evil.net"));
        assert!(c.compact);
        // The retired `workers` setting is taken without a problem, and no shared link
        // carries it.
        for value in ["1", "2", "auto", "3"] {
            let c = PageConfig::parse(&format!("workers={value}"));
            assert!(c.problems.is_empty(), "{:?}", c.problems);
            assert!(!c.share_query().contains("workers"));
        }
        let joined = c.problems.join("\n");
        for bad in [
            "stage=huge",
            "goals=fly",
            "kpis=bogus",
            "targets=abc",
            "theme=url(http://x/y.png)",
            "sample=https://evil.example/x.csv",
            "origins=javascript:alert(1)",
            "colour=red: unknown setting",
        ] {
            assert!(joined.contains(bad), "{bad} not named in:\n{joined}");
        }
    }

    #[test]
    fn a_same_origin_sample_path_is_taken() {
        assert_eq!(
            PageConfig::parse("sample=data/deals.csv").sample.as_deref(),
            Some("data/deals.csv")
        );
        for bad in ["//evil.example/x.csv", "../secret.csv", "data:text/csv,a"] {
            assert_eq!(
                PageConfig::parse(&format!("sample={bad}")).sample,
                None,
                "{bad}"
            );
        }
    }
}

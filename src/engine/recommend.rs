//! Stage × goals → a ranked set of 5–10 KPIs from the whole catalogue (section 4).
//!
//! A KPI earns its place by serving a chosen goal or by being a focus of the company's stage,
//! never because the data happens to allow it; whether the data can compute it is reported
//! beside it, with what is missing.

use crate::engine::catalogue::{self, Goal, Input, KpiDef, Need, Stage, Tier, CATALOGUE};
use crate::engine::report::Recommended;
use crate::engine::schema::{Role, TableKind};
use crate::i18n::Lang;

/// What the loaded data and the user's inputs offer. Short lists, not sets: a few dozen
/// entries are looked through as fast as hashed, without a hash table's code in the module.
#[derive(Clone, Debug, Default)]
pub struct Availability {
    pub columns: Vec<(TableKind, Role)>,
    pub inputs: Vec<Input>,
    /// The chosen period has a previous one to compare with.
    pub comparison: bool,
}

impl Availability {
    fn has(&self, need: &Need) -> bool {
        match need {
            Need::Col(kind, role) => self.columns.contains(&(*kind, *role)),
            Need::Input(i) => self.inputs.contains(i),
            Need::Comparison => self.comparison,
        }
    }

    /// Whether the KPI can be computed, and if not, what the closest alternative still needs.
    pub fn check(&self, def: &KpiDef) -> (bool, Vec<Need>) {
        let mut best: Option<Vec<Need>> = None;
        for alt in def.requires {
            let missing: Vec<Need> = alt.iter().filter(|n| !self.has(n)).copied().collect();
            if missing.is_empty() {
                return (true, Vec::new());
            }
            if best.as_ref().is_none_or(|b| missing.len() < b.len()) {
                best = Some(missing);
            }
        }
        (false, best.unwrap_or_default())
    }
}

/// KPIs every company reads, used to fill a set that goals and stage leave under five.
const CORE: &[&str] = &[
    "revenue",
    "win_rate",
    "new_customers",
    "average_deal_size",
    "sales_cycle_days",
    "data_completeness",
];

fn goal_weight(pos: usize) -> f64 {
    10.0 - 0.5 * pos as f64
}

fn stage_weight(pos: usize) -> f64 {
    6.0 - 0.4 * pos as f64
}

struct Candidate {
    def: &'static KpiDef,
    score: f64,
    goals: Vec<Goal>,
    stage_focus: bool,
    core_fill: bool,
}

fn reason(c: &Candidate, stage: Stage, lang: Lang) -> String {
    let (who, focus) = (stage.noun(lang), stage.focus(lang));
    let goal = c.goals.first().map(|g| g.label(lang));
    match (goal, c.stage_focus, lang) {
        (Some(g), true, Lang::En) => format!("Serves your goal “{g}” and is a focus KPI for {who}: {focus}."),
        (Some(g), true, Lang::Zh) => format!("服务于你的目标“{g}”，也是{who}的重点指标（{focus}）。"),
        (Some(g), false, Lang::En) => format!("Serves your goal “{g}”; for {who}, read it beside the stage’s focus, {focus}."),
        (Some(g), false, Lang::Zh) => format!("服务于你的目标“{g}”；对{who}来说，请结合该阶段的重点（{focus}）一起看。"),
        (None, true, Lang::En) => format!("A focus KPI for {who} ({focus}), though none of your chosen goals names it."),
        (None, true, Lang::Zh) => format!("这是{who}的重点指标（{focus}），虽然你选的目标没有直接涉及。"),
        (None, false, Lang::En) => format!("A core measure for {who}, added so the set covers both what the team does and what it gets."),
        (None, false, Lang::Zh) => format!("适用于{who}的核心指标，补充进来，使指标组合既看过程也看结果。"),
    }
}

/// Rank the catalogue for a stage and goals, and say for each pick whether the data can
/// compute it.
///
/// ```
/// use crm_kpi::engine::catalogue::{Goal, Stage};
/// use crm_kpi::engine::recommend::{recommend, Availability};
/// let set = recommend(Stage::Startup, &[Goal::GrowRevenue], &Availability::default(), crm_kpi::i18n::Lang::En);
/// assert!((5..=10).contains(&set.len()));
/// assert_eq!(set[0].id, "win_rate"); // named by the goal and by the stage
/// ```
pub fn recommend(
    stage: Stage,
    goals: &[Goal],
    avail: &Availability,
    lang: Lang,
) -> Vec<Recommended> {
    let mut cands: Vec<Candidate> = CATALOGUE
        .iter()
        .map(|def| candidate(def, stage, goals))
        .filter(|c| c.score > 0.0)
        .collect();
    // Stable sort: equal scores keep catalogue order.
    super::sort_list(&mut cands, |a, b| b.score.total_cmp(&a.score));

    let max = if stage == Stage::Small { 6 } else { 10 };
    let mut picked: Vec<Candidate> = Vec::new();
    let mut rest: Vec<Candidate> = Vec::new();
    for c in cands {
        if picked.len() < max {
            picked.push(c);
        } else {
            rest.push(c);
        }
    }
    // A core set covers at least the process and the result layer.
    for tier in [Tier::Process, Tier::Result] {
        if picked.iter().any(|c| c.def.tier == tier) {
            continue;
        }
        let incoming = match rest.iter().position(|c| c.def.tier == tier) {
            Some(pos) => rest.remove(pos),
            // None of the goals or the stage names a KPI of this tier: take a core one.
            None => match CORE
                .iter()
                .filter_map(|id| catalogue::get(id))
                .find(|d| d.tier == tier)
            {
                Some(def) => Candidate {
                    def,
                    score: 0.0,
                    goals: Vec::new(),
                    stage_focus: false,
                    core_fill: true,
                },
                None => continue,
            },
        };
        if picked.len() >= max {
            let counts = |t: Tier, p: &[Candidate]| p.iter().filter(|c| c.def.tier == t).count();
            if let Some(out) = (0..picked.len())
                .rev()
                .find(|i| counts(picked[*i].def.tier, &picked) > 1)
            {
                picked.remove(out);
            }
        }
        picked.push(incoming);
    }
    for id in CORE {
        if picked.len() >= 5 {
            break;
        }
        if picked.iter().any(|c| c.def.id == *id) {
            continue;
        }
        if let Some(def) = catalogue::get(id) {
            picked.push(Candidate {
                def,
                score: 0.0,
                goals: Vec::new(),
                stage_focus: false,
                core_fill: true,
            });
        }
    }
    picked
        .iter()
        .map(|c| recommended(c, stage, avail, lang, None))
        .collect()
}

/// How a KPI serves the goals and the stage (its score is 0 when it serves neither).
fn candidate(def: &'static KpiDef, stage: Stage, goals: &[Goal]) -> Candidate {
    let mut score = 0.0;
    let mut served: Vec<(f64, Goal)> = Vec::new();
    for g in goals {
        if let Some(pos) = g.kpis().iter().position(|id| *id == def.id) {
            score += goal_weight(pos);
            served.push((goal_weight(pos), *g));
        }
    }
    super::sort_list(&mut served, |a, b| b.0.total_cmp(&a.0));
    let stage_pos = stage.kpis().iter().position(|id| *id == def.id);
    if let Some(pos) = stage_pos {
        score += stage_weight(pos);
    }
    Candidate {
        def,
        score,
        goals: served.into_iter().map(|(_, g)| g).collect(),
        stage_focus: stage_pos.is_some(),
        core_fill: false,
    }
}

fn recommended(
    c: &Candidate,
    stage: Stage,
    avail: &Availability,
    lang: Lang,
    why: Option<String>,
) -> Recommended {
    let (computable, missing) = avail.check(c.def);
    Recommended {
        id: c.def.id.into(),
        name: c.def.name(lang).into(),
        tier: c.def.tier,
        score: c.score,
        reason: why.unwrap_or_else(|| reason(c, stage, lang)),
        goals: c.goals.iter().map(|g| g.id().to_string()).collect(),
        stage_focus: c.stage_focus && !c.core_fill,
        computable,
        needs: missing.iter().map(|n| n.label(lang)).collect(),
        missing_inputs: missing
            .iter()
            .filter_map(|n| match n {
                Need::Input(i) => Some(i.id().to_string()),
                _ => None,
            })
            .collect(),
    }
}

/// The KPIs a page's host or a shared link named, in that order, instead of the ranked set.
/// Unknown ids and repeats are left out; the reason still says which goal or stage focus a
/// pick serves, when it serves one.
///
/// ```
/// use crm_kpi::engine::catalogue::{Goal, Stage};
/// use crm_kpi::engine::recommend::{chosen, Availability};
/// let ids = ["revenue", "nps", "no_such_kpi", "revenue"].map(String::from);
/// let set = chosen(&ids, Stage::Startup, &[Goal::GrowRevenue], &Availability::default(), crm_kpi::i18n::Lang::En);
/// assert_eq!(set.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["revenue", "nps"]);
/// ```
pub fn chosen(
    ids: &[String],
    stage: Stage,
    goals: &[Goal],
    avail: &Availability,
    lang: Lang,
) -> Vec<Recommended> {
    let mut out: Vec<Recommended> = Vec::new();
    for id in ids {
        let Some(def) = catalogue::get(id.trim()) else {
            continue;
        };
        if out.iter().any(|r| r.id == def.id) {
            continue;
        }
        let c = candidate(def, stage, goals);
        let why = (c.score == 0.0).then(|| match lang {
            Lang::En => "Chosen for this page; none of your goals or your stage's focus names it."
                .to_string(),
            Lang::Zh => "由本页面指定；你选的目标和所处阶段的重点都没有直接涉及。".to_string(),
        });
        out.push(recommended(&c, stage, avail, lang, why));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ids(stage: Stage, goals: &[Goal]) -> Vec<String> {
        recommend(stage, goals, &Availability::default(), Lang::En)
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    #[test]
    fn every_stage_and_goal_gives_five_to_ten_with_process_and_result() {
        for stage in Stage::ALL {
            let mut goal_sets: Vec<Vec<Goal>> = vec![vec![]];
            goal_sets.extend(Goal::ALL.iter().map(|g| vec![*g]));
            goal_sets.push(Goal::ALL.to_vec());
            for goals in goal_sets {
                let set = recommend(stage, &goals, &Availability::default(), Lang::En);
                assert!(
                    (5..=10).contains(&set.len()),
                    "{stage:?} {goals:?}: {} KPIs",
                    set.len()
                );
                let tiers: HashSet<Tier> = set.iter().map(|r| r.tier).collect();
                assert!(
                    tiers.contains(&Tier::Result),
                    "{stage:?} {goals:?} lacks a result KPI"
                );
                if stage != Stage::Small || goals.len() > 1 {
                    assert!(
                        tiers.contains(&Tier::Process),
                        "{stage:?} {goals:?} lacks a process KPI"
                    );
                }
                let unique: HashSet<&str> = set.iter().map(|r| r.id.as_str()).collect();
                assert_eq!(unique.len(), set.len(), "no KPI twice");
                for r in &set {
                    assert!(r.reason.ends_with('.'), "{}", r.reason);
                    assert!(
                        !r.computable && !r.needs.is_empty(),
                        "nothing is computable without data: {}",
                        r.id
                    );
                }
            }
        }
    }

    #[test]
    fn goals_and_stage_change_the_set() {
        let revenue = ids(Stage::Startup, &[Goal::GrowRevenue]);
        assert_eq!(&revenue[..3], ["win_rate", "revenue", "revenue_growth"]);
        let mature = ids(Stage::Mature, &[Goal::KeepCustomers]);
        assert_eq!(&mature[..2], ["retention_rate", "churn_rate"]);
        assert!(
            !mature.contains(&"revenue_growth".to_string())
                && revenue.contains(&"revenue_growth".to_string())
        );
        // No goal or stage KPI of the process tier: a core one keeps the set balanced.
        assert!(mature.contains(&"win_rate".to_string()));
        let small = ids(Stage::Small, &[]);
        assert_eq!(&small[..3], ["cac", "csat", "churn_rate"]);
    }

    #[test]
    fn reasons_name_goal_and_stage_in_both_languages() {
        let en = recommend(
            Stage::Expansion,
            &[Goal::WinCustomers],
            &Availability::default(),
            Lang::En,
        );
        assert!(
            en[0].reason.contains("Win new customers")
                && en[0].reason.contains("a company in rapid expansion"),
            "{}",
            en[0].reason
        );
        let zh = recommend(
            Stage::Expansion,
            &[Goal::WinCustomers],
            &Availability::default(),
            Lang::Zh,
        );
        assert!(
            zh[0].reason.contains("获取新客户") && zh[0].reason.contains("快速扩张期"),
            "{}",
            zh[0].reason
        );
    }

    #[test]
    fn computability_names_what_is_missing() {
        let mut a = Availability::default();
        a.columns.push((TableKind::Deals, Role::Status));
        let def = catalogue::get("win_rate").unwrap();
        assert_eq!(a.check(def), (true, vec![]));
        let def = catalogue::get("sales_cycle_days").unwrap();
        assert_eq!(
            a.check(def).1,
            vec![
                Need::Col(TableKind::Deals, Role::CreatedAt),
                Need::Col(TableKind::Deals, Role::ClosedAt)
            ]
        );
        assert_eq!(
            Need::Col(TableKind::Deals, Role::ClosedAt).label(Lang::En),
            "deals: close date"
        );
    }
}

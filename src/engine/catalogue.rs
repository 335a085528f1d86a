//! The KPI catalogue: one table of definitions that drives computation, recommendation,
//! labels and docs (`../shared/KPI-CATALOGUE.md`, section 3). Adding a KPI is adding one
//! entry here and, when its data can be loaded, one arm in `kpi::compute`.

use crate::engine::schema::{Role, TableKind};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    #[default]
    Basic,
    Process,
    Result,
}

impl Tier {
    /// The tier's name as the JSON, the page's CSS classes and the command line write it.
    pub fn id(self) -> &'static str {
        match self {
            Tier::Basic => "basic",
            Tier::Process => "process",
            Tier::Result => "result",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A fraction, shown as a percentage.
    #[default]
    Ratio,
    Money,
    Days,
    Months,
    Count,
    /// Money per day.
    MoneyPerDay,
    /// A plain number (a score, a ratio like CLV:CAC, records per user and week).
    Number,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    HigherIsBetter,
    LowerIsBetter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Acquisition,
    SalesProcess,
    SalesResults,
    Retention,
    Satisfaction,
    CrmUsage,
}

/// A value the user types in because exports rarely hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    Spend,
    Licences,
    MarketSize,
    RevenueTarget,
    ChurnWindow,
    CrmBudget,
}

impl Input {
    pub const ALL: [Input; 6] = [
        Input::Spend,
        Input::Licences,
        Input::MarketSize,
        Input::RevenueTarget,
        Input::ChurnWindow,
        Input::CrmBudget,
    ];

    /// The input's name in the JSON report, as serde writes it.
    pub fn id(self) -> &'static str {
        match self {
            Input::Spend => "spend",
            Input::Licences => "licences",
            Input::MarketSize => "market_size",
            Input::RevenueTarget => "revenue_target",
            Input::ChurnWindow => "churn_window",
            Input::CrmBudget => "crm_budget",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Input::Spend, Lang::En) => "sales and marketing spend per period",
            (Input::Spend, Lang::Zh) => "每期销售和营销费用",
            (Input::Licences, Lang::En) => "number of CRM licences",
            (Input::Licences, Lang::Zh) => "CRM 账号数",
            (Input::MarketSize, Lang::En) => "market size",
            (Input::MarketSize, Lang::Zh) => "市场规模",
            (Input::RevenueTarget, Lang::En) => "revenue target",
            (Input::RevenueTarget, Lang::Zh) => "销售目标",
            (Input::ChurnWindow, Lang::En) => "inactivity window that counts as churn",
            (Input::ChurnWindow, Lang::Zh) => "判定流失的未购买天数",
            (Input::CrmBudget, Lang::En) => "CRM budget and actual cost",
            (Input::CrmBudget, Lang::Zh) => "CRM 预算与实际成本",
        }
    }
}

/// One thing a KPI needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    /// A column of this role in a table of this kind.
    Col(TableKind, Role),
    /// A manual input.
    Input(Input),
    /// A period with a previous period to compare with (not the whole range).
    Comparison,
}

impl Need {
    /// "deals: close date" / "商机表：成交/关闭日期".
    pub fn label(self, lang: Lang) -> String {
        match self {
            Need::Col(kind, role) => format!(
                "{}{}{}",
                kind_label(kind, lang),
                if lang == Lang::Zh { "：" } else { ": " },
                role.label(lang)
            ),
            Need::Input(input) => match lang {
                Lang::En => format!("input: {}", input.label(lang)),
                Lang::Zh => format!("手动输入：{}", input.label(lang)),
            },
            Need::Comparison => match lang {
                Lang::En => {
                    "a month, quarter or year as the period (to compare with the one before)".into()
                }
                Lang::Zh => "选择月、季度或年作为统计周期（以便与上一期比较）".into(),
            },
        }
    }
}

pub fn kind_label(kind: TableKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (TableKind::Deals, Lang::En) => "deals",
        (TableKind::Deals, Lang::Zh) => "商机表",
        (TableKind::Leads, Lang::En) => "leads",
        (TableKind::Leads, Lang::Zh) => "线索表",
        (TableKind::Customers, Lang::En) => "customers",
        (TableKind::Customers, Lang::Zh) => "客户表",
        (TableKind::Orders, Lang::En) => "orders",
        (TableKind::Orders, Lang::Zh) => "订单表",
        (TableKind::Activities, Lang::En) => "activities",
        (TableKind::Activities, Lang::Zh) => "跟进记录表",
        (TableKind::Tickets, Lang::En) => "tickets",
        (TableKind::Tickets, Lang::Zh) => "工单表",
        (TableKind::Surveys, Lang::En) => "surveys",
        (TableKind::Surveys, Lang::Zh) => "满意度调查表",
        (TableKind::Spend, Lang::En) => "spend",
        (TableKind::Spend, Lang::Zh) => "费用表",
        (TableKind::Users, Lang::En) => "users",
        (TableKind::Users, Lang::Zh) => "用户表",
        (TableKind::Unknown, Lang::En) => "table",
        (TableKind::Unknown, Lang::Zh) => "表",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    GrowRevenue,
    WinCustomers,
    KeepCustomers,
    RaiseSatisfaction,
    SalesEfficiency,
    Profitability,
    CrmAdoption,
}

impl Goal {
    pub const ALL: [Goal; 7] = [
        Goal::GrowRevenue,
        Goal::WinCustomers,
        Goal::KeepCustomers,
        Goal::RaiseSatisfaction,
        Goal::SalesEfficiency,
        Goal::Profitability,
        Goal::CrmAdoption,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Goal::GrowRevenue => "grow_revenue",
            Goal::WinCustomers => "win_customers",
            Goal::KeepCustomers => "keep_customers",
            Goal::RaiseSatisfaction => "raise_satisfaction",
            Goal::SalesEfficiency => "sales_efficiency",
            Goal::Profitability => "profitability",
            Goal::CrmAdoption => "crm_adoption",
        }
    }

    pub fn from_id(id: &str) -> Option<Goal> {
        Goal::ALL.into_iter().find(|g| g.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Goal::GrowRevenue, Lang::En) => "Grow revenue",
            (Goal::GrowRevenue, Lang::Zh) => "提高销售额",
            (Goal::WinCustomers, Lang::En) => "Win new customers",
            (Goal::WinCustomers, Lang::Zh) => "获取新客户",
            (Goal::KeepCustomers, Lang::En) => "Keep customers",
            (Goal::KeepCustomers, Lang::Zh) => "提高客户留存",
            (Goal::RaiseSatisfaction, Lang::En) => "Raise satisfaction",
            (Goal::RaiseSatisfaction, Lang::Zh) => "提高满意度",
            (Goal::SalesEfficiency, Lang::En) => "Sales efficiency",
            (Goal::SalesEfficiency, Lang::Zh) => "提升销售效率",
            (Goal::Profitability, Lang::En) => "Profitability",
            (Goal::Profitability, Lang::Zh) => "提升利润",
            (Goal::CrmAdoption, Lang::En) => "CRM adoption and data quality",
            (Goal::CrmAdoption, Lang::Zh) => "CRM 使用与数据质量",
        }
    }

    /// The KPIs that serve this goal, most direct first (catalogue section 4).
    pub fn kpis(self) -> &'static [&'static str] {
        match self {
            Goal::GrowRevenue => &[
                "revenue",
                "revenue_growth",
                "win_rate",
                "average_deal_size",
                "pipeline_value",
                "pipeline_coverage",
                "sales_velocity",
                "quota_attainment",
            ],
            Goal::WinCustomers => &[
                "new_customers",
                "customer_acquisition_rate",
                "lead_conversion_rate",
                "cac",
                "source_win_rate",
                "referral_rate",
            ],
            Goal::KeepCustomers => &[
                "retention_rate",
                "churn_rate",
                "repurchase_rate",
                "renewal_rate",
                "clv",
            ],
            Goal::RaiseSatisfaction => &[
                "csat",
                "nps",
                "complaint_rate",
                "complaint_resolution_in_sla",
                "referral_rate",
            ],
            Goal::SalesEfficiency => &[
                "sales_cycle_days",
                "follow_up_24h_rate",
                "visit_plan_completion",
                "activities_per_rep",
                "win_rate",
                "stale_deal_share",
            ],
            Goal::Profitability => &[
                "profit_margin",
                "average_deal_size",
                "cac",
                "clv_to_cac",
                "cac_payback_months",
            ],
            Goal::CrmAdoption => &[
                "user_activation_rate",
                "user_engagement",
                "data_completeness",
                "duplicate_rate",
                "crm_budget_variance",
            ],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Startup,
    Expansion,
    Mature,
    Small,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Startup,
        Stage::Expansion,
        Stage::Mature,
        Stage::Small,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Stage::Startup => "startup",
            Stage::Expansion => "expansion",
            Stage::Mature => "mature",
            Stage::Small => "small",
        }
    }

    pub fn from_id(id: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Stage::Startup, Lang::En) => "Startup / early",
            (Stage::Startup, Lang::Zh) => "初创期",
            (Stage::Expansion, Lang::En) => "Rapid expansion",
            (Stage::Expansion, Lang::Zh) => "快速扩张期",
            (Stage::Mature, Lang::En) => "Mature",
            (Stage::Mature, Lang::Zh) => "成熟期",
            (Stage::Small, Lang::En) => "Small business",
            (Stage::Small, Lang::Zh) => "小微企业",
        }
    }

    /// The company at this stage, as the reason sentences name it.
    pub fn noun(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Stage::Startup, Lang::En) => "an early-stage company",
            (Stage::Startup, Lang::Zh) => "初创期公司",
            (Stage::Expansion, Lang::En) => "a company in rapid expansion",
            (Stage::Expansion, Lang::Zh) => "快速扩张期公司",
            (Stage::Mature, Lang::En) => "a mature company",
            (Stage::Mature, Lang::Zh) => "成熟期公司",
            (Stage::Small, Lang::En) => "a small business",
            (Stage::Small, Lang::Zh) => "小微企业",
        }
    }

    /// What the stage is about, as the reason sentences say it.
    pub fn focus(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Stage::Startup, Lang::En) => "proving the sales motion",
            (Stage::Startup, Lang::Zh) => "验证销售模式",
            (Stage::Expansion, Lang::En) => "winning customers and market share",
            (Stage::Expansion, Lang::Zh) => "获取客户和市场份额",
            (Stage::Mature, Lang::En) => "satisfaction and lifetime value",
            (Stage::Mature, Lang::Zh) => "客户满意度和生命周期价值",
            (Stage::Small, Lang::En) => "keeping to the essentials",
            (Stage::Small, Lang::Zh) => "只抓最关键的指标",
        }
    }

    /// The stage's focus KPIs, most important first (catalogue section 4).
    pub fn kpis(self) -> &'static [&'static str] {
        match self {
            Stage::Startup => &[
                "lead_conversion_rate",
                "win_rate",
                "sales_cycle_days",
                "follow_up_24h_rate",
                "cac",
                "data_completeness",
            ],
            Stage::Expansion => &[
                "new_customers",
                "customer_acquisition_rate",
                "revenue_growth",
                "lead_conversion_rate",
                "cac",
                "pipeline_coverage",
                "revenue_share_by_rep",
                "new_customers_by_rep",
                "market_share",
            ],
            Stage::Mature => &[
                "retention_rate",
                "churn_rate",
                "clv",
                "csat",
                "nps",
                "repurchase_rate",
                "profit_margin",
                "complaint_rate",
            ],
            Stage::Small => &["cac", "csat", "churn_rate"],
        }
    }
}

/// One KPI definition.
#[derive(Clone, Copy, Debug)]
pub struct KpiDef {
    pub id: &'static str,
    pub name_en: &'static str,
    pub name_zh: &'static str,
    pub category: Category,
    pub tier: Tier,
    pub unit: Unit,
    pub direction: Direction,
    pub formula_en: &'static str,
    pub formula_zh: &'static str,
    /// Any one of these lists, all of its needs met, makes the KPI computable.
    pub requires: &'static [&'static [Need]],
}

impl KpiDef {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.name_en,
            Lang::Zh => self.name_zh,
        }
    }

    pub fn formula(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.formula_en,
            Lang::Zh => self.formula_zh,
        }
    }
}

use Need::{Col, Comparison, Input as In};
use Role as R;
use TableKind as K;

const D_STATUS: Need = Col(K::Deals, R::Status);
const D_CLOSED: Need = Col(K::Deals, R::ClosedAt);
const D_CREATED: Need = Col(K::Deals, R::CreatedAt);
const D_AMOUNT: Need = Col(K::Deals, R::Amount);
const D_CUSTOMER: Need = Col(K::Deals, R::Customer);
const D_OWNER: Need = Col(K::Deals, R::Owner);
const D_SOURCE: Need = Col(K::Deals, R::LeadSource);

macro_rules! kpi {
    ($id:literal, $en:literal, $zh:literal, $cat:ident, $tier:ident, $unit:ident, $dir:ident,
     $fen:literal, $fzh:literal, [$($alt:expr),* $(,)?]) => {
        KpiDef {
            id: $id, name_en: $en, name_zh: $zh, category: Category::$cat, tier: Tier::$tier,
            unit: Unit::$unit, direction: Direction::$dir, formula_en: $fen, formula_zh: $fzh,
            requires: &[$($alt),*],
        }
    };
}

/// Every KPI of the catalogue, in the catalogue's order.
pub static CATALOGUE: &[KpiDef] = &[
    // Acquisition
    kpi!("new_customers", "New customers", "新客户数", Acquisition, Result, Count, HigherIsBetter,
        "Customers whose first won deal (or first order, or acquisition date) falls in the period.",
        "首次赢单（或首次下单、获客日期）落在本周期内的客户数。",
        [&[D_CUSTOMER, D_STATUS, D_CLOSED], &[Col(K::Orders, R::Customer), Col(K::Orders, R::CreatedAt)], &[Col(K::Customers, R::CreatedAt)]]),
    kpi!("customer_acquisition_rate", "Customer acquisition rate", "客户获取率", Acquisition, Result, Ratio, HigherIsBetter,
        "New customers in the period ÷ customers at the start of the period.",
        "本周期新客户数 ÷ 期初客户数。",
        [&[D_CUSTOMER, D_STATUS, D_CLOSED], &[Col(K::Orders, R::Customer), Col(K::Orders, R::CreatedAt)], &[Col(K::Customers, R::CreatedAt)]]),
    kpi!("lead_conversion_rate", "Lead conversion rate", "线索转化率", Acquisition, Process, Ratio, HigherIsBetter,
        "Leads created in the period that converted ÷ leads created in the period.",
        "本周期新建且已转化的线索数 ÷ 本周期新建线索数。",
        [&[Col(K::Leads, R::CreatedAt), Col(K::Leads, R::Status)], &[Col(K::Leads, R::CreatedAt), Col(K::Leads, R::ConvertedAt)]]),
    kpi!("cac", "Customer acquisition cost", "获客成本", Acquisition, Result, Money, LowerIsBetter,
        "Sales and marketing spend in the period ÷ new customers in the period.",
        "本周期销售和营销费用 ÷ 本周期新客户数。",
        [&[In(Input::Spend), D_CUSTOMER, D_STATUS, D_CLOSED], &[Col(K::Spend, R::Amount), D_CUSTOMER, D_STATUS, D_CLOSED]]),
    kpi!("cac_payback_months", "CAC payback", "获客成本回收期", Acquisition, Result, Months, LowerIsBetter,
        "CAC ÷ (average monthly revenue per new customer × gross margin).",
        "获客成本 ÷（新客户月均收入 × 毛利率）。",
        [&[In(Input::Spend), D_CUSTOMER, D_STATUS, D_CLOSED, D_AMOUNT, Col(K::Deals, R::Cost)]]),
    kpi!("market_share", "Market share", "市场占有率", Acquisition, Result, Ratio, HigherIsBetter,
        "Revenue in the period ÷ market size.",
        "本周期销售额 ÷ 市场规模。",
        [&[In(Input::MarketSize), D_AMOUNT, D_STATUS]]),
    kpi!("source_win_rate", "Win rate by lead source", "渠道转化率", Acquisition, Process, Ratio, HigherIsBetter,
        "Win rate (won ÷ won + lost, closed in the period) per lead source.",
        "按来源渠道统计的赢单率（本周期赢单 ÷ 赢单 + 输单）。",
        [&[D_SOURCE, D_STATUS]]),
    // Sales process
    kpi!("win_rate", "Opportunity win rate", "销售机会转化率（赢单率）", SalesProcess, Process, Ratio, HigherIsBetter,
        "Deals won in the period ÷ deals closed (won + lost) in the period.",
        "本周期赢单数 ÷ 本周期关闭（赢单 + 输单）的商机数。",
        [&[D_STATUS]]),
    kpi!("sales_cycle_days", "Sales cycle length", "销售周期", SalesProcess, Process, Days, LowerIsBetter,
        "Median (and mean) days from creation to close of the deals won in the period.",
        "本周期赢单商机从创建到成交天数的中位数（及平均数）。",
        [&[D_CREATED, D_CLOSED, D_STATUS]]),
    kpi!("average_deal_size", "Average deal size", "平均成交金额", SalesProcess, Result, Money, HigherIsBetter,
        "Won amount ÷ won deals with an amount, in the period.",
        "本周期赢单金额 ÷ 有金额的赢单数。",
        [&[D_AMOUNT, D_STATUS]]),
    kpi!("pipeline_value", "Open pipeline", "在途商机金额", SalesProcess, Process, Money, HigherIsBetter,
        "Sum of amounts of the deals open at the end of the period (also weighted by probability where known).",
        "期末仍在进行中的商机金额合计（有赢率时另算加权金额）。",
        [&[D_AMOUNT, D_STATUS]]),
    kpi!("pipeline_coverage", "Pipeline coverage", "商机覆盖率", SalesProcess, Process, Number, HigherIsBetter,
        "Open pipeline ÷ the revenue target still to reach.",
        "在途商机金额 ÷ 剩余销售目标。",
        [&[D_AMOUNT, D_STATUS, In(Input::RevenueTarget)]]),
    kpi!("sales_velocity", "Sales velocity", "销售速度", SalesProcess, Process, MoneyPerDay, HigherIsBetter,
        "Open deals × win rate × average deal size ÷ sales cycle days.",
        "在途商机数 × 赢单率 × 平均成交金额 ÷ 销售周期天数。",
        [&[D_AMOUNT, D_STATUS, D_CREATED, D_CLOSED]]),
    kpi!("stage_funnel", "Stage funnel", "销售漏斗", SalesProcess, Process, Count, HigherIsBetter,
        "Count and amount of deals per stage, in stage order.",
        "按阶段顺序统计每个阶段的商机数和金额。",
        [&[Col(K::Deals, R::Stage)]]),
    kpi!("follow_up_24h_rate", "Follow-up within 24 h", "客户跟进及时率", SalesProcess, Basic, Ratio, HigherIsBetter,
        "Leads whose first contact came within 24 hours of creation ÷ leads created in the period.",
        "创建后 24 小时内首次跟进的线索数 ÷ 本周期新建线索数。",
        [&[Col(K::Leads, R::CreatedAt), Col(K::Leads, R::FirstContactAt)], &[Col(K::Leads, R::CreatedAt), Col(K::Activities, R::CreatedAt)]]),
    kpi!("visit_plan_completion", "Visit plan completion", "客户拜访计划完成率", SalesProcess, Process, Ratio, HigherIsBetter,
        "Activities done ÷ activities planned, in the period.",
        "本周期已完成的拜访/跟进 ÷ 计划的拜访/跟进。",
        [&[Col(K::Activities, R::Status)]]),
    kpi!("activities_per_rep", "Activities per rep", "人均跟进次数", SalesProcess, Process, Number, HigherIsBetter,
        "Activities in the period ÷ reps with any activity.",
        "本周期跟进记录数 ÷ 有跟进的销售人数。",
        [&[Col(K::Activities, R::Owner), Col(K::Activities, R::CreatedAt)]]),
    kpi!("stale_deal_share", "Stale open deals", "停滞商机占比", SalesProcess, Basic, Ratio, LowerIsBetter,
        "Open deals with no update or activity for more than 30 days ÷ open deals.",
        "超过 30 天没有更新或跟进的在途商机 ÷ 在途商机数。",
        [&[D_STATUS, Col(K::Deals, R::UpdatedAt)], &[D_STATUS, Col(K::Deals, R::LastActivityAt)]]),
    // Sales results
    kpi!("revenue", "Revenue", "销售额", SalesResults, Result, Money, HigherIsBetter,
        "Won amount (or paid order amount) in the period.",
        "本周期赢单金额（或已付款订单金额）。",
        [&[D_AMOUNT, D_STATUS], &[Col(K::Orders, R::Amount)]]),
    kpi!("revenue_growth", "Revenue growth", "销售增长率", SalesResults, Result, Ratio, HigherIsBetter,
        "(Revenue this period − previous period) ÷ previous period.",
        "（本期销售额 − 上期销售额）÷ 上期销售额。",
        [&[D_AMOUNT, D_STATUS, D_CLOSED, Comparison], &[Col(K::Orders, R::Amount), Comparison]]),
    kpi!("profit_margin", "Sales profit margin", "销售利润率", SalesResults, Result, Ratio, HigherIsBetter,
        "(Won revenue − cost) ÷ won revenue, in the period.",
        "（本周期赢单金额 − 成本）÷ 赢单金额。",
        [&[D_AMOUNT, D_STATUS, Col(K::Deals, R::Cost)], &[Col(K::Orders, R::Amount), Col(K::Orders, R::Cost)]]),
    kpi!("quota_attainment", "Target attainment", "目标完成率", SalesResults, Result, Ratio, HigherIsBetter,
        "Revenue ÷ revenue target, in total and per rep.",
        "销售额 ÷ 销售目标（总体及每人）。",
        [&[D_AMOUNT, D_STATUS, In(Input::RevenueTarget)]]),
    kpi!("revenue_share_by_rep", "Revenue share per rep", "个人销售额占比", SalesResults, Result, Ratio, HigherIsBetter,
        "Each rep's won revenue ÷ total won revenue (the value shown is the top rep's share).",
        "每位销售的赢单金额 ÷ 总赢单金额（卡片显示最高者的占比）。",
        [&[D_OWNER, D_AMOUNT, D_STATUS]]),
    kpi!("new_customers_by_rep", "New customers per rep", "个人新客户开发数", SalesResults, Result, Count, HigherIsBetter,
        "New customers attributed to the rep who won their first deal.",
        "按首个赢单商机的负责人统计的新客户数。",
        [&[D_OWNER, D_CUSTOMER, D_STATUS, D_CLOSED]]),
    // Retention and value
    kpi!("retention_rate", "Customer retention rate", "客户保留率", Retention, Result, Ratio, HigherIsBetter,
        "(Customers at the end − new customers in the period) ÷ customers at the start.",
        "（期末客户数 − 本周期新客户数）÷ 期初客户数。",
        [&[Col(K::Customers, R::CreatedAt), Col(K::Customers, R::ChurnedAt)], &[Col(K::Orders, R::Customer), Col(K::Orders, R::CreatedAt), In(Input::ChurnWindow)]]),
    kpi!("churn_rate", "Churn rate", "客户流失率", Retention, Result, Ratio, LowerIsBetter,
        "Customers lost in the period ÷ customers at the start.",
        "本周期流失客户数 ÷ 期初客户数。",
        [&[Col(K::Customers, R::CreatedAt), Col(K::Customers, R::ChurnedAt)], &[Col(K::Orders, R::Customer), Col(K::Orders, R::CreatedAt), In(Input::ChurnWindow)]]),
    kpi!("repurchase_rate", "Repurchase rate", "复购率", Retention, Result, Ratio, HigherIsBetter,
        "Customers with two or more orders ÷ customers with at least one order, in the window.",
        "下单两次及以上的客户数 ÷ 有下单的客户数。",
        [&[Col(K::Orders, R::Customer), Col(K::Orders, R::CreatedAt)]]),
    kpi!("average_order_value", "Average order value", "客户平均订单金额", Retention, Result, Money, HigherIsBetter,
        "Order revenue ÷ order count.",
        "订单金额 ÷ 订单数。",
        [&[Col(K::Orders, R::Amount)]]),
    kpi!("clv", "Customer lifetime value", "客户生命周期价值", Retention, Result, Money, HigherIsBetter,
        "Average order value × purchases per customer per year × expected lifetime in years (1 ÷ annual churn), times gross margin where cost is known.",
        "平均订单金额 × 每客户每年购买次数 × 预期生命周期年数（1 ÷ 年流失率），有成本时再乘毛利率。",
        [&[Col(K::Orders, R::Customer), Col(K::Orders, R::CreatedAt), Col(K::Orders, R::Amount), In(Input::ChurnWindow)]]),
    kpi!("clv_to_cac", "CLV : CAC", "客户价值与获客成本比", Retention, Result, Number, HigherIsBetter,
        "Customer lifetime value ÷ customer acquisition cost.",
        "客户生命周期价值 ÷ 获客成本。",
        [&[Col(K::Orders, R::Customer), Col(K::Orders, R::CreatedAt), Col(K::Orders, R::Amount), In(Input::ChurnWindow), In(Input::Spend)]]),
    kpi!("renewal_rate", "Renewal rate", "续约率", Retention, Result, Ratio, HigherIsBetter,
        "Renewal deals won ÷ renewal deals closed, in the period.",
        "本周期续约商机赢单数 ÷ 已关闭的续约商机数。",
        [&[Col(K::Deals, R::DealType), D_STATUS]]),
    // Satisfaction and service
    kpi!("csat", "Customer satisfaction", "客户满意度", Satisfaction, Result, Ratio, HigherIsBetter,
        "Share of responses in the top two boxes (4–5 of 5, or 9–10 of 10), with the mean score.",
        "评分在最高两档（5 分制 4–5 分，10 分制 9–10 分）的回答占比，并给出平均分。",
        [&[Col(K::Surveys, R::Satisfaction)], &[Col(K::Tickets, R::Satisfaction)]]),
    kpi!("nps", "Net promoter score", "净推荐值", Satisfaction, Result, Number, HigherIsBetter,
        "% promoters (9–10) − % detractors (0–6), from −100 to 100.",
        "推荐者（9–10 分）占比 − 贬损者（0–6 分）占比，范围 −100 到 100。",
        [&[Col(K::Surveys, R::NpsScore)]]),
    kpi!("complaint_rate", "Complaint rate", "客户投诉率", Satisfaction, Result, Ratio, LowerIsBetter,
        "Complaints in the period ÷ active customers (or ÷ orders; the base is shown).",
        "本周期投诉数 ÷ 活跃客户数（或 ÷ 订单数，注明口径）。",
        [&[Col(K::Tickets, R::TicketType), Col(K::Tickets, R::CreatedAt)]]),
    kpi!("complaint_resolution_in_sla", "Complaints handled in time", "投诉处理及时率", Satisfaction, Process, Ratio, HigherIsBetter,
        "Complaints resolved within the SLA hours (default 48) ÷ complaints created in the period.",
        "在时限（默认 48 小时）内解决的投诉数 ÷ 本周期新建投诉数。",
        [&[Col(K::Tickets, R::CreatedAt), Col(K::Tickets, R::ResolvedAt)]]),
    kpi!("referral_rate", "Referral rate", "客户推荐率", Satisfaction, Result, Ratio, HigherIsBetter,
        "New customers whose lead source is a referral ÷ new customers.",
        "来源为转介绍的新客户数 ÷ 新客户数。",
        [&[D_SOURCE, D_CUSTOMER, D_STATUS, D_CLOSED], &[Col(K::Leads, R::LeadSource), Col(K::Leads, R::Status)]]),
    // CRM usage and data quality
    kpi!("data_completeness", "Data completeness", "客户信息完整率", CrmUsage, Basic, Ratio, HigherIsBetter,
        "Filled cells ÷ cells, over the fields the table's kind requires (per field and overall).",
        "按表类型要求的字段统计：已填单元格 ÷ 应填单元格（分字段及总体）。",
        [&[Col(K::Deals, R::Name)], &[D_AMOUNT], &[D_STATUS], &[Col(K::Customers, R::Name)], &[Col(K::Leads, R::CreatedAt)]]),
    kpi!("duplicate_rate", "Duplicate records", "重复记录率", CrmUsage, Basic, Ratio, LowerIsBetter,
        "Records that repeat another on normalised name, email or phone ÷ records.",
        "按规范化的名称、邮箱或电话与其他记录重复的记录数 ÷ 记录总数。",
        [&[Col(K::Customers, R::Name)], &[Col(K::Leads, R::Name)]]),
    kpi!("user_activation_rate", "CRM user activation", "用户激活率", CrmUsage, Basic, Ratio, HigherIsBetter,
        "Users who created or updated any record in the period ÷ licensed users.",
        "本周期有新建或更新记录的用户数 ÷ 已开通账号数。",
        [&[D_OWNER, In(Input::Licences)], &[Col(K::Users, R::LastLogin)]]),
    kpi!("user_engagement", "CRM engagement", "用户参与度", CrmUsage, Basic, Number, HigherIsBetter,
        "Records created per active user per week, in the period.",
        "本周期每位活跃用户每周新建的记录数。",
        [&[D_OWNER, D_CREATED]]),
    kpi!("crm_budget_variance", "CRM project cost vs budget", "实施成本偏差", CrmUsage, Basic, Ratio, LowerIsBetter,
        "(Actual cost − budget) ÷ budget.",
        "（实际成本 − 预算）÷ 预算。",
        [&[In(Input::CrmBudget)]]),
];

/// The definition of a KPI id.
pub fn get(id: &str) -> Option<&'static KpiDef> {
    CATALOGUE.iter().find(|k| k.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_tiers_id_is_its_name_in_json() {
        for (tier, json) in [
            (Tier::Basic, "\"basic\""),
            (Tier::Process, "\"process\""),
            (Tier::Result, "\"result\""),
        ] {
            assert_eq!(serde_json::to_string(&tier).unwrap(), json);
            assert_eq!(format!("\"{}\"", tier.id()), json);
        }
    }

    #[test]
    fn an_inputs_id_is_its_name_in_json() {
        for input in Input::ALL {
            let json = serde_json::to_string(&input).unwrap();
            assert_eq!(json, format!("\"{}\"", input.id()));
        }
    }

    #[test]
    fn catalogue_is_whole_and_consistent() {
        assert_eq!(CATALOGUE.len(), 41, "the catalogue has 41 KPIs");
        let ids: HashSet<_> = CATALOGUE.iter().map(|k| k.id).collect();
        assert_eq!(ids.len(), CATALOGUE.len(), "ids are unique");
        for goal in Goal::ALL {
            for id in goal.kpis() {
                assert!(ids.contains(id), "goal {goal:?} names unknown KPI {id}");
            }
        }
        for stage in Stage::ALL {
            for id in stage.kpis() {
                assert!(ids.contains(id), "stage {stage:?} names unknown KPI {id}");
            }
        }
        for k in CATALOGUE {
            assert!(!k.requires.is_empty(), "{} has requirements", k.id);
            assert!(
                k.formula_en.ends_with('.') && k.formula_zh.ends_with('。'),
                "{} formulas",
                k.id
            );
            assert_ne!(k.name_en, k.name_zh);
        }
    }
}

//! What a table is and what its columns mean: table kinds, column roles, and the mapping
//! suggested from headers in English and Chinese across the common CRM vendors.
//!
//! Mapping happens in two phases (see ARCHITECTURE.md): [`suggest_mapping`] proposes a role
//! per column from its header, the user may override any of it, and the dataset then
//! resolves the final mapping against the values.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of a table, detected from its headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Deals,
    Leads,
    Customers,
    Orders,
    Activities,
    Tickets,
    Surveys,
    Spend,
    Users,
    Unknown,
}

impl TableKind {
    pub fn id(self) -> &'static str {
        match self {
            TableKind::Deals => "deals",
            TableKind::Leads => "leads",
            TableKind::Customers => "customers",
            TableKind::Orders => "orders",
            TableKind::Activities => "activities",
            TableKind::Tickets => "tickets",
            TableKind::Surveys => "surveys",
            TableKind::Spend => "spend",
            TableKind::Users => "users",
            TableKind::Unknown => "unknown",
        }
    }
}

macro_rules! roles {
    ($($variant:ident => $id:literal, $en:literal, $zh:literal;)*) => {
        /// What a column means. One enum for every table kind; the catalogue's requirements
        /// name a kind and a role.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        #[serde(rename_all = "snake_case")]
        pub enum Role { $($variant,)* }

        impl Role {
            pub const ALL: &'static [Role] = &[$(Role::$variant,)*];
            /// The stable id used in JSON and in the mapping editor.
            pub fn id(self) -> &'static str { match self { $(Role::$variant => $id,)* } }
            /// A short label for people, in English and Chinese.
            pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
                match (self, lang) {
                    $((Role::$variant, crate::i18n::Lang::En) => $en,
                      (Role::$variant, crate::i18n::Lang::Zh) => $zh,)*
                }
            }
            pub fn from_id(id: &str) -> Option<Role> {
                match id { $($id => Some(Role::$variant),)* _ => None }
            }
        }
    };
}

roles! {
    RecordId => "record_id", "record id", "记录编号";
    Name => "name", "name", "名称";
    Customer => "customer", "customer", "客户";
    Amount => "amount", "amount", "金额";
    Currency => "currency", "currency", "币种";
    Stage => "stage", "stage", "阶段";
    Status => "status", "status", "状态";
    WonFlag => "won_flag", "won (yes/no)", "是否赢单";
    ClosedFlag => "closed_flag", "closed (yes/no)", "是否关闭";
    Probability => "probability", "probability", "赢率";
    CreatedAt => "created_at", "created date", "创建时间";
    ClosedAt => "closed_at", "close date", "成交/关闭日期";
    ExpectedCloseAt => "expected_close_at", "expected close date", "预计成交日期";
    WonAt => "won_at", "won date", "赢单时间";
    LostAt => "lost_at", "lost date", "输单时间";
    UpdatedAt => "updated_at", "last update", "更新时间";
    LastActivityAt => "last_activity_at", "last activity", "最后跟进时间";
    Owner => "owner", "owner (rep)", "负责人";
    Team => "team", "team", "团队/部门";
    LeadSource => "lead_source", "lead source", "来源渠道";
    DealType => "deal_type", "deal type", "商机类型";
    Cost => "cost", "cost", "成本";
    Product => "product", "product", "产品";
    Region => "region", "region", "地区";
    Segment => "segment", "segment", "客户级别";
    Industry => "industry", "industry", "行业";
    Pipeline => "pipeline", "pipeline", "销售流程";
    LostReason => "lost_reason", "lost reason", "输单原因";
    ConvertedAt => "converted_at", "converted date", "转化时间";
    FirstContactAt => "first_contact_at", "first contact", "首次联系时间";
    ChurnedAt => "churned_at", "churn date", "流失日期";
    Email => "email", "email", "邮箱";
    Phone => "phone", "phone", "电话";
    ActivityType => "activity_type", "activity type", "跟进方式";
    PlannedAt => "planned_at", "planned date", "计划时间";
    ResolvedAt => "resolved_at", "resolved date", "解决时间";
    TicketType => "ticket_type", "ticket type", "工单类型";
    Satisfaction => "satisfaction", "satisfaction", "满意度";
    NpsScore => "nps_score", "NPS score", "NPS 评分";
    Channel => "channel", "channel", "渠道";
    LastLogin => "last_login", "last login", "最后登录";
    Quantity => "quantity", "quantity", "数量";
    UnitPrice => "unit_price", "unit price", "单价";
    ChurnFlag => "churn_flag", "churned (yes/no)", "是否流失";
    TenureMonths => "tenure_months", "tenure (months)", "在网时长（月）";
    RecurringRevenue => "recurring_revenue", "monthly recurring revenue", "月经常性收入";
    ContractType => "contract_type", "contract type", "合同类型";
    Priority => "priority", "priority", "优先级";
    ActiveFlag => "active_flag", "active (yes/no)", "是否启用";
    Subject => "subject", "subject / content", "主题/内容";
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Normalise a header for matching: lower case, no `*` required-field marks, no vendor
/// entity prefix (`Deal - `), and runs of spaces, `_`, `-`, `.`, `/`, `()` folded to one space.
pub fn normalize_header(header: &str) -> String {
    let h = header.trim().trim_matches('*').trim();
    let lower = crate::engine::case::lower(h);
    let without_entity = ["deal - ", "opportunity - ", "obchod - ", "商机 - "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let mut out = String::with_capacity(without_entity.len());
    let mut space = false;
    for c in without_entity.chars() {
        if crate::engine::case::is_word_char(c) || c == '%' {
            if space && !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
            space = false;
        } else {
            space = true;
        }
    }
    out
}

/// Exact header synonyms (after [`normalize_header`]) per role, for deal exports of HubSpot,
/// Salesforce (labels and API names), Pipedrive, Zoho, Odoo, Dynamics, SuiteCRM, Fxiaoke,
/// WukongCRM, and the Maven sample. Earlier entries win when a table has several candidates.
const SYNONYMS: &[(Role, &[&str])] = &[
    (
        Role::RecordId,
        &[
            "record id",
            "deal id",
            "id",
            "opportunity id",
            "opportunity id 18",
            "opportunity id",
            "opportunityid",
            "hs object id",
            "商机编号",
            "商机id",
            "编号",
            "pipedrive system id",
            "opportunityid",
            "invoiceno",
            "invoice no",
            "invoice number",
            "order id",
            "order number",
            "合同编号",
            "回款编号",
            "回访编号",
            "工单编号",
            "ticket id",
            "case number",
            "casenumber",
            "lead id",
            "线索编号",
            "客户编号",
        ],
    ),
    (
        Role::Name,
        &[
            "deal name",
            "deal",
            "dealname",
            "opportunity name",
            "name",
            "title",
            "deal title",
            "opportunity",
            "topic",
            "商机名称",
            "名称",
            "nadpis",
            "název",
            "线索名称",
            "合同名称",
            "姓名",
            "lead name",
            "user name",
            "username",
            "用户名",
            "用户名称",
            "full name",
        ],
    ),
    (
        Role::Customer,
        &[
            "associated company",
            "account name",
            "account",
            "company",
            "company name",
            "customer",
            "customer name",
            "organization",
            "organisation",
            "organization name",
            "accountid",
            "account id",
            "partner id",
            "partner name",
            "客户名称",
            "客户",
            "所属客户",
            "公司名称",
            "customerid",
            "parentaccountid",
            "account name name",
        ],
    ),
    (
        Role::Amount,
        &[
            "amount",
            "deal amount",
            "value",
            "deal value",
            "close value",
            "total amount",
            "opportunity amount",
            "amount converted",
            "商机金额",
            "金额",
            "成交金额",
            "estimatedvalue",
            "estimated value",
            "actualvalue",
            "expected revenue",
            "expected_revenue",
            "expectedrevenue",
            "revenue",
            "hodnota",
            "deal size",
            "合同金额",
            "回款金额",
            "开票金额",
            "total charges",
            "totalcharges",
            "order amount",
            "invoice amount",
            "payment amount",
            "spend",
            "费用",
            "花费",
        ],
    ),
    (
        Role::Currency,
        &[
            "currency",
            "currency of value",
            "deal currency",
            "total amount currency",
            "opportunity currency",
            "currencyisocode",
            "amount currency",
            "币种",
            "货币",
            "měna hodnoty",
        ],
    ),
    (
        Role::Stage,
        &[
            "deal stage",
            "dealstage",
            "stage",
            "stagename",
            "stage name",
            "sales stage",
            "deal stage name",
            "stage id",
            "stage pipeline",
            "商机阶段",
            "阶段",
            "销售阶段",
            "fáze",
        ],
    ),
    (
        Role::Status,
        &[
            "status",
            "deal status",
            "won status",
            "is won",
            "outcome",
            "result",
            "statecode",
            "state code",
            "商机状态",
            "状态",
            "输赢",
            "stav",
            "leads status",
            "lead status",
            "sales status",
            "线索状态",
        ],
    ),
    (
        Role::WonFlag,
        &["iswon", "hs is closed won", "won flag", "是否赢单"],
    ),
    (
        Role::ClosedFlag,
        &[
            "isclosed",
            "is closed",
            "hs is closed",
            "closed",
            "是否关闭",
        ],
    ),
    (
        Role::Probability,
        &[
            "probability",
            "probability %",
            "deal probability",
            "closeprobability",
            "close probability",
            "赢率",
            "成交概率",
            "可能性",
        ],
    ),
    (
        Role::CreatedAt,
        &[
            "response date",
            "survey date",
            "submitted at",
            "submission date",
            "回访时间",
            "提交时间",
            "month",
            "月份",
            "create date",
            "createdate",
            "created date",
            "createddate",
            "created",
            "created on",
            "created at",
            "created time",
            "deal created",
            "deal created on",
            "add time",
            "engage date",
            "创建时间",
            "创建日期",
            "create time",
            "date created",
            "creation date",
            "createdon",
            "invoicedate",
            "invoice date",
            "order date",
            "下单时间",
            "跟进时间",
            "回访时间",
            "回款日期",
            "开票日期",
            "date",
            "日期",
            "first purchase date",
        ],
    ),
    (
        Role::ClosedAt,
        &[
            "close date",
            "closedate",
            "closed date",
            "date closed",
            "closed on",
            "close time",
            "actual close date",
            "actualclosedate",
            "closing date",
            "成交日期",
            "成交时间",
            "关闭日期",
            "关闭时间",
            "赢单日期",
            "结单日期",
            "结单时间",
            "实际结单日期",
            "实际成交日期",
            "成单日期",
            "成单时间",
            "签单日期",
            "签约日期",
            "uzavřeno dne",
            "date closed",
            "closed at",
            "close",
        ],
    ),
    (
        Role::ExpectedCloseAt,
        &[
            "expected close date",
            "expected closing",
            "expected closing date",
            "date deadline",
            "estimatedclosedate",
            "estimated close date",
            "预计成交日期",
            "预计成交时间",
            "预计结单日期",
            "预计签约日期",
            "预计签单日期",
            "预计成单日期",
        ],
    ),
    (
        Role::WonAt,
        &["won time", "won date", "won on", "赢单时间", "datum výhry"],
    ),
    (
        Role::LostAt,
        &[
            "lost time",
            "lost date",
            "lost on",
            "输单时间",
            "datum prohry",
        ],
    ),
    (
        Role::UpdatedAt,
        &[
            "update time",
            "updated at",
            "last modified date",
            "lastmodifieddate",
            "modified time",
            "last stage update",
            "更新时间",
            "最后修改时间",
            "modifiedon",
            "last modified time",
        ],
    ),
    (
        Role::LastActivityAt,
        &[
            "last activity date",
            "last activity",
            "lastactivitydate",
            "最后跟进时间",
            "last contacted",
            "last follow time",
        ],
    ),
    (
        Role::Owner,
        &[
            "deal owner",
            "owner",
            "opportunity owner",
            "sales agent",
            "salesperson",
            "sales person",
            "sales rep",
            "rep",
            "assigned to",
            "assigned user name",
            "assigned user",
            "user id",
            "user",
            "ownerid",
            "owner id",
            "owner name",
            "hubspot owner id",
            "负责人",
            "销售",
            "销售人员",
            "销售代表",
            "所属员工",
            "vlastník",
            "跟进人",
            "回访人",
            "处理人",
            "assigned user name",
            "assignee",
        ],
    ),
    (
        Role::Team,
        &[
            "team",
            "sales team",
            "team id",
            "所属部门",
            "部门",
            "销售团队",
            "owning team",
            "owner department",
            "department",
            "负责人所在部门",
            // A rep's manager names the team (Maven's sales teams: agent, manager, office).
            "manager",
        ],
    ),
    (
        Role::LeadSource,
        &[
            "lead source",
            "leadsource",
            "source",
            "deal source",
            "original source",
            "客户来源",
            "线索来源",
            "来源",
            "商机来源",
            "campaign source",
        ],
    ),
    (
        Role::DealType,
        &[
            "deal type",
            "dealtype",
            "opportunity type",
            "type",
            "商机类型",
            "业务类型",
            "typ",
        ],
    ),
    (
        Role::Cost,
        &[
            "cost",
            "costs",
            "total cost",
            "cost of sales",
            "成本",
            "成本金额",
        ],
    ),
    (
        Role::Product,
        &[
            "product",
            "products",
            "associated product",
            "product name",
            "产品",
            "产品名称",
        ],
    ),
    (
        Role::Region,
        &[
            "region",
            "territory",
            "territory region",
            "country",
            "country region",
            "regional office",
            "office location",
            "地区",
            "区域",
            "国家",
        ],
    ),
    (
        Role::Segment,
        &[
            "segment",
            "customer segment",
            "客户级别",
            "客户等级",
            "tier",
        ],
    ),
    (Role::Industry, &["industry", "sector", "客户行业", "行业"]),
    (
        Role::Pipeline,
        &[
            "pipeline",
            "deal pipeline",
            "sales pipeline",
            "商机状态组",
            "销售流程",
        ],
    ),
    (
        Role::LostReason,
        &[
            "lost reason",
            "loss reason",
            "reason lost",
            "lost reason id",
            "输单原因",
            "důvod prohry",
            "close reason",
            "线索无效原因",
        ],
    ),
    (
        Role::ConvertedAt,
        &[
            "converted date",
            "converteddate",
            "conversion date",
            "date conversion",
            "transform time",
            "转换时间",
            "转化时间",
        ],
    ),
    (
        Role::FirstContactAt,
        &[
            "first contact",
            "first contact date",
            "first contact time",
            "first contacted",
            "首次跟进时间",
            "首次联系时间",
            "first touch date",
        ],
    ),
    (
        Role::ChurnedAt,
        &[
            "churn date",
            "churned date",
            "churned at",
            "cancel date",
            "cancellation date",
            "流失日期",
            "流失时间",
        ],
    ),
    (
        Role::ActivityType,
        &[
            "activity type",
            "activity - type",
            "task subtype",
            "tasksubtype",
            "跟进方式",
            "回访形式",
            "拜访方式",
        ],
    ),
    (
        Role::PlannedAt,
        &[
            "due date",
            "activitydate",
            "activity date",
            "planned date",
            "下次联系时间",
            "计划时间",
        ],
    ),
    (
        Role::ResolvedAt,
        &[
            "resolved date",
            "resolved time",
            "resolved",
            "解决日期",
            "resolved at",
            "resolution date",
            "closeddate",
            "解决时间",
            "处理完成时间",
        ],
    ),
    (
        Role::TicketType,
        &[
            "ticket type",
            "case type",
            "complaint type",
            "工单类型",
            "投诉类型",
            "问题类型",
        ],
    ),
    (
        Role::Satisfaction,
        &[
            "satisfaction",
            "csat",
            "csat score",
            "customer satisfaction",
            "客户满意度",
            "满意度",
        ],
    ),
    (
        Role::NpsScore,
        &[
            "nps",
            "nps score",
            "likelihood to recommend",
            "推荐意愿",
            "nps评分",
        ],
    ),
    (
        Role::Channel,
        &["channel", "marketing channel", "渠道", "投放渠道"],
    ),
    (
        Role::LastLogin,
        &[
            "last login",
            "last login date",
            "lastlogindate",
            "最后登录时间",
            "最近登录时间",
        ],
    ),
    (
        Role::Quantity,
        &["quantity", "qty", "units", "数量", "购买数量"],
    ),
    (
        Role::UnitPrice,
        &[
            "unit price",
            "unitprice",
            "price",
            "sales price",
            "list price",
            "单价",
            "销售单价",
        ],
    ),
    (
        Role::ChurnFlag,
        &[
            "churn",
            "churned",
            "is churned",
            "churn label",
            "是否流失",
            "流失",
        ],
    ),
    (
        Role::TenureMonths,
        &["tenure", "tenure months", "在网时长", "在网月数"],
    ),
    (
        Role::RecurringRevenue,
        &[
            "monthly charges",
            "monthlycharges",
            "mrr",
            "monthly recurring revenue",
            "expected mrr",
            "recurring revenue monthly",
            "月费",
            "月收入",
        ],
    ),
    (
        Role::ContractType,
        &[
            "contract",
            "contract type",
            "plan",
            "subscription plan",
            "合同类型",
            "套餐",
        ],
    ),
    (Role::Priority, &["priority", "优先级", "紧急程度"]),
    (
        Role::ActiveFlag,
        &[
            "active",
            "is active",
            "isactive",
            "enabled",
            "是否启用",
            "在职",
        ],
    ),
    (
        Role::Subject,
        &[
            "subject",
            "activity - subject",
            "跟进内容",
            "回访内容",
            "客户反馈",
            "description",
            "content",
        ],
    ),
    (Role::Email, &["email", "e mail", "邮箱", "电子邮件"]),
    (
        Role::Phone,
        &["phone", "phone number", "mobile", "手机", "电话"],
    ),
];

/// A column's suggested role and how sure the suggestion is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub role: Role,
    /// 100 for an exact synonym, lower for a word inside the header.
    pub score: u8,
}

/// Headers that merely contain one of these words (after exact synonyms fail) still get a role.
const CONTAINS: &[(&str, Role)] = &[
    ("金额", Role::Amount),
    ("amount", Role::Amount),
    ("创建", Role::CreatedAt),
    ("负责人", Role::Owner),
    ("owner", Role::Owner),
    ("stage", Role::Stage),
    ("阶段", Role::Stage),
    ("来源", Role::LeadSource),
    ("source", Role::LeadSource),
    ("客户", Role::Customer),
    ("account", Role::Customer),
    ("company", Role::Customer),
    ("product", Role::Product),
    ("产品", Role::Product),
    ("region", Role::Region),
];

/// Suggest a role for one header, if any.
pub fn suggest_role(header: &str) -> Option<Suggestion> {
    // A figure's unit is not part of the name: `Cost (K)` is a cost.
    let header = &header[..header_unit(header).map_or(header.len(), |(_, at)| at)];
    let h = normalize_header(header);
    if h.is_empty() {
        return None;
    }
    // Zoho backups repeat lookups as `<Lookup>.id`; those ids are not the lookup itself.
    if header.trim().ends_with(".id") && h.contains(' ') {
        return None;
    }
    for (role, names) in SYNONYMS {
        if let Some(pos) = names.iter().position(|n| *n == h) {
            // Earlier synonyms are the more specific ones: keep the order as a tie-breaker.
            return Some(Suggestion {
                role: *role,
                score: 100u8.saturating_sub(pos as u8),
            });
        }
    }
    // An id column of something (`JigsawCompanyId`) is not that thing.
    if h.ends_with("id") || h.ends_with(" id") {
        return None;
    }
    CONTAINS
        .iter()
        .find(|(word, _)| h.contains(word))
        .map(|(_, role)| Suggestion {
            role: *role,
            score: 40,
        })
}

/// The unit a header gives its column's figures in, after the name in brackets or a slash:
/// `金额(万元)`, `金额/万元` 10,000; `金额(亿元)` 100 million; `金额(百万元)`, `Amount (M)`,
/// `Amount ($MM)`, `Amount (in millions)` a million; `Amount (K)`, `Amount ($000)`,
/// `Amount ($000s)`, `Value (£'000)`, `Cost (in thousands)` 1,000. How many plain units one
/// figure stands for, and where the name ends.
pub fn header_unit(header: &str) -> Option<(f64, usize)> {
    let at = header.rfind(['(', '（', '/'])?;
    // Brackets, spaces and currency signs around the unit: `($000)`, `(£'000)`, `（¥万元）`.
    let unit = header[at..].trim_matches(|c: char| {
        matches!(c, '（' | '）') || !c.is_ascii_alphanumeric() && c < '\u{3000}'
    });
    UNITS
        .iter()
        .find(|(u, _)| u.eq_ignore_ascii_case(unit))
        .map(|&(_, scale)| (scale, at))
}

/// The units of [`header_unit`], as written after a figure's name.
const UNITS: [(&str, f64); 16] = [
    ("万元", 1e4),
    ("万", 1e4),
    ("亿元", 1e8),
    ("亿", 1e8),
    ("百万元", 1e6),
    ("百万", 1e6),
    ("千元", 1e3),
    ("k", 1e3),
    ("000", 1e3),
    ("000s", 1e3),
    ("mm", 1e6),
    ("thousands", 1e3),
    ("in thousands", 1e3),
    ("m", 1e6),
    ("millions", 1e6),
    ("in millions", 1e6),
];

/// Suggest one role per column: each role goes to its best-scoring column (the first on ties).
///
/// ```
/// use crm_kpi::engine::schema::{suggest_mapping, Role};
/// let m = suggest_mapping(&["Deal Name".into(), "Amount".into(), "Expected Revenue".into()]);
/// assert_eq!(m, vec![Some(Role::Name), Some(Role::Amount), None]);
/// ```
pub fn suggest_mapping(headers: &[String]) -> Vec<Option<Role>> {
    let suggestions: Vec<Option<Suggestion>> = headers.iter().map(|h| suggest_role(h)).collect();
    let mut mapping = vec![None; headers.len()];
    for role in Role::ALL {
        let best = suggestions
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.filter(|s| s.role == *role).map(|s| (i, s.score)))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((i, _)) = best {
            mapping[i] = Some(*role);
        }
    }
    mapping
}

/// Words that point to a table kind, in headers or in the file name (lower case).
const KIND_WORDS: &[(TableKind, &[&str])] = &[
    (
        TableKind::Deals,
        &["deal", "opportunit", "商机", "obchod", "pipeline"],
    ),
    (TableKind::Leads, &["lead", "线索", "prospect"]),
    (
        TableKind::Customers,
        &[
            "account",
            "customer",
            "客户",
            "contact",
            "联系人",
            "client",
            "company",
        ],
    ),
    (
        TableKind::Orders,
        &[
            "invoice",
            "order",
            "订单",
            "合同",
            "回款",
            "发票",
            "receivable",
            "payment",
            "contract",
        ],
    ),
    (
        TableKind::Activities,
        &[
            "activit",
            "跟进",
            "拜访",
            "task",
            "call",
            "meeting",
            "visit log",
        ],
    ),
    (
        TableKind::Tickets,
        &["ticket", "case", "工单", "投诉", "complaint", "售后"],
    ),
    (
        TableKind::Surveys,
        &["survey", "nps", "满意度", "回访", "csat", "feedback"],
    ),
    (
        TableKind::Spend,
        &[
            "spend",
            "budget",
            "费用",
            "marketing cost",
            "ad cost",
            "campaign cost",
        ],
    ),
    (
        TableKind::Users,
        &["user", "login", "licen", "账号", "员工", "seat"],
    ),
];

/// Roles that point to a kind, with their weight.
const KIND_ROLES: &[(TableKind, Role, u32)] = &[
    (TableKind::Deals, Role::Stage, 3),
    (TableKind::Deals, Role::WonFlag, 3),
    (TableKind::Deals, Role::Probability, 2),
    (TableKind::Deals, Role::ExpectedCloseAt, 2),
    (TableKind::Deals, Role::LostReason, 2),
    (TableKind::Leads, Role::ConvertedAt, 3),
    (TableKind::Leads, Role::FirstContactAt, 2),
    (TableKind::Customers, Role::ChurnFlag, 4),
    (TableKind::Customers, Role::ChurnedAt, 4),
    (TableKind::Customers, Role::TenureMonths, 3),
    (TableKind::Customers, Role::RecurringRevenue, 1),
    (TableKind::Customers, Role::Industry, 1),
    (TableKind::Customers, Role::Segment, 1),
    (TableKind::Customers, Role::Phone, 1),
    (TableKind::Customers, Role::Email, 1),
    (TableKind::Orders, Role::Quantity, 2),
    (TableKind::Orders, Role::UnitPrice, 2),
    (TableKind::Activities, Role::ActivityType, 3),
    (TableKind::Activities, Role::PlannedAt, 1),
    (TableKind::Activities, Role::Subject, 1),
    (TableKind::Tickets, Role::ResolvedAt, 3),
    (TableKind::Tickets, Role::TicketType, 3),
    (TableKind::Tickets, Role::Priority, 1),
    (TableKind::Surveys, Role::Satisfaction, 4),
    (TableKind::Surveys, Role::NpsScore, 4),
    (TableKind::Spend, Role::Channel, 2),
    (TableKind::Users, Role::LastLogin, 4),
    (TableKind::Users, Role::ActiveFlag, 2),
];

/// Each kind's score for a table: words in its headers (each kind counted once per header,
/// `lead source` and the like not counted) and in its file name, and the roles its columns took.
pub fn kind_scores(
    file: &str,
    headers: &[String],
    mapping: &[Option<Role>],
) -> Vec<(TableKind, u32)> {
    let has = |r: Role| mapping.contains(&Some(r));
    let name = crate::engine::case::lower(file);
    KIND_WORDS
        .iter()
        .map(|(kind, words)| {
            let mut score = 0;
            for (h, role) in headers.iter().zip(mapping) {
                let h = crate::engine::case::lower(h);
                // A lead source on a deal, a customer on an order: words that name another
                // table's key, not this table.
                let foreign = matches!(
                    role,
                    Some(Role::LeadSource | Role::Customer | Role::ContractType)
                );
                if !foreign && words.iter().any(|w| h.contains(w)) {
                    score += 3;
                }
            }
            if words.iter().any(|w| name.contains(w)) {
                score += 4;
            }
            score += KIND_ROLES
                .iter()
                .filter(|(k, r, _)| k == kind && has(*r))
                .map(|(_, _, w)| w)
                .sum::<u32>();
            if *kind == TableKind::Deals
                && (has(Role::Status) || has(Role::Stage))
                && has(Role::Amount)
            {
                score += 4;
            }
            (*kind, score)
        })
        .collect()
}

/// Detect a table's kind: the best-scoring kind of [`kind_scores`], if it scores at least 3.
pub fn detect_kind(file: &str, headers: &[String], mapping: &[Option<Role>]) -> TableKind {
    kind_scores(file, headers, mapping)
        .into_iter()
        .filter(|(_, s)| *s >= 3)
        // The first of equal scores: the kinds are listed from the most common export.
        .fold(None, |best: Option<(TableKind, u32)>, (k, s)| match best {
            Some((_, b)) if b >= s => best,
            _ => Some((k, s)),
        })
        .map_or(TableKind::Unknown, |(k, _)| k)
}

/// What a header means depends on the table: `Type` is a deal type on deals, a segment on
/// accounts, an activity type on activities; a ticket's close date is when it was resolved.
pub fn adjust_for_kind(kind: TableKind, headers: &[String], mapping: &mut [Option<Role>]) {
    let taken = |m: &[Option<Role>], r: Role| m.contains(&Some(r));
    for i in 0..mapping.len() {
        let h = normalize_header(&headers[i]);
        let replacement = match (kind, mapping[i]) {
            (TableKind::Customers, Some(Role::DealType)) => Some(Role::Segment),
            (TableKind::Activities, Some(Role::DealType)) => Some(Role::ActivityType),
            (TableKind::Tickets, Some(Role::DealType)) => Some(Role::TicketType),
            (TableKind::Tickets, Some(Role::ClosedAt)) => Some(Role::ResolvedAt),
            (TableKind::Leads, Some(Role::Stage)) => Some(Role::Status),
            // Order and invoice dates are when the order was made.
            (TableKind::Orders, Some(Role::ClosedAt)) if !taken(mapping, Role::CreatedAt) => {
                Some(Role::CreatedAt)
            }
            // A customer table's own name column is the customer.
            (TableKind::Customers, Some(Role::Name)) if !taken(mapping, Role::Customer) => {
                Some(Role::Customer)
            }
            _ if h == "type" && kind == TableKind::Activities => Some(Role::ActivityType),
            _ => None,
        };
        if let Some(r) = replacement {
            if !taken(mapping, r) {
                mapping[i] = Some(r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(headers: &str) -> Vec<(String, Option<&'static str>)> {
        let hs: Vec<String> = headers.split(',').map(String::from).collect();
        let m = suggest_mapping(&hs);
        hs.into_iter()
            .zip(m.into_iter().map(|r| r.map(Role::id)))
            .collect()
    }

    fn roles(headers: &str) -> Vec<Option<&'static str>> {
        map(headers).into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn vendor_deal_headers_map_to_roles() {
        let cases: &[(&str, &str)] = &[
            (
                "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Create Date,Lead Source,Associated Company",
                "record_id,name,stage,closed_at,owner,amount,pipeline,created_at,lead_source,customer",
            ),
            (
                "Territory Region,Opportunity Owner,Account Name,Opportunity Name,Stage,Forecast Category,Total Amount Currency,Total Amount,Fiscal Period,Close Date,Type",
                "region,owner,customer,name,stage,-,currency,amount,-,closed_at,deal_type",
            ),
            (
                "Id,Name,AccountId,Amount,CloseDate,StageName,IsClosed,IsWon,Probability,LeadSource,OwnerId,CreatedDate,Type",
                "record_id,name,customer,amount,closed_at,stage,closed_flag,won_flag,probability,lead_source,owner,created_at,deal_type",
            ),
            (
                "Deal - ID,Deal - Title,Deal - Value,Deal - Currency of value,Deal - Status,Deal - Stage,Deal - Owner,Deal - Deal created,Deal - Expected close date,Deal - Won time,Deal - Lost time,Deal - Organization",
                "record_id,name,amount,currency,status,stage,owner,created_at,expected_close_at,won_at,lost_at,customer",
            ),
            (
                "Record Id,Deal Name,Account Name,Account Name.id,Contact Name,Stage,Closing Date,Amount,Lead Source,Deal Owner,Type",
                "record_id,name,customer,-,-,stage,closed_at,amount,lead_source,owner,deal_type",
            ),
            (
                "Opportunity,Customer,Salesperson,Sales Team,Stage,Expected Revenue,Probability,Expected Closing,Closed Date,Created on",
                "name,customer,owner,team,stage,amount,probability,expected_close_at,closed_at,created_at",
            ),
            (
                "商机名称,客户名称,商机金额,预计成交日期,备注,商机状态组,商机阶段,最后跟进时间,负责人,相关团队,所属部门,更新时间,创建时间,创建人",
                "name,customer,amount,expected_close_at,-,pipeline,stage,last_activity_at,owner,-,team,updated_at,created_at,-",
            ),
            (
                "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value",
                "record_id,owner,product,customer,stage,created_at,closed_at,amount",
            ),
            ("*商机名称,*客户名称,*商机金额", "name,customer,amount"),
            // Closing dates as other Chinese CRMs name them (结单, 签约, 成单).
            (
                "商机名称,销售阶段,商机金额,创建时间,结单日期,预计签约日期,负责人",
                "name,stage,amount,created_at,closed_at,expected_close_at,owner",
            ),
            ("合同名称,签约日期,合同金额", "name,closed_at,amount"),
            // Short headers of home-made sheets; units after the name.
            ("Deal,Stage,Close,Value", "name,stage,closed_at,amount"),
            ("Deal,Closed at,Amount (K),Cost (in thousands)", "name,closed_at,amount,cost"),
            ("商机名称,商机金额(万元),成本/万元", "name,amount,cost"),
            ("合同名称,合同金额（亿元）,成本(百万元)", "name,amount,cost"),
            ("Deal,Amount ($MM),Cost ($000s)", "name,amount,cost"),
        ];
        for (headers, want) in cases {
            let want: Vec<Option<&str>> =
                want.split(',').map(|w| (w != "-").then_some(w)).collect();
            assert_eq!(
                roles(headers),
                want,
                "headers {headers:?}: {:?}",
                map(headers)
            );
        }
    }

    #[test]
    fn kinds_are_detected() {
        let kind = |h: &str| {
            let hs: Vec<String> = h.split(',').map(String::from).collect();
            detect_kind("export.csv", &hs, &suggest_mapping(&hs))
        };
        assert_eq!(kind("Deal Name,Deal Stage,Amount"), TableKind::Deals);
        assert_eq!(kind("商机名称,商机金额,商机阶段"), TableKind::Deals);
        assert_eq!(
            kind("opportunity_id,sales_agent,deal_stage,close_value"),
            TableKind::Deals
        );
        assert_eq!(kind("线索名称,线索来源,负责人"), TableKind::Leads);
        // IBM Telco: a churn flag and tenure make it a customer table.
        assert_eq!(
            kind("customerID,gender,tenure,Contract,MonthlyCharges,TotalCharges,Churn"),
            TableKind::Customers
        );
        // UCI Online Retail: invoices with quantities and unit prices.
        assert_eq!(
            kind(
                "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
            ),
            TableKind::Orders
        );
        assert_eq!(
            kind("跟进内容,跟进人,跟进时间,跟进方式,所属客户"),
            TableKind::Activities
        );
        assert_eq!(
            kind("回访编号,回访时间,回访人,客户名称,客户满意度"),
            TableKind::Surveys
        );
        assert_eq!(
            kind("工单编号,客户名称,创建时间,解决时间,工单类型"),
            TableKind::Tickets
        );
        assert_eq!(
            kind("合同编号,合同名称,客户名称,合同金额,下单时间"),
            TableKind::Orders
        );
        assert_eq!(
            kind("回款编号,客户名称,合同编号,回款日期,回款金额"),
            TableKind::Orders
        );
        assert_eq!(kind("User,Email,Last Login,Active"), TableKind::Users);
        assert_eq!(kind("Month,Channel,Spend"), TableKind::Spend);
        assert_eq!(
            kind("Lead ID,Lead Status,Created Date,Converted Date"),
            TableKind::Leads
        );
        assert_eq!(kind("gender,height"), TableKind::Unknown);
        // The file name counts: Salesforce's Account export has no telling header.
        let hs: Vec<String> = "Id,Name,Type,Industry,Phone,BillingCity"
            .split(',')
            .map(String::from)
            .collect();
        assert_eq!(
            detect_kind("Account.csv", &hs, &suggest_mapping(&hs)),
            TableKind::Customers
        );
    }
}

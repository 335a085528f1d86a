//! The one translation table: every string a person reads goes through [`t`] (UI text) or
//! through the bilingual fields of the engine's catalogue. English and Simplified Chinese.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// Pick the language from a browser language tag (`zh-CN`, `zh`, `en-US` …).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

macro_rules! texts {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        /// A UI string's key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum T { $($key,)* }

        /// The text of `key` in `lang`.
        pub fn t(lang: Lang, key: T) -> &'static str {
            match (key, lang) {
                $((T::$key, Lang::En) => $en, (T::$key, Lang::Zh) => $zh,)*
            }
        }

        #[cfg(test)]
        pub(crate) const ALL_KEYS: &[T] = &[$(T::$key,)*];
    };
}

texts! {
    AppTitle => "CRM KPI calculator", "CRM 关键指标计算器";
    Tagline => "Paste or drop your CRM export and get the KPIs that fit your stage and goals. Your data never leaves this tab.",
               "粘贴或拖入 CRM 导出文件，按公司阶段和目标得到合适的关键指标。数据始终只在本页面内处理，不会上传。";
    Language => "Language", "语言";
    YourData => "Your data", "你的数据";
    PasteHere => "Paste CSV or cells copied from a spreadsheet here", "在此粘贴 CSV，或从电子表格复制的单元格";
    Analyze => "Analyze pasted data", "分析粘贴的数据";
    ChooseFile => "Choose a file", "选择文件";
    DropHere => "or drop a CSV or Excel file anywhere on this box", "或将 CSV / Excel 文件拖放到此区域";
    LoadSample => "Load the sample data", "加载示例数据";
    Working => "Reading and computing…", "正在读取和计算…";
    Loaded => "Loaded", "已加载";
    Rows => "rows", "行";
    SampleName => "sample deals export", "示例商机导出";
    Company => "Your company", "你的公司";
    Stage => "Stage", "阶段";
    Goals => "Goals", "目标";
    Period => "Period", "统计周期";
    WholeRange => "Whole range", "全部时间";
    Recommended => "Recommended KPIs", "推荐指标";
    RecommendedHint => "Chosen for your stage and goals, computed on your data.", "根据你的阶段和目标挑选，并用你的数据计算。";
    BetterGoal => "Your data gives more for the goal “{goal}”: {n} of its KPIs.", "你的数据更适合目标“{goal}”：可计算其中 {n} 项指标。";
    AddGoal => "Add this goal", "添加此目标";
    Wanting => "These fit your stage and goals too, but need data or figures this export lacks:", "以下指标同样适合你的阶段和目标，但需要当前导出文件中没有的数据：";
    Formula => "Formula", "公式";
    Needs => "Needs", "需要";
    NotAvailable => "n/a", "无数据";
    VsPrevious => "vs", "对比";
    YearAgo => "a year earlier", "去年同期";
    Target => "Target", "目标";
    TargetHint => "Your target for this period (percent for rates)", "本周期目标（比率填百分数）";
    StatusMet => "on target", "达标";
    StatusNear => "near target", "接近目标";
    StatusMissed => "below target", "未达标";
    Typical => "Typical", "参考范围";
    // After a label: a full-width colon in Chinese.
    Colon => ": ", "：";
    Trend => "Trend by month", "按月趋势";
    Funnel => "Stage funnel", "销售漏斗";
    Cadence => "review each", "建议复盘周期：每";
    CadenceMonth => "month", "月";
    CadenceQuarter => "quarter", "季度";
    CadenceYear => "year", "年";
    InputsTitle => "Figures your export lacks", "导出文件中没有的数据";
    InputsHint => "Typed in once, kept in this browser only. KPIs that need them say so.",
                  "只需填写一次，仅保存在本浏览器中。需要这些数据的指标会注明。";
    InSpend => "Sales and marketing spend per month", "每月销售和营销费用";
    InLicences => "CRM licences (seats)", "CRM 账号数";
    InMarket => "Market size per year", "每年市场规模";
    InTarget => "Revenue target per month", "每月销售目标";
    InSla => "Complaint SLA (hours, 48 if empty)", "投诉处理时限（小时，默认 48）";
    InChurn => "Days without an order that count as churn (90 if empty)", "多少天未下单视为流失（默认 90）";
    InMargin => "Gross margin % (when there is no cost column)", "毛利率 %（无成本列时）";
    InBudget => "CRM budget", "CRM 预算";
    InCost => "CRM actual cost", "CRM 实际成本";
    InRepTargets => "Revenue target per rep per month, one per line (name: amount)", "每位销售每月目标，每行一个（姓名：金额）";
    SanityTitle => "Data sanity checks", "数据合理性检查";
    WarningsHint => "Possible entry mistakes or gamed numbers. Nothing was changed: the KPIs use the rows as they are.",
                    "可能的录入错误或刻意美化的数据。未做任何修改：指标按原始数据计算。";
    WarningsNone => "No sanity warnings.", "未发现异常。";
    Lines => "lines", "行号";
    CustomRange => "Custom range", "自定义时间段";
    From => "From", "开始";
    To => "To", "结束";
    Apply => "Apply", "应用";
    Reading => "Reading", "正在读取";
    Computing => "Computing the KPIs…", "正在计算指标…";
    Cancel => "Cancel", "取消";
    ExportCsv => "Download KPIs (CSV)", "下载指标（CSV）";
    CopyTsv => "Copy the KPI table", "复制指标表格";
    Copied => "Copied: paste it into a spreadsheet.", "已复制，可粘贴到电子表格。";
    CopyFailed => "The browser did not allow copying.", "浏览器不允许复制。";
    ExportJson => "Download KPIs (JSON)", "下载指标（JSON）";
    ShareTitle => "Share and keep", "分享与保存";
    CopyLink => "Copy a link to these settings", "复制当前设置的链接";
    LinkHint => "The link holds your choices (stage, goals, KPIs, targets, period, column meanings), never your data.",
                "链接只包含你的选择（阶段、目标、指标、目标值、统计周期、列含义），不含任何数据。";
    LinkCopied => "Link copied.", "链接已复制。";
    PrintPack => "Print the review pack", "打印复盘报告";
    SaveSnapshot => "Save this period in the browser", "在浏览器中保存本期结果";
    LoadSnapshot => "Open a KPI table (CSV) downloaded before", "打开以前下载的指标表（CSV）";
    CompareWith => "Compare with", "对比";
    CompareNone => "no snapshot", "不对比";
    Saved => "saved", "已保存";
    SnapshotSaved => "Saved in this browser: next time, pick it under “Compare with”. To keep it elsewhere, download the KPI table (CSV) and open it here later.", "已保存在本浏览器：下次可在“对比”中选择它。如需另存，请下载指标表（CSV），以后在此打开即可对比。";
    Snapshot => "snapshot", "快照";
    ChosenKpis => "Showing the KPIs this page was set up with.", "当前显示的是本页面设定的指标。";
    ShowRecommended => "Show the recommended set instead", "改为显示推荐指标";
    ConfigProblems => "Some settings in the address were not used", "地址中的部分设置未被采用";
    OfflineReady => "Works offline: this page is kept in your browser for your next visit (workbooks and other encodings once read here).", "可离线使用：本页面已保存在浏览器中，下次无需联网（工作簿和其他编码的文件需先在此读取过一次）。";
    ReaderUnreachable => "This needs the part of the calculator that reads workbooks and files in other encodings or dialects and writes JSON, and it could not be fetched (is this device offline?). Try again once online, or save the file as “CSV UTF-8” and load the CSV.", "此操作需要本计算器读取工作簿及其他编码或格式文件、生成 JSON 的组件，但未能下载（设备是否离线？）。请联网后重试，或将文件另存为“CSV UTF-8”后加载 CSV 文件。";
    Variant => "Computed as", "计算口径";
    TierBasic => "basic", "基础指标";
    TierProcess => "process", "过程指标";
    TierResult => "result", "结果指标";
    Breakdowns => "Breakdowns", "细分";
    ByOwner => "By owner", "按负责人";
    BySource => "By lead source", "按来源渠道";
    ByProduct => "By product", "按产品";
    ByRegion => "By region", "按地区";
    ByTeam => "By team", "按团队";
    BySegment => "By segment", "按客户级别";
    ByIndustry => "By industry", "按行业";
    Industry => "Industry", "行业";
    LookedUpByOwner => "Looked up in {file} ({column}) by each deal's owner: found for {found} of {rows} deals",
                       "按商机负责人在 {file}（{column}）中查找：{rows} 个商机中找到 {found} 个";
    LookedUpByCustomer => "Looked up in {file} ({column}) by each deal's customer: found for {found} of {rows} deals",
                          "按商机客户在 {file}（{column}）中查找：{rows} 个商机中找到 {found} 个";
    Segment => "Segment", "客户级别";
    Product => "Product", "产品";
    Region => "Region", "地区";
    Team => "Team", "团队";
    BreakdownOf => "Broken down", "细分";
    PerRep => "Per rep, by experience", "按销售经验分层";
    PerRepHint => "New reps are measured first on activity and process; experienced reps on results. Tick the new ones (kept in this browser).",
                  "新销售先看跟进和过程指标，资深销售看结果指标。勾选新销售（保存在本浏览器）。";
    NewReps => "New reps: activity and process", "新销售：跟进与过程";
    SeniorReps => "Experienced reps: results", "资深销售：业绩结果";
    MarkNew => "new", "新人";
    RevenueByMonth => "Won revenue by month", "每月赢单金额";
    Month => "Month", "月份";
    Owner => "Owner", "负责人";
    Source => "Lead source", "来源渠道";
    WonRevenue => "Won revenue", "赢单金额";
    WonDeals => "Won deals", "赢单数";
    WinRate => "Win rate", "赢单率";
    Blank => "(blank)", "（空）";
    PastePlaceholder => "Deal Name,Deal Stage,Amount,Close Date…", "商机名称,商机阶段,商机金额,成交日期…";
    Summary => "Deals in this period", "本周期商机";
    Total => "created", "新建";
    Won => "won", "赢单";
    Lost => "lost", "输单";
    Open => "open", "进行中";
    Invalid => "invalid", "无效";
    Mapping => "Detected columns", "识别出的列";
    MappingHint => "Change a column's meaning if it was read wrong; the KPIs recompute, and the choice is remembered for files with the same columns.",
                   "如果某列识别有误，可以修改它的含义；指标会重新计算，并在下次加载相同列的文件时沿用。";
    Encoding => "Text encoding", "文本编码";
    Sheet => "Sheet", "工作表";
    Links => "How the tables are linked", "表之间的关联";
    LinkLine => "{from} → {to}: {fc} = {tc} · {found} of {rows} rows ({cfound} of {customers} customers) found",
                "{from} → {to}：{fc} = {tc} · {rows} 行中找到 {found} 行（{customers} 个客户中找到 {cfound} 个）";
    EncodingBom => "marked in the file", "文件内已标明";
    EncodingValid => "every byte is valid UTF-8", "所有字节均为有效 UTF-8";
    EncodingGuessed => "detected from the bytes", "根据字节内容识别";
    EncodingChosen => "your choice", "你的选择";
    Malformed => "Some bytes are not valid in this encoding and show as �. If the text looks wrong, choose another encoding.",
                 "部分字节在此编码下无效，显示为 �。如果文字显示不正确，请选择其他编码。";
    HeaderLine => "header on row {n}", "表头在第 {n} 行";
    RowAboveHeader => "1 row above it skipped (title or notes)", "已跳过表头上方的 1 行（标题或说明）";
    RowsAboveHeader => "{n} rows above it skipped (title or notes)", "已跳过表头上方的 {n} 行（标题或说明）";
    NoHeaderRow => "no header row: columns are numbered", "没有表头行：列按序号命名";
    YourMapping => "Your mapping is applied (remembered for these columns).", "已应用你设置的列含义（针对这些列已记住）。";
    ResetMapping => "Back to the detected meanings", "恢复自动识别";
    Column => "Column", "列";
    Role => "Meaning", "含义";
    Type => "Values", "取值";
    NotUsed => "not used", "未使用";
    Filled => "filled", "已填";
    DateOrderLabel => "date order", "日期顺序";
    RowIssues => "Rows and cells that could not be used", "无法使用的行和单元格";
    NoRowIssues => "Every row was used.", "所有行都已使用。";
    RowsUnusable => "rows not used", "行未使用";
    CellsIgnored => "cells read as empty", "个单元格按空值处理";
    Line => "Line", "行号";
    Value => "Value", "值";
    Reason => "Reason", "原因";
    MoreIssues => "more not shown", "条未显示";
    DownloadIssues => "Download the full list (CSV)", "下载完整列表（CSV）";
    ErrorTitle => "This file could not be read", "无法读取此文件";
    Privacy => "Everything is computed in your browser; nothing is uploaded.", "所有计算都在你的浏览器中完成，不会上传任何数据。";
    Warnings => "Data warnings", "数据提醒";
    ShowFormula => "formula", "公式";
    Score => "score", "得分";
    TypeEmpty => "empty", "空";
    TypeInteger => "integer", "整数";
    TypeNumber => "number", "数字";
    TypeMoney => "amount", "金额";
    TypePercent => "percent", "百分比";
    TypeBool => "yes/no", "是/否";
    TypeDate => "date", "日期";
    TypeText => "text", "文本";
    TypeRating => "rating (1–5)", "评分（1–5）";
    MoreKpis => "More KPIs your data supports", "数据还能计算的其他指标";
    MoreKpisHint => "Not in the recommended set for your stage and goals, but computed on your data.", "不在为你的阶段和目标推荐的指标中，但已用你的数据算出。";
    PastedData => "pasted data", "粘贴的数据";
    Years => "Years", "年";
    Quarters => "Quarters", "季度";
    Months => "Months", "月";
}

/// A remark after what it is about, in brackets: " (…)" in English, full-width "（…）" in
/// Chinese.
pub fn aside(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => format!(" ({text})"),
        Lang::Zh => format!("（{text}）"),
    }
}

/// What goes between two words or sentences: a space in English, nothing in Chinese.
pub fn space(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " ",
        Lang::Zh => "",
    }
}

/// Between the items of a list: ", " in English, "、" in Chinese.
pub fn comma(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ", ",
        Lang::Zh => "、",
    }
}

/// Between longer items, each with commas of its own: "; " in English, "；" in Chinese.
pub fn semicolon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "; ",
        Lang::Zh => "；",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asides_take_the_language_s_brackets() {
        assert_eq!(aside(Lang::En, "UTF-8"), " (UTF-8)");
        assert_eq!(
            aside(Lang::Zh, "所有字节均为有效 UTF-8"),
            "（所有字节均为有效 UTF-8）"
        );
    }

    #[test]
    fn every_key_has_both_languages() {
        for key in ALL_KEYS {
            assert!(!t(Lang::En, *key).is_empty(), "{key:?} en");
            assert!(!t(Lang::Zh, *key).is_empty(), "{key:?} zh");
            assert_ne!(
                t(Lang::En, *key),
                t(Lang::Zh, *key),
                "{key:?} is not translated"
            );
        }
    }

    #[test]
    fn browser_tags_pick_the_language() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("zh"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag("de"), Lang::En);
    }
}

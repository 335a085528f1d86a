//! The page's state as a plain struct, an [`Action`] enum and a pure [`State::apply`]: the Yew
//! reducer is a thin adapter over this, and it is tested natively.

use crate::config::PageConfig;
use crate::engine::catalogue::{Goal, Stage};
use crate::engine::history::Snapshot;
use crate::engine::report::Report;
use crate::engine::sorted_map::SortedMap;
use crate::engine::{Options, Period};
use crate::i18n::Lang;
use std::rc::Rc;

/// Where the loaded data came from, for the status line.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Nothing,
    Sample,
    Pasted,
    Files(Vec<String>),
}

/// A computed report as the page's parts share it. Two are equal when they are the same
/// report: a render then compares one pointer, not every figure of a report (comparing those
/// cost time on large files and 5 KB of the download).
#[derive(Clone, Debug)]
pub struct Shown(pub Rc<Report>);

impl Shown {
    pub fn new(report: Report) -> Self {
        Shown(Rc::new(report))
    }
}

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shown {
    type Target = Report;

    fn deref(&self) -> &Report {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub opts: Options,
    pub source: Source,
    pub report: Option<Shown>,
    /// Work under way (reading, computing); the page shows a progress line.
    pub busy: bool,
    /// How long the last computation took in the worker, in milliseconds.
    pub compute_ms: Option<f64>,
    /// A problem that is not about one file (the worker could not start, say).
    pub failure: Option<String>,
    pub paste: String,
    /// What the worker is reading, while it reads: the file and how far it is.
    pub progress: Option<(String, crate::engine::Progress)>,
    /// Files are being read (a load can be cancelled; a recompute is not shown as one).
    pub loading: bool,
    /// Reps marked as new: the per-rep view measures them on activity and process. A view
    /// choice, not an engine option, so marking one does not recompute.
    pub new_reps: Vec<String>,
    /// The KPI table was put on the clipboard (`Some(false)`: the browser refused).
    pub copied: Option<bool>,
    /// The user picked the period (else the page moves to the data's last complete month).
    pub period_chosen: bool,
    /// A period a link or the host asked for, taken once data covering it is loaded.
    pub wanted_period: Option<Period>,
    /// Snapshots kept in the browser, newest first, and the one the KPIs are compared with.
    pub history: Rc<Vec<Snapshot>>,
    pub compare: Option<Rc<Snapshot>>,
    /// Settings of the address or the host that could not be used, as `name=value: why`.
    pub config_problems: Vec<String>,
    /// The last share link made, and whether it went to the clipboard.
    pub share_link: Option<String>,
    pub link_copied: Option<bool>,
    /// This period's snapshot was saved in the browser.
    pub snapshot_saved: bool,
    /// The page is kept by its service worker and opens without a network.
    pub offline_ready: bool,
    /// How many of the steps that draw the sections below the KPI cards are drawn
    /// ([`LATER_STEPS`]): the page's first report is drawn in steps, each a task of its own.
    pub drawn_later: u8,
}

/// How many steps draw the sections below the KPI cards after a page's first report: the
/// breakdowns and the reps, then the mapping, then the rows that could not be used. Drawn
/// at once with the cards, a page's first report took its thread 100–240 ms in one task on a
/// first visit, most of it those sections, which are out of sight when the page opens; the
/// cards then came to the screen a tenth of a second later too.
pub const LATER_STEPS: u8 = 3;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    SetLang(Lang),
    SetStage(Stage),
    ToggleGoal(Goal),
    SetPeriod(Period),
    SetPaste(String),
    SetInputs(crate::engine::Inputs),
    /// A KPI's target for the period, or none to clear it.
    SetTarget(String, Option<f64>),
    /// New data is being read; the period goes back to the whole range.
    Loading(Source),
    Recomputing,
    /// The same files are read again (another encoding or sheet); the period stays.
    Reloading,
    /// The worker says how far it is (a file name, or empty for the same file).
    Progress(String, crate::engine::Progress),
    /// Mark a rep as new, or as experienced again.
    ToggleNewRep(String),
    /// The KPI table went to the clipboard (or the browser refused).
    Copied(bool),
    /// The user stopped a load; the data shown before (if any) is being loaded again.
    Cancelled(Option<Source>),
    /// Settings from the address, the host element or a host's message.
    ApplyConfig(Box<PageConfig>),
    /// The KPIs to show instead of the recommendation (empty: the recommendation).
    SetKpis(Vec<String>),
    SetHistory(Rc<Vec<Snapshot>>),
    /// Compare the KPIs with a snapshot, or with none.
    Compare(Option<Rc<Snapshot>>),
    LinkMade(String),
    LinkCopied(bool),
    SnapshotSaved,
    OfflineReady,
    /// One more step of the sections below the KPI cards is drawn ([`State::drawing`]).
    DrawnLater,
    Loaded {
        report: Shown,
        ms: f64,
    },
    Failed(String),
    /// A load or the JSON download needs the formats worker, and its script could not be
    /// fetched (offline, before the worker was ever used online): the load stops, the report
    /// on screen stays, with the source it came from.
    ReaderUnreachable(Source),
    /// A load none of whose files could be read (each told from its first bytes), and why:
    /// the load stops, the report on screen stays, with the source it came from.
    Refused(Source, String),
}

impl State {
    pub fn new(lang: Lang) -> State {
        State {
            opts: Options {
                lang,
                ..Options::default()
            },
            source: Source::Nothing,
            report: None,
            busy: false,
            compute_ms: None,
            failure: None,
            paste: String::new(),
            period_chosen: false,
            progress: None,
            loading: false,
            copied: None,
            new_reps: Vec::new(),
            wanted_period: None,
            history: Rc::new(Vec::new()),
            compare: None,
            config_problems: Vec::new(),
            share_link: None,
            link_copied: None,
            snapshot_saved: false,
            offline_ready: false,
            drawn_later: 0,
        }
    }

    /// The language the page is drawn in: while the answer for a change of language is on its
    /// way, the report's. So a switch is drawn once, when its texts come (20–40 ms later), not
    /// once in a mix of both languages before that and again after: each costs the page a
    /// whole style and layout. A load under way does not hold it back.
    pub fn lang(&self) -> Lang {
        match &self.report {
            Some(r) if self.busy && !self.loading => r.0.lang,
            _ => self.opts.lang,
        }
    }

    /// The sections below the KPI cards are still being drawn, a step a task: the page says
    /// it is busy until they are. Once they are, later reports update them all at once.
    pub fn drawing(&self) -> bool {
        self.report.is_some() && self.drawn_later < LATER_STEPS
    }

    /// The state after an action.
    pub fn apply(mut self, action: Action) -> State {
        // A change of options on loaded data makes the page busy at once, in the same render
        // as the change itself, until the answer for them comes; a change back to what the
        // report on screen answers makes it idle again.
        let asks = matches!(
            action,
            Action::SetLang(_)
                | Action::SetStage(_)
                | Action::ToggleGoal(_)
                | Action::SetPeriod(_)
                | Action::SetInputs(_)
                | Action::SetTarget(..)
                | Action::ApplyConfig(_)
                | Action::SetKpis(_)
        );
        match action {
            Action::SetLang(l) => self.opts.lang = l,
            Action::SetStage(s) => self.opts.stage = s,
            Action::ToggleGoal(g) => {
                if let Some(i) = self.opts.goals.iter().position(|x| *x == g) {
                    self.opts.goals.remove(i);
                } else {
                    self.opts.goals.push(g);
                    // Keep the catalogue's goal order, so the same choice gives the same set.
                    crate::engine::sort_list(&mut self.opts.goals, Ord::cmp);
                }
            }
            Action::SetPeriod(p) => {
                self.wanted_period = None;
                let known = self
                    .report
                    .as_ref()
                    .is_some_and(|r| r.periods.contains(&p.to_string()));
                if p == Period::All || known || matches!(p, Period::Range(..)) {
                    self.opts.period = p;
                    self.period_chosen = true;
                }
            }
            Action::SetPaste(text) => self.paste = text,
            Action::SetInputs(i) => self.opts.inputs = i,
            Action::SetTarget(id, v) => match v.filter(|x| x.is_finite()) {
                Some(x) => {
                    self.opts.targets.insert(id, x);
                }
                None => {
                    self.opts.targets.remove(&id);
                }
            },
            Action::Loading(source) => {
                self.source = source;
                self.busy = true;
                self.loading = true;
                self.failure = None;
                self.opts.period = Period::All;
                self.period_chosen = false;
            }
            Action::Recomputing => self.busy = true,
            Action::Reloading => {
                self.busy = true;
                self.loading = true;
                self.failure = None;
            }
            Action::Copied(ok) => self.copied = Some(ok),
            Action::ApplyConfig(c) => {
                if let Some(l) = c.lang {
                    self.opts.lang = l;
                }
                if let Some(st) = c.stage {
                    self.opts.stage = st;
                }
                if let Some(g) = &c.goals {
                    self.opts.goals = g.clone();
                }
                if !c.kpis.is_empty() {
                    self.opts.kpis = c.kpis.clone();
                }
                self.opts.targets.extend(c.targets.clone());
                if let Some(p) = c.period {
                    let known = self
                        .report
                        .as_ref()
                        .is_some_and(|r| r.periods.contains(&p.to_string()));
                    if self.report.is_some()
                        && (known || matches!(p, Period::All | Period::Range(..)))
                    {
                        self.opts.period = p;
                        self.period_chosen = true;
                    } else {
                        self.wanted_period = Some(p);
                    }
                }
                self.config_problems.extend(c.problems.iter().cloned());
            }
            Action::SetKpis(ids) => self.opts.kpis = ids,
            Action::SetHistory(h) => {
                self.history = h;
                self.snapshot_saved = false;
            }
            Action::Compare(snap) => self.compare = snap,
            Action::LinkMade(link) => {
                self.share_link = Some(link);
                self.link_copied = None;
            }
            Action::LinkCopied(ok) => self.link_copied = Some(ok),
            Action::SnapshotSaved => self.snapshot_saved = true,
            Action::OfflineReady => self.offline_ready = true,
            Action::DrawnLater => self.drawn_later = self.drawn_later.saturating_add(1),
            Action::ToggleNewRep(rep) => match self.new_reps.iter().position(|r| *r == rep) {
                Some(i) => {
                    self.new_reps.remove(i);
                }
                None => self.new_reps.push(rep),
            },
            Action::Progress(_, _) if !self.loading => {}
            Action::Progress(file, p) => {
                let name = match (&self.progress, file.is_empty()) {
                    (Some((old, _)), true) => old.clone(),
                    _ => file,
                };
                self.progress = Some((name, p));
            }
            Action::Cancelled(previous) => {
                self.progress = None;
                self.loading = previous.is_some();
                self.busy = previous.is_some();
                self.source = previous.unwrap_or(Source::Nothing);
                if self.source == Source::Nothing {
                    self.report = None;
                }
            }
            // An answer for options already left again, while the report on screen answers
            // the current ones: the screen stays as it is, busy only if another request (a
            // change of mapping) is still on its way.
            Action::Loaded { report, .. }
                if !self.loading && self.report_is_current() && !self.answers(&report) => {}
            Action::Loaded { report, ms } => {
                self.compute_ms = Some(ms);
                self.copied = None;
                self.link_copied = None;
                self.snapshot_saved = false;
                self.progress = None;
                self.loading = false;
                // A fresh load starts on the data's last complete month (the worker computed
                // it, or the page asks for it now), or on a period a link asked for, when the
                // data covers it, for every load until the user picks one.
                if !self.period_chosen {
                    let start = if report.period == "all" {
                        let wanted = self.wanted_period.filter(|p| {
                            matches!(p, Period::All | Period::Range(..))
                                || report.periods.contains(&p.to_string())
                        });
                        wanted.or_else(|| report.default_period.as_deref().and_then(Period::parse))
                    } else {
                        Period::parse(&report.period)
                    };
                    if let Some(p) = start {
                        self.opts.period = p;
                    }
                    self.period_chosen = true;
                }
                self.report = Some(report);
                // Options changed while the worker computed: another answer is on its way.
                self.busy = !self.report_is_current();
            }
            Action::Failed(message) => {
                self.busy = false;
                self.progress = None;
                self.loading = false;
                self.failure = Some(message);
            }
            Action::ReaderUnreachable(shown) => {
                let message = crate::i18n::t(self.lang(), crate::i18n::T::ReaderUnreachable);
                return self.apply(Action::Refused(shown, message.into()));
            }
            Action::Refused(shown, message) => {
                // A load that stops leaves the report on screen as it was: its source, and
                // the period it answers for (the load had asked for the whole range).
                if self.loading {
                    self.source = shown;
                    if let Some(p) = self.report.as_ref().and_then(|r| Period::parse(&r.period)) {
                        self.opts.period = p;
                        // Kept: the next answer must not move it to the data's last month,
                        // as the first answer of a load would.
                        self.period_chosen = true;
                    }
                }
                return self.apply(Action::Failed(message));
            }
        }
        if asks && self.report.is_some() {
            self.busy = self.loading || !self.report_is_current();
        }
        self
    }

    /// What the page does once a render has changed its options or its report, given the
    /// options it last sent to the worker and whether the report is new.
    pub fn ask(&self, last_sent: Option<&Options>, arrived: bool) -> Ask {
        let current = self.report_is_current();
        if self.report.is_some() && !current && last_sent != Some(&self.opts) {
            Ask::Send
        } else if current && arrived {
            Ask::Answered
        } else {
            Ask::Nothing
        }
    }

    /// Whether the report on screen answers the current options (else a recompute is due).
    pub fn report_is_current(&self) -> bool {
        self.report.as_ref().is_some_and(|r| self.answers(r))
    }

    /// Whether a report answers the current options.
    fn answers(&self, r: &Report) -> bool {
        r.period == self.opts.period.to_string()
            && r.inputs == self.opts.inputs
            && r.targets == self.opts.targets
            && r.stage == self.opts.stage.id()
            && r.lang == self.opts.lang
            && r.chosen == self.opts.kpis
            && r.goals
                == self
                    .opts
                    .goals
                    .iter()
                    .map(|g| g.id().to_string())
                    .collect::<Vec<_>>()
    }
}

/// See [`State::ask`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ask {
    /// Ask the worker for the current options.
    Send,
    /// A report for the current options came (a load can answer for the last complete month
    /// rather than the period it was sent with): take them as the ones asked for.
    Answered,
    /// Nothing to ask: the report answers the options, or the answer is on its way. An
    /// answer for options already left is not the last word: when one comes, the current
    /// options are asked for unless they were sent after it.
    Nothing,
}

/// Rep targets as typed: one `name: amount` per line (a tab or comma works too, as pasted
/// from a spreadsheet). Lines that do not end in a number are skipped.
pub fn parse_rep_targets(text: &str) -> SortedMap<String, f64> {
    // A later line for the same rep wins.
    let mut targets = SortedMap::new();
    for line in text.lines() {
        let Some((name, amount)) = line.rsplit_once([':', '\t', ',', '：']) else {
            continue;
        };
        let v = crm_kpi_decimal::parse(&amount.trim().replace([' ', '\u{a0}'], "")).ok();
        let name = name.trim();
        if let Some(v) = v.filter(|v| !name.is_empty() && v.is_finite() && *v >= 0.0) {
            targets.insert(name.to_string(), v);
        }
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;

    /// One won deal.
    const ONE_DEAL: &str = "Deal Name,Deal Stage,Amount,Create Date,Close Date\nA,Closed Won,10,2024-01-01,2024-02-01\n";

    fn loaded() -> State {
        let report = analyze(&[("d.csv", ONE_DEAL.as_bytes())], &Options::default());
        State::new(Lang::En)
            .apply(Action::Loading(Source::Sample))
            .apply(Action::Loaded {
                report: Shown::new(report),
                ms: 3.0,
            })
    }

    #[test]
    fn the_sections_below_the_cards_are_drawn_in_steps_after_the_first_report_only() {
        let before = State::new(Lang::En).apply(Action::Loading(Source::Sample));
        assert!(!before.drawing(), "no report, nothing to draw");
        let mut s = loaded();
        for step in 0..LATER_STEPS {
            assert!(s.drawing(), "step {step} still to draw");
            s = s.apply(Action::DrawnLater);
        }
        assert!(!s.drawing());
        // A later report draws every section at once.
        let report = s.report.clone().expect("a report");
        let s = s
            .apply(Action::Loading(Source::Sample))
            .apply(Action::Loaded { report, ms: 1.0 });
        assert!(!s.drawing());
        assert_eq!(s.drawn_later, LATER_STEPS);
    }

    #[test]
    fn marking_a_rep_as_new_needs_no_recompute() {
        let s = loaded().apply(Action::SetPeriod(Period::All));
        assert!(s.report_is_current());
        let s = s.apply(Action::ToggleNewRep("Ann".into()));
        assert_eq!(s.new_reps, ["Ann"]);
        assert!(s.report_is_current(), "a view choice, not an engine option");
        let s = s.apply(Action::ToggleNewRep("Ann".into()));
        assert!(s.new_reps.is_empty());
    }

    #[test]
    fn rep_targets_read_as_typed_or_pasted() {
        let t = parse_rep_targets(
            "Ann Lee: 20000\nBob\t15 000\n王五：8000\nno number: x\n\nCy, 5000.5\nAnn Lee: 21000\n",
        );
        // A rep given twice keeps the later figure.
        let got: Vec<(&str, f64)> = t.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            got,
            [
                ("Ann Lee", 21000.0),
                ("Bob", 15000.0),
                ("Cy", 5000.5),
                ("王五", 8000.0)
            ]
        );
    }

    #[test]
    fn goals_toggle_and_keep_catalogue_order() {
        let s = State::new(Lang::En)
            .apply(Action::ToggleGoal(Goal::Profitability))
            .apply(Action::ToggleGoal(Goal::WinCustomers));
        assert_eq!(
            s.opts.goals,
            [Goal::GrowRevenue, Goal::WinCustomers, Goal::Profitability]
        );
        let s = s.apply(Action::ToggleGoal(Goal::GrowRevenue));
        assert_eq!(s.opts.goals, [Goal::WinCustomers, Goal::Profitability]);
    }

    #[test]
    fn a_fresh_load_moves_to_the_last_complete_month() {
        // The data ends on 1 February 2024: January is the last complete month.
        let s = loaded();
        assert_eq!(s.opts.period, Period::Month(2024, 1));
        assert!(!s.report_is_current() && s.busy, "January is computed next");
        // Once the user has picked the whole range, answers do not move it.
        let s = s.apply(Action::SetPeriod(Period::All));
        let csv = "Deal Name,Deal Stage,Amount,Create Date,Close Date\nA,Closed Won,10,2024-01-01,2024-02-01\n";
        let again = analyze(&[("d.csv", csv.as_bytes())], &Options::default());
        let s = s.apply(Action::Loaded {
            report: Shown::new(again),
            ms: 1.0,
        });
        assert_eq!(s.opts.period, Period::All);
        assert!(s.report_is_current());
    }

    #[test]
    fn inputs_and_targets_call_for_a_recompute() {
        let s = loaded().apply(Action::SetPeriod(Period::All));
        let s = s.apply(Action::SetTarget("win_rate".into(), Some(0.3)));
        assert_eq!(s.opts.targets.get("win_rate"), Some(&0.3));
        assert!(!s.report_is_current());
        let s = s.apply(Action::SetTarget("win_rate".into(), None));
        assert!(s.opts.targets.is_empty());
        let s = s.apply(Action::SetInputs(crate::engine::Inputs {
            licences: Some(5.0),
            ..Default::default()
        }));
        assert!(!s.report_is_current());
    }

    #[test]
    fn periods_outside_the_data_are_refused() {
        let s = loaded().apply(Action::SetPeriod(Period::All));
        let s = s.apply(Action::SetPeriod(Period::Month(2024, 2)));
        assert_eq!(s.opts.period, Period::Month(2024, 2));
        assert!(!s.report_is_current(), "a new period needs a recompute");
        let s = s.apply(Action::SetPeriod(Period::Year(1999)));
        assert_eq!(s.opts.period, Period::Month(2024, 2));
    }

    #[test]
    fn loading_resets_the_period_and_clears_failures() {
        let s = loaded()
            .apply(Action::SetPeriod(Period::Year(2024)))
            .apply(Action::Failed("x".into()));
        assert!(s.failure.is_some() && !s.busy);
        let s = s.apply(Action::Loading(Source::Pasted));
        assert_eq!(
            (s.opts.period, s.busy, s.failure.clone()),
            (Period::All, true, None)
        );
    }

    #[test]
    fn an_answer_to_older_options_keeps_the_page_busy() {
        let csv = "Deal Name,Deal Stage,Amount\nA,Closed Won,10\n";
        let stale = analyze(&[("d.csv", csv.as_bytes())], &Options::default());
        let s = loaded()
            .apply(Action::SetStage(Stage::Mature))
            .apply(Action::Recomputing)
            .apply(Action::Loaded {
                report: Shown::new(stale),
                ms: 1.0,
            });
        assert!(s.busy, "the report for the old stage is not the last word");
        let mut fresh = analyze(&[("d.csv", csv.as_bytes())], &s.opts);
        fresh.period = s.opts.period.to_string();
        let s = s.apply(Action::Loaded {
            report: Shown::new(fresh),
            ms: 1.0,
        });
        assert!(!s.busy);
    }

    #[test]
    fn quick_changes_end_on_the_report_for_the_last_choice() {
        let csv = "Deal Name,Deal Stage,Amount,Create Date,Close Date\nA,Closed Won,10,2024-01-01,2024-02-01\n";
        let answer = |o: &Options| Shown::new(analyze(&[("d.csv", csv.as_bytes())], o));
        let start = loaded().apply(Action::SetPeriod(Period::All));
        let report = answer(&start.opts);
        let start = start.apply(Action::Loaded { report, ms: 1.0 });
        let first = start.opts.stage;
        let mut sent = Some(start.opts.clone());
        assert_eq!(start.ask(sent.as_ref(), true), Ask::Answered);
        let s = start.clone().apply(Action::SetStage(Stage::Mature));
        assert!(s.busy, "busy in the same render as the change");
        assert_eq!(s.ask(sent.as_ref(), false), Ask::Send);
        sent = Some(s.opts.clone());
        let mature = s.opts.clone();

        // Back before the answer: the report on screen answers this again, and stays when
        // the answer for the stage left comes.
        let back = s.clone().apply(Action::SetStage(first));
        assert!(back.report_is_current() && !back.busy);
        assert_eq!(back.ask(sent.as_ref(), false), Ask::Nothing);
        let after = back.clone().apply(Action::Loaded {
            report: answer(&mature),
            ms: 1.0,
        });
        assert_eq!(after, back, "the stale answer changes nothing");
        // Nor while a change of mapping is on its way: the page stays busy for it.
        let remapping = back.clone().apply(Action::Recomputing);
        let after = remapping.clone().apply(Action::Loaded {
            report: answer(&mature),
            ms: 1.0,
        });
        assert_eq!(after, remapping);
        assert!(after.busy);
        // A change and back within one render leaves the page as it was.
        let twice = start
            .clone()
            .apply(Action::SetStage(Stage::Mature))
            .apply(Action::SetStage(first));
        assert_eq!(twice, start);

        // On to a third stage: asked for; the stale answer is shown, busy, and nothing is
        // asked again until the third stage's answer comes.
        let third = back.apply(Action::SetStage(Stage::Small));
        assert_eq!(third.ask(sent.as_ref(), false), Ask::Send);
        sent = Some(third.opts.clone());
        let stale = answer(&mature);
        let s = third.apply(Action::Loaded {
            report: stale.clone(),
            ms: 1.0,
        });
        assert!(s.busy && s.report.as_ref() == Some(&stale));
        assert_eq!(s.ask(sent.as_ref(), true), Ask::Nothing);
        let report = answer(&s.opts);
        let s = s.apply(Action::Loaded { report, ms: 1.0 });
        assert!(!s.busy);
        assert_eq!(s.ask(sent.as_ref(), true), Ask::Answered);
    }

    #[test]
    fn language_change_makes_the_report_stale() {
        let s = loaded().apply(Action::SetLang(Lang::Zh));
        assert!(!s.report_is_current());
    }

    #[test]
    fn a_switch_of_language_is_drawn_when_its_texts_come() {
        let s = loaded().apply(Action::SetLang(Lang::Zh));
        assert!(s.busy);
        assert_eq!((s.opts.lang, s.lang()), (Lang::Zh, Lang::En));
        // The answer in Chinese.
        let zh = analyze(&[("d.csv", ONE_DEAL.as_bytes())], &s.opts);
        let answered = s.clone().apply(Action::Loaded {
            report: Shown::new(zh),
            ms: 1.0,
        });
        assert!(!answered.busy);
        assert_eq!(answered.lang(), Lang::Zh);
        // No answer: the page is drawn in the language chosen.
        assert_eq!(s.clone().apply(Action::Failed("x".into())).lang(), Lang::Zh);
        // Back to English before the answer.
        assert_eq!(s.apply(Action::SetLang(Lang::En)).lang(), Lang::En);
        // A load under way does not hold a switch back.
        let loading = loaded()
            .apply(Action::Loading(Source::Sample))
            .apply(Action::SetLang(Lang::Zh));
        assert_eq!(loading.lang(), Lang::Zh);
    }

    /// The sample loaded and answered for `period`.
    fn answered_at(period: Period) -> State {
        let s = loaded().apply(Action::SetPeriod(period));
        let answer = analyze(&[("d.csv", ONE_DEAL.as_bytes())], &s.opts);
        s.apply(Action::Loaded {
            report: Shown::new(answer),
            ms: 1.0,
        })
    }

    /// A load that cannot reach the formats worker stops, says why in the page's language,
    /// and leaves the report on screen.
    #[test]
    fn a_load_without_its_reader_stops_and_keeps_the_report() {
        let before = answered_at(Period::Month(2024, 1));
        let shown = before.report.clone();
        let s = before
            .clone()
            .apply(Action::SetLang(Lang::Zh))
            .apply(Action::Loading(Source::Files(vec!["a.xlsx".into()])))
            .apply(Action::ReaderUnreachable(before.source.clone()));
        assert!(!s.busy && !s.loading && s.progress.is_none());
        assert!(
            s.failure.as_deref().is_some_and(|m| m.contains("离线")),
            "{:?}",
            s.failure
        );
        assert_eq!(
            (&s.source, s.opts.period),
            (&before.source, Period::Month(2024, 1))
        );
        // The same report answers again, but for its language: that switch is still asked.
        assert!(s
            .clone()
            .apply(Action::SetLang(Lang::En))
            .report_is_current());
        assert_eq!(s.report.map(|r| r.0), shown.map(|r| r.0));
    }

    /// A load whose every file was refused (a PDF, say) stops the same way, with the
    /// worker's reason.
    #[test]
    fn a_refused_load_says_why_and_keeps_the_report() {
        let before = answered_at(Period::Month(2024, 1));
        let s = before
            .clone()
            .apply(Action::Loading(Source::Files(vec!["r.pdf".into()])))
            .apply(Action::Refused(
                before.source.clone(),
                "“r.pdf” is a PDF document".into(),
            ));
        assert!(!s.busy && !s.loading && s.progress.is_none());
        assert_eq!(s.failure.as_deref(), Some("“r.pdf” is a PDF document"));
        assert_eq!(
            (&s.source, s.opts.period),
            (&before.source, Period::Month(2024, 1))
        );
        assert_eq!(s.report.map(|r| r.0), before.report.map(|r| r.0));
        // On the whole range, the next answer (another stage, say) keeps the whole range: it
        // is not a load's first answer, which opens on the data's last complete month.
        let before = answered_at(Period::All);
        let shown = before.report.as_ref().map(|r| &r.0);
        assert!(shown.is_some_and(|r| r.period == "all" && r.default_period.is_some()));
        let s = before
            .clone()
            .apply(Action::Loading(Source::Files(vec!["r.pdf".into()])))
            .apply(Action::Refused(before.source.clone(), "no".into()))
            .apply(Action::SetStage(Stage::Mature));
        let again = analyze(&[("d.csv", ONE_DEAL.as_bytes())], &s.opts);
        let s = s.apply(Action::Loaded {
            report: Shown::new(again),
            ms: 1.0,
        });
        assert_eq!(s.opts.period, Period::All);
    }

    #[test]
    fn a_linked_period_is_taken_once_the_data_covers_it() {
        let csv = "Deal Name,Deal Stage,Amount,Create Date,Close Date\n\
            A,Closed Won,10,2024-01-01,2024-02-01\nB,Closed Won,20,2024-03-01,2024-04-10\n";
        let report = Shown::new(analyze(&[("d.csv", csv.as_bytes())], &Options::default()));
        let load = |s: State| {
            s.apply(Action::Loading(Source::Sample))
                .apply(Action::Loaded {
                    report: report.clone(),
                    ms: 1.0,
                })
        };
        let config = PageConfig::parse("period=2024-02&stage=mature&kpis=revenue,win_rate");
        let s = load(State::new(Lang::En).apply(Action::ApplyConfig(Box::new(config))));
        assert_eq!(s.opts.period, Period::Month(2024, 2));
        // Another load that covers it opens on it too, until the user picks a period.
        let s = load(s);
        assert_eq!(s.opts.period, Period::Month(2024, 2));
        assert_eq!(
            s.clone()
                .apply(Action::SetPeriod(Period::All))
                .wanted_period,
            None
        );
        assert_eq!(s.opts.stage, Stage::Mature);
        assert_eq!(s.opts.kpis, ["revenue", "win_rate"]);
        assert!(
            !s.report_is_current(),
            "the chosen KPIs and period are not computed yet"
        );

        // A period the data does not cover: the last complete month instead, and the wish is
        // kept for the data the user loads next.
        let config = PageConfig::parse("period=2019-05");
        let s = load(State::new(Lang::En).apply(Action::ApplyConfig(Box::new(config))));
        assert_eq!(s.opts.period, Period::Month(2024, 3));
        assert_eq!(s.wanted_period, Some(Period::Month(2019, 5)));

        // The worker answered a fresh load for its last complete month: the page takes that
        // period, and has nothing more to ask for.
        let month = Options {
            period: Period::Month(2024, 3),
            ..Options::default()
        };
        let report = Shown::new(analyze(&[("d.csv", csv.as_bytes())], &month));
        let s = State::new(Lang::En)
            .apply(Action::Loading(Source::Sample))
            .apply(Action::Loaded { report, ms: 1.0 });
        assert_eq!(s.opts.period, Period::Month(2024, 3));
        assert!(s.period_chosen);
        assert!(s.report_is_current());
    }
}

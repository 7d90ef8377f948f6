//! The score window and the longer history: which records count, and the day, 30-day and
//! weekly buckets they fall in (offsets from the window end, so no calendar is needed).

use serde::{Deserialize, Serialize};

use crate::records::UnixSeconds;

/// Seconds in a day.
pub const DAY: i64 = 86_400;
/// Length of one monthly bucket, as in SCORING.md's "÷ (window days ÷ 30)".
pub const MONTH_DAYS: u32 = 30;
/// The longest history insights and shop age may look back over.
pub const MAX_HISTORY_DAYS: u32 = 730;

fn default_history() -> u32 {
    90
}

/// The period income is computed over, `(end − days, end]` with `end` the sync time, and the
/// longer history `(end − history_days, end]` that insights and shop age may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeWindow {
    /// The window end ("now", passed in: the library never reads a clock).
    pub end: UnixSeconds,
    /// Length of the score window in days (at least 1; the default is 90).
    pub days: u32,
    /// Length of the history in days: at least `days`, at most 730 (default 90).
    #[serde(default = "default_history")]
    pub history_days: u32,
}

/// Where a time falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    /// Before the history: reported as outside the window.
    Before,
    /// Inside the history but before the score window: insights and shop age only.
    History,
    /// Inside the score window.
    Window,
    /// After the window end.
    Future,
}

impl IncomeWindow {
    /// The default: a 90-day window and a 90-day history ending at `end`.
    pub fn ninety_days(end: UnixSeconds) -> IncomeWindow {
        IncomeWindow::new(end, 90)
    }

    /// A window of `days` (raised to at least 1) ending at `end`, with a history as long.
    pub fn new(end: UnixSeconds, days: u32) -> IncomeWindow {
        IncomeWindow {
            end,
            days,
            history_days: days,
        }
        .normalised()
    }

    /// The same window with a history of `history_days` (kept between the window's length and
    /// 730 days).
    pub fn with_history(self, history_days: u32) -> IncomeWindow {
        IncomeWindow {
            history_days,
            ..self
        }
        .normalised()
    }

    /// Clamps the lengths into range (a window deserialised from anywhere is made sane).
    pub fn normalised(self) -> IncomeWindow {
        let days = self.days.clamp(1, MAX_HISTORY_DAYS);
        IncomeWindow {
            end: self.end,
            days,
            history_days: self.history_days.clamp(days, MAX_HISTORY_DAYS),
        }
    }

    /// The exclusive start of the score window.
    pub fn start(&self) -> UnixSeconds {
        self.end.saturating_sub(i64::from(self.days) * DAY)
    }

    /// The exclusive start of the history.
    pub fn history_start(&self) -> UnixSeconds {
        self.end.saturating_sub(i64::from(self.history_days) * DAY)
    }

    /// Number of 30-day buckets in the score window's monthly series (the oldest may be short).
    pub fn months(&self) -> usize {
        self.days.div_ceil(MONTH_DAYS) as usize
    }

    /// Number of whole weeks in the score window's weekly series (at least one).
    pub fn weeks(&self) -> usize {
        (self.days / 7).max(1) as usize
    }

    /// Number of 30-day buckets over the history.
    pub fn history_months(&self) -> usize {
        self.history_days.div_ceil(MONTH_DAYS) as usize
    }

    /// Number of whole weeks over the history (at least one).
    pub fn history_weeks(&self) -> usize {
        (self.history_days / 7).max(1) as usize
    }

    pub(crate) fn position(&self, time: UnixSeconds) -> Position {
        if time > self.end {
            Position::Future
        } else if time > self.start() {
            Position::Window
        } else if time > self.history_start() {
            Position::History
        } else {
            Position::Before
        }
    }

    /// Whole days between `time` and the end (0 for the last 24 hours), for a time in the history.
    pub(crate) fn offset(&self, time: UnixSeconds) -> u32 {
        let seconds = self.end.saturating_sub(time).max(0);
        u32::try_from(seconds / DAY)
            .unwrap_or(u32::MAX)
            .min(self.history_days.saturating_sub(1))
    }

    /// The score window's monthly bucket (oldest first) of a day offset, if inside the window.
    pub(crate) fn month_of_offset(&self, offset: u32) -> Option<usize> {
        (offset < self.days).then(|| self.months() - 1 - (offset / MONTH_DAYS) as usize)
    }

    /// The score window's weekly bucket (oldest first) of a day offset, if in a whole week.
    pub(crate) fn week_of_offset(&self, offset: u32) -> Option<usize> {
        let weeks = self.weeks();
        let from_end = (offset / 7) as usize;
        (from_end < weeks && offset < self.days).then(|| weeks - 1 - from_end)
    }

    /// The history's monthly bucket (oldest first) of a day offset.
    pub(crate) fn history_month_of_offset(&self, offset: u32) -> usize {
        let months = self.history_months();
        months - 1 - ((offset / MONTH_DAYS) as usize).min(months - 1)
    }

    /// The history's weekly bucket (oldest first) of a day offset, if in a whole week.
    pub(crate) fn history_week_of_offset(&self, offset: u32) -> Option<usize> {
        let weeks = self.history_weeks();
        let from_end = (offset / 7) as usize;
        (from_end < weeks).then(|| weeks - 1 - from_end)
    }

    /// The start (exclusive) of a score-window monthly bucket.
    pub(crate) fn month_start(&self, bucket: usize) -> UnixSeconds {
        let from_end = (self.months() - bucket) as i64 * i64::from(MONTH_DAYS);
        self.end.saturating_sub(from_end * DAY).max(self.start())
    }

    /// The start (exclusive) of a score-window weekly bucket.
    pub(crate) fn week_start(&self, bucket: usize) -> UnixSeconds {
        let from_end = (self.weeks() - bucket) as i64 * 7;
        self.end.saturating_sub(from_end * DAY)
    }
}

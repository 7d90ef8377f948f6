//! Bounded cursor paging: a hostile or broken TikTok (a cursor that repeats, never advances or
//! never ends) becomes an error instead of a worker pinned forever. Pure: the caller feeds it
//! each page's token, count and `total_count`.

/// Why paging stopped early.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// The next-page token was one already followed.
    #[error("TikTok returned a page token it had already returned; paging stopped")]
    RepeatedToken,
    /// Several pages in a row held nothing but named a next page.
    #[error(
        "TikTok returned {0} empty pages in a row that still named a next page; paging stopped"
    )]
    NotAdvancing(u32),
    /// More pages than `total_count` allows (with slack).
    #[error("TikTok returned more pages ({pages}) than its total_count of {total} allows; paging stopped")]
    BeyondTotal {
        /// Pages fetched.
        pages: u64,
        /// The total TikTok reported.
        total: i64,
    },
}

/// Consecutive empty pages tolerated while a next token is still given.
const MAX_EMPTY_RUN: u32 = 3;
/// Tokens remembered to spot a cycle.
const REMEMBERED: usize = 16;

/// Tracks one slice's paging.
#[derive(Debug, Clone, Default)]
pub struct PageGuard {
    seen: std::collections::VecDeque<String>,
    pages: u64,
    empty_run: u32,
    total: Option<i64>,
}

impl PageGuard {
    /// A guard for a slice that starts at `token` (`None`: the first page).
    pub fn new(token: Option<&str>) -> PageGuard {
        let mut guard = PageGuard::default();
        if let Some(t) = token {
            guard.seen.push_back(t.to_string());
        }
        guard
    }

    /// Records a page of `items` records, its `total_count` and its next token; `Ok(next)` says
    /// where to go next (`None`: the end), `Err` stops the slice.
    pub fn advance(
        &mut self,
        items: usize,
        total: Option<i64>,
        page_size: u32,
        next: Option<&str>,
    ) -> Result<Option<String>, PagingError> {
        self.pages += 1;
        if let Some(total) = total.filter(|t| *t > 0) {
            self.total = Some(self.total.map_or(total, |t| t.max(total)));
        }
        let Some(next) = next.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if self.seen.iter().any(|t| t == next) {
            return Err(PagingError::RepeatedToken);
        }
        if items == 0 {
            self.empty_run += 1;
            if self.empty_run >= MAX_EMPTY_RUN {
                return Err(PagingError::NotAdvancing(self.empty_run));
            }
        } else {
            self.empty_run = 0;
        }
        if let Some(total) = self.total {
            let size = u64::from(page_size.max(1));
            let expected = (total.max(0) as u64).div_ceil(size);
            let allowed = expected + (expected / 10).max(2);
            if self.pages >= allowed {
                return Err(PagingError::BeyondTotal {
                    pages: self.pages,
                    total,
                });
            }
        }
        if self.seen.len() == REMEMBERED {
            self.seen.pop_front();
        }
        self.seen.push_back(next.to_string());
        Ok(Some(next.to_string()))
    }

    /// Pages seen so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_that_ends_stops_cleanly() {
        let mut g = PageGuard::new(None);
        assert_eq!(
            g.advance(100, Some(150), 100, Some("a")),
            Ok(Some("a".into()))
        );
        assert_eq!(g.advance(50, Some(150), 100, Some("")), Ok(None));
        assert_eq!(g.pages(), 2);
    }

    #[test]
    fn a_repeated_token_is_an_error() {
        let mut g = PageGuard::new(None);
        g.advance(10, None, 10, Some("a")).unwrap();
        g.advance(10, None, 10, Some("b")).unwrap();
        assert_eq!(
            g.advance(10, None, 10, Some("a")),
            Err(PagingError::RepeatedToken)
        );
        let mut resumed = PageGuard::new(Some("x"));
        assert_eq!(
            resumed.advance(10, None, 10, Some("x")),
            Err(PagingError::RepeatedToken)
        );
    }

    #[test]
    fn empty_pages_that_keep_naming_a_next_page_are_an_error() {
        let mut g = PageGuard::new(None);
        g.advance(0, None, 10, Some("1")).unwrap();
        g.advance(0, None, 10, Some("2")).unwrap();
        assert_eq!(
            g.advance(0, None, 10, Some("3")),
            Err(PagingError::NotAdvancing(3))
        );
    }

    #[test]
    fn an_endless_cursor_stops_past_the_total_count() {
        let mut g = PageGuard::new(None);
        let mut error = None;
        for i in 0..1000 {
            match g.advance(100, Some(1000), 100, Some(&format!("t{i}"))) {
                Ok(_) => {}
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        assert!(matches!(
            error,
            Some(PagingError::BeyondTotal { total: 1000, .. })
        ));
        assert!(g.pages() <= 12, "{} pages", g.pages());
    }
}

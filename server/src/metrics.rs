//! Prometheus metrics: requests by route and status, and a latency histogram per route.
//! Small and dependency-free; routes are the matched route templates, never raw paths, so the
//! label set stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Histogram bucket upper bounds in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    /// Kept pages served (`true`) and rendered (`false`), by page.
    kept: BTreeMap<(&'static str, bool), u64>,
}

/// The process's request metrics.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    /// Records one finished request. The method label is one of the standard methods or
    /// `other`: a client inventing methods cannot grow the label set.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "other",
        };
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        *inner
            .requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let h = inner.latency.entry(route.to_string()).or_default();
        let secs = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// Counts one view of a kept page: served from the kept render (`hit`) or rendered.
    pub fn kept_page(&self, page: &'static str, hit: bool) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner.kept.entry((page, hit)).or_default() += 1;
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(inner) = self.inner.lock() else {
            return out;
        };
        out.push_str("# HELP http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        for ((method, route, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(method),
                escape(route)
            );
        }
        out.push_str("# HELP http_request_duration_seconds HTTP request latency by route.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for (route, h) in &inner.latency {
            let route = escape(route);
            for (bound, n) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        if !inner.kept.is_empty() {
            out.push_str("# HELP kept_pages_total Views of kept pages, served from a kept render (hit) or rendered (miss).\n");
            out.push_str("# TYPE kept_pages_total counter\n");
            for ((page, hit), n) in &inner.kept {
                let outcome = if *hit { "hit" } else { "miss" };
                let _ = writeln!(
                    out,
                    "kept_pages_total{{page=\"{page}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_requests_and_fills_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/", 200, Duration::from_millis(3));
        m.observe("GET", "/", 200, Duration::from_millis(300));
        m.observe("GET", "unmatched", 404, Duration::from_millis(1));
        let text = m.render();
        assert!(
            text.contains("http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(text
            .contains("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1"));
        assert!(text.contains("http_request_duration_seconds_bucket{route=\"/\",le=\"0.005\"} 1"));
        assert!(text.contains("http_request_duration_seconds_bucket{route=\"/\",le=\"0.5\"} 2"));
        assert!(text.contains("http_request_duration_seconds_count{route=\"/\"} 2"));
    }

    #[test]
    fn made_up_methods_share_one_label() {
        let m = Metrics::default();
        for i in 0..300 {
            m.observe(&format!("X{i}"), "unmatched", 405, Duration::from_millis(1));
        }
        let text = m.render();
        assert_eq!(text.matches("method=").count(), 1, "{text}");
        assert!(text.contains("method=\"other\""));
    }
}

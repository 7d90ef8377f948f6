//! Server-rendered SVG bar charts: readable without JavaScript and under a strict CSP (no
//! inline styles: geometry lives in attributes). Each chart has a value axis, its values on the
//! bars when there is room, and the same figures as a table (for screen readers, and for anyone
//! who wants the numbers).

use leptos::prelude::*;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 200.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 28.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 8.0;

/// A bar chart of `values` with one label per bar; `format` prints a value.
#[component]
pub fn BarChart(
    /// The chart's accessible title.
    #[prop(into)]
    title: String,
    /// Bar labels.
    labels: Vec<String>,
    /// Bar values.
    values: Vec<f64>,
    /// How a value is written.
    format: fn(f64) -> String,
    /// Extra class (colour).
    #[prop(into, optional)]
    class: String,
) -> impl IntoView {
    let max = values.iter().cloned().fold(0.0_f64, f64::max).max(1e-9);
    let n = values.len().max(1) as f64;
    let slot = (WIDTH - LEFT - RIGHT) / n;
    let bar = (slot * 0.7).max(2.0);
    let plot = HEIGHT - TOP - BOTTOM;
    let show_every = ((values.len() as f64) / 8.0).ceil().max(1.0) as usize;
    let values_on_bars = values.len() <= 13;
    let summary = labels
        .iter()
        .zip(values.iter())
        .map(|(l, v)| format!("{l}: {}", format(*v)))
        .collect::<Vec<_>>()
        .join("; ");
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let h = (v / max * plot).max(if *v > 0.0 { 1.0 } else { 0.0 });
            let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
            let y = TOP + plot - h;
            let label = labels.get(i).cloned().unwrap_or_default();
            let tip = format!("{label}: {}", format(*v));
            let show_label = i % show_every == 0;
            let value = format(*v);
            view! {
                <g>
                    <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{bar:.1}") height=format!("{h:.1}") rx="3">
                        <title>{tip}</title>
                    </rect>
                    {values_on_bars.then(|| view! {
                        <text x=format!("{:.1}", x + bar / 2.0) y=format!("{:.1}", (y - 4.0).max(10.0)) text-anchor="middle" class="chart-value">{value}</text>
                    })}
                    {show_label.then(|| view! {
                        <text x=format!("{:.1}", x + bar / 2.0) y=format!("{:.1}", HEIGHT - 8.0) text-anchor="middle" class="chart-label">{label}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    let ticks = [0.0, 0.5, 1.0].map(|f| {
        let y = TOP + plot - f * plot;
        view! {
            <g>
                <line x1=LEFT y1=format!("{y:.1}") x2=WIDTH - RIGHT y2=format!("{y:.1}") class="chart-grid" />
                <text x=LEFT - 6.0 y=format!("{:.1}", y + 4.0) text-anchor="end" class="chart-label">{format(max * f)}</text>
            </g>
        }
    });
    let rows = labels
        .iter()
        .zip(values.iter())
        .map(|(l, v)| view! { <tr><th scope="row">{l.clone()}</th><td>{format(*v)}</td></tr> })
        .collect_view();
    view! {
        <figure class=format!("chart {class}")>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=format!("{title}. {summary}")>
                {ticks}
                <line x1=LEFT y1=TOP + plot x2=WIDTH - RIGHT y2=TOP + plot class="chart-axis" />
                {bars}
            </svg>
            <figcaption>{title.clone()}</figcaption>
            <details class="chart-figures">
                <summary>"The figures"</summary>
                <table class="data-table">
                    <caption>{title}</caption>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

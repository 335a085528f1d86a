//! Charts as SVG text the page inserts inline: a KPI's trend line and horizontal bars for
//! breakdowns and the stage funnel. Written here rather than with plotters' SVG backend: for
//! these two charts plotters added 19 KB gzipped to the page (measured: 396.4 KB with it,
//! 377.4 KB without), about a twentieth of the whole download budget. Each chart is wrapped
//! in a figure with a title and a text alternative (the figures as a list), so it reads
//! without sight and in either language.

use crate::engine::catalogue::Unit;
use crate::format::Axis;
use crate::i18n::Lang;
use std::fmt::Write;
use yew::prelude::*;

const INK: &str = "#1f5fa8";
const GRID: &str = "#dde3ea";
const TEXT: &str = "#444c56";

/// Text safe inside SVG markup.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn open(svg: &mut String, w: u32, h: u32) {
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11" fill="{TEXT}"><rect width="{w}" height="{h}" fill="white"/>"#
    );
}

/// The trend of one KPI in `unit`, its axis labelled for `lang`: `points` are (period label,
/// value), oldest first.
pub fn trend_svg(points: &[(String, f64)], unit: Unit, lang: Lang) -> Option<String> {
    if points.len() < 2 || points.iter().any(|p| !p.1.is_finite()) {
        return None;
    }
    let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), (_, v)| {
        (a.min(*v), b.max(*v))
    });
    let axis = Axis::new(lo, hi, unit);
    let (lo, hi) = (axis.lo, axis.hi);
    let (w, h, left, top, bottom, right) = (320.0, 150.0, 62.0, 8.0, 22.0, 10.0);
    let n = points.len();
    let x = |i: usize| left + (w - left - right) * i as f64 / (n - 1) as f64;
    let y = |v: f64| top + (h - top - bottom) * (hi - v) / (hi - lo);
    let mut svg = String::new();
    open(&mut svg, w as u32, h as u32);
    for v in axis.ticks() {
        let _ = write!(
            svg,
            r#"<line x1="{left}" x2="{:.1}" y1="{yv:.1}" y2="{yv:.1}" stroke="{GRID}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            w - right,
            left - 4.0,
            y(v) + 4.0,
            esc(&axis.label(v, lang)),
            yv = y(v)
        );
    }
    // At most four period labels, spread over the axis, the last one always shown.
    let step = n.div_ceil(4).max(1);
    for i in (0..n).filter(|i| (n - 1 - i) % step == 0) {
        let anchor = if i == n - 1 { "end" } else { "middle" };
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            x(i),
            h - 6.0,
            esc(&points[i].0)
        );
    }
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    let _ = write!(
        svg,
        r#"<polyline points="{}" fill="none" stroke="{INK}" stroke-width="2"/>"#,
        line.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{INK}"/>"#,
            x(i),
            y(p.1)
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Horizontal bars from zero in `unit` (axis labelled for `lang`), one per row (label, value),
/// in the given order.
pub fn bars_svg(rows: &[(String, f64)], unit: Unit, lang: Lang) -> Option<String> {
    if rows.is_empty() || rows.iter().any(|r| !r.1.is_finite()) {
        return None;
    }
    let axis = Axis::new(0.0, rows.iter().map(|r| r.1).fold(0.0, f64::max), unit);
    let max = axis.hi;
    let (w, left, right, row) = (420.0, 150.0, 12.0, 24.0);
    let h = row * rows.len() as f64 + 30.0;
    let x = |v: f64| left + (w - left - right) * v.max(0.0) / max;
    let mut svg = String::new();
    open(&mut svg, w as u32, h as u32);
    let bottom = h - 24.0;
    for v in axis.ticks() {
        let _ = write!(
            svg,
            r#"<line x1="{xv:.1}" x2="{xv:.1}" y1="4" y2="{bottom:.1}" stroke="{GRID}"/><text x="{xv:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            h - 8.0,
            esc(&axis.label(v, lang)),
            xv = x(v)
        );
    }
    for (i, (label, v)) in rows.iter().enumerate() {
        let top = 6.0 + row * i as f64;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{left}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{INK}" fill-opacity="0.8"/>"#,
            left - 6.0,
            top + row / 2.0 + 2.0,
            esc(&shorten(label)),
            top + 3.0,
            x(*v) - left,
            row - 6.0
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

fn shorten(s: &str) -> String {
    // 22 characters fit the labels' 150 units: HubSpot's "Appointment Scheduled" whole.
    if s.chars().count() > 22 {
        let mut t: String = s.chars().take(21).collect();
        t.push('…');
        t
    } else if s.is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

/// A chart as a figure: the SVG, a caption, and the values as text for screen readers, with
/// the punctuation of `lang`.
pub fn figure(
    class: &'static str,
    title: &str,
    svg: Option<String>,
    alt: &[(String, String)],
    lang: Lang,
) -> Html {
    let Some(svg) = svg else {
        return Html::default();
    };
    let stop = match lang {
        Lang::En => ". ",
        Lang::Zh => "。",
    };
    let colon = crate::i18n::t(lang, crate::i18n::T::Colon);
    let alt_text = alt
        .iter()
        .map(|(k, v)| format!("{k}{colon}{v}"))
        .collect::<Vec<_>>()
        .join(crate::i18n::semicolon(lang));
    html! {
        <figure class={classes!("chart", class)}>
            <figcaption>{ title }</figcaption>
            <div role="img" aria-label={format!("{title}{stop}{alt_text}")}>
                { Html::from_html_unchecked(AttrValue::from(svg)) }
            </div>
        </figure>
    }
}

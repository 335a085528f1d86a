//! Charts drawn with plotters' SVG backend into a string the page inserts inline: a KPI's
//! trend line and horizontal bars for breakdowns and the stage funnel. Each chart is wrapped
//! in a figure with a title and a text alternative (the figures as a list), so it reads
//! without sight and in either language.

use plotters::prelude::*;
use yew::prelude::*;

const INK: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const GRID: RGBColor = RGBColor(0xdd, 0xe3, 0xea);
const TEXT: RGBColor = RGBColor(0x44, 0x4c, 0x56);

fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&TEXT)
}

/// The trend of one KPI: `points` are (period label, value), oldest first.
pub fn trend_svg(points: &[(String, f64)], fmt: &dyn Fn(f64) -> String) -> Option<String> {
    if points.len() < 2 {
        return None;
    }
    let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(a, b), (_, v)| {
        (a.min(*v), b.max(*v))
    });
    let pad = ((hi - lo) * 0.1).max(hi.abs() * 0.05).max(1e-9);
    let (lo, hi) = (
        if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        },
        hi + pad,
    );
    let n = points.len();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (320, 150)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(6)
            .x_label_area_size(20)
            .y_label_area_size(56)
            .build_cartesian_2d(0..n - 1, lo..hi)
            .ok()?;
        chart
            .configure_mesh()
            .x_labels(n.min(4))
            .y_labels(4)
            .x_label_formatter(&|i| points.get(*i).map(|p| p.0.clone()).unwrap_or_default())
            .y_label_formatter(&|v| fmt(*v))
            .label_style(font(11))
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(GRID)
            .draw()
            .ok()?;
        chart
            .draw_series(LineSeries::new(
                points.iter().enumerate().map(|(i, p)| (i, p.1)),
                INK.stroke_width(2),
            ))
            .ok()?;
        chart
            .draw_series(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| Circle::new((i, p.1), 3, INK.filled())),
            )
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

/// Horizontal bars, one per row (label, value), in the given order.
pub fn bars_svg(rows: &[(String, f64)], fmt: &dyn Fn(f64) -> String) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let n = rows.len();
    let height = 24 * n as u32 + 30;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (420, height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(6)
            .x_label_area_size(20)
            .y_label_area_size(130)
            .build_cartesian_2d(0.0..max * 1.15, 0..n)
            .ok()?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(4)
            .y_labels(n + 1)
            .x_label_formatter(&|v| fmt(*v))
            .y_label_formatter(&|i| {
                rows.get(n.saturating_sub(1 + *i))
                    .map(|r| shorten(&r.0))
                    .unwrap_or_default()
            })
            .label_style(font(11))
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .axis_style(GRID)
            .draw()
            .ok()?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = n - 1 - i;
                Rectangle::new([(0.0, y), (r.1.max(0.0), y + 1)], INK.mix(0.8).filled())
            }))
            .ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 18 {
        let mut t: String = s.chars().take(17).collect();
        t.push('…');
        t
    } else if s.is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

/// A chart as a figure: the SVG, a caption, and the values as text for screen readers.
pub fn figure(
    class: &'static str,
    title: &str,
    svg: Option<String>,
    alt: &[(String, String)],
) -> Html {
    let Some(svg) = svg else {
        return Html::default();
    };
    let alt_text = alt
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <figure class={classes!("chart", class)}>
            <figcaption>{ title }</figcaption>
            <div role="img" aria-label={format!("{title}. {alt_text}")}>
                { Html::from_html_unchecked(AttrValue::from(svg)) }
            </div>
        </figure>
    }
}

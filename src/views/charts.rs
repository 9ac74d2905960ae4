//! Bar charts drawn as SVG on the server: no JavaScript, no chart library. Each chart has a
//! text description for screen readers; pages show the numbers in a table beside it.

use maud::{Markup, html};

/// A bar chart of `bars` (label, value). Labels are drawn under every `label_every`-th bar.
pub fn bars(title: &str, bars: &[(String, u64)], label_every: usize, digits: crate::thai::Digits) -> Markup {
    const W: f64 = 720.0;
    const H: f64 = 240.0;
    const LEFT: f64 = 48.0;
    const BOTTOM: f64 = 28.0;
    const TOP: f64 = 12.0;
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    // A round top for the scale: 1, 2 or 5 times a power of ten.
    let scale = {
        let mut step = 1u64;
        loop {
            if let Some(s) = [1, 2, 5].iter().map(|m| m * step).find(|s| s * 4 >= max) {
                break s * 4;
            }
            step *= 10;
        }
    };
    let n = bars.len().max(1) as f64;
    let slot = (W - LEFT) / n;
    let plot_h = H - TOP - BOTTOM;
    let y = |v: u64| TOP + plot_h * (1.0 - v as f64 / scale as f64);
    let total: u64 = bars.iter().map(|(_, v)| v).sum();
    let description = format!("{title}: {} ช่วง รวม {total} สูงสุด {max}", bars.len());
    html! {
        svg.chart viewBox=(format!("0 0 {W} {H}")) role="img" aria-label=(description)
            xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet" {
            title { (description) }
            @for i in 0..=4u64 {
                @let v = scale * i / 4;
                line.grid x1=(LEFT) x2=(W) y1=(y(v)) y2=(y(v)) {}
                text.axis x=(LEFT - 6.0) y=(y(v) + 4.0) text-anchor="end" { (digits.apply(&v.to_string())) }
            }
            @for (i, (label, value)) in bars.iter().enumerate() {
                @let x = LEFT + slot * i as f64;
                rect.bar x=(format!("{:.1}", x + slot * 0.15)) y=(format!("{:.1}", y(*value)))
                    width=(format!("{:.1}", slot * 0.7)) height=(format!("{:.1}", H - BOTTOM - y(*value))) {
                    title { (digits.apply(label)) ": " (digits.apply(&value.to_string())) }
                }
                @if label_every > 0 && i % label_every == 0 {
                    text.axis x=(format!("{:.1}", x + slot / 2.0)) y=(H - 8.0) text-anchor="middle" { (digits.apply(label)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_scale_and_escape() {
        let svg =
            bars("ทดสอบ <x>", &[("ม.ค.".into(), 3), ("<b>".into(), 17)], 1, crate::thai::Digits::Arabic)
                .into_string();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("role=\"img\""));
        assert!(!svg.contains("<b>"), "labels are escaped");
        assert!(svg.contains(">20<"), "scale rounds up to 20");
        assert!(bars("ว่าง", &[], 1, crate::thai::Digits::Arabic).into_string().contains("<svg"));
    }
}

//! The colour presets an office may choose on `/admin/settings`. Each is a set of CSS custom
//! properties in `assets/style.css` (`html.theme-<name>`), switched on by a class on `<html>`
//! (an inline style would need the Content-Security-Policy loosened). The tests below hold the
//! stylesheet to these values and every pair to the WCAG 2.1 AA contrast of 4.5:1.

use crate::config::Theme;

/// A preset's colours: the header and buttons (`--green`), links and headings
/// (`--green-dark`), and the light background of notices and panels (`--green-soft`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Header background, buttons; white text sits on it.
    pub main: &'static str,
    /// Links, headings, the search button.
    pub dark: &'static str,
    /// Soft background for notices and panels; main and dark text sit on it.
    pub soft: &'static str,
}

/// The colours of `theme`.
pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Green => Palette { main: "#0b6e4f", dark: "#084c37", soft: "#e8f3ee" },
        Theme::Blue => Palette { main: "#1d4f91", dark: "#143a6b", soft: "#e8eff8" },
        Theme::Maroon => Palette { main: "#8c1d2f", dark: "#651523", soft: "#f8eaec" },
        Theme::Purple => Palette { main: "#5d2e8c", dark: "#432066", soft: "#f1ebf7" },
    }
}

/// The class on `<html>` that selects `theme`; `None` for the default (the stylesheet's
/// `:root`).
pub fn class(theme: Theme) -> Option<String> {
    (theme != Theme::default()).then(|| format!("theme-{}", theme.as_str()))
}

/// WCAG 2.1 relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0)) / 255.0;
        if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

/// WCAG 2.1 contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSS: &str = include_str!("../../assets/style.css");
    const WHITE: &str = "#ffffff";
    /// The page background (`--bg`).
    const BG: &str = "#f6f8f7";

    #[test]
    fn every_preset_keeps_text_readable() {
        assert!((contrast("#000000", WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        for theme in Theme::ALL {
            let p = palette(theme);
            for (what, fg, bg) in [
                ("white on the header", WHITE, p.main),
                ("white on a button", WHITE, p.dark),
                ("links on white", p.dark, WHITE),
                ("links on the page", p.dark, BG),
                ("main colour on white", p.main, WHITE),
                ("main colour on the soft background", p.main, p.soft),
                ("links on the soft background", p.dark, p.soft),
            ] {
                let ratio = contrast(fg, bg);
                assert!(ratio >= 4.5, "{theme:?}: {what} {fg} on {bg} is {ratio:.2}:1");
            }
        }
    }

    #[test]
    fn the_stylesheet_defines_each_preset_with_these_colours() {
        let block = |selector: &str| -> String {
            let at = CSS.find(&format!("{selector} {{")).unwrap_or_else(|| panic!("{selector} in style.css"));
            CSS[at..].split('}').next().unwrap().to_string()
        };
        for theme in Theme::ALL {
            let p = palette(theme);
            let css = match class(theme) {
                Some(c) => block(&format!("html.{c}")),
                None => block(":root"),
            };
            for (var, value) in [("--green", p.main), ("--green-dark", p.dark), ("--green-soft", p.soft)] {
                assert!(css.contains(&format!("{var}: {value};")), "{theme:?} {var}: {css}");
            }
            assert_eq!(Theme::parse(theme.as_str()), Some(theme));
        }
        // High contrast comes after the presets, so it wins over any of them.
        assert!(CSS.find("html.contrast {").unwrap() > CSS.find("html.theme-purple {").unwrap());
    }
}

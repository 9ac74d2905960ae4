//! What a visitor chose for reading the site: text size, high contrast and the interface
//! language. Chosen with plain links (no JavaScript) and remembered in one cookie that only
//! holds these choices (a cookie the visitor asked for, so strictly necessary). The web layer
//! sets the choices for the duration of a request; the layout reads them.

/// Text size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Size {
    /// As designed.
    #[default]
    Normal,
    /// About 125 %.
    Large,
    /// About 150 %.
    Larger,
}

/// Interface language of the public site (content stays in Thai).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Thai.
    #[default]
    Th,
    /// English.
    En,
}

/// The visitor's reading choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prefs {
    /// Text size.
    pub size: Size,
    /// High contrast.
    pub contrast: bool,
    /// Interface language.
    pub lang: Lang,
}

tokio::task_local! {
    static CURRENT: (Prefs, String);
}

impl Prefs {
    /// From the cookie value, e.g. `large.contrast.en`; unknown words are ignored.
    pub fn parse(value: &str) -> Prefs {
        let mut p = Prefs::default();
        for word in value.split('.') {
            match word {
                "large" => p.size = Size::Large,
                "larger" => p.size = Size::Larger,
                "contrast" => p.contrast = true,
                "en" => p.lang = Lang::En,
                _ => {}
            }
        }
        p
    }

    /// The cookie value; empty for the defaults.
    pub fn to_cookie(self) -> String {
        let mut words = Vec::new();
        match self.size {
            Size::Normal => {}
            Size::Large => words.push("large"),
            Size::Larger => words.push("larger"),
        }
        if self.contrast {
            words.push("contrast");
        }
        if self.lang == Lang::En {
            words.push("en");
        }
        words.join(".")
    }

    /// Applies one choice from a `/prefs/{choice}` link; `None` for an unknown one.
    pub fn with(mut self, choice: &str) -> Option<Prefs> {
        match choice {
            "text-normal" => self.size = Size::Normal,
            "text-large" => self.size = Size::Large,
            "text-larger" => self.size = Size::Larger,
            "contrast-on" => self.contrast = true,
            "contrast-off" => self.contrast = false,
            "lang-th" => self.lang = Lang::Th,
            "lang-en" => self.lang = Lang::En,
            _ => return None,
        }
        Some(self)
    }

    /// Runs `f` with these choices as the current ones, for the page at `path` (path and
    /// query, where the choice links lead back to).
    pub async fn scope<F: std::future::Future>(self, path: String, f: F) -> F::Output {
        CURRENT.scope((self, path), f).await
    }

    /// The choices of the request being served (the defaults outside a request).
    pub fn current() -> Prefs {
        CURRENT.try_with(|p| p.0).unwrap_or_default()
    }

    /// Path and query of the page being served (`/` outside a request).
    pub fn current_path() -> String {
        CURRENT.try_with(|p| p.1.clone()).unwrap_or_else(|_| "/".into())
    }

    /// Whether the interface is in English.
    pub fn english(self) -> bool {
        self.lang == Lang::En
    }

    /// Classes for the `<html>` element.
    pub fn classes(self) -> String {
        let mut c = Vec::new();
        match self.size {
            Size::Normal => {}
            Size::Large => c.push("text-large"),
            Size::Larger => c.push("text-larger"),
        }
        if self.contrast {
            c.push("contrast");
        }
        c.join(" ")
    }
}

/// Thai or English text for the interface, by the current choice.
pub fn t(th: &'static str, en: &'static str) -> &'static str {
    if Prefs::current().english() { en } else { th }
}

/// Thai or English text that is not `'static` (area names, titles), by the current choice.
pub fn tr<'a>(th: &'a str, en: &'a str) -> &'a str {
    if Prefs::current().english() { en } else { th }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_through_the_cookie() {
        let p = Prefs::default()
            .with("text-larger")
            .unwrap()
            .with("contrast-on")
            .unwrap()
            .with("lang-en")
            .unwrap();
        assert_eq!(p.to_cookie(), "larger.contrast.en");
        assert_eq!(Prefs::parse(&p.to_cookie()), p);
        assert_eq!(Prefs::parse("junk.<x>"), Prefs::default());
        assert!(Prefs::default().with("nope").is_none());
        assert_eq!(p.classes(), "text-larger contrast");
    }

    #[tokio::test]
    async fn the_current_choice_is_per_request() {
        assert!(!Prefs::current().english());
        let en = Prefs { lang: Lang::En, ..Prefs::default() };
        assert_eq!(en.scope("/x".into(), async { t("ไทย", "English") }).await, "English");
        assert_eq!(t("ไทย", "English"), "ไทย");
    }
}

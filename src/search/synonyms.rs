//! Abbreviations and synonyms as data: `assets/search/synonyms.txt` (built in) plus the
//! additions an admin makes at `/admin/search`. Each line names terms that mean the same, split
//! by `=`; a query word or run of words equal to one of them also finds the others.
//!
//! The built-in abbreviations (and the words in `assets/search/words.txt`) are also Prakat's
//! lexicon for segmentation (see [`super::segment`]): they are indexed as whole words.
//! Admin additions only widen queries, so they take effect at once without re-indexing.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use sha2::Digest;

use super::normalise::{is_thai_letter, normalise};
use super::segment::{Lexicon, word_strings};

/// The built-in synonyms.
pub const BUILT_IN: &str = include_str!("../../assets/search/synonyms.txt");
/// Office words the Thai dictionary splits badly.
const WORDS: &str = include_str!("../../assets/search/words.txt");
/// The longest term (in characters) an admin may add, and the most terms on a line.
pub const TERM_MAX: usize = 80;
/// At most this many words make one term.
pub const TERM_WORDS_MAX: usize = 8;

/// Words taken whole before the dictionary splits a Thai run.
#[derive(Debug, Default)]
pub struct Words {
    set: HashSet<String>,
    /// The longest word, in bytes.
    longest: usize,
}

impl Words {
    fn add(&mut self, word: String) {
        // Single letters would cut real words apart.
        if word.chars().count() >= 2 && word.chars().all(is_thai_letter) {
            self.longest = self.longest.max(word.len());
            self.set.insert(word);
        }
    }

    /// A fingerprint of the lexicon: an index made with another one must be made again.
    pub fn version(&self) -> String {
        let mut all: Vec<&String> = self.set.iter().collect();
        all.sort();
        let mut h = sha2::Sha256::new();
        h.update(b"icu_segmenter 2.4 thaidict\n");
        for w in all {
            h.update(w.as_bytes());
            h.update(b"\n");
        }
        hex::encode(&h.finalize()[..8])
    }
}

impl Lexicon for Words {
    fn longest_prefix(&self, text: &str) -> Option<usize> {
        let mut ends: Vec<usize> =
            text.char_indices().map(|(i, c)| i + c.len_utf8()).take_while(|&e| e <= self.longest).collect();
        ends.reverse();
        ends.into_iter().find(|&e| self.set.contains(&text[..e]))
    }
}

/// The lines of a synonyms text: terms split by `=`, without comments (`#`) and blank lines.
pub fn lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.split('=').map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>())
        .filter(|terms| terms.len() >= 2)
}

/// The built-in lexicon: the abbreviations of the built-in synonyms (the Thai terms of at most
/// six letters written with dots) and the office words. Not longer words: a word taken whole hides the words inside
/// it (ปีงบ would hide งบประมาณ in ปีงบประมาณ).
pub static LEXICON: LazyLock<Words> = LazyLock::new(|| {
    let mut words = Words::default();
    for terms in lines(BUILT_IN) {
        for term in terms {
            let n = normalise(term);
            if !n.contains(' ') && term.contains('.') && n.chars().count() <= 6 {
                words.add(n);
            }
        }
    }
    for w in WORDS.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()) {
        words.add(normalise(w));
    }
    words
});

/// Terms that mean the same, each as its words.
#[derive(Debug, Default, Clone)]
pub struct Synonyms {
    /// Each set: its terms, each term as its normalised words.
    sets: Vec<Vec<Vec<String>>>,
    /// A term's words run together → the sets it is in.
    by_key: HashMap<String, Vec<usize>>,
}

impl Synonyms {
    /// Synonyms read from `text` (lines of terms split by `=`).
    pub fn parse(text: &str) -> Synonyms {
        let mut s = Synonyms::default();
        s.add_lines(text);
        s
    }

    /// Adds the lines of `text`.
    pub fn add_lines(&mut self, text: &str) {
        for terms in lines(text) {
            self.add(&terms);
        }
    }

    /// Adds one set of terms meaning the same.
    pub fn add(&mut self, terms: &[&str]) {
        let set: Vec<Vec<String>> = terms
            .iter()
            .map(|t| {
                let n = normalise(t);
                word_strings(&n, &*LEXICON).into_iter().take(TERM_WORDS_MAX).map(str::to_owned).collect()
            })
            .filter(|w: &Vec<String>| !w.is_empty())
            .collect();
        if set.len() < 2 {
            return;
        }
        let id = self.sets.len();
        for words in &set {
            let ids = self.by_key.entry(words.concat()).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        self.sets.push(set);
    }

    /// The other terms (as words) meaning the same as `words` run together (so "egp" finds
    /// "e gp"), if any.
    pub fn others(&self, words: &[&str]) -> Vec<Vec<String>> {
        let key = words.concat();
        let mut out: Vec<Vec<String>> = Vec::new();
        for &id in self.by_key.get(&key).into_iter().flatten() {
            for term in &self.sets[id] {
                if !term.iter().eq(words.iter()) && !out.contains(term) {
                    out.push(term.clone());
                }
            }
        }
        out
    }

    /// Whether the words run together are a term.
    pub fn contains(&self, words: &[&str]) -> bool {
        self.by_key.contains_key(&words.concat())
    }
}

/// The built-in synonyms, parsed once.
pub static BUILT_IN_SYNONYMS: LazyLock<Synonyms> = LazyLock::new(|| Synonyms::parse(BUILT_IN));

/// Checks one line an admin wants to add; the problem in Thai if it is not usable.
pub fn check_line(line: &str) -> Result<Vec<String>, String> {
    let terms: Vec<String> = line.split('=').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    if terms.len() < 2 {
        return Err("คำพ้อง: ต้องมีอย่างน้อย 2 คำ คั่นด้วยเครื่องหมาย = เช่น รพ.สต. = โรงพยาบาลส่งเสริมสุขภาพตำบล".into());
    }
    if let Some(t) = terms.iter().find(|t| t.chars().count() > TERM_MAX) {
        return Err(format!(
            "คำพ้อง: คำละไม่เกิน {TERM_MAX} ตัวอักษร (“{}…” ยาวเกิน)",
            t.chars().take(20).collect::<String>()
        ));
    }
    if let Some(t) = terms.iter().find(|t| normalise(t).chars().all(|c| !c.is_alphanumeric())) {
        return Err(format!("คำพ้อง: “{t}” ไม่มีตัวอักษรหรือตัวเลข"));
    }
    if terms.iter().any(|t| t.contains('#')) {
        return Err("คำพ้อง: ใช้เครื่องหมาย # ในคำไม่ได้".into());
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_find_their_long_forms_both_ways() {
        let s = &*BUILT_IN_SYNONYMS;
        let long = s.others(&["รพสต"]);
        assert!(long.iter().any(|t| t.concat() == "โรงพยาบาลส่งเสริมสุขภาพตำบล"), "{long:?}");
        let n = normalise("โรงพยาบาลส่งเสริมสุขภาพตำบล");
        let words = word_strings(&n, &*LEXICON);
        assert!(s.others(&words).iter().any(|t| t.concat() == "รพสต"));
        assert!(s.contains(&["พรบ"]) && s.contains(&["e", "gp"]) && s.contains(&["ita"]));
    }

    #[test]
    fn the_lexicon_holds_abbreviations_not_long_words() {
        for w in ["รพสต", "พรบ", "อสม", "สสอ", "สปสช", "รพ", "จัดจ้าง"]
        {
            assert_eq!(LEXICON.longest_prefix(w), Some(w.len()), "{w}");
        }
        assert_eq!(LEXICON.longest_prefix("โรงพยาบาล"), None);
        assert_eq!(LEXICON.longest_prefix("พรบข้อมูลข่าวสาร"), Some("พรบ".len()));
        assert_eq!(LEXICON.version().len(), 16);
    }

    #[test]
    fn admin_lines_are_checked() {
        assert!(check_line("ศบส. = ศูนย์บริการสาธารณสุข").is_ok());
        assert!(check_line("ศบส.").unwrap_err().contains("อย่างน้อย 2 คำ"));
        assert!(check_line("... = ศูนย์").unwrap_err().contains("ไม่มีตัวอักษร"));
        assert!(check_line(&format!("ก = {}", "ข".repeat(100))).is_err());
    }
}

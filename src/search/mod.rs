//! Thai search that understands Thai: the pure part (no SQL, no HTTP).
//!
//! Indexed text and queries go through the same steps: [`normalise`] (one way of writing each
//! thing), [`segment`] (words: Thai by dictionary, Latin and digits apart), then the query is
//! [`plan`]ned into groups of alternatives (the word, a prefix of it, its [`synonyms`] and
//! abbreviations, corrections of [`typo`]s found in the index's own vocabulary). The store
//! (`store::search`) keeps the index of words and asks it; this module also marks whole words
//! in the results ([`highlight`], [`excerpt`]).

pub mod normalise;
pub mod plan;
pub mod segment;
pub mod synonyms;
pub mod typo;

pub use plan::{Kind, Marks, Plan, plan};

use normalise::{is_thai_mark, nfc, normalise_mapped};
use synonyms::LEXICON;

/// The indexed form of `text`: its words, normalised, separated by single spaces.
pub fn index_words(text: &str) -> String {
    let n = normalise::normalise(text);
    let mut out = String::with_capacity(n.len() + n.len() / 8);
    for w in segment::words(&n, &*LEXICON) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&n[w.start..w.end]);
    }
    out
}

/// Splits `text` into pieces, each marked whether it is a word to mark. The pieces joined give
/// `text` back (in NFC).
pub fn highlight(text: &str, marks: &Marks) -> Vec<(String, bool)> {
    let source = nfc(text);
    let mut out = Vec::new();
    if text.is_empty() {
        return out;
    }
    let n = normalise_mapped(&source);
    let words = segment::words(&n.text, &*LEXICON);
    let strings: Vec<&str> = words.iter().map(|w| &n.text[w.start..w.end]).collect();
    let mut at = 0;
    let mut i = 0;
    while i < words.len() {
        let run = marks.run_at(&strings[i..]);
        if run == 0 {
            i += 1;
            continue;
        }
        let (a, _) = n.source_range(words[i].start, words[i].end);
        let (_, b) = n.source_range(words[i + run - 1].start, words[i + run - 1].end);
        i += run;
        if a < at {
            continue;
        }
        if a > at {
            out.push((source[at..a].to_owned(), false));
        }
        // Neighbouring marked runs are one mark.
        match out.last_mut() {
            Some((piece, true)) if a == at => piece.push_str(&source[a..b]),
            _ => out.push((source[a..b].to_owned(), true)),
        }
        at = b;
    }
    if at < source.len() {
        out.push((source[at..].to_owned(), false));
    }
    out
}

/// Characters of context kept before and after the first match in an excerpt.
const BEFORE: usize = 60;
const AFTER: usize = 140;

/// The part of `body` around the first marked word, with `…` where it was cut; the start of
/// the body when no word of it is marked.
pub fn excerpt(body: &str, marks: &Marks) -> String {
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = nfc(&body).into_owned();
    let n = if marks.is_empty() { Default::default() } else { normalise_mapped(&body) };
    // Words never span a space: the words from the space before the first place a marked run
    // could start are those of the whole text, and long bodies are not split to no purpose.
    let first = marks.earliest_in(&n.text).and_then(|earliest| {
        let from = n.text[..earliest].rfind(' ').map_or(0, |space| space + 1);
        let words = segment::words(&n.text[from..], &*LEXICON);
        let strings: Vec<&str> = words.iter().map(|w| &n.text[from + w.start..from + w.end]).collect();
        (0..words.len())
            .find(|&i| marks.run_at(&strings[i..]) > 0)
            .map(|i| n.source_range(from + words[i].start, from + words[i].end).0)
    });
    let start_char = first.map_or(0, |byte| body[..byte].chars().count().saturating_sub(BEFORE));
    let total = body.chars().count();
    let end_char = (start_char + BEFORE + AFTER).min(total);
    // Never start on a Thai vowel or tone mark: it would be drawn on a dotted circle.
    let start_char = start_char
        + body.chars().skip(start_char).take_while(|c| is_thai_mark(*c)).count().min(end_char - start_char);
    let mut out: String = body.chars().skip(start_char).take(end_char - start_char).collect();
    if start_char > 0 {
        out.insert(0, '…');
    }
    if end_char < total {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::synonyms::Synonyms;
    use crate::search::typo::Vocabulary;

    fn marks(q: &str) -> Marks {
        plan(q, &synonyms::BUILT_IN_SYNONYMS, &Vocabulary::empty()).marks()
    }

    #[test]
    fn index_words_are_normalised_and_split() {
        assert_eq!(index_words("ฉีดวัคซีน ๒๕๖๙ PM2.5"), "ฉีด วัคซีน 2569 pm 2 5");
        assert_eq!(index_words("ตาม พ.ร.บ.ข้อมูลข่าวสาร"), "ตาม พรบ ข้อมูล ข่าวสาร");
        assert_eq!(index_words("ab\u{0}cd"), "ab cd");
        assert_eq!(index_words(""), "");
    }

    #[test]
    fn highlight_marks_whole_words_and_keeps_text() {
        let text = "แจกยาฟรีที่โรงพยาบาล ยาว PDF และ pdf";
        let parts = highlight(text, &plan("ยา pdf", &Synonyms::default(), &Vocabulary::empty()).marks());
        assert_eq!(parts.iter().map(|(s, _)| s.as_str()).collect::<String>(), text);
        let marked: Vec<&str> = parts.iter().filter(|(_, m)| *m).map(|(s, _)| s.as_str()).collect();
        assert_eq!(marked, ["ยา", "PDF", "pdf"]);
        // Abbreviations are marked as written, dots and all.
        let parts = highlight("ตาม พ.ร.บ. นี้", &marks("พรบ"));
        assert!(parts.iter().any(|(s, m)| *m && s == "พ.ร.บ"), "{parts:?}");
        assert!(highlight("", &marks("x")).is_empty());
    }

    #[test]
    fn excerpt_centres_on_the_first_match() {
        let body = format!("{} จัดซื้อ {}", "ก".repeat(500), "ข".repeat(500));
        let e = excerpt(&body, &marks("จัดซื้อ"));
        assert!(e.starts_with('…') && e.ends_with('…'));
        assert!(e.contains("จัดซื้อ"), "{e}");
        assert!(e.chars().count() <= BEFORE + AFTER + 2);
        assert_eq!(excerpt("สั้น", &marks("x")), "สั้น");
    }

    #[test]
    fn excerpt_skips_a_word_that_only_holds_the_mark() {
        // ยา is in โรงพยาบาล first, but as a word only at the end.
        let body = format!("{} โรงพยาบาลส่งเสริมสุขภาพ {} แจกยาฟรี", "ก".repeat(300), "ข".repeat(300));
        let e = excerpt(&body, &marks("ยา"));
        assert!(e.contains("แจกยาฟรี") && !e.contains("โรงพยาบาล"), "{e}");
        // Nothing marked anywhere: the start of the body.
        assert!(excerpt(&body, &marks("วัคซีน")).starts_with("กกก"));
    }
}

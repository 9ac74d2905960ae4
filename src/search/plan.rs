//! From what a visitor typed to what the index is asked: groups of alternatives, one group per
//! word (or per term of the synonyms), each alternative ranked by how it matches: the exact
//! word, a prefix of a longer word (the last word typed), a synonym, a typing slip's correction.

use super::normalise::normalise;
use super::segment::{Script, words};
use super::synonyms::{LEXICON, Synonyms, TERM_WORDS_MAX};
use super::typo::Vocabulary;

/// Words that say little on their own; a query may lose them without losing its sense.
pub const STOP: &[&str] = &[
    "การ",
    "ความ",
    "ที่",
    "และ",
    "ของ",
    "ใน",
    "ให้",
    "ได้",
    "แก่",
    "ต่อ",
    "จาก",
    "โดย",
    "ตาม",
    "เพื่อ",
    "ซึ่ง",
    "หรือ",
    "กับ",
    "ถึง",
    "แห่ง",
    "ว่า",
    "เป็น",
    "มี",
    "ไม่",
    "นี้",
    "นั้น",
    "จะ",
    "ก็",
    "แล้ว",
    "แต่",
    "อยู่",
    "ไป",
    "มา",
    "คือ",
    "อย่าง",
    "ทาง",
    "ด้วย",
    "เมื่อ",
    "หาก",
    "ถ้า",
    "อีก",
    "ยัง",
    "ทั้ง",
    "ต้อง",
    "the",
    "of",
    "and",
    "in",
    "for",
    "to",
    "a",
    "an",
    "on",
];

/// At most this many groups (words) of a query are used.
pub const GROUPS_MAX: usize = 8;

/// How an alternative matches what was typed; better first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A correction of a typing slip.
    Typo = 0,
    /// A synonym or the expansion of an abbreviation.
    Synonym = 1,
    /// The start of a longer word.
    Prefix = 2,
    /// The word as typed.
    Exact = 3,
}

/// One way a group can match: words next to each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The words, in order (normalised).
    pub words: Vec<String>,
    /// The last word may be the start of a longer one.
    pub prefix: bool,
    /// How it matches.
    pub kind: Kind,
}

/// One word of the query (or one term of the synonyms) with its alternatives; an item matches
/// the group if it matches any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The alternatives, the words as typed first.
    pub variants: Vec<Variant>,
}

/// What to ask the index for a query.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The query's groups, in the order typed.
    pub groups: Vec<Group>,
    /// The query with its slips corrected, when corrections were used ("คุณหมายถึง …").
    pub suggestion: Option<String>,
}

/// An FTS5 phrase: the words quoted (quotes doubled, though words never hold one), so nothing
/// typed is read as query syntax.
fn phrase(v: &Variant) -> String {
    let text = v.words.join(" ").replace('"', "\"\"");
    if v.prefix { format!("\"{text}\"*") } else { format!("\"{text}\"") }
}

impl Group {
    /// The group as an FTS5 expression.
    pub fn fts(&self) -> String {
        let parts: Vec<String> = self.variants.iter().map(phrase).collect();
        format!("({})", parts.join(" OR "))
    }

    /// The best way this group matches `column` (indexed words separated by spaces).
    pub fn best_in(&self, column: &str) -> Option<Kind> {
        best_of(&self.patterns(), &format!(" {column} "))
    }

    /// What [`best_in`](Self::best_in) looks for, made once for many columns: each variant
    /// as text to find in a column padded with spaces, with its kind.
    pub fn patterns(&self) -> Vec<(String, Kind)> {
        self.variants
            .iter()
            .map(|v| {
                let p = format!(" {}", v.words.join(" "));
                (if v.prefix { p } else { p + " " }, v.kind)
            })
            .collect()
    }
}

/// The best kind among `patterns` (see [`Group::patterns`]) found in `padded` (a column with a
/// space before and after).
pub fn best_of(patterns: &[(String, Kind)], padded: &str) -> Option<Kind> {
    patterns.iter().filter(|(p, _)| padded.contains(p.as_str())).map(|(_, k)| *k).max()
}

impl Plan {
    /// Items holding every group in `which` (indexes into `groups`), as an FTS5 expression.
    pub fn all_of(&self, which: &[usize]) -> String {
        which.iter().map(|&i| self.groups[i].fts()).collect::<Vec<_>>().join(" AND ")
    }

    /// The groups that say something: not a word like ที่, และ, ของ, ไม่, มี (see [`STOP`]).
    /// A search that drops words to find more keeps these.
    pub fn informative(&self) -> Vec<usize> {
        (0..self.groups.len())
            .filter(|&i| {
                let w = &self.groups[i].variants[0].words;
                !(w.len() == 1 && STOP.contains(&w[0].as_str()))
            })
            .collect()
    }

    /// Items holding at least `k` of the groups `which`: one `AND` of each choice of `k`,
    /// joined by `OR` (queries have at most [`GROUPS_MAX`] groups, so at most 70 choices).
    pub fn at_least(&self, which: &[usize], k: usize) -> String {
        let n = which.len();
        if n == 0 {
            return String::new();
        }
        let k = k.clamp(1, n);
        let mut out = Vec::new();
        let mut pick: Vec<usize> = (0..k).collect();
        loop {
            let chosen: Vec<usize> = pick.iter().map(|&i| which[i]).collect();
            out.push(format!("({})", self.all_of(&chosen)));
            // Next combination in lexicographic order.
            let Some(i) = (0..k).rev().find(|&i| pick[i] < n - k + i) else { break };
            pick[i] += 1;
            for j in i + 1..k {
                pick[j] = pick[j - 1] + 1;
            }
        }
        out.join(" OR ")
    }

    /// The words to mark in the results.
    pub fn marks(&self) -> Marks {
        let mut m = Marks::default();
        for v in self.groups.iter().flat_map(|g| &g.variants) {
            if !v.words.is_empty() && !m.phrases.iter().any(|(w, p)| *w == v.words && *p == v.prefix) {
                m.phrases.push((v.words.clone(), v.prefix));
            }
        }
        m
    }
}

/// What to mark in a result: runs of whole words (the last one possibly only begun).
#[derive(Debug, Clone, Default)]
pub struct Marks {
    phrases: Vec<(Vec<String>, bool)>,
}

impl Marks {
    /// The length (in words) of the longest marked run that `words` starts with; 0 if none.
    pub fn run_at(&self, words: &[&str]) -> usize {
        self.phrases
            .iter()
            .filter(|(p, prefix)| {
                p.len() <= words.len()
                    && p.iter().zip(words).enumerate().all(|(i, (a, b))| {
                        if *prefix && i + 1 == p.len() { b.starts_with(a.as_str()) } else { a == b }
                    })
            })
            .map(|(p, _)| p.len())
            .max()
            .unwrap_or(0)
    }

    /// Whether the single word `word` is marked on its own.
    pub fn matches(&self, word: &str) -> bool {
        self.run_at(&[word]) == 1
    }

    /// Where in `text` (normalised) the first word of a marked run could start at the earliest:
    /// the first place holding the first word of any phrase; `None` when none is in it. A
    /// cheap look before the costly one, splitting `text` into words.
    pub fn earliest_in(&self, text: &str) -> Option<usize> {
        self.phrases.iter().filter_map(|(p, _)| text.find(p.first()?.as_str())).min()
    }

    /// Whether there is nothing to mark.
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }
}

/// A unit of the query: one Thai word, or Latin words and numbers written together ("pm2.5").
struct Unit<'q> {
    words: Vec<&'q str>,
    start: usize,
    end: usize,
    thai: bool,
    /// Joined to the unit before (Thai words of one run).
    joined: bool,
}

/// Plans the query `text` with `synonyms` and the index's `vocabulary`.
pub fn plan(text: &str, synonyms: &Synonyms, vocabulary: &Vocabulary) -> Plan {
    let normal = normalise(text);
    let n = normal.as_str();
    let mut units: Vec<Unit> = Vec::new();
    for w in words(n, &*LEXICON) {
        let s = &n[w.start..w.end];
        let thai = w.script == Script::Thai;
        match units.last_mut() {
            Some(u) if w.joined && !thai && !u.thai => {
                u.words.push(s);
                u.end = w.end;
            }
            _ => units.push(Unit { words: vec![s], start: w.start, end: w.end, thai, joined: w.joined }),
        }
    }

    // Groups: terms of the synonyms (longest first), else one unit each.
    struct Draft {
        group: Group,
        units: std::ops::Range<usize>,
        synonym: bool,
    }
    let mut drafts: Vec<Draft> = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let mut taken = None;
        for j in (i + 1..=units.len().min(i + TERM_WORDS_MAX)).rev() {
            let ws: Vec<&str> = units[i..j].iter().flat_map(|u| u.words.iter().copied()).collect();
            if synonyms.contains(&ws) {
                let mut variants = vec![Variant { words: own(&ws), prefix: false, kind: Kind::Exact }];
                for other in synonyms.others(&ws) {
                    variants.push(Variant { words: other, prefix: false, kind: Kind::Synonym });
                }
                taken = Some((j, variants));
                break;
            }
        }
        let (j, variants, synonym) = match taken {
            Some((j, v)) => (j, v, true),
            None => (
                i + 1,
                vec![Variant { words: own(&units[i].words), prefix: false, kind: Kind::Exact }],
                false,
            ),
        };
        drafts.push(Draft { group: Group { variants }, units: i..j, synonym });
        i = j;
    }

    // Only the first groups are used: a long paste costs no more than a short query. (Words
    // repeated in a row count once.)
    drafts.dedup_by(|b, a| a.group == b.group);
    drafts.truncate(GROUPS_MAX + 2);

    // Slips: a Thai word the index does not know is corrected alone, or with its neighbours of
    // the same run (a slip often makes the dictionary split a word into pieces: วัก|ซีน).
    let known = |ws: &[String]| ws.iter().all(|w| vocabulary.items_with(w) > 0);
    let mut corrected: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut k = 0;
    while k < drafts.len() {
        let d = &drafts[k];
        if d.synonym || vocabulary.is_empty() || known(&d.group.variants[0].words) {
            k += 1;
            continue;
        }
        // Windows of drafts around k, single unsynonymised units of one run.
        let plain = |x: usize| !drafts[x].synonym;
        let same_run = |a: usize, b: usize| {
            (a + 1..=b).all(|x| {
                let u = &units[drafts[x].units.start];
                u.joined && u.thai == units[drafts[a].units.start].thai
            })
        };
        let mut windows: Vec<(usize, usize)> = vec![(k, k)];
        for (a, b) in [
            (k.wrapping_sub(1), k),
            (k, k + 1),
            (k.wrapping_sub(1), k + 1),
            (k.wrapping_sub(2), k),
            (k, k + 2),
        ] {
            if a <= b && b < drafts.len() && a < drafts.len() {
                windows.push((a, b));
            }
        }
        let mut done = false;
        for (a, b) in windows {
            if !(a..=b).all(plain) || !same_run(a, b) {
                continue;
            }
            let start = units[drafts[a].units.start].start;
            let end = units[drafts[b].units.end - 1].end;
            let joined: String = n[start..end].split_whitespace().collect();
            let fixes = vocabulary.corrections(&joined);
            if fixes.is_empty() {
                continue;
            }
            let exact: Vec<String> =
                (a..=b).flat_map(|x| drafts[x].group.variants[0].words.clone()).collect();
            let mut variants = vec![Variant { words: exact, prefix: false, kind: Kind::Exact }];
            for f in &fixes {
                variants.push(Variant { words: vec![f.clone()], prefix: false, kind: Kind::Typo });
                for other in synonyms.others(&[f.as_str()]) {
                    if !variants.iter().any(|v| v.words == other) {
                        variants.push(Variant { words: other, prefix: false, kind: Kind::Synonym });
                    }
                }
            }
            corrected.push((start..end, fixes[0].clone()));
            let units_range = drafts[a].units.start..drafts[b].units.end;
            drafts.splice(a..=b, [Draft { group: Group { variants }, units: units_range, synonym: true }]);
            k = a + 1;
            done = true;
            break;
        }
        if !done {
            k += 1;
        }
    }

    // The dictionary may split a run of the query differently from the same words in a longer
    // run of the text (ประจำ|ปี typed, ประจำ|ปีงบประมาณ written): the last word of a Thai run
    // of the query, after the word before it, may begin a longer word.
    for x in 1..drafts.len() {
        let (u, prev) = (drafts[x].units.start, drafts[x - 1].units.end - 1);
        let last_of_run = units.get(drafts[x].units.end).is_none_or(|next| !next.joined || !next.thai);
        if drafts[x].synonym
            || drafts[x - 1].synonym
            || !units[u].thai
            || !units[prev].thai
            || !units[u].joined
            || !last_of_run
        {
            continue;
        }
        let words = vec![units[prev].words[0].to_owned(), units[u].words[0].to_owned()];
        drafts[x].group.variants.push(Variant { words, prefix: true, kind: Kind::Prefix });
    }

    // The last word typed may be unfinished: its prefix too (3 characters or more, not a
    // number, not already a term of the synonyms or corrected).
    if let Some(last) = drafts.last_mut()
        && !last.synonym
        && let Some(v) = last.group.variants.first().cloned()
        && v.words.last().is_some_and(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
    {
        last.group.variants.push(Variant { prefix: true, kind: Kind::Prefix, ..v });
    }

    let suggestion = (!corrected.is_empty()).then(|| {
        let mut s = n.to_owned();
        for (range, fix) in corrected.iter().rev() {
            s.replace_range(range.clone(), fix);
        }
        s
    });
    let mut groups: Vec<Group> = drafts.into_iter().map(|d| d.group).collect();
    groups.dedup();
    groups.truncate(GROUPS_MAX);
    Plan { groups, suggestion }
}

fn own(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::synonyms::BUILT_IN_SYNONYMS;

    fn vocab(words: &[&str]) -> Vocabulary {
        let mut w: Vec<(String, u64)> = words.iter().map(|w| (w.to_string(), 1)).collect();
        w.sort();
        w.dedup();
        Vocabulary::from_sorted(w)
    }

    #[test]
    fn thai_runs_become_words_and_latin_stays_together() {
        let p = plan("ฉีดวัคซีนไข้หวัดใหญ่", &Synonyms::default(), &Vocabulary::empty());
        let firsts: Vec<String> = p.groups.iter().map(|g| g.variants[0].words.concat()).collect();
        assert_eq!(firsts, ["ฉีด", "วัคซีน", "ไข้", "หวัด", "ใหญ่"]);
        let p = plan("ฝุ่นPM2.5", &Synonyms::default(), &Vocabulary::empty());
        assert_eq!(p.groups.len(), 2);
        assert_eq!(p.groups[1].variants[0].words, ["pm", "2", "5"]);
        // A number is never a prefix.
        assert_eq!(p.all_of(&[0, 1]), "(\"ฝุ่น\") AND (\"pm 2 5\")");
        let p = plan("covi", &Synonyms::default(), &Vocabulary::empty());
        assert_eq!(p.all_of(&[0]), "(\"covi\" OR \"covi\"*)");
    }

    #[test]
    fn abbreviations_expand() {
        let p = plan("รพ.สต.", &BUILT_IN_SYNONYMS, &Vocabulary::empty());
        assert_eq!(p.groups.len(), 1);
        let v = &p.groups[0].variants;
        assert_eq!(v[0].words, ["รพสต"]);
        assert!(v.iter().any(|v| v.kind == Kind::Synonym && v.words.concat() == "โรงพยาบาลส่งเสริมสุขภาพตำบล"));
    }

    #[test]
    fn slips_are_corrected_from_the_vocabulary() {
        let v = vocab(&["วัคซีน", "ฉีด", "ไข้", "หวัด", "ใหญ่"]);
        let p = plan("ฉีดวักซีน", &Synonyms::default(), &v);
        assert_eq!(p.groups.len(), 2, "{p:?}");
        assert!(p.groups[1].variants.iter().any(|v| v.kind == Kind::Typo && v.words == ["วัคซีน"]));
        assert_eq!(p.suggestion.as_deref(), Some("ฉีดวัคซีน"));
        // Known words are left alone.
        assert!(plan("ไข้หวัด", &Synonyms::default(), &v).suggestion.is_none());
    }

    #[test]
    fn the_last_word_of_a_run_may_begin_a_longer_word() {
        let p = plan("ประจำปี", &Synonyms::default(), &Vocabulary::empty());
        assert_eq!(p.groups.len(), 2);
        assert_eq!(p.groups[1].best_in("งบประมาณ ประจำ ปีงบประมาณ"), Some(Kind::Prefix));
        assert_eq!(p.groups[1].best_in("ปีก ไก่"), None);
    }

    #[test]
    fn at_least_k_lists_every_choice() {
        let p = plan("a1 b2 c3", &Synonyms::default(), &Vocabulary::empty());
        assert_eq!(p.groups.len(), 3, "{p:?}");
        assert_eq!(p.at_least(&[0, 1, 2], 2).matches(" OR (").count() + 1, 3);
        assert_eq!(p.at_least(&[0, 1, 2], 3).matches(" AND ").count(), 2);
        // Words like ไม่, มี, นี้ are never what a search keeps.
        let p = plan("ไม่มีคำนี้", &Synonyms::default(), &Vocabulary::empty());
        assert_eq!(p.informative().len(), 1, "{p:?}");
    }

    #[test]
    fn marks_are_whole_words_and_prefixes() {
        let p = plan("ยา ประกาศ", &Synonyms::default(), &Vocabulary::empty());
        let m = p.marks();
        assert!(m.matches("ยา") && !m.matches("ยาว"));
        assert!(m.matches("ประกาศ") && m.matches("ประกาศนียบัตร"));
        let m = plan("อสม", &crate::search::synonyms::BUILT_IN_SYNONYMS, &Vocabulary::empty()).marks();
        assert!(!m.matches("ประจำ"), "a word of a synonym is marked only with the rest of it");
        let n = crate::search::normalise::normalise("อาสาสมัครสาธารณสุขประจำหมู่บ้าน");
        let words = crate::search::segment::word_strings(&n, &*crate::search::synonyms::LEXICON);
        assert_eq!(m.run_at(&words), words.len());
        assert_eq!(p.groups[0].best_in("แจก ยา ฟรี"), Some(Kind::Exact));
        assert_eq!(p.groups[0].best_in("ความ ยาว"), None);
        assert_eq!(p.groups[1].best_in("ได้ ประกาศนียบัตร"), Some(Kind::Prefix));
        assert_eq!(p.groups[1].best_in("ประกาศ ผล"), Some(Kind::Exact));
    }
}

//! Typing slips: the index's own words within a few edits of a word that is not in it, found
//! with a Levenshtein automaton over an `fst` map of the vocabulary (word → how many items hold
//! it). Like Meilisearch: one edit for words of 4–7 characters, two from 8, none below 4.
//!
//! The automaton counts edits in characters, not bytes: a Thai letter is three bytes in UTF-8
//! (fst's own Levenshtein automaton missed "วักซีน" → "วัคซีน", one letter apart).

use fst::{Automaton, IntoStreamer, Map, MapBuilder, Streamer};

/// A Levenshtein automaton over UTF-8 bytes counting edits in characters: its state is the
/// row of edit distances after the characters read so far, plus the bytes of a character not
/// yet complete.
struct CharLevenshtein {
    query: Vec<char>,
    edits: u32,
}

/// A state of [`CharLevenshtein`]; `None` cannot match any more.
type LevState = Option<(Vec<u32>, Vec<u8>)>;

impl Automaton for CharLevenshtein {
    type State = LevState;

    fn start(&self) -> LevState {
        Some(((0..=self.query.len() as u32).collect(), Vec::new()))
    }

    fn is_match(&self, state: &LevState) -> bool {
        state.as_ref().is_some_and(|(row, pending)| pending.is_empty() && row[self.query.len()] <= self.edits)
    }

    fn can_match(&self, state: &LevState) -> bool {
        state.as_ref().is_some_and(|(row, _)| row.iter().min().is_some_and(|&m| m <= self.edits))
    }

    fn accept(&self, state: &LevState, byte: u8) -> LevState {
        let (row, pending) = state.as_ref()?;
        let mut pending = pending.clone();
        pending.push(byte);
        let want = match pending[0] {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        if pending.len() < want {
            return Some((row.clone(), pending));
        }
        let c = std::str::from_utf8(&pending).ok()?.chars().next()?;
        let mut next = Vec::with_capacity(row.len());
        next.push(row[0] + 1);
        for (j, q) in self.query.iter().enumerate() {
            let cost = if *q == c { row[j] } else { 1 + row[j].min(row[j + 1]).min(next[j]) };
            next.push(cost);
        }
        if next.iter().min().is_some_and(|&m| m > self.edits) {
            return None;
        }
        Some((next, Vec::new()))
    }
}

/// The words of the index, with the number of items each is in.
pub struct Vocabulary {
    map: Map<Vec<u8>>,
}

/// Words longer than this (in characters) are not corrected.
const WORD_MAX: usize = 24;

/// At most this many corrections are tried for one word.
const CORRECTIONS_MAX: usize = 3;

/// The edits allowed for a word of `chars` characters.
pub fn edits_for(chars: usize) -> u32 {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

impl Vocabulary {
    /// A vocabulary from words in byte order (as SQLite's fts5vocab gives them), each with
    /// the number of items holding it. Words out of order are skipped.
    pub fn from_sorted(words: impl IntoIterator<Item = (String, u64)>) -> Vocabulary {
        let mut b = MapBuilder::memory();
        for (w, n) in words {
            // Out of order or repeated: skipped (the builder refuses them).
            let _ = b.insert(w.as_bytes(), n);
        }
        let map = b.into_map();
        Vocabulary { map }
    }

    /// An empty vocabulary.
    pub fn empty() -> Vocabulary {
        Vocabulary::from_sorted(std::iter::empty())
    }

    /// How many items hold `word` (0 when none).
    pub fn items_with(&self, word: &str) -> u64 {
        self.map.get(word).unwrap_or(0)
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Words of the index within the allowed edits of `word` (not `word` itself), closest
    /// first, then the most used; at most three.
    pub fn corrections(&self, word: &str) -> Vec<String> {
        let chars = word.chars().count();
        let edits = edits_for(chars);
        // Nobody corrects a "word" of dozens of letters: a run the dictionary did not know.
        if edits == 0 || chars > WORD_MAX {
            return Vec::new();
        }
        let automaton = CharLevenshtein { query: word.chars().collect(), edits };
        let mut stream = self.map.search(automaton).into_stream();
        let mut found: Vec<(u32, u64, String)> = Vec::new();
        while let Some((key, n)) = stream.next() {
            let Ok(k) = std::str::from_utf8(key) else { continue };
            if k == word {
                continue;
            }
            // A correction is a word, not a letter or a mark alone.
            if k.chars().count() < 2 {
                continue;
            }
            found.push((distance(word, k), n, k.to_owned()));
            if found.len() > 200 {
                break;
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        found.into_iter().take(CORRECTIONS_MAX).map(|f| f.2).collect()
    }
}

/// Levenshtein distance in characters.
pub fn distance(a: &str, b: &str) -> u32 {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<u32> = (0..=b.len() as u32).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i as u32 + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(here).min(row[j]) };
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[(&str, u64)]) -> Vocabulary {
        let mut w: Vec<(String, u64)> = words.iter().map(|(w, n)| (w.to_string(), *n)).collect();
        w.sort();
        Vocabulary::from_sorted(w)
    }

    #[test]
    fn slips_find_the_words_of_the_index() {
        let v =
            vocab(&[("วัคซีน", 9), ("วัคซีนเด็ก", 1), ("ใบรับรอง", 3), ("ประกาศ", 50), ("ประกาด", 1), ("ยา", 4)]);
        assert_eq!(v.corrections("วักซีน"), ["วัคซีน"]);
        // The most used first among equally close.
        assert_eq!(v.corrections("ประกาต"), ["ประกาศ", "ประกาด"]);
        // Short words are never corrected.
        assert!(v.corrections("ยี").is_empty());
        assert_eq!(v.items_with("ยา"), 4);
        assert_eq!(v.items_with("ยาว"), 0);
        assert_eq!(edits_for(3), 0);
        assert_eq!(edits_for(8), 2);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}

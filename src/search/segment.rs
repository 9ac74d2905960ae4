//! Words of normalised text: Thai split into dictionary words, Latin words and numbers apart.
//!
//! Text is first cut where the script changes (Thai | Latin and other letters | digits) and at
//! everything else (spaces, punctuation, ฯ, ๆ). Thai runs are split by ICU4X's dictionary word
//! segmenter (the Unicode consortium's Thai dictionary, embedded as a 130 kB postcard blob made
//! from `icu_segmenter_data`, without the other languages' dictionaries and models). Before
//! that, words of Prakat's own lexicon (abbreviations written without their dots, such as
//! รพสต or พรบ, and office words the dictionary lacks) are taken whole where a dictionary word
//! may start, so that "พรบข้อมูลข่าวสาร" gives พรบ | ข้อมูล | ข่าวสาร.

use std::sync::LazyLock;

use icu_provider::prelude::*;
use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::provider::{
    DictionaryBreakData, SegmenterDictionaryAutoV2, SegmenterDictionaryExtendedV2,
};

use super::normalise::{is_thai_letter, is_thai_mark};

/// The Thai dictionary of ICU4X 2.4 (Unicode-3.0 licence), serialised with postcard.
static THAI_DICTIONARY: &[u8] = include_bytes!("../../assets/search/thaidict.postcard");

/// A data provider with the Thai dictionary only: the Chinese/Japanese dictionary and the
/// other Southeast Asian ones (2 MB more) are never linked.
struct ThaiOnly(DictionaryBreakData<'static>);

impl DataProvider<SegmenterDictionaryExtendedV2> for ThaiOnly {
    fn load(&self, req: DataRequest) -> Result<DataResponse<SegmenterDictionaryExtendedV2>, DataError> {
        if req.id.marker_attributes.as_str() == "thaidict" {
            Ok(DataResponse {
                metadata: Default::default(),
                payload: DataPayload::from_owned(self.0.clone()),
            })
        } else {
            Err(DataErrorKind::IdentifierNotFound.with_req(SegmenterDictionaryExtendedV2::INFO, req))
        }
    }
}

impl DataProvider<SegmenterDictionaryAutoV2> for ThaiOnly {
    fn load(&self, req: DataRequest) -> Result<DataResponse<SegmenterDictionaryAutoV2>, DataError> {
        Err(DataErrorKind::IdentifierNotFound.with_req(SegmenterDictionaryAutoV2::INFO, req))
    }
}

/// The word segmenter, made once. The embedded data is fixed at build time and checked by the
/// tests, so failing to read it is a build defect.
static SEGMENTER: LazyLock<WordSegmenter> = LazyLock::new(|| {
    #[expect(clippy::expect_used, reason = "embedded data, checked by the tests")]
    let dictionary: DictionaryBreakData<'static> =
        postcard::from_bytes(THAI_DICTIONARY).expect("embedded Thai dictionary");
    let mut segmenter =
        WordSegmenter::new_for_non_complex_scripts(WordBreakInvariantOptions::default()).static_to_owned();
    #[expect(clippy::expect_used, reason = "embedded data, checked by the tests")]
    segmenter.load_dictionary_unstable(&ThaiOnly(dictionary)).expect("Thai dictionary loads");
    segmenter
});

/// What kind of characters a word is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Thai letters.
    Thai,
    /// Latin and other letters.
    Latin,
    /// ASCII digits (Thai digits are normalised to them).
    Digits,
}

/// One word of a normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the normalised text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// What it is made of.
    pub script: Script,
    /// It follows the previous word with nothing between (a change of script, "pm2", or a
    /// dictionary split, "ไข้|หวัด") or only a dot or hyphen ("2.5", "e-gp").
    pub joined: bool,
}

fn script_of(c: char) -> Option<Script> {
    if is_thai_letter(c) {
        Some(Script::Thai)
    } else if c.is_ascii_digit() {
        Some(Script::Digits)
    } else if c.is_alphanumeric() {
        Some(Script::Latin)
    } else {
        None
    }
}

/// Prakat's own lexicon: whole words taken before the dictionary's split.
pub trait Lexicon {
    /// The length in bytes of the longest lexicon word that `text` starts with, if any.
    fn longest_prefix(&self, text: &str) -> Option<usize>;
}

/// No lexicon: the dictionary alone.
pub struct NoLexicon;

impl Lexicon for NoLexicon {
    fn longest_prefix(&self, _: &str) -> Option<usize> {
        None
    }
}

/// Whether a word may end before `rest` without cutting a Thai syllable: what follows is not a
/// mark or a following vowel.
fn may_end_before(rest: &str) -> bool {
    !rest
        .chars()
        .next()
        .is_some_and(|c| is_thai_mark(c) || matches!(c, '\u{0E30}' | '\u{0E32}' | '\u{0E33}' | '\u{0E45}'))
}

/// The words of `text` (normalised, see [`super::normalise`]).
pub fn words(text: &str, lexicon: &dyn Lexicon) -> Vec<Word> {
    let mut out = Vec::new();
    // Joined: only one dot, hyphen, slash or underscore (or nothing) since the previous run.
    let joined = |prev_end: Option<usize>, start: usize| {
        prev_end.is_some_and(|e| {
            let gap = &text[e..start];
            gap.chars().count() <= 1 && gap.chars().all(|c| matches!(c, '.' | '-' | '/' | '_'))
        })
    };
    let emit = |start: usize, end: usize, script: Script, joined: bool, out: &mut Vec<Word>| {
        if script == Script::Thai {
            thai_run(text, start, end, lexicon, joined, out);
        } else {
            out.push(Word { start, end, script, joined });
        }
    };
    let mut prev_end: Option<usize> = None;
    let mut run: Option<(usize, Script)> = None;
    for (i, c) in text.char_indices() {
        let s = script_of(c);
        if let Some((start, rs)) = run {
            if s == Some(rs) {
                continue;
            }
            emit(start, i, rs, joined(prev_end, start), &mut out);
            prev_end = Some(i);
            run = None;
        }
        if let Some(s) = s {
            run = Some((i, s));
        }
    }
    if let Some((start, rs)) = run {
        emit(start, text.len(), rs, joined(prev_end, start), &mut out);
    }
    out
}

/// Splits the Thai run `text[start..end]` into words.
fn thai_run(text: &str, start: usize, end: usize, lexicon: &dyn Lexicon, joined: bool, out: &mut Vec<Word>) {
    let mut at = start;
    let mut first = true;
    let mut push = |s: usize, e: usize, out: &mut Vec<Word>| {
        out.push(Word { start: s, end: e, script: Script::Thai, joined: !first || joined });
        first = false;
    };
    'again: while at < end {
        let rest = &text[at..end];
        let mut prev = 0;
        for b in SEGMENTER.as_borrowed().segment_str(rest) {
            if b > prev {
                push(at + prev, at + b, out);
                prev = b;
            }
            if b < rest.len()
                && let Some(n) =
                    lexicon.longest_prefix(&rest[b..]).filter(|&n| may_end_before(&rest[b + n..]))
            {
                push(at + b, at + b + n, out);
                at += b + n;
                continue 'again;
            }
        }
        break;
    }
}

/// The words of `text` (normalised) as strings.
pub fn word_strings<'t>(text: &'t str, lexicon: &dyn Lexicon) -> Vec<&'t str> {
    words(text, lexicon).into_iter().map(|w| &text[w.start..w.end]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Abbreviations;
    impl Lexicon for Abbreviations {
        fn longest_prefix(&self, text: &str) -> Option<usize> {
            ["รพสต", "พรบ", "รพ"].iter().find(|w| text.starts_with(*w)).map(|w| w.len())
        }
    }

    #[test]
    fn thai_is_split_into_dictionary_words() {
        assert_eq!(word_strings("ฉีดวัคซีนไข้หวัดใหญ่", &NoLexicon), ["ฉีด", "วัคซีน", "ไข้", "หวัด", "ใหญ่"]);
        assert_eq!(word_strings("โรงพยาบาล", &NoLexicon), ["โรง", "พยาบาล"]);
        assert_eq!(word_strings("ความยาว ยา", &NoLexicon), ["ความ", "ยาว", "ยา"]);
    }

    #[test]
    fn scripts_are_apart_and_joins_are_known() {
        let text = "ฝุ่นpm2.5 e-gp ค่า 75";
        let w = words(text, &NoLexicon);
        let s: Vec<(&str, bool)> = w.iter().map(|w| (&text[w.start..w.end], w.joined)).collect();
        assert_eq!(
            s,
            [
                ("ฝุ่น", false),
                ("pm", true),
                ("2", true),
                ("5", true),
                ("e", false),
                ("gp", true),
                ("ค่า", false),
                ("75", false)
            ]
        );
    }

    #[test]
    fn the_lexicon_comes_first() {
        assert_eq!(word_strings("พรบข้อมูลข่าวสาร", &Abbreviations), ["พรบ", "ข้อมูล", "ข่าวสาร"]);
        assert_eq!(word_strings("รพสตนาอ้อ", &Abbreviations), ["รพสต", "นา", "อ้อ"]);
        // Never inside a syllable: บริหารพัสดุ has ร + พั, not รพ.
        assert!(!word_strings("บริหารพัสดุ", &Abbreviations).contains(&"รพ"));
    }
}

//! One normal form for indexed text and queries, so that the ways people type the same Thai
//! word meet: Unicode NFC; Thai digits as Arabic digits; "เเ" (two sara e, a common keyboard
//! habit) as "แ"; nikhahit + sara aa ("ํา") as sara am ("ำ"); a tone mark typed before the
//! vowel above or below it put after it; a mark typed twice once; zero-width characters and
//! soft hyphens removed; control characters (NUL included) as spaces; the dots of
//! abbreviations dropped (พ.ร.บ. ≡ พรบ, รพ.สต. ≡ รพสต); full-width Latin as ASCII; letters
//! lower-cased.
//!
//! [`Normal`] keeps, for every byte of the normal form, where its character came from, so that
//! whole words found in the normal form can be marked in the text as it is shown.

use std::borrow::Cow;

use icu_normalizer::ComposingNormalizerBorrowed;

/// Text in normal form, with the way back to the text it came from.
#[derive(Debug, Clone, Default)]
pub struct Normal {
    /// The normal form.
    pub text: String,
    /// For each byte of `text`: the byte range in the source of the character that gave it.
    origin: Vec<(u32, u32)>,
}

impl Normal {
    /// The byte range in the source text of the normal form's bytes `start..end` (a whole
    /// number of characters, `start < end`).
    pub fn source_range(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.origin[start].0 as usize;
        let to = self.origin[start..end].iter().map(|o| o.1).max().unwrap_or(0) as usize;
        (from, to.max(from))
    }
}

/// The normal form of `text` (see the module documentation).
pub fn normalise(text: &str) -> String {
    normalise_mapped(text).text
}

/// `text` in NFC: the form the other rules and [`Normal::source_range`] work on.
pub fn nfc(text: &str) -> Cow<'_, str> {
    ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// Thai vowels written above or below a consonant, which come before a tone mark.
fn is_upper_lower_vowel(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}')
}

/// Thai tone marks (mai ek to mai chattawa).
fn is_tone(c: char) -> bool {
    matches!(c, '\u{0E48}'..='\u{0E4B}')
}

/// Thai combining marks: vowels above and below, tone marks and the other signs.
pub fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// A Thai letter, vowel or mark (not a digit, not ฯ or ๆ, which separate words).
pub fn is_thai_letter(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E2E}' | '\u{0E30}'..='\u{0E3A}' | '\u{0E40}'..='\u{0E45}' | '\u{0E47}'..='\u{0E4E}')
}

/// Characters that carry nothing and are removed: zero-width space, non-joiner, joiner, word
/// joiner, byte-order mark, soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// [`normalise`], keeping where each byte came from in `text` (in NFC: when `text` is not in
/// NFC, the ranges are into [`nfc`]`(text)`).
pub fn normalise_mapped(text: &str) -> Normal {
    let source = nfc(text);
    // First pass: characters with their source ranges, with the one-character rules applied.
    let mut chars: Vec<(char, u32, u32)> = Vec::with_capacity(source.len() / 2);
    let mut iter = source.char_indices().peekable();
    while let Some((at, c)) = iter.next() {
        let end = iter.peek().map_or(source.len(), |(i, _)| *i);
        let (at, end) = (at as u32, end as u32);
        let mapped = match c {
            c if is_invisible(c) => continue,
            c if c.is_control() => ' ',
            '\u{0E50}'..='\u{0E59}' => char::from(b'0' + (c as u32 - 0x0E50) as u8),
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFF10 + 0x30).unwrap_or(c)
            }
            // The dot of an abbreviation: after a Thai letter.
            '.' if chars.last().is_some_and(|p| is_thai_letter(p.0)) => continue,
            c => c,
        };
        if mapped.is_uppercase() {
            for l in mapped.to_lowercase() {
                chars.push((l, at, end));
            }
        } else {
            chars.push((mapped, at, end));
        }
    }
    // Second pass: the rules over neighbouring characters.
    let mut out: Vec<(char, u32, u32)> = Vec::with_capacity(chars.len());
    for (c, at, end) in chars {
        let last = out.last().copied();
        match (last, c) {
            // เ + เ → แ
            (Some(('\u{0E40}', a, _)), '\u{0E40}') => {
                *out.last_mut().unwrap_or_else(|| unreachable!()) = ('\u{0E41}', a, end);
            }
            // ํ + า → ำ, also with a tone mark between: ํ + ่ + า → ่ + ำ
            (Some(('\u{0E4D}', a, _)), '\u{0E32}') => {
                *out.last_mut().unwrap_or_else(|| unreachable!()) = ('\u{0E33}', a, end);
            }
            (Some((t, ta, te)), '\u{0E32}')
                if is_tone(t) && out.len() >= 2 && out[out.len() - 2].0 == '\u{0E4D}' =>
            {
                let n = out.len();
                let na = out[n - 2].1;
                out[n - 2] = (t, ta, te);
                out[n - 1] = ('\u{0E33}', na, end);
            }
            // A tone mark typed before the vowel above or below: the vowel first.
            (Some((t, ta, te)), v) if is_tone(t) && is_upper_lower_vowel(v) => {
                let n = out.len();
                out[n - 1] = (v, at, end);
                out.push((t, ta, te));
            }
            // The same mark twice.
            (Some((p, _, _)), m) if p == m && is_thai_mark(m) => {
                if let Some(l) = out.last_mut() {
                    l.2 = end;
                }
            }
            _ => out.push((c, at, end)),
        }
    }
    let mut normal = Normal { text: String::with_capacity(out.len() * 3), origin: Vec::new() };
    normal.origin.reserve(out.len() * 3);
    for (c, at, end) in out {
        normal.text.push(c);
        for _ in 0..c.len_utf8() {
            normal.origin.push((at, end));
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_of_typing_a_word_meet() {
        // เเ typed for แ
        assert_eq!(normalise("ใบรับรองเเพทย์"), "ใบรับรองแพทย์");
        // ํ + า for ำ
        assert_eq!(normalise("สํานักงาน"), "สำนักงาน");
        assert_eq!(normalise("น\u{0E4D}\u{0E49}\u{0E32}"), "น้ำ");
        // Tone mark before the upper vowel.
        assert_eq!(normalise("ท\u{0E35}\u{0E48}"), normalise("ท\u{0E48}\u{0E35}"));
        assert_eq!(normalise("ก\u{0E48}\u{0E48}"), "ก\u{0E48}");
        // Thai digits, full-width and case.
        assert_eq!(normalise("๒๕๖๙"), "2569");
        assert_eq!(normalise("ＰＭ２.５ COVID"), "pm2.5 covid");
        // Abbreviation dots go; other dots stay.
        assert_eq!(normalise("พ.ร.บ."), "พรบ");
        assert_eq!(normalise("รพ.สต. นาอ้อ"), "รพสต นาอ้อ");
        assert_eq!(normalise("PM2.5"), "pm2.5");
        // Invisible and control characters.
        assert_eq!(normalise("วัค\u{200B}ซีน\u{00AD}"), "วัคซีน");
        assert_eq!(normalise("ab\u{0}c\td"), "ab c d");
        // NFC
        assert_eq!(normalise("Cafe\u{0301}"), "café");
    }

    #[test]
    fn ranges_lead_back_to_the_source() {
        let text = "ตาม พ.ร.บ. ข้อมูล";
        let n = normalise_mapped(text);
        let at = n.text.find("พรบ").unwrap();
        let (a, b) = n.source_range(at, at + "พรบ".len());
        assert_eq!(&text[a..b], "พ.ร.บ");
        let at = n.text.find("ข้อมูล").unwrap();
        let (a, b) = n.source_range(at, n.text.len());
        assert_eq!(&text[a..b], "ข้อมูล");
        let n = normalise_mapped("เเพทย์");
        let (a, b) = n.source_range(0, n.text.len());
        assert_eq!(&"เเพทย์"[a..b], "เเพทย์");
    }
}

//! Language identification with whatlang, reported as ISO 639-1 codes.
//! Short or ambiguous passages take the document's language (the prior).

use whatlang::{Detector, Lang};

/// ISO 639-1 code of a whatlang language (639-3 where 639-1 has none).
pub fn iso639_1(lang: Lang) -> &'static str {
    use Lang::*;
    match lang {
        Eng => "en", Rus => "ru", Cmn => "zh", Spa => "es", Por => "pt", Ita => "it", Ben => "bn",
        Fra => "fr", Deu => "de", Ukr => "uk", Kat => "ka", Ara => "ar", Hin => "hi", Jpn => "ja",
        Heb => "he", Yid => "yi", Pol => "pl", Amh => "am", Jav => "jv", Kor => "ko", Nob => "nb",
        Dan => "da", Swe => "sv", Fin => "fi", Tur => "tr", Nld => "nl", Hun => "hu", Ces => "cs",
        Ell => "el", Bul => "bg", Bel => "be", Mar => "mr", Kan => "kn", Ron => "ro", Slv => "sl",
        Hrv => "hr", Srp => "sr", Mkd => "mk", Lit => "lt", Lav => "lv", Est => "et", Tam => "ta",
        Vie => "vi", Urd => "ur", Tha => "th", Guj => "gu", Uzb => "uz", Pan => "pa", Aze => "az",
        Ind => "id", Tel => "te", Pes => "fa", Mal => "ml", Ori => "or", Mya => "my", Nep => "ne",
        Sin => "si", Khm => "km", Tuk => "tk", Aka => "ak", Zul => "zu", Sna => "sn", Afr => "af",
        Lat => "la", Slk => "sk", Cat => "ca", Tgl => "tl", Hye => "hy", Epo => "eo", Cym => "cy",
        #[allow(unreachable_patterns)]
        other => other.code(),
    }
}

/// Code for text whose language cannot be told.
pub const UNKNOWN: &str = "und";

/// Detects the language of `text`; falls back to `prior` when the text is short
/// or the detector is unsure.
pub fn detect(text: &str, prior: Option<&str>) -> String {
    // A few hundred characters tell the language about as well as the whole text.
    let sample = match text.char_indices().nth(SAMPLE_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let n_letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    let cjk = sample.chars().filter(|c| is_cjk(*c)).count();
    if let Some(prior) = prior {
        // Too short to leave the document's language: no need to ask.
        if n_letters < 80 && cjk < 6 {
            // (n_letters counts the sample only, which is enough to decide.)
            return prior.to_string();
        }
    }
    if let Some(prior) = prior {
        // Prose full of the document language's function words is in that
        // language: no need for the (comparatively slow) trigram detector.
        if stopword_share(sample, prior) >= 0.2 {
            return prior.to_string();
        }
    }
    let Some(info) = Detector::new().detect(sample) else { return prior.unwrap_or(UNKNOWN).to_string() };
    let code = iso639_1(info.lang());
    if prior == Some(code) {
        return code.to_string();
    }
    match prior {
        // Leaving the document's language takes a long, clearly worded passage;
        // Han text is reliable on far fewer characters than alphabetic text.
        Some(prior) => {
            let enough = n_letters >= 80 || (cjk >= 6 && matches!(code, "zh" | "ja"));
            if enough && info.is_reliable() { code.to_string() } else { prior.to_string() }
        }
        None => {
            let enough = n_letters >= 20 || (cjk >= 2 && matches!(code, "zh" | "ja"));
            if enough && info.confidence() > 0.2 { code.to_string() } else { UNKNOWN.to_string() }
        }
    }
}

/// The commonest function words of the languages folio meets most; words
/// that are common in several of them ("a", "de", "la") are left out.
fn stopwords(lang: &str) -> &'static [&'static str] {
    match lang {
        "en" => &["the", "of", "and", "to", "in", "is", "that", "for", "it", "with", "as", "on", "by", "this", "are", "be", "which", "from", "or", "its", "their", "has", "have", "was", "not"],
        "fr" => &["le", "les", "des", "et", "du", "est", "une", "dans", "pour", "qui", "que", "sur", "au", "aux", "pas", "par", "ce", "son", "ses", "sont"],
        "es" => &["el", "los", "las", "del", "y", "que", "en", "es", "por", "para", "una", "con", "su", "sus", "al", "se", "lo", "como", "más", "son"],
        "de" => &["der", "die", "das", "und", "ist", "nicht", "mit", "von", "den", "dem", "ein", "eine", "zu", "auf", "für", "sich", "auch", "im", "werden", "sind"],
        "ru" => &["и", "в", "не", "на", "что", "с", "по", "как", "это", "из", "к", "для", "от", "о", "его", "их", "так", "но", "или", "является"],
        "it" => &["il", "di", "che", "e", "per", "gli", "della", "delle", "del", "non", "sono", "una", "con", "nel", "alla"],
        "pt" => &["o", "os", "que", "e", "do", "da", "dos", "das", "não", "uma", "com", "para", "por", "no", "na"],
        _ => &[],
    }
}

/// The writing system of a text, by its first letter: `latin`, `cyrillic`,
/// `greek`, `arabic`, `hebrew`, `han` (Chinese characters and kana),
/// `hangul`, or `other`. Thesaurus alternatives in another script than the
/// query's words are translations, weighed less than the query's own language.
pub fn script(text: &str) -> &'static str {
    let Some(c) = text.chars().find(|c| c.is_alphabetic()) else { return "other" };
    match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF => "latin",
        0x0370..=0x03FF | 0x1F00..=0x1FFF => "greek",
        0x0400..=0x052F => "cyrillic",
        0x0590..=0x05FF => "hebrew",
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "arabic",
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => "hangul",
        _ if is_cjk(c) => "han",
        _ => "other",
    }
}

/// Share of a text's words that are function words of `lang`.
fn stopword_share(text: &str, lang: &str) -> f32 {
    let list = stopwords(lang);
    if list.is_empty() {
        return 0.0;
    }
    let mut n_words = 0usize;
    let mut n_stop = 0usize;
    for w in text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        n_words += 1;
        // ASCII words are compared without lower-casing a copy (the lists are lower case).
        let stop = if w.is_ascii() { list.iter().any(|s| s.eq_ignore_ascii_case(w)) } else { w.chars().all(char::is_lowercase) && list.contains(&w) || list.contains(&w.to_lowercase().as_str()) };
        if stop {
            n_stop += 1;
        }
    }
    if n_words < 12 { 0.0 } else { n_stop as f32 / n_words as f32 }
}

/// Characters of a text that language detection looks at.
const SAMPLE_CHARS: usize = 400;

/// Han ideographs, kana and hangul: scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0xAC00..=0xD7AF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopword_lists_are_lower_case() {
        // stopword_share compares ASCII words case-blind on that ground.
        for lang in ["en", "fr", "es", "de", "ru", "it", "pt"] {
            assert!(stopwords(lang).iter().all(|w| w.to_lowercase() == *w), "{lang}");
        }
        assert_eq!(stopword_share("The State and THE Union of the People in the Council of the Region", "en"), 9.0 / 14.0);
    }

    #[test]
    fn scripts() {
        assert_eq!([script("freedom"), script("свобода"), script("حرية"), script("言论自由"), script("表現の自由"), script("표현의"), script("ελευθερία")], ["latin", "cyrillic", "arabic", "han", "han", "hangul", "greek"]);
    }

    #[test]
    fn detects_the_field_languages() {
        assert_eq!(detect("La souveraineté des États s'applique au cyberespace et aux infrastructures numériques.", None), "fr");
        assert_eq!(detect("Die Staaten müssen das Völkerrecht im Cyberraum achten und ihre Infrastruktur schützen.", None), "de");
        assert_eq!(detect("Los Estados deben respetar el derecho internacional en el ciberespacio y proteger sus redes.", None), "es");
        assert_eq!(detect("Государства должны соблюдать международное право в киберпространстве и защищать сети.", None), "ru");
        assert_eq!(detect("各国应当在网络空间遵守国际法，尊重网络主权。", None), "zh");
        assert_eq!(detect("UN GGE", Some("en")), "en");
        assert_eq!(detect("", None), UNKNOWN);
    }
}

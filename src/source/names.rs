//! Personal names as documents print them: "Family, Given", "Given Family",
//! and East Asian names family-name-first ("Guan Yongping", "关永平",
//! "Kim Jong-un"); affiliations and e-mail addresses are not names.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Person;

/// Common Chinese family names in pinyin, and Korean ones in their usual romanization.
const CHINESE_SURNAMES: &[&str] = &[
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng",
    "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye",
    "cheng", "wei", "su", "lyu", "lv", "ding", "ren", "shen", "yao", "lu", "jin", "zhong", "cui", "tan", "fan", "liao", "shi", "qian", "kong", "bai", "mao",
    "qiu", "qin", "guan", "hou", "xiong", "meng", "fang", "duan", "lei", "long", "wan", "tao", "yan", "xue", "yin", "gu", "hao", "shao", "fu", "dai", "xia",
    "zou", "qi", "jia", "mo", "kang", "niu", "ou", "ouyang", "zhuang", "miao", "geng", "yi", "chang", "lai", "wen", "sima", "zhuge", "que", "hong", "bao",
];
const KOREAN_SURNAMES: &[&str] = &["kim", "lee", "park", "choi", "jung", "chung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin", "kwon", "hwang", "ahn", "song", "yoo", "hong", "jeon", "ko", "moon", "yang", "son", "bae", "baek", "heo", "nam"];

static PINYIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uan|ian|iao|uai|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui|er|a|o|e|i|u|v)){1,3}$").expect("valid regex")
});

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xAC00..=0xD7AF | 0x3040..=0x30FF | 0xF900..=0xFAFF)
}

/// Words that mark an institution, not a person.
const INSTITUTION_WORDS: &[&str] = &[
    "university", "universität", "université", "universidad", "università", "universiteit", "institute", "institut", "instituto", "sciences po", "center",
    "centre", "school", "academy", "académie", "ministry", "department", "foundation", "council", "laboratory", "college", "faculty", "inc.", "ltd",
    "gmbh", "corporation", "agency", "commission", "association", "society", "observatory", "programme", "program", "office of", "united nations",
    "think tank", "research", "policy", "press", "journal", "group", "hospital", "polytechnic", "politecnico", "ecole", "école", "department of",
];

/// Whether a byline string is an affiliation, an e-mail address or some
/// other thing that is not a person's name.
pub fn is_not_a_person(text: &str) -> bool {
    let lower = format!(" {} ", text.to_lowercase());
    text.contains('@')
        || text.contains("http")
        || text.chars().any(|c| c.is_ascii_digit())
        || INSTITUTION_WORDS.iter().any(|w| lower.contains(&format!(" {w}")))
        || text.split_whitespace().count() > 5
}

/// A name as printed → family and given names.
pub fn person(name: &str) -> Person {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((family, given)) = name.split_once(',') {
        return Person { family: family.trim().to_string(), given: Some(given.trim().to_string()).filter(|g| !g.is_empty()) };
    }
    let tokens: Vec<&str> = name.split(' ').collect();
    // Names in Han characters or Hangul: the family name comes first.
    if name.chars().all(|c| is_cjk(c) || c == ' ' || c == '·') && !name.is_empty() {
        if tokens.len() == 2 {
            return Person { family: tokens[0].to_string(), given: Some(tokens[1].to_string()) };
        }
        let chars: Vec<char> = name.chars().filter(|c| *c != ' ').collect();
        if (2..=4).contains(&chars.len()) {
            let n = if chars.len() == 4 { 2 } else { 1 };
            return Person { family: chars[..n].iter().collect(), given: Some(chars[n..].iter().collect()) };
        }
        return Person { family: name, given: None };
    }
    if tokens.len() == 2 {
        let (first, second) = (tokens[0].to_lowercase(), tokens[1].to_lowercase());
        let second_plain: String = second.chars().filter(|c| c.is_alphabetic()).collect();
        let family_first = (CHINESE_SURNAMES.contains(&first.as_str()) && !CHINESE_SURNAMES.contains(&second.as_str()) && PINYIN.is_match(&second_plain))
            || (KOREAN_SURNAMES.contains(&first.as_str()) && second.contains('-'));
        if family_first {
            return Person { family: tokens[0].to_string(), given: Some(tokens[1].to_string()) };
        }
    }
    match name.rsplit_once(' ') {
        Some((given, family)) => Person { family: family.to_string(), given: Some(given.to_string()) },
        None => Person { family: name, given: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn east_asian_names_family_first() {
        assert_eq!(person("Guan Yongping").display(), "Guan, Yongping");
        assert_eq!(person("Liu Xiaotong").family, "Liu");
        assert_eq!(person("Yongping Guan").family, "Guan");
        assert_eq!(person("Kim Jong-un").family, "Kim");
        assert_eq!(person("关永平").display(), "关, 永平");
        assert_eq!(person("Tony Wang").family, "Wang");
        assert_eq!(person("Anna Kulikova").family, "Kulikova");
        assert_eq!(person("Mukerji, Asoke").family, "Mukerji");
    }

    #[test]
    fn affiliations_are_not_people() {
        assert!(is_not_a_person("Sciences Po"));
        assert!(is_not_a_person("Tsinghua University"));
        assert!(is_not_a_person("guan@example.org"));
        assert!(!is_not_a_person("Guan Yongping"));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn any_name_parses(s in "\\PC{0,40}") {
            let p = super::person(&s);
            prop_assert!(!s.chars().any(char::is_alphanumeric) || !p.display().trim_matches([',', ' ']).is_empty());
            let _ = super::is_not_a_person(&s);
        }

        #[test]
        fn any_file_field_parses(s in "[:;\\\\/a-z .]{0,60}") {
            for path in crate::source::bib::file_paths(&s) {
                prop_assert!(!path.trim().is_empty());
            }
        }
    }
}

//! Data-driven tests, one `check_*` helper per stage: an input, and the
//! stage's output rendered as text next to it (`expect![…]`). A change in
//! behaviour shows as a diff here; after an intended change,
//! `UPDATE_EXPECT=1 cargo test --test stages` rewrites the snapshots, to be
//! reviewed like code.

use std::fmt::Write;

use expect_test::{expect, Expect};
use folio::cite::{self, CitationStyle};
use folio::doc::{clean, passages, references, structure};
use folio::model::{DocMeta, Locator, Person};
use folio::source::Extracted;
use folio::vocab::tagger::Tagger;
use folio::vocab::taxonomy::Taxonomy;

/// Cleaning: each unit with its lines, its Markdown/list marks and its verdict.
fn check_clean(input: &str, expect: Expect) {
    let cleaned = clean::clean(input);
    let mut out = String::new();
    for (u, v) in cleaned.units.iter().zip(&cleaned.verdicts) {
        let marks = format!("{}{}", u.md_heading.map_or(String::new(), |l| format!(" h{l}")), u.list_marker.as_deref().map_or(String::new(), |m| format!(" list {m}")));
        writeln!(out, "{}-{}{marks}{}: {}", u.line_start, u.line_end, v.map_or(String::new(), |r| format!(" DROP {r}")), u.text).unwrap();
    }
    for (a, b, why) in &cleaned.dropped {
        writeln!(out, "{a}-{b} DROPPED {why}").unwrap();
    }
    expect.assert_eq(&out);
}

#[test]
fn clean_stage() {
    check_clean(
        "Norms of state behav-\niour were agreed.\n\n- Like\n- Digg\n- Tumblr\n\n```\nlet x = 1;\n```\n12\n\n# Heading\ntop of page\n",
        expect![[r#"
            1-2: Norms of state behaviour were agreed.
            4-4 list - DROP share buttons: Like
            5-5 list - DROP share buttons: Digg
            6-6 list - DROP share buttons: Tumblr
            11-11 DROP page number: 12
            13-13 h1: Heading
            14-14 DROP page chrome: top of page
            8-10 DROPPED fenced code
        "#]],
    );
}

/// Structure: the role of each unit and the front matter read.
fn check_structure(input: &str, expect: Expect) {
    let cleaned = clean::clean(input);
    let s = structure::classify(cleaned.units, cleaned.verdicts, None, &[]);
    let mut out = String::new();
    for p in &s.paras {
        writeln!(out, "{:?}: {}", p.role, p.unit.text).unwrap();
    }
    writeln!(out, "front: {:?}", s.front).unwrap();
    expect.assert_eq(&out);
}

#[test]
fn structure_stage() {
    check_structure(
        "ATTRIBUTION IN PRACTICE\n\nJane Roe\n\nUniversity of Somewhere\n\nAbstract: States rarely publish the evidence behind an attribution.\n\nKeywords: attribution; norms\n\n1. Introduction\n\nStates accuse one another of cyber operations and rarely show the evidence that supports the accusation.\n\nReferences\n\n[1] Rid, T. (2015). Attributing cyber attacks. Journal of Strategic Studies.\n",
        expect![[r#"
            Title: ATTRIBUTION IN PRACTICE
            Byline(["Jane Roe"]): Jane Roe
            Affiliation: University of Somewhere
            Abstract: States rarely publish the evidence behind an attribution.
            Keywords(["attribution", "norms"]): Keywords: attribution; norms
            Heading { level: 1, heading: Heading { number: Some("1"), text: "Introduction" } }: Introduction
            Body: States accuse one another of cyber operations and rarely show the evidence that supports the accusation.
            Heading { level: 1, heading: Heading { number: None, text: "References" } }: References
            Entry(Reference): Rid, T. (2015). Attributing cyber attacks. Journal of Strategic Studies.
            front: FrontMatter { title: Some("ATTRIBUTION IN PRACTICE"), authors: ["Jane Roe"], affiliation: Some("University of Somewhere"), year: None, keywords: ["attribution", "norms"] }
        "#]],
    );
}

/// References: an entry parsed into fields.
fn check_entry(marker: Option<&str>, text: &str, expect: Expect) {
    let r = references::parse_entry(marker, text, text);
    expect.assert_eq(&format!("marker={:?} authors={:?} year={:?} title={:?} venue={:?} doi={:?} url={:?}", r.marker, r.authors, r.year, r.title, r.venue, r.doi, r.url));
}

#[test]
fn reference_entries() {
    check_entry(
        Some("[2]"),
        "Lewis, J. A. (2017, July 25). Sustaining Progress in International Negotiations on Cybersecurity. Retrieved from CSIS: https://www.csis.org/analysis/x",
        expect![[r#"marker=Some("2") authors=["Lewis, J. A"] year=Some(2017) title=Some("Sustaining Progress in International Negotiations on Cybersecurity") venue=Some("CSIS") doi=None url=Some("https://www.csis.org/analysis/x")"#]],
    );
    check_entry(
        None,
        "Tang Runhua, Li Zhi. A new path [J]. DOI:10.13628/j.cnki.zjcmxb.2022.03.009.",
        expect![[r#"marker=None authors=["Tang Runhua", "Li Zhi"] year=None title=Some("A new path") venue=None doi=Some("10.13628/j.cnki.zjcmxb.2022.03.009") url=None"#]],
    );
}

/// Markers: the text without them, and the markers found.
fn check_markers(text: &str, expect: Expect) {
    let known = |n: &str| matches!(n, "1" | "2" | "3" | "12");
    let (cleaned, markers) = references::extract_markers(text, &known);
    let labels: Vec<String> = markers.iter().map(|m| m.label.clone()).collect();
    expect.assert_eq(&format!("{cleaned} | {labels:?}"));
}

#[test]
fn citation_markers() {
    check_markers("outer space.^[3] See [1, 2] and space.12 (Lewis, 2017) but Article 19 [40].", expect![[r#"outer space. See and space. (Lewis, 2017) but Article 19 [40]. | ["3", "1, 2", "12", "Lewis, 2017"]"#]]);
}

/// Passages of a whole document: id, kind, locator, language, section, topics, cites.
fn check_passages(input: &str, expect: Expect) {
    let tagger = Tagger::new(Taxonomy::builtin());
    let built = passages::build(&Extracted::from_text("doc.md", input), &tagger);
    let mut out = String::new();
    writeln!(out, "title={:?} authors={:?} guessed={}", built.meta.title, built.meta.authors.iter().map(Person::display).collect::<Vec<_>>(), built.meta.guessed).unwrap();
    for p in &built.passages {
        let cites: Vec<String> = p.cites.iter().map(|c| format!("{}→{}", c.marker, c.reference.as_deref().unwrap_or("?"))).collect();
        writeln!(out, "[{}] {} {} {} §{:?} topics={:?} cites={:?}", p.id, p.kind.as_str(), p.locator, p.language, p.section, p.topics, cites).unwrap();
    }
    expect.assert_eq(&out);
}

#[test]
fn passages_stage() {
    check_passages(
        "# Attributing Cyber Operations\n\nJane Roe\n\n## 1. Evidence\n\nStates rarely publish the evidence behind the attribution of a cyber attack to another state, and accused states deny involvement.^[1]\n\nThe Budapest Convention on Cybercrime lets prosecutors request electronic evidence held abroad.\n\n## Notes\n\n[1] Rid, T. (2015). Attributing cyber attacks.\n",
        expect![[r#"
            title=Some("Attributing Cyber Operations") authors=["Roe, Jane"] guessed=true
            [07d300-a09e9c03] body §1, ¶1 en §Some("Evidence") topics=["attribution"] cites=["1→07d300-44f35a32"]
            [07d300-3424978b] body §1, ¶2 en §Some("Evidence") topics=["cybercrime"] cites=[]
            [07d300-44f35a32] note ¶3 en §Some("Notes") topics=[] cites=[]
        "#]],
    );
}

/// Tagging: topics with scores and the evidence behind them.
fn check_tags(text: &str, lang: &str, expect: Expect) {
    let tags = Tagger::new(Taxonomy::builtin()).tag(text, lang, None, &[]);
    let mut out = String::new();
    for (topic, evidence) in &tags.evidence {
        let mark = if tags.topics.contains(topic) { "✓" } else { "·" };
        let terms: Vec<String> = evidence.iter().map(|e| format!("{}×{}{}", e.term, e.count, e.near.as_ref().map_or(String::new(), |n| format!(" near {n}")))).collect();
        writeln!(out, "{mark} {topic} {:.2} {}", tags.scores[topic], terms.join(", ")).unwrap();
    }
    expect.assert_eq(&out);
}

#[test]
fn tagger_stage() {
    check_tags(
        "The Budapest Convention on Cybercrime governs electronic evidence; states also debate the attribution of cyber attacks.",
        "en",
        expect![[r#"
            ✓ attribution 0.50 attributable×1 near evidence
            · cyber-conflict 0.33 cyber attack×1
            ✓ cybercrime 0.67 convention on cybercrime×1, electronic evidence×1
            · international-law 0.25 convention×1 near cyber
            · internet-governance 0.25 governance×1 near electronic
        "#]],
    );
    check_tags("La souveraineté numérique des États est contestée.", "fr", expect![[r#"
        ✓ sovereignty 0.50 souveraineté numérique×1
    "#]]);
}

/// False friends: a word that names a topic in the field and something else
/// in law at large counts only beside a context word — the same word in each
/// pair, once in its everyday (mostly EU-law) sense and once in the topic's.
#[test]
fn tagger_false_friends_need_context() {
    let en = [
        "Each supervisory authority shall exercise the powers attributed to it by this Regulation.",
        "The intrusion was attributed to a hacking group run by a foreign intelligence service.",
        "The accession of Croatia brought the number of Member States to twenty-eight.",
        "Accession to the Convention on Cybercrime binds new parties to criminalise illegal access to computer systems.",
        "Under the principle of attribution, the Union acts only within the limits of the competences conferred upon it.",
    ];
    let fr = [
        "Les compétences attribuées au comité sont exercées en toute indépendance.",
        "L'attribution de la cyberattaque à un État étranger reste une décision politique.",
    ];
    let es = [
        "La atribución de competencias a la Unión se rige por el principio de atribución.",
        "La atribución del ciberataque a un Estado extranjero exige pruebas técnicas.",
    ];
    let de = [
        "Die Normen des Bürgerlichen Gesetzbuchs über den Kaufvertrag gelten entsprechend.",
        "Die Normen für verantwortungsvolles Verhalten von Staaten im Cyberraum sind freiwillig.",
        "Die Zurechnung des Verschuldens eines Erfüllungsgehilfen regelt das Zivilrecht.",
        "Die Zurechnung des Cyberangriffs zu einem staatlichen Akteur ist schwierig.",
    ];
    let mut out = String::new();
    for (lang, texts) in [("en", &en[..]), ("fr", &fr[..]), ("es", &es[..]), ("de", &de[..])] {
        for text in texts {
            let tags = Tagger::new(Taxonomy::builtin()).tag(text, lang, None, &[]);
            let evidence: Vec<String> = tags
                .evidence
                .iter()
                .map(|(topic, ev)| format!("{topic}: {}", ev.iter().map(|e| format!("{}{}", e.term, e.near.as_ref().map_or(String::new(), |n| format!(" near {n}")))).collect::<Vec<_>>().join(", ")))
                .collect();
            writeln!(out, "{lang} {:?} [{}] {}", tags.topics, evidence.join("; "), &text[..text.char_indices().nth(40).map_or(text.len(), |(i, _)| i)]).unwrap();
        }
    }
    expect![[r#"
        en [] [] Each supervisory authority shall exercis
        en ["espionage"] [attribution: attributed to near intrusion; espionage: intelligence services, intrusion near hack] The intrusion was attributed to a hackin
        en [] [] The accession of Croatia brought the num
        en ["cybercrime", "international-law"] [cybercrime: convention on cybercrime, illegal access; international-law: accession near cyber, binding near computer, convention near cyber] Accession to the Convention on Cybercrim
        en [] [] Under the principle of attribution, the 
        fr [] [] Les compétences attribuées au comité son
        fr ["attribution"] [attribution: attribuer near cyberattaque, attributable near cyberattaque; cyber-conflict: cyberattaque] L'attribution de la cyberattaque à un Ét
        es [] [] La atribución de competencias a la Unión
        es [] [attribution: atribución near ciberataque; cyber-conflict: ciberataque] La atribución del ciberataque a un Estad
        de [] [] Die Normen des Bürgerlichen Gesetzbuchs 
        de [] [norms: Norm near verantwortungsvoll] Die Normen für verantwortungsvolles Verh
        de [] [] Die Zurechnung des Verschuldens eines Er
        de [] [attribution: Zurechnung near cyberangriff; cyber-conflict: Cyberangriff] Die Zurechnung des Cyberangriffs zu eine
    "#]].assert_eq(&out);
}

/// The query parser: clauses, filters and notes.
fn check_query(q: &str, expect: Expect) {
    let parsed = folio::retrieve::query::parse(q);
    expect.assert_eq(&format!("{:?} {:?} {:?}", parsed.clauses, parsed.filters, parsed.notes));
}

#[test]
fn query_stage() {
    check_query(
        r#"cyber "global commons" -China topic:norms (a OR b"#,
        expect![[r#"[(Should, Word("cyber")), (Should, Phrase(["global", "commons"])), (MustNot, Word("China")), (Should, Group([(Should, Word("a")), (Should, Word("b"))]))] [FieldFilter { field: "topic", value: "norms", negated: false }] ["unclosed `(`: closed at the end of the query"]"#]],
    );
}

#[test]
fn query_stage_fields_and_prefixes() {
    check_query(
        r#"title:"Paris Call" abstract:sovereign* norm* title:GGE"#,
        expect![[r#"[(Should, Scoped(Title, Phrase(["Paris", "Call"]))), (Should, Scoped(Abstract, Prefix("sovereign"))), (Should, Prefix("norm")), (Should, Scoped(Title, Word("GGE")))] [] []"#]],
    );
    check_query(
        "ab* +Sovereign* -title:draft title:",
        expect![[r#"[(Should, Word("ab")), (Must, Prefix("sovereign")), (MustNot, Scoped(Title, Word("draft")))] [] ["`ab*`: a prefix needs at least 3 letters before `*`; searched as a word", "`title:` or `abstract:` with no word, prefix or phrase after it ignored"]"#]],
    );
    check_query(
        "发表意见自由 foo:bar",
        expect![[r#"[(Should, Word("发表意见自由")), (Should, Word("foo:bar"))] [] ["unknown field `foo:` searched as words; fields are title:, abstract:, topic:, doc:, lang:, kind:, author:, year:"]"#]],
    );
}

/// The analyzer: the exact tokens of a text, and the compound trigrams its
/// long words get in compounding languages.
fn check_tokens(text: &str, expect: Expect) {
    let exact = folio::text::Analyzer::exact().terms(text);
    let mut grams = vec![];
    folio::text::compound::gram_tokens(text, &mut grams);
    let grams: Vec<String> = grams.iter().map(|t| format!("{}@{}", t.text, t.position)).collect();
    expect.assert_eq(&format!("{}\n{}", exact.join(" "), grams.join(" ")));
}

#[test]
fn analyzer_stage() {
    // Chinese: overlapping bigrams; a lone character between punctuation is a unigram.
    check_tokens("人人有权享有主张和发表意见的自由;此", expect![[r#"
        人人 人有 有权 权享 享有 有主 主张 张和 和发 发表 表意 意见 见的 的自 自由 此
    "#]]);
    // Japanese kana and kanji alike; Korean syllables too.
    check_tokens("表現の自由 표현의 자유", expect![[r#"
        表現 現の の自 自由 표현 현의 자유
    "#]]);
    // Dutch and German: words of eight letters or more also as trigrams,
    // a gap of four positions between words (no phrase spans two words).
    check_tokens("vrijheid van meningsuiting", expect![[r#"
        vrijheid van meningsuiting
        vri@0 rij@1 ijh@2 jhe@3 hei@4 eid@5 men@10 eni@11 nin@12 ing@13 ngs@14 gsu@15 sui@16 uit@17 iti@18 tin@19 ing@20"#]]);
}

/// Citations: every form for a locator, and the APA reference.
fn check_cite(locator: Locator, expect: Expect) {
    let meta = DocMeta {
        key: "mukerji-2020".into(),
        title: Some("The Need for an International Convention on Cyberspace".into()),
        authors: vec![Person { family: "Mukerji".into(), given: Some("Asoke".into()) }],
        year: Some(2020),
        bibtex: Some("@article{mukerji-2020, author = {Mukerji, Asoke}, title = {The Need for an International Convention on Cyberspace}, journaltitle = {Horizons}, number = {16}, date = {2020}}".into()),
        ..DocMeta::default()
    };
    let apa = CitationStyle::named("apa").unwrap();
    let rendered = cite::render(&meta, "x", Some(&locator), &apa).unwrap();
    expect.assert_eq(&format!("{} | {} | {} | {} | {}", cite::pandoc("mukerji-2020", &locator), cite::typst("mukerji-2020", &locator), cite::latex("mukerji-2020", &locator), rendered.citation, rendered.reference));
}

#[test]
fn cite_stage() {
    check_cite(Locator { section: Some("2.1".into()), paragraph: 14, pages: vec![] }, expect![[r#"[@mukerji-2020, §2.1 ¶14] | @mukerji-2020[§2.1 ¶14] | \autocite[§2.1 ¶14]{mukerji-2020} | (Mukerji, 2020, para. 14) | Mukerji, A. (2020). The Need for an International Convention on Cyberspace. Horizons, (16)."#]]);
    check_cite(Locator { section: None, paragraph: 3, pages: vec!["118".into(), "119".into()] }, expect![[r#"[@mukerji-2020, pp. 118–119] | @mukerji-2020[pp. 118–119] | \autocite[118--119]{mukerji-2020} | (Mukerji, 2020, pp. 118–119) | Mukerji, A. (2020). The Need for an International Convention on Cyberspace. Horizons, (16)."#]]);
}

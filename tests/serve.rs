//! `folio serve` over real HTTP: the binary on an ephemeral loopback port,
//! asked what a page, an editor and a hostile page would ask. Answers are
//! checked against the CLI's JSON and against docs/openapi.json.

mod common;
use common::serve::{Conn, Served};
use common::Env;

use std::fs;
use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

impl Env {
    fn seeded() -> Env {
        let env = Env::new();
        common::copy_seed_corpus(&env.corpus());
        env
    }
    fn serve(&self, args: &[&str]) -> Served {
        Served::start(&self.corpus(), &self.index(), args)
    }
    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_folio")).args(["--corpus", self.corpus().to_str().unwrap(), "--index", self.index().to_str().unwrap()]).args(args).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["passage"]["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn search_answers_the_cli_json_with_facets() {
    let env = Env::seeded();
    let s = env.serve(&["--no-watch"]);
    let (status, v) = s.json("/api/search?q=cyber+sovereignty&limit=5");
    assert_eq!(status, 200);
    let typed: folio::wire::SearchResponse = serde_json::from_value(v.clone()).expect("a wire::SearchResponse");
    assert!(typed.total >= 5 && typed.hits.len() == 5, "{} hits of {}", typed.hits.len(), typed.total);
    assert!(typed.facets["topic"].get("sovereignty").is_some_and(|n| *n > 0), "{:?}", typed.facets);
    let cli: Value = serde_json::from_str(&env.cli(&["search", "cyber sovereignty", "-n", "5", "--format", "json"])).unwrap();
    assert_eq!(ids(&v), ids(&cli), "the server ranks like the CLI");
    assert_eq!(v["hits"][0]["passage"], cli["hits"][0]["passage"]);
    assert_eq!(v["facets"], cli["facets"]);
}

#[test]
fn filters_paging_limits_and_modes() {
    let env = Env::seeded();
    let s = env.serve(&["--no-watch"]);
    let (_, topic) = s.json("/api/search?q=cyber&topic=sovereignty&limit=50");
    assert!(topic["total"].as_u64().unwrap() > 0);
    assert!(topic["hits"].as_array().unwrap().iter().all(|h| h["passage"]["topics"].as_array().unwrap().iter().any(|t| t == "sovereignty")));
    let (_, years) = s.json("/api/search?q=cyber&year=2015..2016&limit=50");
    assert!(years["total"].as_u64().unwrap() > 0);
    assert!(years["hits"].as_array().unwrap().iter().all(|h| h["passage"]["year"] == 2015));
    // Several values of one filter: either of them.
    let (_, one) = s.json("/api/search?q=cyber&doc=liu-2017-code&limit=100");
    let (_, two) = s.json("/api/search?q=cyber&doc=liu-2017-code&doc=kulikova-2015-contest&limit=100");
    assert!(two["total"].as_u64() > one["total"].as_u64() && one["total"].as_u64() > Some(0));
    // Paging: offset skips exactly the hits before it.
    let (_, first) = s.json("/api/search?q=cyber&limit=10");
    let (_, paged) = s.json("/api/search?q=cyber&limit=4&offset=3");
    assert_eq!(ids(&paged), ids(&first)[3..7].to_vec());
    // A limit past 100 is clamped, and says so.
    let (status, clamped) = s.json("/api/search?q=&limit=500");
    assert_eq!(status, 200);
    assert_eq!(clamped["hits"].as_array().unwrap().len(), 100.min(clamped["total"].as_u64().unwrap() as usize));
    assert!(clamped["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("limit 500")), "{}", clamped["notes"]);
    // Facets keep the values with most passages when asked for fewer.
    let (_, all) = s.json("/api/search?q=cyber");
    let (_, top) = s.json("/api/search?q=cyber&facet_limit=1");
    for (facet, values) in top["facets"].as_object().unwrap() {
        let most = all["facets"][facet].as_object().unwrap().values().filter_map(Value::as_u64).max();
        assert!(values.as_object().unwrap().len() <= 1 && values.as_object().unwrap().values().next().and_then(Value::as_u64) == most, "{facet}: {values}");
    }
    assert!(all["facets"]["doc"].as_object().unwrap().len() > 1);
    let (status, semantic) = s.json("/api/search?q=cyber&mode=semantic");
    assert_eq!(status, 200);
    assert_eq!(semantic["mode"], "semantic", "{semantic}");
    assert!(!semantic["hits"].as_array().unwrap().is_empty());
    let (_, lexical) = s.json("/api/search?q=cyber&mode=lexical");
    assert_eq!(lexical["mode"], "lexical");
}

#[test]
fn malformed_requests_get_json_errors_with_the_right_status() {
    let env = Env::seeded();
    let s = env.serve(&["--no-watch"]);
    let long = format!("/api/search?q={}", "a".repeat(1001));
    for (path, status, says) in [
        ("/api/search?limit=ten", 400, "not a number"),
        ("/api/search?q=x&year=soon", 400, "year range"),
        ("/api/search?q=x&kind=poem", 400, "unknown kind"),
        ("/api/search?q=x&mode=psychic", 400, "unknown mode"),
        ("/api/search?q=x&offset=-3", 400, "not a number"),
        ("/api/search?qq=x", 400, "unknown parameter"),
        ("/api/search?q=a&q=b", 400, "given 2 times"),
        (long.as_str(), 400, "characters"),
        ("/api/search?q=x&style=no-such-style", 400, "style"),
        ("/api/cite/nope-00000000?format=pdf", 400, "unknown format"),
        ("/api/cite/nope-00000000", 404, "no passage"),
        ("/api/passages/nope-00000000", 404, "no passage"),
        ("/api/documents/no-such-doc", 404, "no document"),
        ("/cayw", 400, "give `q`"),
        ("/cayw?q=zzzqqqxxx", 404, "nothing matches"),
        ("/api/nothing", 404, "nothing here"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert!(r.header("content-type").unwrap().starts_with("application/json"), "{path}");
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["folio_json"], 1);
        assert!(v["error"]["message"].as_str().unwrap().to_lowercase().contains(says), "{path}: {}", r.body);
    }
    // No write endpoints: anything but GET is refused.
    for method in ["POST", "PUT", "DELETE"] {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        write!(stream, "{method} /api/search?q=x HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", s.port).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 405"), "{method}: {answer}");
        assert!(answer.contains("\"kind\":\"method_not_allowed\"") && answer.contains("read-only"), "{method}: {answer}");
    }
}

#[test]
fn citations_as_text_or_json_and_cite_as_you_write() {
    let env = Env::seeded();
    let s = env.serve(&["--no-watch"]);
    let (_, found) = s.json("/api/search?q=cyber+sovereignty&limit=1");
    let id = found["hits"][0]["passage"]["id"].as_str().unwrap().to_string();
    let text = s.get(&format!("/api/cite/{id}"));
    assert_eq!(text.status, 200);
    assert!(text.header("content-type").unwrap().starts_with("text/plain"));
    assert_eq!(text.body, env.cli(&["cite", &id]), "the same text as `folio cite`");
    let json = s.get_with(&format!("/api/cite/{id}?style=oscola"), &[("Accept", "application/json")]);
    let cite: folio::wire::CiteResponse = serde_json::from_str(&json.body).unwrap();
    assert_eq!((cite.id.as_str(), cite.style.as_str()), (id.as_str(), "oscola"));
    assert_eq!(s.get(&format!("/api/cite/{id}?format=latex")).body.trim(), cite.latex);
    // CAYW: the best hit's pandoc citation by default, any form on request.
    let cayw = s.get("/cayw?q=cyber+sovereignty");
    assert_eq!((cayw.status, cayw.body.trim()), (200, cite.pandoc.as_str()));
    assert!(cayw.header("content-type").unwrap().starts_with("text/plain"));
    assert_eq!(s.get("/cayw?q=cyber+sovereignty&format=typst").body.trim(), cite.typst);
    assert_eq!(s.get(&format!("/cayw?id={id}&format=latex")).body.trim(), cite.latex);
    let cayw_json = s.get_with("/cayw?q=cyber+sovereignty", &[("Accept", "application/json")]);
    assert_eq!(serde_json::from_str::<Value>(&cayw_json.body).unwrap()["pandoc"], cite.pandoc.as_str());
    // The passage with its neighbours, and the reader's document.
    let (status, shown) = s.json(&format!("/api/passages/{id}"));
    assert_eq!(status, 200);
    let shown: folio::wire::ShowResponse = serde_json::from_value(shown).unwrap();
    assert_eq!(shown.passage.id, id);
    let (_, doc) = s.json(&format!("/api/documents/{}", shown.passage.doc));
    let doc: folio::wire::DocumentResponse = serde_json::from_value(doc).unwrap();
    assert!(doc.passages.iter().any(|p| p.id == id) && doc.passages.windows(2).all(|w| w[0].paragraph < w[1].paragraph));
}

#[test]
fn host_header_headers_and_cross_origin_reads() {
    let env = Env::seeded();
    let s = env.serve(&["--no-watch"]);
    let port = s.port.to_string();
    for ok in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")] {
        assert_eq!(s.get_with("/api/status", &[("Host", &ok)]).status, 200, "{ok}");
    }
    // DNS rebinding: a page of evil.example whose name now points here.
    for bad in [format!("evil.example:{port}"), "127.0.0.1:1".to_string(), format!("localhost.evil.example:{port}")] {
        let r = s.get_with("/api/search?q=cyber", &[("Host", &bad)]);
        assert_eq!(r.status, 403, "{bad}");
        assert!(r.body.contains("DNS rebinding"), "{}", r.body);
    }
    let page = s.get("/");
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(page.body.contains("<script src=\"/assets/app.js\"") && !page.body.contains("http://") && !page.body.contains("https://"), "no CDN");
    for asset in ["/assets/app.js", "/assets/app.css", "/assets/icon.svg"] {
        assert_eq!(s.get(asset).status, 200, "{asset}");
    }
    // No cross-origin reads unless configured.
    let r = s.get_with("/api/search?q=cyber", &[("Origin", "http://evil.example")]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    drop(s);
    let s = env.serve(&["--no-watch", "--cors-origin", "http://localhost:3000"]);
    let allowed = s.get_with("/api/search?q=cyber", &[("Origin", "http://localhost:3000")]);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("http://localhost:3000"));
    assert_eq!(s.get_with("/api/search?q=cyber", &[("Origin", "http://evil.example")]).header("access-control-allow-origin"), None);
}

#[test]
fn no_parameter_reaches_the_file_system() {
    let env = Env::seeded();
    fs::write(env.dir.path().join("secret.txt"), "top secret").unwrap();
    let s = env.serve(&["--no-watch"]);
    for path in [
        "/assets/..%2F..%2F..%2FCargo.toml",
        "/assets/%2e%2e%2fsecret.txt",
        "/../secret.txt",
        "/api/passages/..%2F..%2Fsecret.txt",
        "/api/documents/..%2Fsecret.txt",
        "/api/documents/%2Fetc%2Fpasswd",
        "/api/cite/..%2F..%2Fetc%2Fpasswd",
        "/cayw?id=../../secret.txt",
    ] {
        let r = s.get(path);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        assert!(!r.body.contains("top secret") && !r.body.contains("root:"), "{path}");
    }
}

#[test]
fn hostile_document_text_is_escaped_in_snippets() {
    let env = Env::new();
    common::serve::write_hostile_corpus(&env.corpus());
    let s = env.serve(&["--no-watch"]);
    let (_, v) = s.json("/api/search?q=ampersands");
    let hit = &v["hits"][0];
    let html = hit["snippet_html"].as_str().unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("&lt;img src=x onerror=alert(2)&gt;"), "{html}");
    assert!(html.contains("<mark>ampersands</mark>") && html.contains("&amp;") && html.contains("&quot;"), "{html}");
    let without_marks = html.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<') && !without_marks.contains('>'), "only <mark> is markup: {html}");
    // The JSON keeps the text as it is: escaping is the HTML form's business.
    assert!(hit["passage"]["text"].as_str().unwrap().contains("<script>alert(1)</script>"));
    assert!(hit["passage"]["title"].as_str().unwrap().contains("<img src=x onerror=alert(3)>"));
}

#[test]
fn the_openapi_description_matches_real_responses() {
    let env = Env::seeded();
    let s = env.serve(&["--no-watch"]);
    let (status, spec) = s.json("/api/openapi.json");
    assert_eq!(status, 200);
    let checked_in: Value = serde_json::from_str(&fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json")).unwrap()).unwrap();
    assert_eq!(spec, checked_in);
    let (_, found) = s.json("/api/search?q=cyber+sovereignty&limit=3");
    let id = found["hits"][0]["passage"]["id"].as_str().unwrap().to_string();
    let doc = found["hits"][0]["passage"]["doc"].as_str().unwrap().to_string();
    let cases: Vec<(String, &str, u16)> = vec![
        ("/api/search?q=cyber+sovereignty&limit=3".into(), "/api/search", 200),
        ("/api/search?q=&limit=500&topic=sovereignty".into(), "/api/search", 200),
        ("/api/search?limit=x".into(), "/api/search", 400),
        (format!("/api/passages/{id}"), "/api/passages/{id}", 200),
        ("/api/passages/nope-00000000".into(), "/api/passages/{id}", 404),
        (format!("/api/cite/{id}?format=json"), "/api/cite/{id}", 200),
        ("/api/topics".into(), "/api/topics", 200),
        ("/api/documents".into(), "/api/documents", 200),
        (format!("/api/documents/{doc}"), "/api/documents/{key}", 200),
        ("/api/status".into(), "/api/status", 200),
        ("/cayw?q=cyber&format=json".into(), "/cayw", 200),
    ];
    for (url, path, status) in cases {
        let r = s.get(&url);
        assert_eq!(r.status, status, "{url}: {}", r.body);
        let op = &spec["paths"][path]["get"];
        let schema = &op["responses"][status.to_string()]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{path} documents no JSON for {status}");
        let body: Value = serde_json::from_str(&r.body).unwrap();
        if let Err(e) = validate(&spec, schema, &body, "$") {
            panic!("{url}: {e}");
        }
    }
    // Every route the server answers is described.
    for path in ["/api/search", "/api/passages/{id}", "/api/cite/{id}", "/api/topics", "/api/documents", "/api/documents/{key}", "/api/status", "/healthz", "/cayw", "/api/openapi.json"] {
        assert!(spec["paths"][path]["get"].is_object(), "{path}");
    }
}

/// The part of JSON Schema that docs/openapi.json uses: `$ref`, `type`
/// (one or several), `properties`, `required`, `additionalProperties`,
/// `items`, `enum`, `const`, `oneOf`.
fn validate(spec: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return validate(spec, &spec["components"]["schemas"][name], v, at);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let ok = options.iter().filter(|o| validate(spec, o, v, at).is_ok()).count();
        return if ok == 1 { Ok(()) } else { Err(format!("{at}: {ok} of oneOf match {v}")) };
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let is = |t: &str| match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| is(t)) {
        return Err(format!("{at}: expected {types:?}, got {v}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(v)
    {
        return Err(format!("{at}: {v} is not one of {allowed:?}"));
    }
    if !schema["const"].is_null() && schema["const"] != *v {
        return Err(format!("{at}: {v} is not {}", schema["const"]));
    }
    if let Some(items) = v.as_array() {
        for (i, item) in items.iter().enumerate() {
            validate(spec, &schema["items"], item, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(map) = v.as_object() {
        for req in schema["required"].as_array().into_iter().flatten() {
            if !map.contains_key(req.as_str().unwrap()) {
                return Err(format!("{at}: missing `{req}`"));
            }
        }
        for (k, item) in map {
            let sub = &schema["properties"][k];
            if sub.is_object() {
                validate(spec, sub, item, &format!("{at}.{k}"))?;
            } else if schema["additionalProperties"] == Value::Bool(false) {
                return Err(format!("{at}: `{k}` is not described"));
            } else if schema["additionalProperties"].is_object() {
                validate(spec, &schema["additionalProperties"], item, &format!("{at}.{k}"))?;
            }
        }
    }
    Ok(())
}

#[test]
fn edits_are_searchable_within_seconds_and_broken_files_are_reported() {
    let env = Env::seeded();
    let s = env.serve(&[]);
    let (_, before) = s.json("/api/status");
    assert_eq!(before["watching"], true, "{before}");
    let generation = before["generation"].clone();
    assert_eq!(s.json("/api/search?q=zyxquibble").1["total"], 0);
    // Keep asking while the corpus changes: no request may fail.
    let port = s.port;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hammer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut conn = Conn::open(port);
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = conn.request("/api/search?q=cyber+norms&limit=5", &[], true);
                assert_eq!(r.status, 200, "a request failed during re-indexing: {}", r.body);
                n += 1;
            }
            n
        })
    };
    fs::write(env.corpus().join("new-note.md"), "# A new note\n\nThe zyxquibble doctrine of cyber norms, written while the server was running.\n").unwrap();
    fs::write(env.corpus().join("broken.docx"), b"PK\x03\x04 this is not a zip archive").unwrap();
    let started = Instant::now();
    loop {
        let (status, v) = s.json("/api/search?q=zyxquibble");
        assert_eq!(status, 200);
        if v["total"].as_u64() == Some(1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the new document is not searchable after 30 s: {}", s.get("/api/status").body);
        std::thread::sleep(Duration::from_millis(100));
    }
    // Wait for the build that saw both files to be done.
    let status = loop {
        let (_, st) = s.json("/api/status");
        if st["building"].is_null() && st["problems"].to_string().contains("broken.docx") {
            break st;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "broken.docx is not reported: {st}");
        std::thread::sleep(Duration::from_millis(100));
    };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let asked = hammer.join().expect("no request failed while re-indexing");
    assert!(asked > 0);
    assert_ne!(status["generation"], generation, "a new generation is live");
    assert!(matches!(status["last_build"]["status"].as_str(), Some("updated" | "built")), "{status}");
    assert_eq!(s.get("/healthz").status, 200, "a broken file never stops the server");
    // An edit of an existing document is picked up too.
    fs::write(env.corpus().join("new-note.md"), "# A new note\n\nNow the note speaks of the plover accord between states.\n").unwrap();
    let started = Instant::now();
    while s.json("/api/search?q=plover").1["total"] != 1 {
        assert!(started.elapsed() < Duration::from_secs(30), "the edit is not searchable after 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(s.json("/api/search?q=zyxquibble").1["total"], 0);
}

#[test]
fn ctrl_c_stops_the_server_even_with_a_page_open() {
    let env = Env::seeded();
    let mut s = env.serve(&["--no-watch"]);
    // A browser tab keeps its connection alive after its last request.
    let mut tab = Conn::open(s.port);
    assert_eq!(tab.request("/api/status", &[], true).status, 200);
    // SAFETY: kill(2) on the child's pid, which this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(s.child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the server did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

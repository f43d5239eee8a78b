//! A `folio serve` process on an ephemeral loopback port, and a small
//! HTTP/1.1 client over `std::net` (keep-alive, Content-Length and chunked
//! bodies): what tests/serve.rs, tests/browser.rs and the load bench share.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A corpus whose text and metadata carry markup: a `.txt` whose entities
/// the cleaner decodes into `<script>` and `<img onerror>`, and a `.bib`
/// entry with markup in its title and author.
pub fn write_hostile_corpus(corpus: &Path) {
    std::fs::create_dir_all(corpus).unwrap();
    std::fs::write(
        corpus.join("hostile.txt"),
        "Hostile\n\nA paragraph on sovereignty with &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(2)&gt; and \"quotes\" & ampersands, long enough to be a passage.\n\nAnother with 3 < 4 > 2 comparisons about sovereignty.\n",
    )
    .unwrap();
    std::fs::write(corpus.join("refs.bib"), "@article{hostile,\n title={<img src=x onerror=alert(3)> Title},\n author={<script>alert(4)</script>, Eve},\n year={2020}\n}\n").unwrap();
}

/// A running server; killed when dropped.
pub struct Served {
    pub child: Child,
    pub port: u16,
    pub url: String,
}

impl Served {
    /// Starts `folio --corpus C --index I serve --port 0 ARGS…`, reads the URL
    /// it prints, and waits until `/healthz` answers 200.
    pub fn start(corpus: &Path, index: &Path, args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["--corpus", corpus.to_str().unwrap(), "--index", index.to_str().unwrap(), "serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start folio serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("no URL in `{line}`")).to_string();
        let port = url.trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
        let served = Served { child, port, url };
        let started = Instant::now();
        while get(served.port, "/healthz").status != 200 {
            assert!(started.elapsed() < Duration::from_secs(120), "the server did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        served
    }

    pub fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        Conn::open(self.port).request(path, headers, false)
    }

    /// GET answered with JSON: the status and the parsed body.
    pub fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path);
        let v = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", r.body));
        (r.status, v)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One GET on a fresh connection.
pub fn get(port: u16, path: &str) -> Response {
    Conn::open(port).request(path, &[], false)
}

/// A connection to the server, kept alive between requests.
pub struct Conn {
    reader: BufReader<TcpStream>,
    port: u16,
}

impl Conn {
    pub fn open(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        stream.set_nodelay(true).unwrap();
        Conn { reader: BufReader::new(stream), port }
    }

    /// Sends a GET (with `Host: 127.0.0.1:PORT` unless `headers` has one) and
    /// reads the whole response.
    pub fn request(&mut self, path: &str, headers: &[(&str, &str)], keep_alive: bool) -> Response {
        let mut req = format!("GET {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            req.push_str(&format!("Host: 127.0.0.1:{}\r\n", self.port));
        }
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str(if keep_alive { "\r\n" } else { "Connection: close\r\n\r\n" });
        self.reader.get_mut().write_all(req.as_bytes()).expect("send");
        self.read_response()
    }

    fn read_response(&mut self) -> Response {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("bad status line `{line}`"));
        let mut headers = vec![];
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((n, v)) = l.split_once(':') {
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        let find = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v): &(String, String)| v.clone());
        let mut body = vec![];
        if let Some(len) = find("content-length") {
            body.resize(len.parse().unwrap(), 0);
            self.reader.read_exact(&mut body).unwrap();
        } else if find("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
            loop {
                line.clear();
                self.reader.read_line(&mut line).unwrap();
                let n = usize::from_str_radix(line.trim(), 16).unwrap();
                let mut chunk = vec![0; n + 2];
                self.reader.read_exact(&mut chunk).unwrap();
                body.extend_from_slice(&chunk[..n]);
                if n == 0 {
                    break;
                }
            }
        } else {
            self.reader.read_to_end(&mut body).unwrap();
        }
        Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
    }
}

//! The freshness stamp: what the corpus looked like (file sizes and
//! modification times, folder modification times, library paths that did not
//! exist) when the live generation was last found to match it. A search whose
//! stats all still match knows the index is fresh without listing folders,
//! parsing libraries or reading the manifest: one `stat` per file and folder.
//!
//! Like the stat cache it lives in the user's cache folder, never in the index
//! (times differ between clones; the index must be the same bytes everywhere).
//! Losing it costs one full check. Stats taken within [`RACY_NS`] of writing
//! the stamp are not trusted (file times are coarse: a second edit in the same
//! clock tick keeps the time), so then no stamp is written.
//!
//! Why a folder's time: adding, removing or renaming an entry updates its
//! folder's modification time on every POSIX file system, so a new document
//! is seen without reading the folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::source::{mtime_ns, Scan};

/// The stamp's first line: a stamp written by another folio is not trusted
/// (its analyzer may need a rebuild that only the full check sees).
fn header() -> String {
    format!("folio-stamp 1 {} {}", env!("CARGO_PKG_VERSION"), crate::text::ANALYZER_VERSION)
}
/// Modification times this close to the stamp's writing are not trusted.
const RACY_NS: i128 = 2_000_000_000;

/// One thing to stat again, and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Folder(PathBuf, i128),
    File(PathBuf, u64, i128),
    Absent(PathBuf),
}

/// The corpus as stat saw it when `generation` was found fresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    generation: String,
    /// The corpus folder stamped: the same index searched over another corpus is checked in full.
    corpus: PathBuf,
    seen: Vec<Seen>,
}

impl Stamp {
    /// The stamp of a scan the generation `generation` matches, or None when
    /// some time in it is too recent to be trusted.
    pub fn of(scan: &Scan, generation: &str) -> Option<Stamp> {
        let corpus = fs::canonicalize(&scan.root).ok()?;
        let mut seen: Vec<Seen> = scan.folders.iter().map(|(p, t)| Seen::Folder(p.clone(), *t)).collect();
        seen.extend(scan.document_stats().map(|(p, n, t)| Seen::File(p.to_path_buf(), n, t)));
        for path in &scan.metadata_files {
            let meta = fs::metadata(path).ok()?;
            seen.push(Seen::File(path.clone(), meta.len(), mtime_ns(&meta)));
        }
        seen.extend(scan.absent.iter().map(|p| Seen::Absent(p.clone())));
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
        let racy = seen.iter().any(|s| matches!(s, Seen::Folder(_, t) | Seen::File(_, _, t) if *t > now - RACY_NS));
        (!racy).then(|| Stamp { generation: generation.to_string(), corpus, seen })
    }

    /// Whether the live generation and the corpus are the ones stamped and every stat still matches.
    pub fn holds(&self, live_generation: &str, corpus: &Path) -> bool {
        self.generation == live_generation && fs::canonicalize(corpus).is_ok_and(|c| c == self.corpus) && all_in_parallel(&self.seen, still_seen)
    }

    fn to_text(&self) -> String {
        let mut out = format!("{}\n{}\n{}\n", header(), self.generation, self.corpus.display());
        for s in &self.seen {
            let line = match s {
                Seen::Folder(p, t) => format!("d {t} {}", p.display()),
                Seen::File(p, n, t) => format!("f {n} {t} {}", p.display()),
                Seen::Absent(p) => format!("a {}", p.display()),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn from_text(text: &str) -> Option<Stamp> {
        let mut lines = text.lines();
        if lines.next()? != header() {
            return None;
        }
        let generation = lines.next()?.to_string();
        let corpus = PathBuf::from(lines.next()?);
        let seen = lines.map(parse_line).collect::<Option<Vec<Seen>>>()?;
        Some(Stamp { generation, corpus, seen })
    }

    /// The stamp kept for the index folder `root`, if any and readable.
    pub fn read(root: &Path) -> Option<Stamp> {
        Stamp::from_text(&fs::read_to_string(super::manifest::cache_path(root, "stamp", "txt")).ok()?)
    }

    /// Keeps the stamp for `root`; a stamp that cannot be written is no error.
    pub fn write(&self, root: &Path) {
        super::manifest::write_cache(&super::manifest::cache_path(root, "stamp", "txt"), self.to_text().as_bytes());
    }

    /// Forgets the stamp of `root` (before an index changes).
    pub fn forget(root: &Path) {
        let _ = fs::remove_file(super::manifest::cache_path(root, "stamp", "txt"));
    }
}

/// After a build: the live generation matches the scan it was built from.
pub fn remember(index_dir: &super::IndexDir, scan: &Scan) {
    let live = index_dir.live();
    match live.as_deref().and_then(|l| l.file_name()?.to_str()).and_then(|g| Stamp::of(scan, g)) {
        Some(stamp) => stamp.write(&index_dir.root),
        None => Stamp::forget(&index_dir.root),
    }
}

fn parse_line(line: &str) -> Option<Seen> {
    let (kind, rest) = line.split_once(' ')?;
    match kind {
        "d" => {
            let (t, p) = rest.split_once(' ')?;
            Some(Seen::Folder(PathBuf::from(p), t.parse().ok()?))
        }
        "f" => {
            let (n, rest) = rest.split_once(' ')?;
            let (t, p) = rest.split_once(' ')?;
            Some(Seen::File(PathBuf::from(p), n.parse().ok()?, t.parse().ok()?))
        }
        "a" => Some(Seen::Absent(PathBuf::from(rest))),
        _ => None,
    }
}

/// Whether `test` holds for every item, checked on a few threads: stats of
/// tens of thousands of files are the whole cost of a quick check.
fn all_in_parallel(items: &[Seen], test: fn(&Seen) -> bool) -> bool {
    const CHUNK: usize = 2048;
    if items.len() <= CHUNK {
        return items.iter().all(test);
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    let per_thread = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(per_thread).map(|chunk| s.spawn(move || chunk.iter().all(test))).collect();
        handles.into_iter().all(|h| h.join().unwrap_or(false))
    })
}

fn still_seen(seen: &Seen) -> bool {
    match seen {
        Seen::Folder(p, t) => fs::metadata(p).is_ok_and(|m| m.is_dir() && mtime_ns(&m) == *t),
        Seen::File(p, n, t) => fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() == *n && mtime_ns(&m) == *t),
        Seen::Absent(p) => fs::symlink_metadata(p).is_err(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_reads_back_what_was_written() {
        let stamp = Stamp {
            generation: "gen-0123456789abcdef".into(),
            corpus: "/c".into(),
            seen: vec![Seen::Folder("/c".into(), 5), Seen::File("/c/a b.md".into(), 12, -3), Seen::Absent("/x/y.pdf".into())],
        };
        assert_eq!(Stamp::from_text(&stamp.to_text()), Some(stamp));
        assert_eq!(Stamp::from_text("folio-stamp 0 0.1.0 1\ngen\n/c\n"), None);
        assert_eq!(Stamp::from_text(&format!("{}\ngen\n/c\nz 1 /a\n", header())), None);
    }

    #[test]
    fn a_changed_file_a_new_file_or_an_appearing_one_breaks_the_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        let absent = elsewhere.path().join("gone.pdf");
        fs::write(&file, "one").unwrap();
        let stamp_now = || {
            back_in_time(&file);
            back_in_time(dir.path());
            let t = |p: &Path| mtime_ns(&fs::metadata(p).unwrap());
            let seen = vec![Seen::Folder(dir.path().into(), t(dir.path())), Seen::File(file.clone(), 3, t(&file)), Seen::Absent(absent.clone())];
            Stamp { generation: "g".into(), corpus: fs::canonicalize(dir.path()).unwrap(), seen }
        };
        let stamp = stamp_now();
        assert!(stamp.holds("g", dir.path()));
        assert!(!stamp.holds("h", dir.path()), "another generation is live");
        assert!(!stamp.holds("g", elsewhere.path()), "another corpus");
        fs::write(&file, "two").unwrap();
        assert!(!stamp.holds("g", dir.path()), "same size, new time");
        let stamp = stamp_now();
        assert!(stamp.holds("g", dir.path()));
        fs::write(dir.path().join("b.md"), "new").unwrap();
        assert!(!stamp.holds("g", dir.path()), "a new file changes its folder's time");
        let stamp = stamp_now();
        assert!(stamp.holds("g", dir.path()));
        fs::write(&absent, "now here").unwrap();
        assert!(!stamp.holds("g", dir.path()), "a file a library names appeared");
    }

    #[test]
    fn recent_times_are_not_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let scan = Scan { root: dir.path().into(), folders: vec![(dir.path().into(), mtime_ns(&fs::metadata(dir.path()).unwrap()))], ..Scan::default() };
        assert_eq!(Stamp::of(&scan, "g"), None, "a folder changed a moment ago may change again in the same tick");
        back_in_time(dir.path());
        let scan = Scan { root: dir.path().into(), folders: vec![(dir.path().into(), mtime_ns(&fs::metadata(dir.path()).unwrap()))], ..Scan::default() };
        assert!(Stamp::of(&scan, "g").is_some_and(|s| s.holds("g", dir.path())));
    }

    /// Sets a path's modification time one hour back (as if edited long ago).
    fn back_in_time(path: &Path) {
        let t = SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::File::open(path).and_then(|f| f.set_modified(t)).unwrap();
    }
}

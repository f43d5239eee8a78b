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
//!
//! Why a binary stamp with files grouped by folder: a search reads it on
//! every run, so it is checked where it lies (fixed-size records, no parsing,
//! no allocation per file), and each file is stat'ed by name relative to its
//! open folder (`fstatat`), which spares the kernel a walk of the whole path
//! per file — that walk was most of the check's cost.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::source::{mtime_ns, Scan};

/// The stamp's first line: a stamp written by another folio is not trusted
/// (its analyzer may need a rebuild that only the full check sees).
fn header() -> String {
    format!("folio-stamp 2 {} {}", env!("CARGO_PKG_VERSION"), crate::text::ANALYZER_VERSION)
}
/// Modification times this close to the stamp's writing are not trusted.
const RACY_NS: i128 = 2_000_000_000;

/// One thing to stat again, and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
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
    /// What was seen, encoded (see [`Body`]).
    body: Vec<u8>,
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
        (!racy).then(|| Stamp::new(generation, corpus, &seen))
    }

    /// A stamp of what was seen (the corpus folder canonical).
    pub fn new(generation: &str, corpus: PathBuf, seen: &[Seen]) -> Stamp {
        Stamp { generation: generation.to_string(), corpus, body: body::encode(seen) }
    }

    /// Whether the live generation and the corpus are the ones stamped and every stat still matches
    /// (the files checked on a few threads).
    pub fn holds(&self, live_generation: &str, corpus: &Path) -> bool {
        let Some(check) = self.check(live_generation, corpus) else { return false };
        std::thread::scope(|s| {
            for _ in 1..check.threads() {
                s.spawn(|| check.work());
            }
            check.work();
        });
        check.holds()
    }

    /// The check of this stamp, its folders and absent paths checked already,
    /// its files left to [`Check::work`]; None when something already differs.
    pub fn check(&self, live_generation: &str, corpus: &Path) -> Option<Check<'_>> {
        let same = self.generation == live_generation && fs::canonicalize(corpus).is_ok_and(|c| c == self.corpus);
        same.then(|| Check::start(&self.body)).flatten()
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{}\n{}\n{}\n", header(), self.generation, self.corpus.display()).into_bytes();
        out.extend_from_slice(&self.body);
        out
    }

    fn from_bytes(bytes: &[u8]) -> Option<Stamp> {
        let mut lines = bytes.splitn(4, |&b| b == b'\n');
        if lines.next()? != header().as_bytes() {
            return None;
        }
        let generation = std::str::from_utf8(lines.next()?).ok()?.to_string();
        let corpus = PathBuf::from(std::str::from_utf8(lines.next()?).ok()?);
        let body = lines.next()?.to_vec();
        body::Body::parse(&body)?;
        Some(Stamp { generation, corpus, body })
    }

    /// The stamp kept for the index folder `root`, if any and readable.
    pub fn read(root: &Path) -> Option<Stamp> {
        use std::io::Read;
        let mut bytes = vec![];
        fs::File::open(cache_path(root)).and_then(|mut f| f.read_to_end(&mut bytes)).ok()?;
        Stamp::from_bytes(&bytes)
    }

    /// Keeps the stamp for `root`; a stamp that cannot be written is no error.
    pub fn write(&self, root: &Path) {
        super::manifest::write_cache(&cache_path(root), &self.to_bytes());
    }

    /// Forgets the stamp of `root` (before an index changes).
    pub fn forget(root: &Path) {
        let _ = fs::remove_file(cache_path(root));
    }
}

fn cache_path(root: &Path) -> PathBuf {
    super::manifest::cache_path(root, "stamp", "bin")
}

/// After a build: the live generation matches the scan it was built from.
pub fn remember(index_dir: &super::IndexDir, scan: &Scan) {
    let live = index_dir.live();
    match live.as_deref().and_then(super::freshness::generation_name).and_then(|g| Stamp::of(scan, g)) {
        Some(stamp) => stamp.write(&index_dir.root),
        None => Stamp::forget(&index_dir.root),
    }
}

/// The encoded body of a stamp and its check.
///
/// Layout (little-endian; `path` and `name` are offsets of NUL-terminated
/// byte strings in `names`):
/// ```text
/// counts  u32 groups, u32 files, u32 absent, u32 names length
/// groups  { u32 path, u32 has time, i128 time }        × groups (folders)
/// files   { u32 group, u32 name, u64 size, i128 time } × files
/// absent  { u32 path }                                 × absent
/// names   bytes
/// ```
mod body {
    use super::*;
    use std::ffi::CStr;

    const COUNTS: usize = 16;
    const GROUP: usize = 24;
    const FILE: usize = 32;

    /// Files grouped by their folder, with the folder's time when it was seen as a folder.
    type Groups<'a> = BTreeMap<&'a Path, (Option<i128>, Vec<(&'a [u8], u64, i128)>)>;

    pub fn encode(seen: &[Seen]) -> Vec<u8> {
        let mut groups: Groups = BTreeMap::new();
        let mut absent = vec![];
        for s in seen {
            match s {
                Seen::Folder(p, t) => groups.entry(p).or_default().0 = Some(*t),
                // A path with no parent or name ("/", "..") is stat'ed as "." of itself.
                Seen::File(p, n, t) => match (p.parent(), p.file_name()) {
                    (Some(dir), Some(name)) => groups.entry(dir).or_default().1.push((name.as_encoded_bytes(), *n, *t)),
                    _ => groups.entry(p).or_default().1.push((b".", *n, *t)),
                },
                Seen::Absent(p) => absent.push(p.as_os_str().as_encoded_bytes()),
            }
        }
        let mut names = vec![];
        let mut name = |bytes: &[u8]| {
            let at = names.len() as u32;
            names.extend_from_slice(bytes);
            names.push(0);
            at
        };
        let (mut group_part, mut file_part, mut absent_part) = (vec![], vec![], vec![]);
        for (g, (dir, (time, files))) in groups.iter().enumerate() {
            group_part.extend(name(dir.as_os_str().as_encoded_bytes()).to_le_bytes());
            group_part.extend(u32::from(time.is_some()).to_le_bytes());
            group_part.extend(time.unwrap_or(0).to_le_bytes());
            for (file, size, t) in files {
                file_part.extend((g as u32).to_le_bytes());
                file_part.extend(name(file).to_le_bytes());
                file_part.extend(size.to_le_bytes());
                file_part.extend(t.to_le_bytes());
            }
        }
        for path in absent {
            absent_part.extend(name(path).to_le_bytes());
        }
        let mut out = Vec::with_capacity(COUNTS + group_part.len() + file_part.len() + absent_part.len() + names.len());
        for n in [groups.len(), file_part.len() / FILE, absent_part.len() / 4, names.len()] {
            out.extend((n as u32).to_le_bytes());
        }
        for part in [group_part, file_part, absent_part, names] {
            out.extend(part);
        }
        out
    }

    /// A body's parts, borrowed; every group's folder is known to be in range.
    pub struct Body<'a> {
        groups: &'a [u8],
        files: &'a [u8],
        absent: &'a [u8],
        names: &'a [u8],
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    fn u64_at(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(std::array::from_fn(|i| b[at + i]))
    }

    fn i128_at(b: &[u8], at: usize) -> i128 {
        i128::from_le_bytes(std::array::from_fn(|i| b[at + i]))
    }

    impl<'a> Body<'a> {
        /// The parts, or None when the lengths do not add up or a group names a folder out of range.
        pub fn parse(b: &'a [u8]) -> Option<Body<'a>> {
            if b.len() < COUNTS {
                return None;
            }
            let n = |i: usize| u32_at(b, i * 4) as usize;
            let (groups_end, files_end) = (COUNTS + n(0) * GROUP, COUNTS + n(0) * GROUP + n(1) * FILE);
            let absent_end = files_end + n(2) * 4;
            if absent_end.checked_add(n(3)) != Some(b.len()) {
                return None;
            }
            let body = Body { groups: &b[COUNTS..groups_end], files: &b[groups_end..files_end], absent: &b[files_end..absent_end], names: &b[absent_end..] };
            body.files.chunks_exact(FILE).all(|f| (u32_at(f, 0) as usize) < n(0)).then_some(body)
        }

        fn name(&self, at: u32) -> Option<&'a CStr> {
            CStr::from_bytes_until_nul(self.names.get(at as usize..)?).ok()
        }
    }

    fn path_of(name: &CStr) -> PathBuf {
        #[cfg(unix)]
        return PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name.to_bytes()));
        #[cfg(not(unix))]
        return PathBuf::from(String::from_utf8_lossy(name.to_bytes()).into_owned());
    }

    /// The folders held open, when each is still as seen and every absent path still absent.
    pub fn folders(body: &Body) -> Option<Vec<dir::Dir>> {
        let absent = body.absent.chunks_exact(4).all(|a| body.name(u32_at(a, 0)).is_some_and(|p| fs::symlink_metadata(path_of(p)).is_err()));
        let folders = body.groups.chunks_exact(GROUP).map(|g| {
            let folder = dir::Dir::open(&path_of(body.name(u32_at(g, 0))?))?;
            (u32_at(g, 4) == 0 || folder.time() == Some(i128_at(g, 8))).then_some(folder)
        });
        absent.then(|| folders.collect()).flatten()
    }

    /// Whether the file of record `f` is still as seen.
    pub fn file_holds(body: &Body, folders: &[dir::Dir], f: &[u8]) -> bool {
        body.name(u32_at(f, 4)).is_some_and(|name| folders[u32_at(f, 0) as usize].file(name) == Some((u64_at(f, 8), i128_at(f, 16))))
    }

    pub fn files<'a>(body: &Body<'a>) -> &'a [u8] {
        body.files
    }

    pub const RECORD: usize = FILE;
}

/// A stamp's check shared by threads: each takes the next chunk of files
/// until none is left or one differs, so that a thread busy elsewhere (the
/// search itself) can join in when it is done and none waits on another.
pub struct Check<'a> {
    body: body::Body<'a>,
    folders: Vec<dir::Dir>,
    next: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
    differs: std::sync::atomic::AtomicBool,
}

impl<'a> Check<'a> {
    /// Files per chunk: a few hundred microseconds of stats.
    const CHUNK: usize = 256;

    fn start(bytes: &'a [u8]) -> Option<Check<'a>> {
        let body = body::Body::parse(bytes)?;
        let folders = body::folders(&body)?;
        Some(Check { body, folders, next: 0.into(), done: 0.into(), differs: false.into() })
    }

    /// How many threads are worth it: stats of tens of thousands of files are the whole cost of a quick check.
    pub fn threads(&self) -> usize {
        let n = body::files(&self.body).len() / body::RECORD;
        if n <= 8 * Self::CHUNK { 1 } else { std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8) }
    }

    /// Checks chunks of files until none is left or one differs.
    pub fn work(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        let files = body::files(&self.body);
        let n = files.len() / body::RECORD;
        while !self.differs.load(Relaxed) {
            let start = self.next.fetch_add(Self::CHUNK, Relaxed);
            if start >= n {
                return;
            }
            let end = (start + Self::CHUNK).min(n);
            let chunk = &files[start * body::RECORD..end * body::RECORD];
            if !chunk.chunks_exact(body::RECORD).all(|f| body::file_holds(&self.body, &self.folders, f)) {
                self.differs.store(true, Relaxed);
            }
            self.done.fetch_add(end - start, Relaxed);
        }
    }

    /// After every thread's `work` returned: whether everything is still as seen.
    pub fn holds(&self) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        !self.differs.load(SeqCst) && self.done.load(SeqCst) == body::files(&self.body).len() / body::RECORD
    }
}

/// A folder held open, and stats of the files in it by name.
mod dir {
    use std::ffi::CStr;
    use std::path::Path;

    /// Nanoseconds since the epoch, 0 before it (as `source::mtime_ns` reads a time).
    #[cfg(unix)]
    fn nanos(seconds: i64, nanos: i64) -> i128 {
        (i128::from(seconds) * 1_000_000_000 + i128::from(nanos)).max(0)
    }

    #[cfg(unix)]
    pub struct Dir(std::os::fd::OwnedFd);

    #[cfg(unix)]
    impl Dir {
        pub fn open(path: &Path) -> Option<Dir> {
            use std::os::fd::FromRawFd;
            let path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).ok()?;
            // SAFETY: `path` is NUL-terminated; the descriptor returned, when valid, is ours alone.
            let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) };
            // SAFETY: a non-negative descriptor from open(2) is open and owned by nobody else.
            (fd >= 0).then(|| Dir(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) }))
        }

        /// The folder's modification time.
        pub fn time(&self) -> Option<i128> {
            use std::os::fd::AsRawFd;
            let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: the descriptor is open; fstat fills `st` when it returns 0.
            let st = (unsafe { libc::fstat(self.0.as_raw_fd(), st.as_mut_ptr()) } == 0).then(|| unsafe { st.assume_init() })?;
            (st.st_mode & libc::S_IFMT == libc::S_IFDIR).then(|| nanos(st.st_mtime as i64, st.st_mtime_nsec as i64))
        }

        /// Size and modification time of the regular file `name` in the folder (symbolic links followed).
        pub fn file(&self, name: &CStr) -> Option<(u64, i128)> {
            use std::os::fd::AsRawFd;
            let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: the descriptor is open and `name` NUL-terminated; fstatat fills `st` when it returns 0.
            let st = (unsafe { libc::fstatat(self.0.as_raw_fd(), name.as_ptr(), st.as_mut_ptr(), 0) } == 0).then(|| unsafe { st.assume_init() })?;
            (st.st_mode & libc::S_IFMT == libc::S_IFREG).then(|| (st.st_size as u64, nanos(st.st_mtime as i64, st.st_mtime_nsec as i64)))
        }
    }

    /// Elsewhere: the folder's path, and a stat of each file's whole path.
    #[cfg(not(unix))]
    pub struct Dir(std::path::PathBuf);

    #[cfg(not(unix))]
    impl Dir {
        pub fn open(path: &Path) -> Option<Dir> {
            Some(Dir(path.to_path_buf()))
        }

        pub fn time(&self) -> Option<i128> {
            std::fs::metadata(&self.0).ok().filter(|m| m.is_dir()).map(|m| crate::source::mtime_ns(&m))
        }

        pub fn file(&self, name: &CStr) -> Option<(u64, i128)> {
            let path = self.0.join(String::from_utf8_lossy(name.to_bytes()).as_ref());
            std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| (m.len(), crate::source::mtime_ns(&m)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_reads_back_what_was_written() {
        let seen = [Seen::Folder("/c".into(), 5), Seen::File("/c/a b.md".into(), 12, -3), Seen::File("/elsewhere/x.pdf".into(), 7, 1 << 70), Seen::Absent("/x/y.pdf".into())];
        let stamp = Stamp::new("gen-0123456789abcdef", "/c".into(), &seen);
        let bytes = stamp.to_bytes();
        assert_eq!(Stamp::from_bytes(&bytes), Some(stamp.clone()));
        assert_eq!(Stamp::from_bytes(&bytes[..bytes.len() - 1]), None, "a body cut short");
        assert_eq!(Stamp::from_bytes(b"folio-stamp 1 0.1.0 1\ngen\n/c\n"), None, "another folio's stamp");
        let mut bad_group = bytes.clone();
        let groups = u32::from_le_bytes([stamp.body[0], stamp.body[1], stamp.body[2], stamp.body[3]]) as usize;
        assert_eq!(groups, 2, "/c and /elsewhere");
        let files_at = bytes.len() - stamp.body.len() + 16 + groups * 24;
        bad_group[files_at] = 9;
        assert_eq!(Stamp::from_bytes(&bad_group), None, "a file in a folder that is not listed");
        assert_ne!(Stamp::new("g", "/c".into(), &seen[..2]), Stamp::new("g", "/c".into(), &seen[..3]));
    }

    #[test]
    fn every_file_of_a_large_folder_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        // More files than one thread checks, so that the last of them is checked by another thread.
        let files: Vec<PathBuf> = (0..2500).map(|i| if i % 2 == 0 { dir.path() } else { sub.as_path() }.join(format!("f{i}.md"))).collect();
        for f in &files {
            fs::write(f, "text").unwrap();
            back_in_time(f);
        }
        back_in_time(&sub);
        back_in_time(dir.path());
        let stamp_now = || {
            let t = |p: &Path| mtime_ns(&fs::metadata(p).unwrap());
            let mut seen: Vec<Seen> = [dir.path(), sub.as_path()].iter().map(|d| Seen::Folder(d.to_path_buf(), t(d))).collect();
            seen.extend(files.iter().map(|f| Seen::File(f.clone(), fs::metadata(f).unwrap().len(), t(f))));
            Stamp::new("g", fs::canonicalize(dir.path()).unwrap(), &seen)
        };
        assert!(stamp_now().holds("g", dir.path()));
        let last = files.last().unwrap();
        let stamp = stamp_now();
        fs::write(last, "edit").unwrap();
        assert!(!stamp.holds("g", dir.path()), "the last file, same size, new time");
        back_in_time(last);
        let stamp = stamp_now();
        let sub_time = fs::metadata(&sub).unwrap().modified().unwrap();
        fs::remove_file(&files[1]).unwrap();
        fs::create_dir(&files[1]).unwrap();
        fs::File::open(&sub).and_then(|f| f.set_modified(sub_time)).unwrap();
        assert!(!stamp.holds("g", dir.path()), "a file became a folder (its folder's time put back)");
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
            Stamp::new("g", fs::canonicalize(dir.path()).unwrap(), &seen)
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

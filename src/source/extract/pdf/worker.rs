//! Running `pdftotext -bbox-layout` as a bounded worker process.
//!
//! * The file is sniffed first: a PDF starts with `%PDF-` within its first
//!   1024 bytes (the spec allows leading junk); HTML renamed .pdf is named.
//! * The child gets RLIMIT_AS (address space) and RLIMIT_CPU caps via
//!   `setrlimit` in `pre_exec`, plus a wall-clock deadline enforced by a
//!   watchdog thread (SIGKILL on expiry). Its stdout is parsed as it streams
//!   (bbox.rs), through a byte cap.
//! * Exit status and stderr are mapped to `PdfError`: poppler exits 1 with
//!   "Incorrect password" for user-password files, and with "Couldn't find
//!   trailer dictionary"/"Document stream is empty" for truncated/empty ones.
//!   Broken xref tables are repaired silently by poppler (exit 0).

use super::error::PdfError;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Budgets for one extraction.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub memory_bytes: u64,
    pub cpu_seconds: u64,
    pub wall: Duration,
    pub max_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { memory_bytes: 1 << 30, cpu_seconds: 60, wall: Duration::from_secs(90), max_output_bytes: 512 << 20 }
    }
}

impl Limits {
    /// The defaults, each overridable by the environment (tests, odd
    /// corpora): FOLIO_PDF_MEM_MB, FOLIO_PDF_CPU_SECS, FOLIO_PDF_WALL_SECS.
    pub fn from_env() -> Limits {
        let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
        let mut l = Limits::default();
        if let Some(m) = env("FOLIO_PDF_MEM_MB") {
            l.memory_bytes = m << 20;
        }
        if let Some(c) = env("FOLIO_PDF_CPU_SECS") {
            l.cpu_seconds = c;
        }
        if let Some(s) = env("FOLIO_PDF_WALL_SECS") {
            l.wall = Duration::from_secs(s);
        }
        l
    }
}

/// Check the magic bytes; say what the file looks like if it is not a PDF.
pub fn sniff(path: &Path) -> Result<(), PdfError> {
    let mut head = [0u8; 1024];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| PdfError::NotPdf(format!("cannot read: {e}")))?;
    let head = &head[..n];
    if n == 0 {
        return Err(PdfError::NotPdf("empty file".into()));
    }
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(());
    }
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<!doctype html") || lower.contains("<head") {
        return Err(PdfError::Html);
    }
    let kind = if head.starts_with(b"PK\x03\x04") {
        "ZIP/Office file"
    } else if head.starts_with(b"%!PS") {
        "PostScript, convert with ps2pdf"
    } else {
        "no %PDF- header"
    };
    Err(PdfError::NotPdf(kind.into()))
}

/// Starts `pdftotext -bbox-layout PATH -` with RLIMIT_AS and RLIMIT_CPU set
/// in the child.
fn spawn(path: &Path, limits: Limits) -> Result<std::process::Child, PdfError> {
    let mut cmd = Command::new("pdftotext");
    // -enc UTF-8 is the default but make it explicit; stderr is read only on failure.
    cmd.arg("-bbox-layout").arg("-enc").arg("UTF-8").arg(path).arg("-");
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let (mem, cpu) = (limits.memory_bytes, limits.cpu_seconds);
    // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let as_lim = libc::rlimit { rlim_cur: mem as libc::rlim_t, rlim_max: mem as libc::rlim_t };
            let cpu_lim = libc::rlimit { rlim_cur: cpu as libc::rlim_t, rlim_max: (cpu + 5) as libc::rlim_t };
            libc::setrlimit(libc::RLIMIT_AS, &as_lim);
            libc::setrlimit(libc::RLIMIT_CPU, &cpu_lim);
            Ok(())
        });
    }
    cmd.spawn().map_err(|e| if e.kind() == std::io::ErrorKind::NotFound { PdfError::ToolMissing } else { PdfError::Tool(e.to_string()) })
}

/// Watchdog: SIGKILL at the deadline unless told we are done (a channel,
/// not a sleep loop, so finishing early costs nothing). The thread returns
/// whether it killed.
fn watchdog(pid: libc::pid_t, wall: Duration) -> (std::sync::mpsc::Sender<()>, std::thread::JoinHandle<bool>) {
    let (done, done_rx) = std::sync::mpsc::channel::<()>();
    let handle = std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(wall) {
            // SAFETY: kill(2) of our own child. The parent reaps it only
            // after this thread has returned, so the pid cannot have been
            // reused (an exited child stays a zombie until `wait`).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return true;
        }
        false
    });
    (done, handle)
}

/// Run `pdftotext -bbox-layout PATH -` and parse its XHTML while it is
/// written (two cores: poppler renders, we parse). A watchdog thread kills
/// the child at the wall-clock deadline.
pub fn bbox_layout(path: &Path, limits: Limits) -> Result<super::layout::Layout, PdfError> {
    let mut child = spawn(path, limits)?;
    let out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = (&mut err).take(64 << 10).read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let (done, dog) = watchdog(child.id() as libc::pid_t, limits.wall);
    // Read one byte past the cap so that overflow is visible.
    let capped = std::io::BufReader::with_capacity(256 << 10, out.take(limits.max_output_bytes as u64 + 1));
    let mut counting = CountingReader { inner: capped, n: 0 };
    let parsed = super::xhtml::parse_reader(&mut counting);
    // Drain whatever is left so the child can exit, then reap it.
    let _ = std::io::copy(&mut counting, &mut std::io::sink());
    // Stop the watchdog before reaping, so it can never signal a reused pid.
    let _ = done.send(());
    let timed_out = dog.join().unwrap_or(false);
    let status = child.wait().map_err(|e| PdfError::Tool(e.to_string()))?;
    let stderr = err_reader.join().unwrap_or_default();
    if timed_out {
        return Err(PdfError::Limit(format!("took longer than {:?}", limits.wall)));
    }
    if counting.n > limits.max_output_bytes as u64 {
        return Err(PdfError::Limit(format!("text output over {} MiB", limits.max_output_bytes >> 20)));
    }
    if !status.success() {
        return Err(failure(status, &stderr));
    }
    parsed.map_err(PdfError::Damaged)
}

/// What a failed pdftotext run means, from its exit status and stderr.
fn failure(status: std::process::ExitStatus, stderr: &str) -> PdfError {
    use std::os::unix::process::ExitStatusExt;
    if let Some(sig) = status.signal() {
        // SIGXCPU (24) for the CPU cap; SIGABRT/SIGSEGV after an
        // allocation failure under RLIMIT_AS.
        return PdfError::Limit(format!("pdftotext killed by signal {sig} (CPU or memory cap)"));
    }
    if stderr.contains("Incorrect password") {
        return PdfError::Locked;
    }
    if stderr.contains("May not be a PDF") {
        return PdfError::NotPdf("poppler found no PDF header".into());
    }
    let first = stderr.lines().find(|l| l.contains("Error")).unwrap_or("unreadable").trim().to_string();
    PdfError::Damaged(first)
}

/// BufRead wrapper that counts the bytes consumed (for the output cap).
struct CountingReader<R> {
    inner: R,
    n: u64,
}

impl<R: std::io::BufRead> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for CountingReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.n += amt as u64;
        self.inner.consume(amt)
    }
}

//! A small thread pool for the indexing pipeline: documents are processed
//! by one worker per core and handed on in corpus order, with a bound on how
//! far workers run ahead so that memory stays bounded.
//!
//! Hand-rolled rather than rayon: the ordered hand-off with back-pressure is
//! the whole point, and it is forty lines of std.

use std::collections::BTreeMap;

use crate::error::Result;

/// How far workers may run ahead of the document being handed on, so that a
/// slow document does not make the others pile up in memory.
const MAX_AHEAD: usize = 32;

/// Runs `work` on 0..n in worker threads (one per core) and gives each result
/// to `consume` in order 0, 1, 2, …; stops at the first error of `consume`.
pub fn parallel_in_order<T: Send>(
    n: usize,
    work: impl Fn(usize) -> T + Sync,
    mut consume: impl FnMut(usize, T) -> Result<()>,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{mpsc, Condvar, Mutex};
    let n_workers = std::thread::available_parallelism().map_or(1, |c| c.get()).min(n.max(1));
    let next = AtomicUsize::new(0);
    let consumed = (Mutex::new(0usize), Condvar::new());
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(usize, T)>(MAX_AHEAD);
        for _ in 0..n_workers {
            let tx = tx.clone();
            let (next, consumed, stop, work) = (&next, &consumed, &stop, &work);
            scope.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= n || stop.load(Ordering::SeqCst) {
                    break;
                }
                {
                    let mut done = consumed.0.lock().unwrap_or_else(|e| e.into_inner());
                    while k >= *done + MAX_AHEAD && !stop.load(Ordering::SeqCst) {
                        done = consumed.1.wait(done).unwrap_or_else(|e| e.into_inner());
                    }
                }
                if tx.send((k, work(k))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut want = 0;
        let mut result = Ok(());
        for (k, item) in rx {
            pending.insert(k, item);
            while let Some(item) = pending.remove(&want) {
                if let Err(e) = consume(want, item) {
                    result = Err(e);
                    break;
                }
                want += 1;
                *consumed.0.lock().unwrap_or_else(|e| e.into_inner()) = want;
                consumed.1.notify_all();
            }
            if result.is_err() {
                break;
            }
        }
        stop.store(true, Ordering::SeqCst);
        consumed.1.notify_all();
        result
    })
}


//! The `tracing` log of a test process, captured as text: for tests that check what a client
//! writes to its logs (no secret value, for instance).

use std::io::Write;
use std::sync::{Arc, Mutex};

/// The text every `tracing` event of the process writes, at trace level and without colours,
/// from [`TraceLog::install`] on.
#[derive(Clone, Default)]
pub struct TraceLog(Arc<Mutex<Vec<u8>>>);

impl TraceLog {
    /// Makes a trace-level formatting subscriber writing here the process's global default;
    /// panics when the process already has one (nextest runs each test in a process of its own).
    pub fn install() -> Self {
        let log = Self::default();
        tracing::subscriber::set_global_default(log.subscriber())
            .expect("no global subscriber yet");
        log
    }

    /// As [`TraceLog::install`], but for the current thread only, until the guard drops: for a
    /// test on a current-thread runtime, whose spawned tasks run on that thread too.
    pub fn install_for_thread() -> (Self, tracing::subscriber::DefaultGuard) {
        let log = Self::default();
        let guard = tracing::subscriber::set_default(log.subscriber());
        (log, guard)
    }

    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(self.clone())
            .with_ansi(false)
            .finish()
    }

    /// What has been written so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::fmt::Debug for TraceLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The log may hold what a test is checking for; its size is enough here.
        let len = self.0.lock().map(|b| b.len()).unwrap_or_default();
        f.debug_struct("TraceLog").field("bytes", &len).finish()
    }
}

impl Write for TraceLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for TraceLog {
    type Writer = TraceLog;

    fn make_writer(&'a self) -> TraceLog {
        self.clone()
    }
}

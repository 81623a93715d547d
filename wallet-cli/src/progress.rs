//! Feedback while the CLI waits on a node: a spinner after about a second,
//! and the line that counts the wait for a receipt. Both rewrite their line
//! with `\r`, so both draw only when stderr is a terminal (and not with
//! `--json` or `-q`); elsewhere the receipt wait prints one plain line.
//! Each ends its line before anything else is printed.

use crate::output::Ctx;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// After this long without an answer, feedback appears.
const DELAY: Duration = Duration::from_secs(1);

fn stderr_tty(ctx: &Ctx) -> bool {
    !ctx.json && !ctx.quiet && std::io::stderr().is_terminal()
}

/// A spinner on stderr while a node is asked something; cleared on drop.
pub struct Spinner {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Spinner {
    /// Starts a spinner saying `what` (drawn after [`DELAY`], on a terminal only).
    pub fn start(ctx: &Ctx, what: String) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = stderr_tty(ctx).then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || spin(&stop, &what))
        });
        Self { stop, handle }
    }
}

fn spin(stop: &AtomicBool, what: &str) {
    const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
    let start = Instant::now();
    let mut drawn = false;
    let mut frame = 0;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if start.elapsed() >= DELAY && !stop.load(Ordering::Relaxed) {
            eprint!("\r{what} {}", FRAMES[frame % FRAMES.len()]);
            let _ = std::io::stderr().flush();
            frame += 1;
            drawn = true;
        }
    }
    if drawn {
        eprint!("\r{}\r", " ".repeat(what.chars().count() + 2));
        let _ = std::io::stderr().flush();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The line counting the wait for a receipt: rewritten in place on a
/// terminal, printed once elsewhere; ended (on drop too) before anything
/// else is printed.
pub struct WaitLine {
    text: String,
    show: bool,
    tty: bool,
    shown: bool,
}

impl WaitLine {
    /// The line for waiting on `what`.
    pub fn new(ctx: &Ctx, what: String) -> Self {
        Self {
            text: what,
            show: !ctx.json && !ctx.quiet,
            tty: stderr_tty(ctx),
            shown: false,
        }
    }

    /// Shows the wait, `elapsed` into it.
    pub fn tick(&mut self, elapsed: Duration) {
        if !self.show || elapsed < DELAY {
            return;
        }
        if self.tty {
            eprint!("\r{}… {}s", self.text, elapsed.as_secs());
            let _ = std::io::stderr().flush();
        } else if !self.shown {
            eprintln!("{}…", self.text);
        }
        self.shown = true;
    }

    /// Ends the line (a no-op unless it was drawn on a terminal).
    pub fn end(&mut self) {
        if self.tty && self.shown {
            eprintln!();
        }
        self.shown = false;
        self.show = false;
    }
}

impl Drop for WaitLine {
    fn drop(&mut self) {
        self.end();
    }
}

//! What the CLI says on stderr while it works: `-v` log lines, the one
//! progress line (a receipt wait) and the spinner shown while a node is
//! slow to answer. They share stderr, so one lock orders them: a log line or
//! an error first ends the line a progress display left open.
//!
//! The progress line and the spinner redraw themselves with `\r` and are
//! shown only when stderr is a terminal, never with `--json` or `-q`.
//! Writes to stderr ignore failures (a closed stderr must not panic).

use std::io::{IsTerminal, Write};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// How long a request may take before the spinner appears.
const SPINNER_AFTER: Duration = Duration::from_secs(1);
const FRAMES: [char; 4] = ['|', '/', '-', '\\'];

/// Settings fixed at start-up.
#[derive(Debug, Clone, Copy, Default)]
struct Settings {
    verbose: u8,
    json: bool,
    /// Redrawn lines allowed: stderr is a terminal, no `--json`, no `-q`.
    live: bool,
}

/// What is on the last line of stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// Nothing unfinished.
    Clean,
    /// A spinner frame (cleared when it ends).
    Spinner,
    /// A progress line (ended with a newline before anything else).
    Progress,
}

struct State {
    line: Line,
    /// What the program is waiting for, and since when.
    waiting: Option<(Instant, String)>,
    spinner_started: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static SHARED: Shared = Shared {
    state: Mutex::new(State {
        line: Line::Clean,
        waiting: None,
        spinner_started: false,
    }),
    wake: Condvar::new(),
};

fn settings() -> Settings {
    SETTINGS.get().copied().unwrap_or_default()
}

fn lock() -> MutexGuard<'static, State> {
    SHARED
        .state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Fixes the verbosity and output mode (once, at start-up).
pub fn init(verbose: u8, json: bool, quiet: bool) {
    let live = std::io::stderr().is_terminal() && !json && !quiet;
    let _ = SETTINGS.set(Settings {
        verbose,
        json,
        live,
    });
}

/// Ends what a progress display left on the last line: a progress line gets
/// its newline, a spinner is wiped.
fn finish_line(state: &mut State, err: &mut impl Write) {
    match state.line {
        Line::Clean => {}
        Line::Spinner => {
            let _ = write!(err, "\r\x1b[K");
        }
        Line::Progress => {
            let _ = writeln!(err);
        }
    }
    state.line = Line::Clean;
}

/// Ends any open progress line or spinner (before an error or a warning).
pub fn end_line() {
    let mut s = lock();
    finish_line(&mut s, &mut std::io::stderr().lock());
}

/// Prints one line on stderr, after ending any open progress line.
pub fn eprint_line(text: &str) {
    let mut s = lock();
    let mut err = std::io::stderr().lock();
    finish_line(&mut s, &mut err);
    let _ = writeln!(err, "{text}");
}

/// A log line for `-v` (level 1), `-vv` (2) or `-vvv` (3): `wallet: …` on
/// stderr, or with `--json` one `{"log": …}` object per line. `message` is
/// only built when the line is shown. Never pass secrets.
pub fn log(level: u8, message: impl FnOnce() -> String) {
    let st = settings();
    if st.verbose < level {
        return;
    }
    let text = message();
    if st.json {
        eprint_line(&serde_json::json!({"log": level, "message": text}).to_string());
    } else {
        eprint_line(&format!("wallet: {text}"));
    }
}

/// Redraws the progress line (terminal only: elsewhere nothing is shown).
pub fn progress(text: &str) {
    if !settings().live {
        return;
    }
    let mut s = lock();
    let _ = write!(std::io::stderr().lock(), "\r{text}\x1b[K");
    s.line = Line::Progress;
}

/// Starts waiting for `what` (a node's answer): after [`SPINNER_AFTER`] a
/// spinner shows on a terminal until [`wait_end`].
pub fn wait_begin(what: &str) {
    if !settings().live {
        return;
    }
    let mut s = lock();
    s.waiting = Some((Instant::now(), what.to_owned()));
    if !s.spinner_started {
        s.spinner_started = true;
        // Detached: it sleeps while nothing is awaited and dies with the process.
        let _ = std::thread::Builder::new()
            .name("spinner".into())
            .spawn(spin);
    }
    SHARED.wake.notify_all();
}

/// Stops waiting; the spinner, if shown, is wiped.
pub fn wait_end() {
    if !settings().live {
        return;
    }
    let mut s = lock();
    s.waiting = None;
    if s.line == Line::Spinner {
        finish_line(&mut s, &mut std::io::stderr().lock());
    }
}

/// The spinner thread: draws a frame every 100 ms while something has been
/// awaited for longer than [`SPINNER_AFTER`].
fn spin() {
    let mut frame = 0usize;
    let mut s = lock();
    loop {
        let pause = match &s.waiting {
            None => None,
            Some((since, what)) => {
                let waited = since.elapsed();
                if waited >= SPINNER_AFTER && s.line != Line::Progress {
                    let c = FRAMES[frame % FRAMES.len()];
                    frame += 1;
                    let _ = write!(
                        std::io::stderr().lock(),
                        "\r{c} waiting for {what}… {}s\x1b[K",
                        waited.as_secs()
                    );
                    s.line = Line::Spinner;
                }
                Some(Duration::from_millis(100))
            }
        };
        s = match pause {
            None => SHARED
                .wake
                .wait(s)
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            Some(d) => {
                SHARED
                    .wake
                    .wait_timeout(s, d)
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .0
            }
        };
    }
}

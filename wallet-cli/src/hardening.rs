//! Process hardening before any secret is read: no core dumps, no ptrace
//! attachment by other unprivileged processes, memory locked where the OS
//! allows, and the stack scrubbed before exit.

use rustix::process::{getrlimit, setrlimit, DumpableBehavior, Resource, Rlimit};
use std::sync::Once;

static HARDEN: Once = Once::new();

/// Makes the process non-dumpable (`PR_SET_DUMPABLE 0`: no core file, no
/// ptrace or /proc/PID/mem access by same-user processes), sets
/// `RLIMIT_CORE` to 0, and, only when `RLIMIT_MEMLOCK` is unlimited, locks
/// current and future pages (`mlockall(MCL_CURRENT | MCL_FUTURE)`) so
/// secrets never reach swap. With a finite limit — even for root with
/// `CAP_IPC_LOCK` — nothing is locked. Best effort: failures are ignored.
/// Runs once, on the first call.
pub fn harden() {
    HARDEN.call_once(|| {
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::NotDumpable);
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        );
        // Locking future pages is only safe when every future allocation
        // fits the limit: with MCL_FUTURE, an allocation past the limit
        // fails (argon2id alone needs 64 MiB, the usual limit is 8 MiB).
        let lim = getrlimit(Resource::Memlock);
        let mlock = match lim.current {
            None => {
                use rustix::mm::MlockAllFlags;
                match rustix::mm::mlockall(MlockAllFlags::CURRENT | MlockAllFlags::FUTURE) {
                    Ok(()) => Ok(()),
                    Err(e) => Err(format!("mlockall failed: {e}")),
                }
            }
            Some(n) => Err(format!("RLIMIT_MEMLOCK is {n} bytes, not unlimited")),
        };
        report(&mlock);
    });
}

/// Test builds only: with `WALLET_TEST_REPORT_HARDENING=1`, prints what
/// hardening achieved, read back from the kernel, to stderr:
/// `dumpable=<PR_GET_DUMPABLE> core_limit=<soft>/<hard> mlock=<locked|not locked: reason>`.
/// (Root can read any process's memory and flags, so a test cannot learn
/// them from outside in a way that proves anything; the process says.)
#[cfg(debug_assertions)]
fn report(mlock: &Result<(), String>) {
    if std::env::var_os("WALLET_TEST_REPORT_HARDENING").is_some_and(|v| v == "1") {
        let dumpable = match rustix::process::dumpable_behavior() {
            Ok(d) => (d as i32).to_string(),
            Err(e) => format!("error({e})"),
        };
        let limit = |v: Option<u64>| v.map_or_else(|| "unlimited".to_owned(), |n| n.to_string());
        let core = getrlimit(Resource::Core);
        let mlock = match mlock {
            Ok(()) => "locked".to_owned(),
            Err(reason) => format!("not locked: {reason}"),
        };
        eprintln!(
            "dumpable={dumpable} core_limit={}/{} mlock={mlock}",
            limit(core.current),
            limit(core.maximum)
        );
    }
}

/// Release builds have no such hook.
#[cfg(not(debug_assertions))]
fn report(_: &Result<(), String>) {}

/// Overwrites 256 KiB of stack below the caller, where secret intermediates
/// (hash states, key bytes) of finished calls may linger.
#[inline(never)]
pub fn scrub_stack() {
    let mut buf = [0u8; 256 * 1024];
    std::hint::black_box(&mut buf);
    zeroize::Zeroize::zeroize(&mut buf[..]);
    std::hint::black_box(&buf);
}

/// Test builds only: with `WALLET_DEBUG_STOP_AT_EXIT=1`, stop (SIGSTOP) just
/// before exiting, after every secret was dropped, so a test can scan the
/// process's memory for leftovers.
#[cfg(debug_assertions)]
pub fn debug_stop_at_exit() {
    if std::env::var_os("WALLET_DEBUG_STOP_AT_EXIT").is_some() {
        // Let the scanning test read /proc/PID/mem.
        let _ = rustix::process::set_dumpable_behavior(DumpableBehavior::Dumpable);
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::STOP);
    }
}

/// Release builds have no such hook.
#[cfg(not(debug_assertions))]
pub fn debug_stop_at_exit() {}

//! Process hardening before any secret is read: no core dumps, no ptrace
//! attachment by other unprivileged processes, memory locked where the OS
//! allows, and the stack scrubbed before exit.

use rustix::process::{getrlimit, setrlimit, DumpableBehavior, Resource, Rlimit};
use std::sync::Once;

static HARDEN: Once = Once::new();

/// Makes the process non-dumpable (`PR_SET_DUMPABLE 0`: no core file, no
/// ptrace or /proc/PID/mem access by same-user processes), sets
/// `RLIMIT_CORE` to 0, and, when `RLIMIT_MEMLOCK` is unlimited (root or a
/// generous limit), locks current and future pages so secrets never reach
/// swap. Best effort: failures are ignored. Runs once, on the first call.
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
        // fits the limit (argon2id alone needs 64 MiB); otherwise skip it.
        let lim = getrlimit(Resource::Memlock);
        if lim.current.is_none() {
            use rustix::mm::MlockAllFlags;
            let _ = rustix::mm::mlockall(MlockAllFlags::CURRENT | MlockAllFlags::FUTURE);
        }
    });
}

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

//! SLIP-39 at the command line: `create --slip39` (each share shown once,
//! then a threshold of them typed back), `import --slip39` and
//! `mnemonic check --slip39` (shares one per line on stdin, or one hidden
//! prompt at a time, with what is still missing after each).

use super::new_wallet::{check_new_name, kdf, passphrase, show_backup_once, Misses};
use crate::args::{CreateArgs, ImportArgs};
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use crate::session::keystore;
use serde_json::json;
use std::fmt::Write as _;
use std::io::Write;
use wallet_core::report::{ShareView, Slip39Check, Slip39Layout};
use wallet_core::secret::SecretString;
use wallet_core::slip39::{GroupSpec, IterationExponent, Recovery, Slip39Error};
use wallet_core::wallet::{
    self, ImportSource, SecretSize, ShareAnswer, ShareCheck, Slip39Backup, Slip39Params,
    Slip39SetupError,
};
use zeroize::Zeroizing;

/// A SLIP-39 error as the CLI reports it: with its own kind (a bad
/// checksum is `bad_checksum`) and, in `share`, the share it names.
pub fn slip39_error(e: Slip39Error) -> CliError {
    let share = share_of(&e);
    let err = CliError::user(e.kind(), e.to_string());
    match share {
        Some(n) => err.with("share", json!(n)),
        None => err,
    }
}

/// The 1-based share an error names, if any.
fn share_of(e: &Slip39Error) -> Option<usize> {
    match e {
        Slip39Error::UnknownWord { share, .. }
        | Slip39Error::WordCount { share, .. }
        | Slip39Error::Checksum { share }
        | Slip39Error::Padding { share }
        | Slip39Error::GroupThresholdAboveCount { share, .. } => *share,
        Slip39Error::Mismatch { share, .. }
        | Slip39Error::MemberThresholdMismatch { share, .. }
        | Slip39Error::DuplicateMember { share, .. }
        | Slip39Error::GroupAlreadyComplete { share, .. }
        | Slip39Error::RecoveryComplete { share } => Some(*share),
        _ => None,
    }
}

fn setup_error(e: Slip39SetupError) -> CliError {
    CliError::user(e.kind(), e.to_string())
        .with_hint("see the SLIP-39 options in `wallet create --help`")
}

/// The parameters `create --slip39` was given.
fn params(args: &CreateArgs) -> Result<Slip39Params, CliError> {
    let spec = match (args.shares, args.threshold, &args.members) {
        (Some(n), Some(t), None) => GroupSpec::single(t, n).map_err(slip39_error)?,
        (None, None, Some(m)) => {
            wallet::parse_layout(args.groups.as_deref(), m).map_err(setup_error)?
        }
        _ => {
            return Err(CliError::usage(
                "--slip39 needs --shares N --threshold T (one group), or --members T1ofN1,T2ofN2,… with --groups TofG (several groups)",
            ))
        }
    };
    let bits: u32 = args
        .slip39_bits
        .parse()
        .map_err(|_| CliError::usage("--slip39-bits is 128 or 256"))?;
    let mut p = Slip39Params::new(spec);
    p.size = SecretSize::try_from(bits).map_err(setup_error)?;
    p.passphrase = passphrase(args.passphrase_file.as_deref())?;
    p.iteration_exponent = IterationExponent::new(args.iteration_exponent).map_err(slip39_error)?;
    p.extendable = !args.no_extendable;
    Ok(p)
}

/// `wallet create NAME --slip39 …`
pub fn create(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ks = keystore(ctx, true)?;
    check_new_name(&ks, &args.name)?;
    let kdf_params = kdf(&args.kdf, ctx)?;
    let params = params(args)?;
    // Made (and the passphrase checked) before the password is asked for.
    let backup = Slip39Backup::generate(&params).map_err(slip39_error)?;
    let interactive = prompt::interactive();
    if !interactive {
        // The shares are shown once, on stdout: they must not vanish.
        crate::output::check_stdout_keeps("the new wallet's shares")?;
    }
    let password = prompt::new_password(ctx.password_file.as_deref(), "wallet")?;
    if interactive {
        show_and_verify(&backup)?;
    }
    let (_, mut created) =
        wallet::create_with_slip39(&ks, &args.name, &backup, &password, kdf_params)?;
    if interactive {
        // Shown on the terminal, checked: printed nowhere else.
        created.shares = None;
    }
    created.backup_verified = Some(interactive);
    let layout = backup.layout();
    let shares = |w: &mut dyn Write| match &created.shares {
        Some(shares) => w.write_all(listing(&layout, shares).as_bytes()),
        None => Ok(()),
    };
    show_backup_once(
        &ks,
        &args.name,
        "shares",
        interactive,
        &created,
        shares,
        ctx,
    )?;
    let mut note = if interactive {
        format!("Created SLIP-39 wallet '{}'.", args.name)
    } else {
        format!(
            "Created SLIP-39 wallet '{}'. The shares above were shown once: write each one down and keep them apart; the backup was not verified (no terminal).",
            args.name
        )
    };
    if !params.passphrase.is_empty() {
        note.push_str(" Recovery also needs the SLIP-39 passphrase: a wrong one gives another, empty wallet without any error.");
    }
    ctx.note(&note);
    Ok(())
}

/// What recovers the wallet, in words.
fn need_text(layout: &Slip39Layout) -> String {
    match layout.groups.as_slice() {
        [one] => format!(
            "any {} of the {} shares",
            one.threshold,
            one.count.unwrap_or(one.threshold)
        ),
        _ => format!(
            "any {} of the {} groups, each from its own threshold of shares",
            layout.group_threshold, layout.group_count
        ),
    }
}

/// Every share with its group and member numbers (`share 2.1: …`), in one
/// buffer sized in advance (no reallocation leaves a copy behind).
fn listing(layout: &Slip39Layout, shares: &[ShareView]) -> Zeroizing<String> {
    let words: usize = shares.iter().map(|s| s.mnemonic.len()).sum();
    let mut out = Zeroizing::new(String::with_capacity(
        words + 64 * (shares.len() + layout.groups.len()) + 256,
    ));
    let _ = writeln!(
        out,
        "SLIP-39 shares (identifier {}). To recover the wallet: {}.",
        layout.identifier,
        need_text(layout)
    );
    for g in &layout.groups {
        let n = g.count.unwrap_or(g.threshold);
        let noun = if n == 1 { "share" } else { "shares" };
        let _ = writeln!(
            out,
            "group {} ({} of its {n} {noun} needed):",
            g.group, g.threshold
        );
        for s in shares.iter().filter(|s| s.group == g.group) {
            let _ = writeln!(out, "  share {}.{}: {}", s.group, s.member, &*s.mnemonic);
        }
    }
    out
}

/// Lists the shares on the terminal, waits for Enter, clears the screen.
fn show_shares(layout: &Slip39Layout, shares: &[ShareView]) -> Result<(), CliError> {
    let mut text = listing(layout, shares);
    text.insert(0, '\n');
    text.push_str(
        "\nWrite each share on its own sheet and keep the sheets in different places.\n\n",
    );
    prompt::tty_print(&text)?;
    prompt::tty_line("Press Enter once they are all written down (the screen will be cleared)...")?;
    prompt::tty_clear()
}

/// Shows the shares once, then asks for shares back until a threshold set
/// recovers the secret: unreadable or repeated shares get a hint (no miss),
/// wrong ones are misses; after three misses the shares can be shown
/// again. The answers are cleared from the screen once the check passes.
fn show_and_verify(backup: &Slip39Backup) -> Result<(), CliError> {
    let (layout, shares) = (backup.layout(), backup.share_views());
    show_shares(&layout, &shares)?;
    prompt::tty_print(&format!(
        "Check your copies: type shares back, one at a time, until the wallet can be recovered ({}).\n",
        need_text(&layout)
    ))?;
    let mut check = ShareCheck::new(backup);
    let mut quiz = Misses::default();
    loop {
        let typed = prompt::tty_line("Share: ")?;
        let (reply, miss) = if typed.trim().is_empty() {
            ("No share was typed.\n".to_owned(), true)
        } else {
            let answer = check.offer(&typed).map_err(slip39_error)?;
            let reply = match &answer {
                ShareAnswer::Complete => return prompt::tty_verified(),
                ShareAnswer::Accepted(p) => format!("Correct. So far: {p}.\n"),
                ShareAnswer::Unreadable(e) | ShareAnswer::Repeated(e) => {
                    format!("{} It is not counted as a miss.\n", prompt::sentence(&e.to_string()))
                }
                ShareAnswer::Wrong(e) => format!("{}\n", prompt::sentence(&e.to_string())),
                ShareAnswer::Foreign => "That share is valid but is not one of the shares shown: it belongs to another backup.\n".to_owned(),
            };
            (reply, answer.is_miss())
        };
        prompt::tty_print(&reply)?;
        if miss && quiz.miss()? {
            show_shares(&layout, &shares)?;
        }
    }
}

/// The shares read, and the recovery they were checked into.
struct ReadShares {
    shares: Vec<SecretString>,
    recovery: Recovery,
}

/// Reads shares: at a terminal one hidden prompt each until the set is
/// complete or an empty line (a rejected share is reported and asked again,
/// [`prompt::ATTEMPTS`] times in a row at most); otherwise one per line on
/// stdin. After each share, what is still missing is shown.
fn read_shares(ctx: &Ctx) -> Result<ReadShares, CliError> {
    let mut r = ReadShares {
        shares: Vec::new(),
        recovery: Recovery::new(),
    };
    if !prompt::interactive() {
        let text = prompt::read_stdin_secret("", "shares")?;
        for line in text
            .expose()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let p = r.recovery.add_mnemonic(line).map_err(slip39_error)?;
            r.shares.push(SecretString::from(line));
            ctx.note(&format!("share {}: accepted; {p}", r.shares.len()));
        }
        return Ok(r);
    }
    let mut failures = 0;
    while !r.recovery.is_complete() {
        let n = r.shares.len() + 1;
        let share = prompt::hidden_secret(
            &format!("Share {n} (hidden; empty line to stop): "),
            "share",
        )?;
        if share.expose().trim().is_empty() {
            break;
        }
        match r.recovery.add_mnemonic(share.expose().trim()) {
            Ok(p) => {
                failures = 0;
                prompt::tty_print(&format!("Share {n} accepted. {p}.\n"))?;
                r.shares.push(share);
            }
            Err(e) => {
                failures += 1;
                if failures >= prompt::ATTEMPTS {
                    return Err(slip39_error(e));
                }
                prompt::tty_print(&format!(
                    "{} Type it again.\n",
                    prompt::sentence(&e.to_string())
                ))?;
            }
        }
    }
    Ok(r)
}

/// The error of a recovery that lacks shares (what is missing, per group).
fn incomplete(recovery: &Recovery) -> CliError {
    slip39_error(recovery.finish("").err().unwrap_or(Slip39Error::NoShares))
}

/// The shares `import --slip39` reads (a complete threshold set) and the
/// passphrase of `--passphrase-file`.
pub fn import_source(args: &ImportArgs, ctx: &Ctx) -> Result<ImportSource, CliError> {
    let read = read_shares(ctx)?;
    if !read.recovery.is_complete() {
        return Err(incomplete(&read.recovery));
    }
    ctx.note("A wrong SLIP-39 passphrase cannot be detected: check the addresses below against the wallet you expect.");
    Ok(ImportSource::Slip39 {
        shares: read.shares,
        passphrase: passphrase(args.passphrase_file.as_deref())?,
    })
}

/// `wallet mnemonic check --slip39`: each share checked, and what the set
/// still needs; the secret is never recovered or shown.
pub fn check(ctx: &Ctx) -> Result<(), CliError> {
    let invalid = |e: CliError| e.with("valid", json!(false));
    let read = read_shares(ctx).map_err(invalid)?;
    let progress = read
        .recovery
        .progress()
        .ok_or_else(|| invalid(slip39_error(Slip39Error::NoShares)))?;
    let v = Slip39Check::of(&progress, read.shares.len());
    ctx.emit(&v, |w| {
        writeln!(
            w,
            "valid: {} share(s) of the set with identifier {}; {progress}",
            v.shares, v.identifier
        )?;
        if v.complete {
            writeln!(
                w,
                "complete: these shares recover the master secret (a passphrase cannot be checked)"
            )
        } else {
            writeln!(
                w,
                "incomplete: more shares are needed to recover the master secret"
            )
        }
    })
}

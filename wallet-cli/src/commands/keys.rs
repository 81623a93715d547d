//! Keystore commands: create, import, list, info, passwd, delete.

use super::new_wallet::{check_new_name, kdf, passphrase, show_backup_once, Misses};
use crate::args::{CreateArgs, ImportArgs, PasswdArgs};
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use crate::session::{self, keystore};
use std::io::Write;
use wallet_core::keystore::Keystore;
use wallet_core::mnemonic::Mnemonic;
use wallet_core::wallet::{self, ImportKind, ImportSource, Wallet, WordAnswer};
use wallet_core::ErrorKind;

/// `wallet create`
pub fn create(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    if args.slip39 {
        return super::slip39::create(args, ctx);
    }
    let ks = keystore(ctx, true)?;
    check_new_name(&ks, &args.name)?;
    let params = kdf(&args.kdf, ctx)?;
    let passphrase = passphrase(args.passphrase_file.as_deref())?;
    let interactive = prompt::interactive();
    if !interactive {
        // The phrase is shown once, on stdout: it must not vanish.
        crate::output::check_stdout_keeps("the new wallet's phrase")?;
    }
    let password = prompt::new_password(ctx.password_file.as_deref(), "wallet")?;
    let mnemonic = Mnemonic::generate(args.words.into(), args.language)?;
    if interactive {
        show_and_verify(&mnemonic)?;
    }
    let (_, mut created) =
        wallet::create_with_mnemonic(&ks, &args.name, &mnemonic, passphrase, &password, params)?;
    if interactive {
        // Shown on the terminal, checked: printed nowhere else.
        created.mnemonic = None;
        created.words = None;
        created.language = None;
    }
    created.backup_verified = Some(interactive);
    let phrase = |w: &mut dyn Write| match &created.mnemonic {
        Some(m) => writeln!(w, "{}", m.as_str()),
        None => Ok(()),
    };
    show_backup_once(
        &ks,
        &args.name,
        "phrase",
        interactive,
        &created,
        phrase,
        ctx,
    )?;
    if interactive {
        ctx.note(&format!("Created wallet '{}'.", args.name));
    } else {
        ctx.note(&format!(
            "Created wallet '{}'. The phrase above was shown once: write it down; the backup was not verified (no terminal).",
            args.name
        ));
    }
    Ok(())
}

/// Shows the phrase on the terminal, waits, clears it, and asks for three
/// words: a non-word gets a hint and is asked again (no miss); after
/// [`prompt::ATTEMPTS`] misses the phrase can be shown again. The answers
/// are cleared from the screen once the check passes.
fn show_and_verify(m: &Mnemonic) -> Result<(), CliError> {
    show_words(m)?;
    let picks = m.quiz_positions(3)?;
    let mut quiz = Misses::default();
    for &i in &picks {
        loop {
            let answer = prompt::tty_line(&format!("Word #{}: ", i + 1))?;
            match wallet::check_word(m, i, &answer) {
                WordAnswer::Correct => break,
                WordAnswer::NotAWord { suggestions } if !answer.trim().is_empty() => {
                    prompt::tty_print(&not_a_word(m, i, &suggestions))?;
                }
                _ => {
                    prompt::tty_print(&format!("That is not word #{}. Check your copy.\n", i + 1))?;
                    if quiz.miss()? {
                        show_words(m)?;
                    }
                }
            }
        }
    }
    prompt::tty_verified()
}

/// The hint for an answer that is no word of the phrase's list.
fn not_a_word(m: &Mnemonic, i: usize, suggestions: &[&str]) -> String {
    let near = match suggestions {
        [] => String::new(),
        s => format!(" (near: {})", s.join(", ")),
    };
    format!(
        "That is not a word of the {} list{near}; type word #{} as it is written on your copy.\n",
        m.language(),
        i + 1
    )
}

/// Lists the words on the terminal, waits for Enter, clears the screen.
fn show_words(m: &Mnemonic) -> Result<(), CliError> {
    let words: Vec<&str> = (0..m.word_count()).filter_map(|i| m.word(i)).collect();
    let mut listing = String::from(
        "\nWrite down these words, in order. They are the only backup of this wallet:\n\n",
    );
    for (i, w) in words.iter().enumerate() {
        listing.push_str(&format!("  {:>2}. {w}\n", i + 1));
    }
    listing.push('\n');
    prompt::tty_print(&listing)?;
    zeroize::Zeroize::zeroize(&mut listing);
    prompt::tty_line("Press Enter once they are written down (the screen will be cleared)...")?;
    prompt::tty_clear()
}

/// The secret `args` names, read from stdin, a prompt or a file.
fn import_source(args: &ImportArgs, ctx: &Ctx) -> Result<ImportSource, CliError> {
    let text =
        |kind: ImportKind, prompt_text: &str, what: &str| -> Result<ImportSource, CliError> {
            Ok(ImportSource::Text {
                kind,
                text: prompt::read_stdin_secret(prompt_text, what)?,
            })
        };
    if args.mnemonic {
        // At a terminal a mistyped phrase is asked again.
        let phrase = prompt::read_stdin_secret_checked("Mnemonic: ", "mnemonic", |p| {
            match args.language {
                Some(l) => Mnemonic::parse_in(p.expose(), l),
                None => Mnemonic::parse(p.expose()),
            }
            .map(|_| p.clone())
            .map_err(CliError::from)
        })?;
        let passphrase = passphrase(args.passphrase_file.as_deref())?;
        Ok(ImportSource::mnemonic(phrase, args.language, passphrase))
    } else if args.xprv {
        text(
            ImportKind::Xprv,
            "Extended private key: ",
            "extended private key",
        )
    } else if args.wif {
        text(ImportKind::Wif, "WIF key: ", "WIF key")
    } else if args.private_key {
        text(ImportKind::PrivateKey, "Private key (hex): ", "private key")
    } else if let Some(path) = &args.pem {
        Ok(ImportSource::Text {
            kind: ImportKind::Pem,
            text: prompt::read_secret_file(path, "PEM file")?,
        })
    } else if let Some(path) = &args.eth_keystore {
        let json = prompt::read_secret_file(path, "Ethereum keystore")?;
        super::kdf_cost::check(path, json.expose(), args.allow_costly_kdf, ctx)?;
        // The empty password is a valid V3 password (geth --dev accounts).
        let password = prompt::read_stdin_password(
            "Password of the Ethereum keystore: ",
            "keystore password",
        )?;
        Ok(ImportSource::EthKeystore { json, password })
    } else {
        Err(CliError::usage("choose what to import: --mnemonic, --slip39, --xprv, --wif, --private-key, --pem FILE or --eth-keystore FILE"))
    }
}

/// `wallet import`
pub fn import(args: &ImportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ks = keystore(ctx, true)?;
    check_new_name(&ks, &args.name)?;
    let params = kdf(&args.kdf, ctx)?;
    let source = if args.slip39 {
        super::slip39::import_source(args, ctx)?
    } else {
        import_source(args, ctx)?
    };
    // Checked before the new password is asked for.
    let secret = source.into_secret()?;
    let password = prompt::new_password(ctx.password_file.as_deref(), "wallet")?;
    let w = Wallet::create(&ks, &args.name, &secret, &password, params)?;
    let summary = w.summary();
    ctx.emit(&summary, |out| {
        writeln!(out, "Imported '{}' ({}).", summary.name, summary.kind)?;
        for (chain, a) in &summary.addresses {
            writeln!(out, "  {chain}: {a}")?;
        }
        Ok(())
    })
}

/// `wallet list`
pub fn list(ctx: &Ctx) -> Result<(), CliError> {
    let ks = match keystore(ctx, false) {
        Ok(k) => Some(k),
        Err(e) if e.is(ErrorKind::NotFound) => None,
        Err(e) => return Err(e),
    };
    let dir = ctx
        .keystore_dir
        .clone()
        .or_else(|| Keystore::default_dir().ok())
        .unwrap_or_default();
    let v = wallet::listing(ks.as_ref(), &dir)?;
    for m in ks
        .iter()
        .flat_map(|k| k.all_loose_modes().unwrap_or_default())
    {
        ctx.security_warning(&format!("wallet file {m}"));
    }
    ctx.emit(&v, |w| {
        if v.wallets.is_empty() && v.unreadable.is_empty() {
            writeln!(w, "no wallets in {}", v.keystore)?;
        }
        for x in &v.wallets {
            writeln!(
                w,
                "{:<24} {:<12} {:<9} {}",
                x.name,
                x.kind,
                x.fingerprint.as_deref().unwrap_or("-"),
                x.created
            )?;
        }
        for x in &v.unreadable {
            writeln!(w, "{:<24} UNREADABLE: {}", x.name, x.message)?;
        }
        Ok(())
    })
}

/// `wallet info`
pub fn info(name: &str, ctx: &Ctx) -> Result<(), CliError> {
    let v = session::open(ctx, name)?.info();
    ctx.emit(&v, |w| {
        let s = &v.summary;
        writeln!(w, "name:        {}", s.name)?;
        writeln!(w, "kind:        {}", s.kind)?;
        writeln!(w, "created:     {}", s.created)?;
        if let Some(fp) = &s.fingerprint {
            writeln!(w, "fingerprint: {fp}")?;
        }
        if let Some(pk) = &v.public_key {
            writeln!(w, "public key:  {pk}")?;
        }
        for (chain, a) in &s.addresses {
            writeln!(w, "{:<12} {a}", format!("{chain}:"))?;
        }
        for a in &v.accounts {
            writeln!(w, "{:<16} {}", a.path, a.xpub)?;
        }
        let k = &v.kdf;
        writeln!(
            w,
            "kdf:         argon2id m={} KiB t={} p={}{}",
            k.m_cost_kib,
            k.t_cost,
            k.p_cost,
            if k.safe {
                ""
            } else {
                " (BELOW THE SAFE FLOOR)"
            }
        )
    })
}

/// `wallet passwd`
pub fn passwd(args: &PasswdArgs, ctx: &Ctx) -> Result<(), CliError> {
    let w = session::open(ctx, &args.name)?;
    let params = kdf(&args.kdf, ctx)?;
    let old = prompt::password(
        ctx.password_file.as_deref(),
        &format!("Current password for '{}': ", args.name),
    )?;
    // Check the old password before asking for a new one.
    w.unlock(&old)?;
    let new = prompt::new_password(args.new_password_file.as_deref(), "wallet")?;
    w.change_password(&old, &new, params)?;
    let v = serde_json::json!({"name": args.name, "password_changed": true});
    ctx.emit(&v, |out| {
        writeln!(out, "Password of '{}' changed.", args.name)
    })
}

/// `wallet delete`
pub fn delete(name: &str, yes: bool, ctx: &Ctx) -> Result<(), CliError> {
    let w = session::open(ctx, name)?;
    if !yes {
        prompt::confirm(
            false,
            &format!(
                "Delete wallet '{name}' ({})? Its funds are lost unless you have its backup.",
                w.file().kind().code()
            ),
            name,
        )?;
    }
    w.delete()?;
    let v = serde_json::json!({"name": name, "deleted": true});
    ctx.emit(&v, |out| writeln!(out, "Deleted '{name}'."))
}

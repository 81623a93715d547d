//! Keystore commands: create, import, list, info, export, passwd, delete.

use crate::args::{CreateArgs, ExportArgs, ImportArgs, KdfArgs, PasswdArgs};
use crate::commands::derive::resolve;
use crate::commands::mnemonic::wipe_json;
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use serde_json::{json, Value};
use wallet_core::account::AddressFormat;
use wallet_core::bitcoin::Wif;
use wallet_core::hd::{DerivationPath, ExtendedPrivateKey, KeyVersion};
use wallet_core::key::PrivateKey;
use wallet_core::keystore::{
    self, v3, KdfParams, KeySource, Keystore, WalletFile, WalletKind, WalletSecret,
};
use wallet_core::mnemonic::Mnemonic;
use wallet_core::secret::SecretString;
use wallet_core::ErrorKind;

/// Opens the keystore directory (creating it when `create`).
pub fn keystore(ctx: &Ctx, create: bool) -> Result<Keystore, CliError> {
    let dir = match &ctx.keystore_dir {
        Some(d) => d.clone(),
        None => Keystore::default_dir()?,
    };
    Ok(if create {
        Keystore::open(dir)?
    } else {
        Keystore::open_existing(dir)?
    })
}

/// Loads a wallet file, mapping a missing keystore to "no such wallet".
pub fn load(ctx: &Ctx, name: &str) -> Result<(Keystore, WalletFile), CliError> {
    keystore::validate_name(name)?;
    let ks = keystore(ctx, false).map_err(|e| {
        if e.kind == ErrorKind::NotFound.as_str() {
            CliError::from(wallet_core::Error::WalletNotFound(name.to_owned()))
        } else {
            e
        }
    })?;
    let file = ks.load(name)?;
    Ok((ks, file))
}

/// Asks for the password and decrypts.
pub fn unlock(ctx: &Ctx, ks: &Keystore, name: &str) -> Result<WalletSecret, CliError> {
    let file = ks.load(name)?;
    // A file below the safe KDF floor is refused before the password is typed.
    file.kdf().check(ctx.allow_weak_kdf)?;
    let pw = prompt::password(
        ctx.password_file.as_deref(),
        &format!("Password for '{name}': "),
    )?;
    Ok(file.unlock(pw.expose().as_bytes(), ctx.allow_weak_kdf)?)
}

fn kdf(args: &KdfArgs, ctx: &Ctx) -> Result<KdfParams, CliError> {
    let p = KdfParams {
        m_cost_kib: args.kdf_memory,
        t_cost: args.kdf_iterations,
        p_cost: args.kdf_parallelism,
    };
    p.check(ctx.allow_weak_kdf)?;
    Ok(p)
}

fn summary(file: &WalletFile, ks: &Keystore) -> Value {
    let p = file.public();
    let mut v = json!({
        "name": file.name(),
        "kind": file.kind().code(),
        "created": file.created(),
        "addresses": p.addresses,
        "file": ks.dir().join(format!("{}.json", file.name())).display().to_string(),
    });
    if let Some(fp) = &p.fingerprint {
        v["fingerprint"] = json!(fp);
    }
    v
}

fn check_new_name(ks: &Keystore, name: &str) -> Result<(), CliError> {
    if ks.path_of(name)?.exists() {
        return Err(wallet_core::Error::WalletExists(name.to_owned()).into());
    }
    Ok(())
}

/// `wallet create`
pub fn create(args: &CreateArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ks = keystore(ctx, true)?;
    check_new_name(&ks, &args.name)?;
    let params = kdf(&args.kdf, ctx)?;
    let words: usize = args
        .words
        .parse()
        .map_err(|_| CliError::usage("--words must be a number"))?;
    let passphrase = match &args.passphrase_file {
        Some(p) => prompt::read_secret_file(p, "passphrase file")?,
        None => SecretString::default(),
    };
    let password = prompt::new_password(ctx.password_file.as_deref(), "wallet")?;
    let mnemonic = Mnemonic::generate(words, args.language)?;
    if prompt::interactive() {
        show_and_verify(&mnemonic)?;
    }
    let secret = WalletSecret::Mnemonic {
        mnemonic: mnemonic.clone(),
        passphrase,
    };
    let file = ks.create(&args.name, &secret, password.expose().as_bytes(), params)?;
    let phrase = mnemonic.phrase();
    let mut v = summary(&file, &ks);
    let interactive = prompt::interactive();
    if !interactive {
        // Scripted: the phrase is printed once, here, and nowhere else.
        v["mnemonic"] = json!(phrase.expose());
        v["words"] = json!(mnemonic.word_count());
        v["language"] = json!(mnemonic.language().code());
        v["backup_verified"] = json!(false);
    } else {
        v["backup_verified"] = json!(true);
    }
    let r = ctx.emit(&v, |w| {
        if !interactive {
            writeln!(w, "{}", phrase.expose())?;
        }
        Ok(())
    });
    wipe_json(v);
    if !interactive {
        ctx.note(&format!(
            "Created wallet '{}'. The phrase above was shown once: write it down; the backup was not verified (no terminal).",
            args.name
        ));
    } else {
        ctx.note(&format!("Created wallet '{}'.", args.name));
    }
    r
}

/// Shows the phrase on the terminal, waits, clears it, and asks for three words.
fn show_and_verify(m: &Mnemonic) -> Result<(), CliError> {
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
    prompt::tty_print("\x1b[2J\x1b[3J\x1b[H")?;
    let picks = m.quiz_positions(3)?;
    for attempt in 0..3 {
        let mut ok = true;
        for &i in &picks {
            let answer = prompt::tty_line(&format!("Word #{}: ", i + 1))?;
            if !m.is_word_at(i, &answer) {
                ok = false;
            }
        }
        if ok {
            return Ok(());
        }
        if attempt < 2 {
            prompt::tty_print("That does not match. Check your copy and try again.\n")?;
        }
    }
    Err(CliError::user(
        ErrorKind::Cancelled,
        "the backup could not be verified; no wallet was created (run create again for a new phrase)",
    ))
}

/// `wallet import`
pub fn import(args: &ImportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ks = keystore(ctx, true)?;
    check_new_name(&ks, &args.name)?;
    let params = kdf(&args.kdf, ctx)?;
    let secret = if args.mnemonic {
        let phrase = prompt::read_stdin_secret("Mnemonic: ", "mnemonic")?;
        let mnemonic = match args.language {
            Some(l) => Mnemonic::parse_in(phrase.expose(), l)?,
            None => Mnemonic::parse(phrase.expose())?,
        };
        let passphrase = match &args.passphrase_file {
            Some(p) => prompt::read_secret_file(p, "passphrase file")?,
            None => SecretString::default(),
        };
        WalletSecret::Mnemonic {
            mnemonic,
            passphrase,
        }
    } else if args.xprv {
        let text = prompt::read_stdin_secret("Extended private key: ", "extended private key")?;
        WalletSecret::from_xprv(ExtendedPrivateKey::parse(text.expose())?)?
    } else if args.wif {
        let text = prompt::read_stdin_secret("WIF key: ", "WIF key")?;
        let w = Wif::decode(text.expose())?;
        WalletSecret::PrivateKey {
            key: w.key,
            compressed: w.compressed,
            wif_version: Some(w.version),
            source: KeySource::Wif,
        }
    } else if args.private_key {
        let text = prompt::read_stdin_secret("Private key (hex): ", "private key")?;
        WalletSecret::PrivateKey {
            key: PrivateKey::from_hex(text.expose())?,
            compressed: true,
            wif_version: None,
            source: KeySource::Hex,
        }
    } else if let Some(path) = &args.pem {
        let text = prompt::read_secret_file(path, "PEM file")?;
        WalletSecret::PrivateKey {
            key: PrivateKey::from_pem(text.expose())?,
            compressed: true,
            wif_version: None,
            source: KeySource::Pem,
        }
    } else if let Some(path) = &args.eth_keystore {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::io("Ethereum keystore", path, &e))?;
        let pw =
            prompt::read_stdin_secret("Password of the Ethereum keystore: ", "keystore password")?;
        let pw_bytes = strip_one_newline(pw.expose());
        WalletSecret::PrivateKey {
            key: v3::decrypt(&text, pw_bytes.as_bytes())?,
            compressed: true,
            wif_version: None,
            source: KeySource::EthKeystore,
        }
    } else {
        return Err(CliError::usage("choose what to import: --mnemonic, --xprv, --wif, --private-key, --pem FILE or --eth-keystore FILE"));
    };
    let password = prompt::new_password(ctx.password_file.as_deref(), "wallet")?;
    let file = ks.create(&args.name, &secret, password.expose().as_bytes(), params)?;
    let v = summary(&file, &ks);
    ctx.emit(&v, |w| {
        writeln!(w, "Imported '{}' ({}).", file.name(), file.kind().code())?;
        for (chain, a) in &file.public().addresses {
            writeln!(w, "  {chain}: {a}")?;
        }
        Ok(())
    })
}

/// Piped passwords usually end in a newline that is not part of them.
fn strip_one_newline(s: &str) -> &str {
    s.strip_suffix("\r\n")
        .or_else(|| s.strip_suffix('\n'))
        .unwrap_or(s)
}

/// `wallet list`
pub fn list(ctx: &Ctx) -> Result<(), CliError> {
    let ks = match keystore(ctx, false) {
        Ok(k) => Some(k),
        Err(e) if e.kind == ErrorKind::NotFound.as_str() => None,
        Err(e) => return Err(e),
    };
    let entries = match &ks {
        Some(k) => k.list()?,
        None => Vec::new(),
    };
    let mut wallets = Vec::new();
    let mut unreadable = Vec::new();
    for e in &entries {
        match &e.file {
            Ok(f) => {
                let mut v =
                    json!({"name": f.name(), "kind": f.kind().code(), "created": f.created()});
                if let Some(fp) = &f.public().fingerprint {
                    v["fingerprint"] = json!(fp);
                }
                wallets.push(v);
            }
            Err(err) => unreadable.push(json!({
                "name": e.name, "kind": err.kind().as_str(), "message": err.to_string()
            })),
        }
    }
    let dir = match &ks {
        Some(k) => k.dir().display().to_string(),
        None => ctx
            .keystore_dir
            .clone()
            .or_else(|| wallet_core::keystore::Keystore::default_dir().ok())
            .map(|d| d.display().to_string())
            .unwrap_or_default(),
    };
    let v = json!({"keystore": dir, "wallets": wallets, "unreadable": unreadable});
    ctx.emit(&v, |w| {
        if wallets.is_empty() && unreadable.is_empty() {
            writeln!(w, "no wallets in {dir}")?;
        }
        for x in &wallets {
            writeln!(
                w,
                "{:<24} {:<12} {:<9} {}",
                x["name"].as_str().unwrap_or(""),
                x["kind"].as_str().unwrap_or(""),
                x["fingerprint"].as_str().unwrap_or("-"),
                x["created"].as_str().unwrap_or("")
            )?;
        }
        for x in &unreadable {
            writeln!(
                w,
                "{:<24} UNREADABLE: {}",
                x["name"].as_str().unwrap_or(""),
                x["message"].as_str().unwrap_or("")
            )?;
        }
        Ok(())
    })
}

/// `wallet info`
pub fn info(name: &str, ctx: &Ctx) -> Result<(), CliError> {
    let (ks, file) = load(ctx, name)?;
    let mut v = summary(&file, &ks);
    let p = file.public();
    v["accounts"] = json!(p.accounts);
    if let Some(pk) = &p.public_key {
        v["public_key"] = json!(pk);
        v["compressed"] = json!(p.compressed.unwrap_or(true));
    }
    if let Some(s) = p.source {
        v["source"] = serde_json::to_value(s).unwrap_or(Value::Null);
    }
    let k = file.kdf();
    v["kdf"] = json!({"algorithm": "argon2id", "m_cost_kib": k.m_cost_kib, "t_cost": k.t_cost, "p_cost": k.p_cost, "safe": k.is_safe()});
    v["format_version"] = json!(keystore::FORMAT_VERSION);
    ctx.emit(&v, |w| {
        writeln!(w, "name:        {}", file.name())?;
        writeln!(w, "kind:        {}", file.kind().code())?;
        writeln!(w, "created:     {}", file.created())?;
        if let Some(fp) = &p.fingerprint {
            writeln!(w, "fingerprint: {fp}")?;
        }
        if let Some(pk) = &p.public_key {
            writeln!(w, "public key:  {pk}")?;
        }
        for (chain, a) in &p.addresses {
            writeln!(w, "{:<12} {a}", format!("{chain}:"))?;
        }
        for a in &p.accounts {
            writeln!(w, "{:<16} {}", a.path, a.xpub)?;
        }
        writeln!(
            w,
            "kdf:         argon2id m={} KiB t={} p={}{}",
            k.m_cost_kib,
            k.t_cost,
            k.p_cost,
            if k.is_safe() {
                ""
            } else {
                " (BELOW THE SAFE FLOOR)"
            }
        )
    })
}

/// `wallet passwd`
pub fn passwd(args: &PasswdArgs, ctx: &Ctx) -> Result<(), CliError> {
    let (ks, _) = load(ctx, &args.name)?;
    let params = kdf(&args.kdf, ctx)?;
    let old = prompt::password(
        ctx.password_file.as_deref(),
        &format!("Current password for '{}': ", args.name),
    )?;
    // Check the old password before asking for a new one.
    ks.unlock(&args.name, old.expose().as_bytes(), ctx.allow_weak_kdf)?;
    let new = prompt::new_password(args.new_password_file.as_deref(), "wallet")?;
    ks.change_password(
        &args.name,
        old.expose().as_bytes(),
        new.expose().as_bytes(),
        params,
        ctx.allow_weak_kdf,
    )?;
    let v = json!({"name": args.name, "password_changed": true});
    ctx.emit(&v, |w| writeln!(w, "Password of '{}' changed.", args.name))
}

/// `wallet delete`
pub fn delete(name: &str, yes: bool, ctx: &Ctx) -> Result<(), CliError> {
    let (ks, file) = load(ctx, name)?;
    if !yes {
        prompt::confirm(
            false,
            &format!(
                "Delete wallet '{name}' ({})? Its funds are lost unless you have its backup.",
                file.kind().code()
            ),
            name,
        )?;
    }
    ks.delete(name)?;
    let v = json!({"name": name, "deleted": true});
    ctx.emit(&v, |w| writeln!(w, "Deleted '{name}'."))
}

/// `wallet export`
pub fn export(args: &ExportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let (ks, file) = load(ctx, &args.name)?;
    if args.xpub {
        return export_xpub(args, ctx, &ks, &file);
    }
    let secret = unlock(ctx, &ks, &args.name)?;
    prompt::confirm(
        args.yes,
        "This prints a secret that can spend the wallet's funds.",
        "yes",
    )?;
    let name = args.name.as_str();
    if args.mnemonic {
        let WalletSecret::Mnemonic {
            mnemonic,
            passphrase,
        } = &secret
        else {
            return Err(CliError::user(
                ErrorKind::Unsupported,
                format!(
                    "'{name}' is a {} wallet; it has no mnemonic",
                    secret.kind().code()
                ),
            ));
        };
        let phrase = mnemonic.phrase();
        let mut v = json!({"name": name, "mnemonic": phrase.expose(), "words": mnemonic.word_count(), "language": mnemonic.language().code()});
        if !passphrase.is_empty() {
            v["passphrase"] = json!(passphrase.expose());
        }
        if let Some(out) = &args.passphrase_out {
            if let Err(e) = Keystore::write_new_file(out, passphrase.expose().as_bytes()) {
                wipe_json(v);
                return Err(e.into());
            }
            v["passphrase_file"] = json!(out.display().to_string());
        }
        let r = ctx.emit(&v, |w| writeln!(w, "{}", phrase.expose()));
        wipe_json(v);
        if !passphrase.is_empty() && args.passphrase_out.is_none() {
            ctx.note("This wallet also has a BIP39 passphrase: export it with --passphrase-out FILE (or --json); without it the phrase restores different addresses.");
        }
        return r;
    }
    if args.xprv {
        let master = secret.master()?.ok_or_else(|| {
            CliError::user(
                ErrorKind::Unsupported,
                format!("'{name}' is a single key; it has no extended key"),
            )
        })?;
        let (key, path) = match &args.selector.path {
            Some(p) => {
                let path: DerivationPath = p.parse()?;
                let r = resolve(&args.selector, "btc")?;
                let version = xpub_version(&r.format, true);
                (master.derive_path(&path)?.with_version(version), path)
            }
            None => {
                // As imported (xprv, tprv or SLIP-132), unless a network is asked for.
                let v = match args.selector.network.as_deref() {
                    None => secret.imported_xprv_version().unwrap_or(KeyVersion::XPRV),
                    Some("mainnet") => KeyVersion::XPRV,
                    Some(_) => KeyVersion::TPRV,
                };
                (master.with_version(v), DerivationPath::master())
            }
        };
        let s = key.to_base58();
        let v = json!({"name": name, "xprv": s.expose(), "path": path.to_string()});
        let r = ctx.emit(&v, |w| writeln!(w, "{}", s.expose()));
        wipe_json(v);
        return r;
    }
    // One private key: the wallet's own, or the one at the selected path.
    let default_chain = if args.eth_keystore.is_some() {
        "eth"
    } else {
        "btc"
    };
    let (key, path, format) = match &secret {
        WalletSecret::PrivateKey {
            key, compressed, ..
        } => {
            reject_hd_selectors(&args.selector)?;
            let mut r = resolve(&args.selector, default_chain)?;
            // An uncompressed key only has a P2PKH address.
            if let AddressFormat::Bitcoin { kind, .. } = &mut r.format {
                if args.selector.kind.is_none() && !*compressed {
                    *kind = wallet_core::bitcoin::AddressType::P2pkh;
                }
            }
            (key.clone(), None, r.format)
        }
        _ => {
            let master = secret
                .master()?
                .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?;
            let r = resolve(&args.selector, default_chain)?;
            if r.count != 1 {
                return Err(CliError::usage("--count does not apply to export"));
            }
            let k = master.derive_path(&r.first)?.private_key().clone();
            (k, Some(r.first.to_string()), r.format)
        }
    };
    let address = match format {
        AddressFormat::Ethereum => format.encode(&key.public_key())?,
        AddressFormat::Bitcoin { params, kind } => {
            let compressed = match &secret {
                WalletSecret::PrivateKey { compressed, .. } => *compressed,
                _ => true,
            };
            keystore::single_key_address(&key.public_key(), compressed, kind, params)?
        }
    };
    let mut v = json!({"name": name, "address": address});
    if let Some(p) = &path {
        v["path"] = json!(p);
    }
    let text: SecretString = if args.wif {
        let params = match format {
            AddressFormat::Bitcoin { params, .. } => params,
            AddressFormat::Ethereum => {
                return Err(CliError::usage(
                    "WIF is a Bitcoin-family format: use --chain btc or ltc",
                ))
            }
        };
        let explicit = args.selector.chain.is_some() || args.selector.network.is_some();
        let w = match &secret {
            WalletSecret::PrivateKey { .. } => {
                keystore::wif_for(&secret, explicit.then_some(params))?
            }
            _ => Wif::encode(&key, true, params),
        };
        v["wif"] = json!(w.expose());
        w
    } else if args.private_key {
        let h = key.to_hex();
        v["private_key"] = json!(h.expose());
        h
    } else if args.pem {
        let p = if args.pkcs8 {
            key.to_pkcs8_pem()?
        } else {
            key.to_sec1_pem()?
        };
        v["pem"] = json!(p.expose());
        p
    } else if let Some(out) = &args.eth_keystore {
        let pw = match &args.export_password_file {
            Some(f) => prompt::read_secret_file(f, "export password file")?,
            None => prompt::password(
                ctx.password_file.as_deref(),
                &format!("Password for '{name}' (again, for the exported file): "),
            )?,
        };
        if pw.is_empty() {
            return Err(CliError::user(
                ErrorKind::InvalidInput,
                "the export password must not be empty",
            ));
        }
        let doc = v3::encrypt(&key, pw.expose().as_bytes(), v3::ScryptParams::STANDARD)?;
        Keystore::write_new_file(out, doc.as_bytes())?;
        let eth = wallet_core::ethereum::Address::from_public_key(&key.public_key());
        let v =
            json!({"name": name, "file": out.display().to_string(), "address": eth.to_checksum()});
        return ctx.emit(&v, |w| {
            writeln!(w, "Wrote {} ({})", out.display(), eth.to_checksum())
        });
    } else {
        return Err(CliError::usage("choose what to export"));
    };
    let r = ctx.emit(&v, |w| {
        let t = text.expose();
        if t.ends_with('\n') {
            write!(w, "{t}")
        } else {
            writeln!(w, "{t}")
        }
    });
    wipe_json(v);
    r
}

fn reject_hd_selectors(sel: &crate::args::Selector) -> Result<(), CliError> {
    if sel.path.is_some()
        || sel.account.is_some()
        || sel.index.is_some()
        || sel.change
        || sel.count != 1
    {
        return Err(CliError::usage(
            "this wallet is a single key: --path, --account, --index, --change and --count do not apply",
        ));
    }
    Ok(())
}

/// Version bytes for an account key of `format`: BIP32's xpub/tpub when
/// `plain`, else the SLIP-132 version of the address type.
pub fn xpub_version(format: &AddressFormat, plain: bool) -> KeyVersion {
    match format {
        AddressFormat::Bitcoin { params, .. } if plain => {
            if params.is_test() {
                KeyVersion::TPRV
            } else {
                KeyVersion::XPRV
            }
        }
        _ => format.key_version(),
    }
}

fn export_xpub(
    args: &ExportArgs,
    ctx: &Ctx,
    ks: &Keystore,
    file: &WalletFile,
) -> Result<(), CliError> {
    if file.kind() == WalletKind::PrivateKey {
        return Err(CliError::user(
            ErrorKind::Unsupported,
            format!(
                "'{}' is a single key; it has no extended public key",
                args.name
            ),
        ));
    }
    let r = resolve(&args.selector, "btc")?;
    let path: DerivationPath = match (&args.selector.path, &r.account_path) {
        (Some(p), _) => p.parse()?,
        (None, Some(a)) => a.clone(),
        (None, None) => {
            return Err(CliError::usage(
                "choose an account with --account or a node with --path",
            ))
        }
    };
    let version = xpub_version(&r.format, !args.slip132);
    let xpub = match file.public().account_xpub(&path) {
        Some(x) => x?.with_version(version),
        None => {
            let secret = unlock(ctx, ks, &args.name)?;
            let master = secret
                .master()?
                .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?;
            master
                .derive_path(&path)?
                .with_version(version)
                .public_key()
        }
    };
    let s = xpub.to_base58();
    let mut v = json!({"name": args.name, "xpub": s, "path": path.to_string()});
    if let AddressFormat::Bitcoin { params, kind } = r.format {
        v["chain"] = json!(params.chain().code());
        v["network"] = json!(params.network().code());
        v["type"] = json!(kind.code());
    } else {
        v["chain"] = json!("eth");
    }
    if let Some(fp) = &file.public().fingerprint {
        v["master_fingerprint"] = json!(fp);
    }
    ctx.emit(&v, |w| writeln!(w, "{s}"))
}

//! `wallet-bindgen LIBRARY OUT_DIR`: writes the Kotlin, Swift and Python
//! bindings of `LIBRARY` (a debug or release `libwallet.so` built with its
//! symbols) into `OUT_DIR/{kotlin,swift,python}`. `scripts/bindings` runs it
//! to regenerate `wallet-ffi/bindings/`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [library, out] = args.as_slice() else {
        eprintln!("usage: wallet-bindgen LIBRARY OUT_DIR");
        return ExitCode::from(2);
    };
    match wallet_bindgen::generate(library.as_ref(), out.as_ref()) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wallet-bindgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}

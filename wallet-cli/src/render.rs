//! Output of address runs: streamed a chunk at a time, so any `--count`
//! runs in bounded memory.

use crate::error::CliError;
use crate::output::Ctx;
use std::io::Write;
use wallet_core::account::DerivedAddress;
use wallet_core::report::{AddressEntry, AddressHeader};

/// Addresses are derived and written this many at a time.
const CHUNK: u32 = 16_384;

/// Writes `header` with `count` addresses that `next(offset, n)` derives a
/// chunk at a time, to stdout: one JSON object (the core's `AddressList`)
/// with `--json`, else `path  address` lines (bare addresses without
/// `paths`). A derivation error stops the output and is what the command
/// reports.
pub fn emit_addresses(
    ctx: &Ctx,
    header: &AddressHeader,
    count: u32,
    paths: bool,
    mut next: impl FnMut(u32, u32) -> Result<Vec<DerivedAddress>, CliError>,
) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut failed = None;
    let mut write = || -> std::io::Result<()> {
        if ctx.json {
            // `{"chain":…}` without its closing brace, then the addresses.
            let head = serde_json::to_vec(header).map_err(std::io::Error::from)?;
            out.write_all(&head[..head.len().saturating_sub(1)])?;
            out.write_all(b",\"addresses\":[")?;
        }
        let mut offset = 0;
        while offset < count {
            let n = CHUNK.min(count - offset);
            let list = match next(offset, n) {
                Ok(list) => list,
                Err(e) => {
                    failed = Some(e);
                    return Ok(());
                }
            };
            write_chunk(&mut out, ctx.json, paths, offset, &list)?;
            offset += n;
        }
        if ctx.json {
            out.write_all(b"]}\n")?;
        }
        out.flush()
    };
    let written = write();
    match failed {
        Some(e) => Err(e),
        None => written.or_else(crate::output::ignore_broken_pipe),
    }
}

fn write_chunk(
    out: &mut impl Write,
    json: bool,
    paths: bool,
    offset: u32,
    list: &[DerivedAddress],
) -> std::io::Result<()> {
    for (i, a) in list.iter().enumerate() {
        if json {
            if offset > 0 || i > 0 {
                out.write_all(b",")?;
            }
            // `From` keeps an I/O error's kind (a broken pipe stays one).
            serde_json::to_writer(&mut *out, &AddressEntry::from(a))
                .map_err(std::io::Error::from)?;
        } else if paths {
            writeln!(out, "{}  {}", a.path, a.address)?;
        } else {
            writeln!(out, "{}", a.address)?;
        }
    }
    Ok(())
}

//! `docs/json.md` documents every serializable view of the SDK: its field
//! tables are generated from the types (`scripts/json-doc.py`), and this
//! test fails when a view or field changed without the document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn docs_json_md_is_up_to_date() {
    let root = wallet_testkit::root();
    let out = Command::new("python3")
        .arg(root.join("scripts/json-doc.py"))
        .arg("--check")
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = std::fs::read_to_string(root.join("docs/json.md")).unwrap();
    for view in [
        "AddressList",
        "SignedEthTx",
        "PsbtOutcome",
        "BtcPayment",
        "ErrorReport",
        "WalletSummary",
    ] {
        assert!(
            doc.contains(&format!("### `{view}`")),
            "{view} is not documented"
        );
    }
}

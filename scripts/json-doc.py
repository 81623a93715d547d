#!/usr/bin/env python3
"""Writes the field tables of docs/json.md from the serializable view types
of wallet-core (their doc comments and serde attributes), between the
markers `<!-- views:begin -->` and `<!-- views:end -->`.

usage: scripts/json-doc.py [--check]   (--check: exit 1 if the file is stale)
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "wallet-core/src/report.rs",
    "wallet-core/src/wallet/send.rs",
    "wallet-core/src/wallet/sign.rs",
    "wallet-core/src/wallet/watch.rs",
    "wallet-core/src/wallet/descriptors.rs",
    "wallet-core/src/verify/report.rs",
]
DOC = ROOT / "docs/json.md"
BEGIN, END = "<!-- views:begin -->", "<!-- views:end -->"


def views(path):
    text = (ROOT / path).read_text()
    out = []
    for m in re.finditer(r"((?:^///[^\n]*\n)+)((?:^#\[[^\n]*\n)*)pub struct (\w+)[^{;]*\{(.*?)^\}", text, re.M | re.S):
        docs, attrs, name, body = m.groups()
        if "Serialize" not in attrs:
            continue
        summary = " ".join(l[3:].strip() for l in docs.strip().splitlines())
        fields = []
        pending_doc, pending_attr = [], []
        for line in body.splitlines():
            t = line.strip()
            if t.startswith("///"):
                pending_doc.append(t[3:].strip())
            elif t.startswith("#["):
                pending_attr.append(t)
            else:
                f = re.match(r"pub (\w+): (.+),$", t)
                if f:
                    attr = " ".join(pending_attr)
                    rename = re.search(r'rename = "(\w+)"', attr)
                    key = rename.group(1) if rename else f.group(1)
                    if "flatten" in attr:
                        key = f"(the fields of `{f.group(2)}`)"
                    elif "skip_serializing_if" in attr:
                        key += " (omitted when empty)"
                    fields.append((key, " ".join(pending_doc)))
                pending_doc, pending_attr = [], []
        out.append((name, summary, fields, path))
    return out


def render():
    lines = []
    for src in SOURCES:
        for name, summary, fields, path in views(src):
            lines.append(f"### `{name}`\n")
            lines.append(f"{summary} (`{path}`)\n")
            lines.append("| field | meaning |")
            lines.append("|---|---|")
            for key, doc in fields:
                if key.startswith("("):
                    shown = key
                else:
                    word = key.split(" ")[0]
                    shown = f"`{word}`{key[len(word):]}"
                lines.append(f"| {shown} | {doc.replace('|', '/')} |")
            lines.append("")
    return "\n".join(lines)


def main():
    text = DOC.read_text()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n\n" + render() + "\n" + END + tail
    if "--check" in sys.argv:
        if new != text:
            print("docs/json.md is stale: run scripts/json-doc.py", file=sys.stderr)
            sys.exit(1)
        return
    DOC.write_text(new)


main()

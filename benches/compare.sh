#!/usr/bin/env bash
# Side-by-side benchmark on one corpus: scrutiny against tantivy-cli, SQLite
# FTS5 with the porter tokenizer, and ripgrep, printing one table.
#
#   benches/compare.sh CORPUS      e.g. after `scrutiny synth --records 20000 --out /tmp/gen100`
#
# Installs what it needs: tantivy-cli (cargo install; without --locked, whose
# pinned dependencies no longer build), ripgrep (apt-get, as root), and
# checks that Python's sqlite3 has FTS5. Builds scrutiny in release mode and
# runs that build, from CARGO_TARGET_DIR when it is set.
set -euo pipefail
corpus=${1:?usage: benches/compare.sh CORPUS}
cd "$(dirname "$0")/.."

command -v tantivy >/dev/null || cargo install tantivy-cli
if ! command -v rg >/dev/null; then
    apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null
fi
python3 -c "import sqlite3; sqlite3.connect(':memory:').execute('create virtual table t using fts5(x, tokenize=porter)')" \
    || { echo "Python's sqlite3 lacks FTS5" >&2; exit 2; }
cargo build --release -q
exec python3 benches/compare.py "$corpus" "${CARGO_TARGET_DIR:-target}/release/scrutiny"

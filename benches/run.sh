#!/usr/bin/env bash
# Builds folio in release mode and runs the benchmark runner, which writes
# benches/RESULTS.md, then prints it. Pass --quick to skip the 1M-passage scale.
# `rg` (ripgrep) is timed beside `folio search` when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
cargo bench --bench pipeline -- "$@"
# The "Embedding costs" section (static model; the encoder too when installed).
cargo bench --bench embed
# The "Semantic search costs" section (vectors at indexing, latency per mode).
cargo bench --bench semantic
# `folio serve` under 32 concurrent clients (benches/RESULTS-serve.md).
cargo bench --bench serve_load
# The comparison tables, as written to benches/RESULTS.md.
cat benches/RESULTS.md

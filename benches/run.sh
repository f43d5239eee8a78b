#!/usr/bin/env bash
# Builds folio in release mode and runs the benchmark runner, which writes
# benches/RESULTS.md. Pass --quick to skip the 1M-passage scale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
cargo bench --bench pipeline -- "$@"
cargo bench --bench serve_load

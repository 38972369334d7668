#!/usr/bin/env bash
# One style everywhere (.clang-format) and no banned calls (STYLE.md).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
if scripts/lint.sh >"$TMP/lint.log" 2>&1; then ok lint; else fail lint "$(head -20 "$TMP/lint.log")"; fi

#!/usr/bin/env bash
# Differential robustness (quick mode): every dev-set-derived variant written
# as "another word processor" would (split runs, renamed styles, theme fonts,
# indent encodings, content controls, default namespaces, UTF-16 parts …)
# must get the reference oracle's findings, and fix must reach the same fix
# rate with no damage. See tests/robustness/README.md.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
bin=${SHUZHI_REL_BIN:-build/shuzhi}
if SHUZHI_BIN="$bin" tests/robustness/run.sh --quick >"$TMP/rob.log" 2>&1; then
	ok robustness_quick
else
	fail robustness_quick "$(tail -5 "$TMP/rob.log")"
fi
tail -1 "$TMP/rob.log"
cp "$TMP/rob.log" tests/artifacts/robustness-quick.log 2>/dev/null || true

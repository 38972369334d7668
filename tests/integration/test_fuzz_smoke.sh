#!/usr/bin/env bash
# Every libFuzzer target replays its seed corpus (regression for past finds).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
for t in build/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	if scripts/fuzz.sh --smoke "$name" >"$TMP/log" 2>&1; then
		ok "fuzz_smoke_$name"
	else
		fail "fuzz_smoke_$name" "$(tail -3 "$TMP/log")"
	fi
done

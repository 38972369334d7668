#!/usr/bin/env bash
# make check driver: unit tests (ASan/UBSan), then every integration test
# tests/integration/test_*.sh. Each integration script prints "ok NAME" /
# "FAIL NAME" lines; the last line here is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export SHUZHI_BIN=${SHUZHI_BIN:-build/asan/shuzhi}
export SHUZHI_REL_BIN=${SHUZHI_REL_BIN:-build/shuzhi}
export SHUZHI_SHARED=${SHUZHI_SHARED:-$(cd .. && pwd)/shared}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p tests/artifacts
passed=0
failed=0
times=()

count() { # count ok/FAIL lines of a log
	local p f
	p=$(grep -c '^ok ' "$1" || true)
	f=$(grep -c '^FAIL ' "$1" || true)
	passed=$((passed + p))
	failed=$((failed + f))
}

echo "== unit tests"
build/asan/unit-tests >tests/artifacts/unit.log 2>&1
rc=$?
grep -E '^(FAIL|  )' tests/artifacts/unit.log | head -50
sed -i 's/^ok   /ok /' tests/artifacts/unit.log
count tests/artifacts/unit.log
if [ $rc -ne 0 ] && ! grep -q '^FAIL ' tests/artifacts/unit.log; then
	echo "FAIL unit-runner (exit $rc)"
	failed=$((failed + 1))
fi

for t in tests/integration/test_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	echo "== $name"
	log=tests/artifacts/$name.log
	start=$SECONDS
	bash "$t" >"$log" 2>&1
	rc=$?
	grep -E '^(ok|FAIL) ' "$log"
	echo "-- $name: $((SECONDS - start)) s"
	times+=("$((SECONDS - start)) $name")
	count "$log"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		echo "FAIL $name (exit $rc, see $log)"
		tail -20 "$log"
		failed=$((failed + 1))
	fi
done
echo "== slowest integration tests (seconds)"
printf '%s\n' "${times[@]}" | sort -rn | head -8
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

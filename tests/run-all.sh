#!/usr/bin/env bash
# make check driver: unit tests (ASan/UBSan), then every integration test
# tests/integration/test_*.sh (SHUZHI_TEST_JOBS at a time, default 2). Each
# integration script prints "ok NAME" /
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

# Integration tests run SHUZHI_TEST_JOBS at a time (default 2): most of
# their time is spent waiting on servers, browsers and LibreOffice. Each
# test's lines are printed together when it ends.
jobs=${SHUZHI_TEST_JOBS:-2}
declare -A running=() # pid -> test name

run_one() { # in a background subshell: the log, exit code and seconds
	local t=$1 name log start
	name=$(basename "$t" .sh)
	log=tests/artifacts/$name.log
	start=$SECONDS
	bash "$t" >"$log" 2>&1
	echo $? >"$log.rc.tmp"
	echo $((SECONDS - start)) >"$log.secs"
	mv "$log.rc.tmp" "$log.rc"
}

report() { # the lines of one finished test, in the main shell
	local name=$1 log rc secs
	log=tests/artifacts/$name.log
	rc=$(cat "$log.rc")
	secs=$(cat "$log.secs")
	rm -f "$log.rc" "$log.secs"
	echo "== $name"
	grep -E '^(ok|FAIL) ' "$log"
	echo "-- $name: $secs s"
	times+=("$secs $name")
	count "$log"
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		echo "FAIL $name (exit $rc, see $log)"
		tail -20 "$log"
		failed=$((failed + 1))
	fi
}

reap() { # report every finished test
	local pid
	for pid in "${!running[@]}"; do
		if [ -e "tests/artifacts/${running[$pid]}.log.rc" ]; then
			wait "$pid" 2>/dev/null
			report "${running[$pid]}"
			unset "running[$pid]"
		fi
	done
}

rm -f tests/artifacts/*.log.rc tests/artifacts/*.log.rc.tmp tests/artifacts/*.log.secs
for t in tests/integration/test_*.sh; do
	[ -e "$t" ] || continue
	while [ "${#running[@]}" -ge "$jobs" ]; do
		sleep 0.2
		reap
	done
	run_one "$t" &
	running[$!]=$(basename "$t" .sh)
done
while [ "${#running[@]}" -gt 0 ]; do
	sleep 0.2
	reap
done
echo "== slowest integration tests (seconds)"
printf '%s\n' "${times[@]}" | sort -rn | head -8
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

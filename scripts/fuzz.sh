#!/usr/bin/env bash
# Run the libFuzzer targets built by `make fuzz-build` (build/fuzz/fuzz_*).
#
#   scripts/fuzz.sh SECONDS [TARGET...]   fuzz each target for SECONDS
#   scripts/fuzz.sh --smoke [TARGET...]   run each target over its seeds once
#
# TARGET is fuzz_zip or just zip; default: every built target. For target
# fuzz_X the seeds are fuzz/seeds/X/ and the dictionary fuzz/dict/X.dict.
# A fuzzing run copies the seeds into a scratch corpus build/fuzz-corpus/X/
# (emptied first unless FUZZ_KEEP_CORPUS=1, to grow a corpus across runs),
# writes crash reproducers to build/fuzz-artifacts/X/ and the full libFuzzer
# output to build/fuzz-logs/X.log. One summary line per target; exit 1 if
# any target crashed (crash, leak, sanitizer report, timeout or OOM),
# 2 on usage errors. Environment: FUZZ_BIN_DIR (default build/fuzz),
# FUZZ_MAX_LEN, FUZZ_RSS_MB (512), FUZZ_UNIT_TIMEOUT (10 s per input),
# FUZZ_KEEP_CORPUS, ASAN_OPTIONS. See fuzz/README.md.
set -u
cd "$(dirname "$0")/.." || exit 2

BIN_DIR=${FUZZ_BIN_DIR:-build/fuzz}
# ASan's default 256 MB quarantine alone would take half of -rss_limit_mb;
# 64 MB (as ClusterFuzz uses) still catches use-after-free of recent frees.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64:detect_leaks=1}
RSS_MB=${FUZZ_RSS_MB:-512}
UNIT_TIMEOUT=${FUZZ_UNIT_TIMEOUT:-10}

usage()
{
	echo "usage: scripts/fuzz.sh SECONDS [target...] | --smoke [target...]" >&2
	exit 2
}

# Largest input worth mutating: a .docx seed is a few KB, the lying-size
# bomb 65 KB; XML parts are small. FUZZ_MAX_LEN overrides.
max_len_for()
{
	if [ -n "${FUZZ_MAX_LEN:-}" ]; then
		echo "$FUZZ_MAX_LEN"
		return
	fi
	case "$1" in
	zip) echo 131072 ;;
	*) echo 65536 ;;
	esac
}

# Value of a libFuzzer "stat::NAME: N" line, or of the last "#N" status line
# for the exec count when the run died before printing its final stats.
stat_of()
{
	sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1
}

last_execs()
{
	sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$1" | tail -n 1
}

# First line of the sanitizer/libFuzzer report, and the artifact path.
crash_reason()
{
	local r
	r=$(grep -m 1 -E '^==[0-9]+==(ERROR|WARNING)|^SUMMARY:|runtime error:|^fuzz_[a-z]+: |ALARM: working on the last Unit|out-of-memory' "$1")
	[ -n "$r" ] || r=$(grep -v '^ *$' "$1" | tail -n 1)
	printf '%s' "$r" | cut -c 1-160
}

crash_artifact()
{
	sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -n 1
}

targets=()
resolve_targets()
{
	local t
	if [ $# -eq 0 ]; then
		for t in "$BIN_DIR"/fuzz_*; do
			[ -x "$t" ] && [ -f "$t" ] && targets+=("$t")
		done
		if [ ${#targets[@]} -eq 0 ]; then
			echo "fuzz: no targets in $BIN_DIR/ (run make fuzz-build)" >&2
			exit 2
		fi
		return
	fi
	for t in "$@"; do
		t=${t#fuzz_}
		if [ ! -x "$BIN_DIR/fuzz_$t" ]; then
			echo "fuzz: $BIN_DIR/fuzz_$t not built (run make fuzz-build)" >&2
			exit 2
		fi
		targets+=("$BIN_DIR/fuzz_$t")
	done
}

smoke_one()
{
	local bin=$1 name=${1##*/fuzz_}
	local seeds="fuzz/seeds/$name" log="build/fuzz-logs/$name.smoke.log"
	local files=() rc

	if [ -d "$seeds" ]; then
		while IFS= read -r -d '' f; do
			files+=("$f")
		done < <(find "$seeds" -type f -print0 | sort -z)
	fi
	if [ ${#files[@]} -gt 0 ]; then
		# Files given one by one are each run once, at full length.
		"$bin" -rss_limit_mb="$RSS_MB" -timeout="$UNIT_TIMEOUT" "${files[@]}" >"$log" 2>&1
	else
		"$bin" -rss_limit_mb="$RSS_MB" -timeout="$UNIT_TIMEOUT" -runs=2000 \
			-max_len="$(max_len_for "$name")" >"$log" 2>&1
	fi
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "fuzz smoke: fuzz_$name: ${#files[@]} seeds ok"
		return 0
	fi
	echo "fuzz smoke: fuzz_$name: CRASH (exit $rc) $(crash_reason "$log")" \
		"reproducer: $(crash_artifact "$log") log: $log"
	return 1
}

fuzz_one()
{
	local bin=$1 seconds=$2 name=${1##*/fuzz_}
	local seeds="fuzz/seeds/$name" dict="fuzz/dict/$name.dict"
	local corpus="build/fuzz-corpus/$name" artifacts="build/fuzz-artifacts/$name/"
	local log="build/fuzz-logs/$name.log"
	local opts=() rc execs rate before after rss

	if [ "${FUZZ_KEEP_CORPUS:-0}" != 1 ]; then
		rm -rf "$corpus"
	fi
	mkdir -p "$corpus" "$artifacts"
	if [ -d "$seeds" ]; then
		cp -R "$seeds/." "$corpus/"
	fi
	before=$(find "$corpus" -type f | wc -l)
	opts=(-max_total_time="$seconds" -rss_limit_mb="$RSS_MB" -timeout="$UNIT_TIMEOUT"
		-max_len="$(max_len_for "$name")" -artifact_prefix="$artifacts"
		-print_final_stats=1)
	if [ -f "$dict" ]; then
		opts+=(-dict="$dict")
	fi
	"$bin" "${opts[@]}" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(stat_of number_of_executed_units "$log")
	[ -n "$execs" ] || execs=$(last_execs "$log")
	rate=$(stat_of average_exec_per_sec "$log")
	rss=$(stat_of peak_rss_mb "$log")
	after=$(find "$corpus" -type f | wc -l)
	if [ $rc -eq 0 ]; then
		echo "fuzz: fuzz_$name: ${seconds}s, ${execs:-?} execs (${rate:-?}/s)," \
			"corpus $before -> $after, peak rss ${rss:-?} MB, no crash"
		return 0
	fi
	echo "fuzz: fuzz_$name: CRASH after ${execs:-?} execs (exit $rc): $(crash_reason "$log");" \
		"reproducer: $(crash_artifact "$log"); log: $log"
	return 1
}

[ $# -ge 1 ] || usage
mode=$1
shift
case "$mode" in
--smoke) ;;
-h | --help) usage ;;
*[!0-9]* | '') usage ;;
esac
resolve_targets "$@"
mkdir -p build/fuzz-logs
failed=0
for bin in "${targets[@]}"; do
	if [ "$mode" = --smoke ]; then
		smoke_one "$bin" || failed=1
	else
		fuzz_one "$bin" "$mode" || failed=1
	fi
done
exit $failed

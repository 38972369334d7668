#!/bin/bash
# bench/gateway/run.sh BIN [STREAMS] [TOKENS] [DELAY_MS]
#
# Model gateway benchmark (issue 4), everything on 127.0.0.1, in one run:
#   1. builds the stand-in model server (build/standin) and the load
#      generator (build/bench-loadgen) and starts the stand-in in "stamp"
#      mode: each of TOKENS answer tokens (default 20) is its own send time
#      (CLOCK_MONOTONIC), DELAY_MS (default 50) apart, the first after DELAY_MS;
#   2. baseline: STREAMS (default 1000) concurrent streams straight to the
#      stand-in's /v1/chat/completions;
#   3. the same STREAMS through `BIN serve` POST /api/chat (logged-in user,
#      CSRF, SQLite session lookup, queue with max_streams = STREAMS, usage
#      row per call);
#   4. added latency = gateway minus direct, for the first token (p50/p99,
#      from request sent to first token received) and per token (model sent
#      → client received); gateway CPU seconds and peak RSS (VmRSS sampled
#      every 0.1 s) over its phase; prints a table and writes build/bench/gateway.json.
# ROUNDS=N (default 2) alternates direct and gateway phases and reports the
# median round. On a shared machine the figures are dominated by waiting for
# a CPU (printed as "waited … for a CPU"); NICE=-10 runs the three processes
# at that priority (root only) to measure the gateway rather than the queue.
# RAMP_MS=T opens the STREAMS connections evenly over T ms (both phases)
# instead of 25 every 5 ms (1,000 in about 200 ms); with TOKENS x DELAY_MS
# longer than T they are all open at once all the same.
# RT=1 runs the three under SCHED_RR (chrt -r, priority RT_PRIO, default 10;
# root only) instead: they then preempt every ordinary process on the box, so
# a shared machine measures close to an idle one (other sessions' builds
# only get the CPU time the three leave); the round-robin slice
# (/proc/sys/kernel/sched_rr_timeslice_ms) is 1 ms during the run.
# PIN=1 pins the stand-in and the load generator to CPU 0 and shuzhi serve to
# CPU 1 (taskset), so the gateway does not share its CPU with the load it is
# measured under (other processes on the box still may).
# PERF=record writes `perf record` (PERF_OPTS, default --call-graph dwarf
# -F 2000) of shuzhi serve over each round's gateway phase to
# build/bench/gateway.perf.data.ROUND; PERF=trace writes `perf trace -s`
# (system calls per kind) to build/bench/gateway.trace.ROUND.txt.
# CALLGRIND=1 runs shuzhi serve under valgrind's callgrind, counting only
# during the gateway phases (callgrind_control -i on/off): instructions
# executed by the gateway, independent of the load on the machine (the
# latencies are then meaningless); the total and the top functions are
# printed, the profile is build/bench/gateway.callgrind.
# The first token's latency is split in three (p50/p99 of each): request
# sent -> the stand-in got it; the stand-in's own wait (DELAY_MS and its
# timer's lateness); the token sent -> received.
# DUMP=1 writes, per stream, "sent fwd model relay" (ms: request sent since
# the phase began, then the three parts) to build/bench/gateway.first.{direct,gateway}.ROUND.txt.
# Exit status: 0 measured, 1 a phase had errors, 2 set-up error.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 BIN [STREAMS] [TOKENS] [DELAY_MS]" >&2
	exit 2
fi
BIN=$(readlink -f "$1")
N=${2:-1000}
TOK=${3:-20}
DELAY=${4:-50}
ROUNDS=${ROUNDS:-2}
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/build/bench/gateway.json
mkdir -p "$ROOT/build/bench"
make -s build/standin build/bench-loadgen >/dev/null
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((N * 2 + 100)) ] || ulimit -n $((N * 2 + 100))

TMP=$(mktemp -d /tmp/shuzhi-bench-gw.XXXXXX)
SD_PID= SZ_PID=
cleanup() {
	[ -z "${RR_SLICE:-}" ] || echo "$RR_SLICE" >/proc/sys/kernel/sched_rr_timeslice_ms
	[ -n "$SZ_PID" ] && kill "$SZ_PID" 2>/dev/null
	[ -n "$SD_PID" ] && kill "$SD_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

NICE=${NICE:-0}
RUN=(nice -n "$NICE")
RR_SLICE=
if [ "${RT:-0}" = 1 ]; then
	RUN=(chrt -r "${RT_PRIO:-10}")
	# Round-robin slices of 1 ms, not 100: three busy processes on two
	# CPUs would otherwise wait for each other 100 ms at a time.
	RR_SLICE=$(cat /proc/sys/kernel/sched_rr_timeslice_ms)
	echo 1 >/proc/sys/kernel/sched_rr_timeslice_ms
fi
RUN_LOAD=("${RUN[@]}")
RUN_GW=("${RUN[@]}")
if [ "${PIN:-0}" = 1 ]; then
	RUN_LOAD=(taskset -c 0 "${RUN[@]}")
	RUN_GW=(taskset -c 1 "${RUN[@]}")
fi
CG_OUT=$ROOT/build/bench/gateway.callgrind
if [ "${CALLGRIND:-0}" = 1 ]; then
	rm -f "$CG_OUT"
	RUN_GW+=(valgrind -q --tool=callgrind --instr-atstart=no ${CALLGRIND_OPTS:-} "--callgrind-out-file=$CG_OUT")
fi
"${RUN_LOAD[@]}" build/standin >"$TMP/standin.out" 2>&1 &
SD_PID=$!
for _ in $(seq 1 50); do
	SP=$(awk '/listening on/{print $4}' "$TMP/standin.out")
	[ -n "$SP" ] && break
	sleep 0.1
done
[ -n "$SP" ] || { echo "bench/gateway: stand-in did not start" >&2; exit 2; }

MODEL="stamp:tokens=$TOK:delay=$DELAY:keepalive=0"
export SHUZHI_DB=$TMP/shuzhi.db
PW='Bench-gateway-1!'
printf '%s\n' "$PW" | "$BIN" user add bench --role staff >/dev/null
# All streams come from one address: raise the per-IP connection limit.
printf '{"max_conns_per_ip":%d,"model":{"base_url":"http://127.0.0.1:%s/v1","model":"%s","max_streams":%d,"max_queue":%d}}\n' \
	$((N + 16)) "$SP" "$MODEL" "$N" "$N" >"$TMP/cfg.json"
"${RUN_GW[@]}" "$BIN" serve --config "$TMP/cfg.json" --listen 127.0.0.1:0 2>"$TMP/serve.log" &
SZ_PID=$!
for _ in $(seq 1 600); do
	GP=$(sed -n 's|.*正在监听 http://127.0.0.1:\([0-9][0-9]*\)/$|\1|p' "$TMP/serve.log")
	[ -n "$GP" ] && break
	sleep 0.1
done
[ -n "$GP" ] || { echo "bench/gateway: shuzhi serve did not start" >&2; exit 2; }
CSRF=$(curl -s --noproxy '*' -c "$TMP/jar" -H 'Content-Type: application/json' \
	-d "{\"username\":\"bench\",\"password\":\"$PW\"}" "http://127.0.0.1:$GP/api/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
COOKIE="sz_session=$(awk '$6=="sz_session"{print $7}' "$TMP/jar")"

cpu_s() { awk '{printf "%.2f", ($14+$15)/'"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
# Time spent runnable but waiting for a CPU (other processes on the box).
wait_s() { awk '{printf "%.2f", $2/1e9}' "/proc/$1/schedstat"; }
DIRECT_BODY="{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"你好\"}],\"stream\":true}"
rss_idle=$(awk '/VmRSS/{print $2}' /proc/$SZ_PID/status)
: >"$TMP/rounds"
for r in $(seq 1 "$ROUNDS"); do
	sd0=$(cpu_s $SD_PID)
	LG_DUMP=${DUMP:+$ROOT/build/bench/gateway.first.direct.$r.txt} \
		LG_RAMP_MS=${RAMP_MS:-} "${RUN_LOAD[@]}" build/bench-loadgen 127.0.0.1 "$SP" /v1/chat/completions "$N" "$DIRECT_BODY" >"$TMP/direct.json" || true
	sd1=$(cpu_s $SD_PID)
	g0=$(cpu_s $SZ_PID)
	s0=$(cpu_s $SD_PID)
	w0=$(wait_s $SZ_PID)
	# RSS sampled every 0.1 s during the phase (VmHWM would show the
	# argon2id login's 64 MiB instead).
	(while kill -0 $SZ_PID 2>/dev/null; do awk '/VmRSS/{print $2}' /proc/$SZ_PID/status; sleep 0.1; done) >"$TMP/rss.$r" &
	RSS_PID=$!
	PERF_PID=
	case "${PERF:-}" in
	record) perf record -q ${PERF_OPTS:---call-graph dwarf -F 2000} -p "$SZ_PID" -o "$ROOT/build/bench/gateway.perf.data.$r" 2>/dev/null & PERF_PID=$! ;;
	trace) perf trace -s -p "$SZ_PID" -o "$ROOT/build/bench/gateway.trace.$r.txt" 2>/dev/null & PERF_PID=$! ;;
	esac
	[ -z "$PERF_PID" ] || sleep 1
	[ "${CALLGRIND:-0}" = 1 ] && callgrind_control -i on "$SZ_PID" >/dev/null
	LG_DUMP=${DUMP:+$ROOT/build/bench/gateway.first.gateway.$r.txt} \
		LG_RAMP_MS=${RAMP_MS:-} "${RUN_LOAD[@]}" build/bench-loadgen 127.0.0.1 "$GP" /api/chat "$N" '{"message":"你好"}' "$COOKIE" "$CSRF" >"$TMP/gw.json" || true
	kill $RSS_PID 2>/dev/null
	wait $RSS_PID 2>/dev/null || true
	[ "${CALLGRIND:-0}" = 1 ] && callgrind_control -i off "$SZ_PID" >/dev/null
	if [ -n "$PERF_PID" ]; then
		kill -INT "$PERF_PID" 2>/dev/null
		wait "$PERF_PID" 2>/dev/null || true
	fi
	g1=$(cpu_s $SZ_PID)
	s1=$(cpu_s $SD_PID)
	w1=$(wait_s $SZ_PID)
	python3 - "$TMP/direct.json" "$TMP/gw.json" "$g0" "$g1" "$sd0" "$sd1" "$s0" "$s1" "$w0" "$w1" "$(cut -d' ' -f1 /proc/loadavg)" >>"$TMP/rounds" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); g = json.load(open(sys.argv[2]))
f = [float(x) for x in sys.argv[3:]]
print(json.dumps({"direct": d, "gateway": g, "gateway_cpu_s": round(f[1] - f[0], 2),
                  "standin_cpu_direct_s": round(f[3] - f[2], 2), "standin_cpu_gateway_s": round(f[5] - f[4], 2),
                  "gateway_runqueue_wait_s": round(f[7] - f[6], 2), "loadavg_1m": f[8]}))
PY
done
rss_peak=$(sort -n "$TMP"/rss.* | tail -n 1)
rows=$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM model_usage WHERE status='done'")
status=0
python3 - "$TMP/rounds" "$N" "$TOK" "$DELAY" "$rss_idle" "$rss_peak" "$rows" "$OUT" <<'PY' || status=$?
import json, sys
rounds = [json.loads(l) for l in open(sys.argv[1])]
n, tok, delay, rss_idle, rss_peak, rows, out = sys.argv[2:]
def added(r, k): return r["gateway"][k] - r["direct"][k]
rounds.sort(key=lambda r: added(r, "first_p99_ms"))
m = rounds[len(rounds) // 2]
res = {"streams": int(n), "tokens": int(tok), "delay_ms": int(delay), "rounds": len(rounds),
       "median_round": m, "all_added_first_p99_ms": [round(added(r, "first_p99_ms"), 3) for r in rounds],
       "added_first_p50_ms": round(added(m, "first_p50_ms"), 3), "added_first_p99_ms": round(added(m, "first_p99_ms"), 3),
       "added_token_p50_ms": round(added(m, "token_p50_ms"), 3), "added_token_p99_ms": round(added(m, "token_p99_ms"), 3),
       "gateway_rss_idle_mb": round(int(rss_idle) / 1024, 1), "gateway_rss_peak_mb": round(int(rss_peak) / 1024, 1),
       "usage_rows_done": int(rows)}
json.dump(res, open(out, "w"), indent=1)
d, g = m["direct"], m["gateway"]
import os
print(f"bench/gateway: {n} concurrent streams × {tok} tokens, {delay} ms apart (stand-in), opened "
      + (f"evenly over {os.environ['RAMP_MS']} ms" if os.environ.get("RAMP_MS") else "25 every 5 ms")
      + f", median of {len(rounds)} rounds, " + ("SCHED_RR" if os.environ.get("RT") == "1" else f"nice {os.environ.get('NICE', '0')}")
      + (", pinned (stand-in + loadgen CPU 0, gateway CPU 1)" if os.environ.get("PIN") == "1" else ""))
print(f"{'':24}{'direct':>12}{'gateway':>12}{'added':>10}")
for k, label in (("first_p50_ms", "first token p50 (ms)"), ("first_p99_ms", "first token p99 (ms)"),
                 ("fwd_p50_ms", " request → model p50"), ("fwd_p99_ms", " request → model p99"),
                 ("model1_p50_ms", " model's own p50"), ("model1_p99_ms", " model's own p99"),
                 ("relay1_p50_ms", " model → client p50"), ("relay1_p99_ms", " model → client p99"),
                 ("token_p50_ms", "per token p50 (ms)"), ("token_p99_ms", "per token p99 (ms)")):
    print(f"{label:24}{d[k]:12.3f}{g[k]:12.3f}{g[k]-d[k]:10.3f}")
print(f"{'streams ok/errors':24}{d['ok']:>8}/{d['errors']:<3}{g['ok']:>8}/{g['errors']:<3}")
print(f"CPU: gateway {m['gateway_cpu_s']} s for its phase (stand-in {m['standin_cpu_gateway_s']} s then, {m['standin_cpu_direct_s']} s direct)")
print(f"gateway waited {m['gateway_runqueue_wait_s']} s for a CPU (runnable, not running); load average {m['loadavg_1m']}")
print(f"RSS of shuzhi serve: idle {res['gateway_rss_idle_mb']} MB, peak {res['gateway_rss_peak_mb']} MB; usage rows {rows}")
print(f"added first-token p99 per round: {res['all_added_first_p99_ms']}")
sys.exit(0 if d["errors"] == 0 and g["errors"] == 0 else 1)
PY
if [ "${CALLGRIND:-0}" = 1 ]; then
	kill "$SZ_PID" 2>/dev/null
	wait "$SZ_PID" 2>/dev/null || true
	SZ_PID=
	ir=$(callgrind_annotate "$CG_OUT" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')
	echo "callgrind: gateway phases executed $ir instructions ($((ir / (N * ROUNDS))) per stream of $TOK tokens)"
	callgrind_annotate --threshold=90 "$CG_OUT" 2>/dev/null | sed -n '/^Ir/,$p' | head -n 30
fi
exit $status

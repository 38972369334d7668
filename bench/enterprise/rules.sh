#!/bin/bash
# bench/enterprise/rules.sh BIN
#
# A risk-rule change re-evaluates the warnings of every enterprise at once
# (issue 9): PUT /api/enterprise/rules stores the rules, writes a new
# warnings snapshot (kind "rules") and audits it in one transaction, while
# the request waits. This times that request on ENT_BENCH_SCALE enterprises
# (default 100,000; the same generated set as bench/enterprise/run.sh,
# cached in build/bench/) against, in the same run, the named baseline:
#   export: `BIN enterprise export --json` of the same database (load every
#           stored row, score and flag every enterprise, write the JSON) —
#           the work a re-evaluation cannot avoid.
# Two changes are timed (a change and the reset back to the defaults):
# curl's total time of the PUT, the server's own figure (reply
# "reevaluated.ms") and the server process's CPU seconds during the PUT
# (/proc/PID/stat); ratio = PUT CPU / export CPU (wall on a shared machine
# mostly measures the neighbours).
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 BIN" >&2
    exit 2
fi
BIN=$1
case $BIN in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
OUT="$REPO/build/bench"
TOOLS="$REPO/../shared/corpus/enterprises-dev/tools"
N=${ENT_BENCH_SCALE:-100000}
DIR="$OUT/enterprises-$N"
mkdir -p "$OUT"
if [ ! -f "$DIR/.done" ]; then
    echo "rules.sh: generating $N enterprises in $DIR ..." >&2
    rm -rf "$DIR"
    "$PY" "$TOOLS/gen_enterprises.py" --scale "$N" --out "$DIR" --jobs 2 -q >&2
    touch "$DIR/.done"
fi
WORK=$(mktemp -d /tmp/shuzhi-rules-bench.XXXXXX)
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
SERVER=
export SHUZHI_DB=$WORK/e.db
"$BIN" enterprise import "$DIR" --quiet --as-of 2025-06-30 >/dev/null
/usr/bin/time -f "%e %U %S" -o "$WORK/export.time" "$BIN" enterprise export --json --as-of 2025-06-30 >/dev/null
PW='Bench-rules-2025!'
printf '%s\n' "$PW" | "$BIN" user add boss --role admin >/dev/null
"$BIN" serve --listen 127.0.0.1:0 2>"$WORK/serve.log" &
SERVER=$!
for _ in $(seq 1 100); do
    PORT=$(sed -n 's|.*正在监听 http://127.0.0.1:\([0-9][0-9]*\)/$|\1|p' "$WORK/serve.log")
    [ -n "$PORT" ] && break
    sleep 0.1
done
URL=http://127.0.0.1:$PORT
CURL=(curl -s --noproxy '*' --max-time 600)
CSRF=$("${CURL[@]}" -c "$WORK/jar" -H 'Content-Type: application/json' \
    -d "{\"username\":\"boss\",\"password\":\"$PW\"}" "$URL/api/login" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
put() { # LABEL BODY
    local c0
    c0=$(cpu)
    "${CURL[@]}" -b "$WORK/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
        -X PUT -d "$2" -o "$WORK/$1.json" -w '%{time_total}' "$URL/api/enterprise/rules" >"$WORK/$1.wall"
    echo "$c0 $(cpu) $(getconf CLK_TCK)" >"$WORK/$1.cpu"
}
put change '{"rules":{"litigation_3_cases":{"threshold":2},"tax_grade_c":{"enabled":false},"abnormal_list":{"level":"red"}}}'
put reset '{"reset":true}'
"$PY" - "$N" "$WORK" <<'PYEOF'
import json, os, sys
n, w = int(sys.argv[1]), sys.argv[2]
ew, eu, es = map(float, open(w + "/export.time").read().split()[-3:])
export_cpu = eu + es
print("enterprises %d, load average %.1f; baseline export --json %.2f s wall, %.2f s CPU" % (n, os.getloadavg()[0], ew, export_cpu))
for label in ("change", "reset"):
    r = json.load(open("%s/%s.json" % (w, label)))["reevaluated"]
    wall = float(open("%s/%s.wall" % (w, label)).read())
    c0, c1, hz = map(float, open("%s/%s.cpu" % (w, label)).read().split())
    cpu = (c1 - c0) / hz
    print("  PUT rules (%s): %.2f s wall, %.2f s CPU (re-evaluation %.2f s wall in the server); %d warnings, %d new, %d cleared; ratio to export: %.2f (CPU), %.2f (wall)" % (
        label, wall, cpu, r["ms"] / 1000, r["warnings"], r["new"], r["cleared"], cpu / export_cpu, wall / ew))
PYEOF

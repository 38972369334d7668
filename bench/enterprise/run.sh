#!/bin/bash
# bench/enterprise/run.sh BIN
#
# Enterprise profiles benchmark (issue 9):
#   1. generates ENT_BENCH_SCALE enterprises (default 100,000) with the data
#      set's generator (../shared/corpus/enterprises-dev/tools/gen_enterprises.py,
#      dev dirt profile, seed 1) under build/bench/ (cached);
#   2. times `BIN enterprise import` into a fresh database, then the same
#      import again (idempotent: nothing written), wall and CPU seconds and
#      peak RSS (GNU time);
#   3. times `BIN enterprise export --json --as-of 2025-06-30`; the binary
#      reports its own split (SHUZHI_ENT_TIMING=1): loading the stored rows
#      vs scoring + flagging + writing the JSON;
#   4. the baseline: the data set's Python reference oracle (tools/oracle.py)
#      on the same folder in the same run — load (R1-R2) and compute (R3-R7)
#      timed separately — and whether the engine's results agree with it;
#   5. prints a table and writes build/bench/enterprise.json.
# ENT_BENCH_1M=1 also times import + export of 1,000,000 enterprises (no
# oracle; generation alone takes ~20 min on 2 cores).
# Run it on an idle machine: CPU seconds are printed next to wall seconds
# because wall time on a shared machine mostly measures the neighbours.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 BIN" >&2
    exit 2
fi
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
OUT="$REPO/build/bench"
TOOLS="$REPO/../shared/corpus/enterprises-dev/tools"
SCALE=${ENT_BENCH_SCALE:-100000}
AS_OF=2025-06-30
case $BIN in
    /*) ;;
    *) BIN="$(pwd)/$BIN" ;;
esac
if [ ! -f "$TOOLS/gen_enterprises.py" ]; then
    echo "run.sh: $TOOLS/gen_enterprises.py not found" >&2
    exit 2
fi
"$BIN" --version >/dev/null || exit 3
mkdir -p "$OUT"

gen() { # gen N -> folder
    local n=$1 dir="$OUT/enterprises-$1"
    if [ ! -f "$dir/.done" ]; then
        echo "run.sh: generating $n enterprises in $dir ..." >&2
        rm -rf "$dir"
        "$PY" "$TOOLS/gen_enterprises.py" --scale "$n" --out "$dir" --jobs 2 -q >&2
        touch "$dir/.done"
    fi
    echo "$dir"
}

# measure LABEL STDOUT_FILE CMD...: GNU time -> "wall user sys maxrss_kb"
measure() {
    local label=$1 out=$2
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.$label" "$@" >"$out"
    cat "$OUT/time.$label"
}

run_scale() {
    local n=$1 oracle=$2 dir db
    dir=$(gen "$n")
    db="$OUT/enterprise-$n.db"
    rm -f "$db" "$db-wal" "$db-shm"
    read -r iw iu is ir < <(measure "imp$n" "$OUT/import-$n.json" "$BIN" enterprise import "$dir" --db "$db" --quiet)
    read -r rw ru rs rr < <(measure "reimp$n" "$OUT/reimport-$n.json" "$BIN" enterprise import "$dir" --db "$db" --quiet)
    read -r ew eu es er < <(SHUZHI_ENT_TIMING=1 measure "exp$n" "$OUT/export-$n.json" \
        "$BIN" enterprise export --db "$db" --json --as-of "$AS_OF" 2>"$OUT/export-$n.timing")
    timing=$(grep enterprise-timing "$OUT/export-$n.timing" | sed 's/enterprise-timing: //')
    rows=$("$PY" -c 'import json,sys; print(sum(f["rows"] for f in json.load(open(sys.argv[1]))["import"]["files"].values()))' "$OUT/import-$n.json")
    written=$("$PY" -c 'import json,sys; f=json.load(open(sys.argv[1]))["import"]["files"].values(); print(sum(x["database"]["inserted"]+x["database"]["updated"] for x in f))' "$OUT/reimport-$n.json")
    orc="{}"
    if [ "$oracle" = 1 ]; then
        echo "run.sh: running the Python oracle on $n enterprises ..." >&2
        orc=$("$PY" "$HERE/oracle_time.py" --oracle-dir "$TOOLS" --set "$dir" --export "$OUT/export-$n.json" --as-of "$AS_OF")
    fi
    "$PY" - "$n" "$rows" "$written" "$iw $iu $is $ir" "$rw $ru $rs $rr" "$ew $eu $es $er" "$timing" "$orc" <<'PYEOF'
import json, sys, os
n, rows, written = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
iw, iu, is_, ir = map(float, sys.argv[4].split())
rw, ru, rs, rr = map(float, sys.argv[5].split())
ew, eu, es, er = map(float, sys.argv[6].split())
t = dict(kv.split("=") for kv in sys.argv[7].split())
orc = json.loads(sys.argv[8])
r = {"enterprises": n, "csv_rows": rows,
     "import": {"wall_s": iw, "cpu_s": round(iu + is_, 2), "peak_rss_mb": round(ir / 1024),
                "enterprises_per_min_wall": round(n / iw * 60), "enterprises_per_min_cpu": round(n / (iu + is_) * 60)},
     "reimport": {"wall_s": rw, "cpu_s": round(ru + rs, 2), "rows_written": written, "peak_rss_mb": round(rr / 1024)},
     "export": {"wall_s": ew, "cpu_s": round(eu + es, 2), "peak_rss_mb": round(er / 1024),
                "load_wall_s": float(t["load_s"]), "load_cpu_s": float(t["load_cpu_s"]),
                "score_flag_wall_s": float(t["eval_s"]), "score_flag_cpu_s": float(t["eval_cpu_s"])},
     "oracle": orc, "loadavg": os.getloadavg()[0]}
if orc:
    r["ratio_import_cpu"] = round(orc["load_cpu_s"] / r["import"]["cpu_s"], 1)
    r["ratio_score_flag_cpu"] = round(orc["compute_cpu_s"] / r["export"]["score_flag_cpu_s"], 1)
    r["ratio_end_to_end_cpu"] = round((orc["load_cpu_s"] + orc["compute_cpu_s"]) /
                                      (r["import"]["cpu_s"] + r["export"]["cpu_s"]), 1)
print(json.dumps(r))
PYEOF
}

results="["
r=$(run_scale "$SCALE" 1)
results="$results$r"
if [ "${ENT_BENCH_1M:-0}" = 1 ]; then
    r=$(run_scale 1000000 0)
    results="$results,$r"
fi
results="$results]"
echo "$results" >"$OUT/enterprise.json"
"$PY" - "$OUT/enterprise.json" <<'PYEOF'
import json, sys
for r in json.load(open(sys.argv[1])):
    i, x, o = r["import"], r["export"], r["oracle"]
    print("enterprises %d (%d CSV rows), load average %.1f" % (r["enterprises"], r["csv_rows"], r["loadavg"]))
    print("  import     wall %7.1f s  cpu %6.1f s  peak RSS %5d MB  -> %d enterprises/min (wall), %d/min (cpu)" % (
        i["wall_s"], i["cpu_s"], i["peak_rss_mb"], i["enterprises_per_min_wall"], i["enterprises_per_min_cpu"]))
    print("  re-import  wall %7.1f s  cpu %6.1f s  rows written %d" % (
        r["reimport"]["wall_s"], r["reimport"]["cpu_s"], r["reimport"]["rows_written"]))
    print("  export     wall %7.1f s  cpu %6.1f s  peak RSS %5d MB  (load %.2f s cpu, score+flag+JSON %.2f s cpu / %.2f s wall)" % (
        x["wall_s"], x["cpu_s"], x["peak_rss_mb"], x["load_cpu_s"], x["score_flag_cpu_s"], x["score_flag_wall_s"]))
    if o:
        print("  oracle     load %.1f s cpu, compute %.1f s cpu; engine agrees on %d / %d enterprises" % (
            o["load_cpu_s"], o["compute_cpu_s"], o.get("engine_agrees", 0), o["enterprises"]))
        print("  ratios (oracle cpu / shuzhi cpu): import %.1fx, score+flag %.1fx, end to end %.1fx" % (
            r["ratio_import_cpu"], r["ratio_score_flag_cpu"], r["ratio_end_to_end_cpu"]))
PYEOF

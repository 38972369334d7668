#!/bin/bash
# bench/enterprise/search.sh BIN
#
# Enterprise search and screening read with and without the indexes of
# migration 12 (ent_enterprise(ord), the trigram name index ent_name_fts):
#   1. the generated set of bench/enterprise/run.sh (ENT_BENCH_SCALE,
#      default 100,000 enterprises; generated when missing);
#   2. "after": `BIN enterprise import` into a fresh database (the schema
#      now, triggers keeping the name index); "before": the same import
#      into a fresh database whose migration-12 search objects were dropped
#      first — the import time with and without the triggers (GNU time);
#   3. search.py runs the search SQL of the code before (full scans, a sort
#      for the order) on "before" and the SQL now on "after" — the same
#      pages must come back — and prints medians and ratios;
#   4. writes build/bench/enterprise-search.json.
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
case $BIN in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
mkdir -p "$OUT"
dir="$OUT/enterprises-$SCALE"
if [ ! -f "$dir/.done" ]; then
    echo "search.sh: generating $SCALE enterprises in $dir ..." >&2
    rm -rf "$dir"
    "$PY" "$TOOLS/gen_enterprises.py" --scale "$SCALE" --out "$dir" --jobs 2 -q >&2
    touch "$dir/.done"
fi
after="$OUT/search-after.db"
before="$OUT/search-before.db"
rm -f "$after"* "$before"*
# before: a migrated database without the search objects, then the import
SHUZHI_DB=$before "$BIN" dept add 基准 >/dev/null
sqlite3 "$before" "DROP TRIGGER ent_name_ai; DROP TRIGGER ent_name_au; DROP TRIGGER ent_name_ad;
  DROP TABLE ent_name_fts; DROP INDEX ent_enterprise_ord;"
/usr/bin/time -f "%e %U %S %M" -o "$OUT/time.search-before" \
    "$BIN" enterprise import "$dir" --db "$before" --quiet --as-of 2025-06-30 >/dev/null
SHUZHI_DB=$after "$BIN" dept add 基准 >/dev/null
/usr/bin/time -f "%e %U %S %M" -o "$OUT/time.search-after" \
    "$BIN" enterprise import "$dir" --db "$after" --quiet --as-of 2025-06-30 >/dev/null
read -r bw bu bs br <"$OUT/time.search-before"
read -r aw au as ar <"$OUT/time.search-after"
"$PY" "$HERE/search.py" "$before" "$after" "${ENT_SEARCH_REPS:-5}" >"$OUT/search.tmp"
"$PY" - "$OUT/search.tmp" "$bw" "$bu" "$bs" "$aw" "$au" "$as" "$OUT/enterprise-search.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
bw, bu, bs, aw, au, as_ = map(float, sys.argv[2:8])
r["import"] = {"before_wall_s": bw, "before_cpu_s": round(bu + bs, 2),
               "after_wall_s": aw, "after_cpu_s": round(au + as_, 2),
               "cpu_ratio_after_before": round((au + as_) / (bu + bs), 2)}
json.dump(r, open(sys.argv[8], "w"), ensure_ascii=False, indent=1)
print("enterprises %d (name %s, uscc prefix %s), median of %d" % (
    r["enterprises"], r["query_name"], r["query_uscc"], r["repetitions"]))
print("%-24s %12s %12s %8s %9s" % ("case", "before_s", "after_s", "ratio", "matches"))
for k, c in r["cases"].items():
    print("%-24s %12.5f %12.5f %8s %9d" % (k, c["before_s"], c["after_s"], c["ratio"], c["matches"]))
i = r["import"]
print("import (triggers): before %.1f s wall / %.1f s CPU, after %.1f s wall / %.1f s CPU (CPU x%.2f)" % (
    i["before_wall_s"], i["before_cpu_s"], i["after_wall_s"], i["after_cpu_s"], i["cpu_ratio_after_before"]))
PYEOF

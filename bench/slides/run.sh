#!/bin/bash
# bench/slides/run.sh BIN [ITERS]
#
# Slides benchmark (called by `make bench` as bench/slides/run.sh build/shuzhi):
# the same 30-slide deck (bench/slides/deck.py: title, agenda, 3 sections, 15 bullet
# slides with notes, 3 tables, 3 native bar charts, 3 two-column slides, closing)
#   1. shuzhi in-process: outline -> parse -> layout/measure -> .pptx bytes
#      (build/bench-slides, bench/slides/inproc.c), median of ITERS after 3 warm-ups;
#   2. shuzhi CLI end to end (`BIN slides deck30.outline -o x.pptx`, process start
#      included), median of 10;
#   3. baseline: PptxGenJS (npm, bench/slides/node_modules from package-lock.json,
#      never needed by the product) building the same deck to a buffer inside one node
#      process, median of ITERS after 3 warm-ups; and `node pptxgenjs.mjs` end to end.
# Prints a table with the ratios and writes build/bench/slides.json. No model involved.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 BIN [ITERS]" >&2
	exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=$1
ITERS=${2:-30}
case $BIN in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
OUT="$REPO/build/bench"
INPROC="$REPO/build/bench-slides"
mkdir -p "$OUT"
if [ ! -x "$INPROC" ]; then
	make -C "$REPO" build/bench-slides >/dev/null
fi
if [ ! -d "$HERE/node_modules/pptxgenjs" ]; then
	echo "run.sh: installing PptxGenJS (npm ci in bench/slides)" >&2
	npm ci --prefix "$HERE" --no-audit --no-fund --loglevel=error >/dev/null
fi
/usr/bin/python3 "$HERE/deck.py" "$OUT"
read -r load_before _ </proc/loadavg

ours=$("$INPROC" --iters "$ITERS" "$OUT/deck30.outline")
our_ms=$(sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' <<<"$ours")
our_slides=$(sed -n 's/.*slides=\([0-9]*\).*/\1/p' <<<"$ours")
our_bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$ours")

cli=()
for _ in $(seq 1 10); do
	t0=$(date +%s%N)
	"$BIN" slides "$OUT/deck30.outline" -o "$OUT/deck30-shuzhi.pptx" 2>/dev/null
	cli+=($((($(date +%s%N) - t0) / 1000)))
done
cli_ms=$(printf '%s\n' "${cli[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int(NR/2)+1]/1000}')

theirs=$(node "$HERE/pptxgenjs.mjs" "$OUT/deck30.json" "$ITERS" "$OUT/deck30-pptxgenjs.pptx")
js_ms=$(/usr/bin/python3 -c 'import json,sys; print("%.3f" % json.loads(sys.argv[1])["median_ms"])' "$theirs")
js_bytes=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["bytes"])' "$theirs")
node_cli=()
for _ in $(seq 1 5); do
	t0=$(date +%s%N)
	node "$HERE/pptxgenjs.mjs" "$OUT/deck30.json" 1 >/dev/null
	node_cli+=($((($(date +%s%N) - t0) / 1000)))
done
node_ms=$(printf '%s\n' "${node_cli[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int(NR/2)+1]/1000}')
read -r load_after _ </proc/loadavg

ratio=$(awk -v a="$js_ms" -v b="$our_ms" 'BEGIN { printf "%.1f", a / b }')
ratio_cli=$(awk -v a="$node_ms" -v b="$cli_ms" 'BEGIN { printf "%.1f", a / b }')
printf '\n30-slide deck (%s slides written by shuzhi), median ms, load %s -> %s\n' "$our_slides" "$load_before" "$load_after"
printf '%-40s %10s %10s %8s\n' what shuzhi PptxGenJS ratio
printf '%-40s %10s %10s %8s\n' "in-process build to bytes (median of $ITERS)" "$our_ms" "$js_ms" "${ratio}x"
printf '%-40s %10s %10s %8s\n' "end to end, process start included" "$cli_ms" "$node_ms" "${ratio_cli}x"
printf '%-40s %10s %10s\n' ".pptx size (bytes)" "$our_bytes" "$js_bytes"
cat >"$OUT/slides.json" <<JSON
{"slides": $our_slides, "shuzhi_inproc_median_ms": $our_ms, "pptxgenjs_inproc_median_ms": $js_ms,
 "ratio_inproc": $ratio, "shuzhi_cli_median_ms": $cli_ms, "pptxgenjs_node_median_ms": $node_ms,
 "ratio_cli": $ratio_cli, "shuzhi_bytes": $our_bytes, "pptxgenjs_bytes": $js_bytes,
 "iters": $ITERS, "load_before": $load_before, "load_after": $load_after}
JSON
if awk -v a="$our_ms" 'BEGIN { exit !(a >= 50) }'; then
	echo "run.sh: over the 50 ms target" >&2
fi

# 4. The web editor's calls over HTTP (bench/slides/editor_calls.py): the release server on a
#    temp database, one keep-alive connection; the same deck through POST
#    /api/slides/preview and /api/slides/render, against GET /healthz (the bare round
#    trip) and the PptxGenJS in-process figure above, in this run.
HTTP_TMP=$(mktemp -d /tmp/shuzhi-bench-slides.XXXXXX)
printf 'Bench-2024!\n' | SHUZHI_DB="$HTTP_TMP/db" "$BIN" user add bench --role staff >/dev/null
SHUZHI_DB="$HTTP_TMP/db" "$BIN" serve --listen 127.0.0.1:0 2>"$HTTP_TMP/log" &
HTTP_PID=$!
trap 'kill "$HTTP_PID" 2>/dev/null; rm -rf "$HTTP_TMP"' EXIT
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's|.*正在监听 http://127.0.0.1:\([0-9][0-9]*\)/$|\1|p' "$HTTP_TMP/log")
	[ -n "$port" ] && break
	sleep 0.1
done
http=$(NO_PROXY='*' /usr/bin/python3 "$HERE/editor_calls.py" "http://127.0.0.1:$port" bench 'Bench-2024!' \
	"$OUT/deck30.outline" "$ITERS")
kill "$HTTP_PID"
wait "$HTTP_PID" 2>/dev/null || true
rm -rf "$HTTP_TMP"
h=() # healthz preview render
for k in healthz_ms preview_ms render_ms; do
	h+=("$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$http" "$k")")
done
ratio_http=$(awk -v a="$js_ms" -v b="${h[2]}" 'BEGIN { printf "%.1f", a / b }')
printf '\nover HTTP, one keep-alive connection, median of %s (ms)\n' "$ITERS"
printf '%-40s %10s\n' "GET /healthz (round trip)" "${h[0]}"
printf '%-40s %10s\n' "POST /api/slides/preview" "${h[1]}"
printf '%-40s %10s %10s %8s\n' "POST /api/slides/render (vs PptxGenJS)" "${h[2]}" "$js_ms" "${ratio_http}x"
echo "$http" >"$OUT/slides-http.json"

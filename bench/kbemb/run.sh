#!/bin/bash
# bench/kbemb/run.sh BIN [--vindex]
#
# Hybrid (BM25 + embeddings, reciprocal rank fusion) against BM25 alone on
# ../shared/corpus/laws and laws-queries-dev.jsonl, both in the same run.
# The embeddings come from the stand-in model server (build/standin):
# hashed character bigrams into 256 dimensions, NOT a semantic model, so the
# quality figures say how the fusion behaves with a weak vector ranking,
# not what a real embedding model (bge-m3 …) would give.
# Figures:
#   - ingest: `kb add` without and with --config (vectors for every chunk),
#     wall time, ratio;
#   - query latency in process (build/bench-kbemb): kb_search vs
#     kb_search_hybrid (brute-force cosine over every stored vector + RRF),
#     wall and CPU p50/p99, ratio; the query's own embedding request is
#     timed apart;
#   - quality: score_search.py on the two run files.
# Writes build/bench/kbemb.txt. Exit status: 0 measured; 2 set-up error.
#
# --vindex: the server's path only — one ingest with embeddings (kept in
# build/bench/kbemb-laws.db and reused when KBEMB_REUSE=1), then
# build/bench-kbemb --vindex: hybrid over the blob scan vs over the
# in-memory 8-bit copy (kb/vindex), CPU ratio, and how often the 8-bit
# cosine ranking equals the float one. Writes build/bench/kbemb-vindex.txt.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 BIN" >&2
	exit 2
fi
BIN=$1
MODE=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
OUT="$REPO/build/bench"
CORPUS="$REPO/../shared/corpus"
LAWS="$CORPUS/laws"
QUERIES="$CORPUS/laws-queries-dev.jsonl"
SCORER="$CORPUS/tools/score_search.py"
INPROC="$REPO/build/bench-kbemb"
STANDIN="$REPO/build/standin"
case $BIN in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
for f in "$BIN" "$INPROC" "$STANDIN"; do
	[ -x "$f" ] || { echo "run.sh: $f missing (make build/shuzhi build/bench-kbemb build/standin)" >&2; exit 2; }
done
[ -d "$LAWS" ] || { echo "run.sh: corpus not found at $LAWS" >&2; exit 2; }
mkdir -p "$OUT"
"$STANDIN" >"$OUT/kbemb-standin.out" 2>&1 &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in $(seq 1 50); do
	port=$(awk '/listening on/{print $4}' "$OUT/kbemb-standin.out")
	[ -n "$port" ] && break
	sleep 0.1
done
CFG="$OUT/kbemb-config.json"
printf '{"embedding":{"kind":"openai","base_url":"http://127.0.0.1:%s/v1","model":"hash-bigram","batch":64}}\n' \
	"$port" >"$CFG"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

if [ "$MODE" = --vindex ]; then
	DB="$OUT/kbemb-laws.db"
	if [ "${KBEMB_REUSE:-0}" != 1 ] || [ ! -s "$DB" ]; then
		echo "== ingest: with embeddings (stand-in)"
		rm -f "$DB" "$DB-wal" "$DB-shm"
		"$BIN" kb add laws "$LAWS" --db "$DB" --config "$CFG" --quiet
	fi
	echo "== queries in process: blob scan vs in-memory 8-bit copy"
	"$INPROC" "$DB" "$QUERIES" "$CFG" --iters 2 --vindex --run-hybrid "$OUT/kbemb-blob.run" \
		--run-memory "$OUT/kbemb-memory.run" | tee "$OUT/kbemb-vindex.txt"
	{
		echo "quality (stand-in vectors): blob $("$PY" "$SCORER" --queries "$QUERIES" --run "$OUT/kbemb-blob.run" | tail -1)"
		echo "quality (stand-in vectors): memory $("$PY" "$SCORER" --queries "$QUERIES" --run "$OUT/kbemb-memory.run" | tail -1)"
	} | tee -a "$OUT/kbemb-vindex.txt"
	echo "load average (1/5/15 min) at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" |
		tee -a "$OUT/kbemb-vindex.txt"
	exit 0
fi

echo "== ingest: BM25 only"
DB0="$OUT/kbemb-bm25.db"
rm -f "$DB0" "$DB0-wal" "$DB0-shm"
/usr/bin/time -f '%e' -o "$OUT/kbemb-ingest0.time" "$BIN" kb add laws "$LAWS" --db "$DB0" --quiet
echo "== ingest: with embeddings (stand-in)"
DB="$OUT/kbemb-laws.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
/usr/bin/time -f '%e' -o "$OUT/kbemb-ingest1.time" "$BIN" kb add laws "$LAWS" --db "$DB" \
	--config "$CFG" 2>"$OUT/kbemb-ingest1.err"
tail -2 "$OUT/kbemb-ingest1.err"
rm -f "$DB0" "$DB0-wal" "$DB0-shm"

echo "== queries in process"
"$INPROC" "$DB" "$QUERIES" "$CFG" --iters 5 --run-bm25 "$OUT/kbemb-bm25.run" \
	--run-hybrid "$OUT/kbemb-hybrid.run" | tee "$OUT/kbemb-inproc.txt"
q_bm=$("$PY" "$SCORER" --queries "$QUERIES" --run "$OUT/kbemb-bm25.run" | tail -1)
q_hy=$("$PY" "$SCORER" --queries "$QUERIES" --run "$OUT/kbemb-hybrid.run" | tail -1)
i0=$(cat "$OUT/kbemb-ingest0.time")
i1=$(cat "$OUT/kbemb-ingest1.time")
{
	echo
	echo "quality (stand-in hashed-bigram vectors, not a semantic model):"
	echo "  bm25   $q_bm"
	echo "  hybrid $q_hy"
	echo "ingest: bm25 ${i0} s, with embeddings ${i1} s, ratio $(awk -v a="$i1" -v b="$i0" 'BEGIN{printf "%.1f", a/b}')"
	echo "load average (1/5/15 min) at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
} | tee -a "$OUT/kbemb-inproc.txt"
cp "$OUT/kbemb-inproc.txt" "$OUT/kbemb.txt"

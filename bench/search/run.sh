#!/bin/bash
# bench/search/run.sh BIN
#
# Knowledge-base search benchmark over ../shared/corpus/laws (28 MB, ~1,580
# files) and the dev queries ../shared/corpus/laws-queries-dev.jsonl, with two
# baselines measured in the same run on the same machine:
#   - SQLite's built-in FTS5 trigram tokenizer over the very chunks Shuzhi
#     indexed (bench/search/trigram.py: OR of the query's trigrams, bm25);
#   - the jieba-segmented BM25 baseline of the corpus tools
#     (../shared/corpus/tools/bm25_baseline.py --tokenizer jieba, Debian
#     python3-jieba), and its character-bigram variant.
# Figures: index time (wall and CPU) and size; query latency p50/p99 in
# process (build/bench-search: kb_search only, wall and CPU time, 5 runs of
# every query after a warm-up run) and per CLI process (score_search.py);
# quality with score_search.py. Writes build/bench/search.json.
# Exit status: 0 measured; 2 set-up error.
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
CORPUS="$REPO/../shared/corpus"
LAWS="$CORPUS/laws"
QUERIES="$CORPUS/laws-queries-dev.jsonl"
SCORER="$CORPUS/tools/score_search.py"
INPROC="$REPO/build/bench-search"
case $BIN in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
for f in "$BIN" "$INPROC"; do
	[ -x "$f" ] || { echo "run.sh: $f missing (make build/shuzhi build/bench-search)" >&2; exit 2; }
done
[ -d "$LAWS" ] || { echo "run.sh: corpus not found at $LAWS" >&2; exit 2; }
"$PY" -c 'import jieba' 2>/dev/null || { echo "run.sh: apt-get install python3-jieba" >&2; exit 2; }
mkdir -p "$OUT"
DB="$OUT/search-laws.db"
score() { "$PY" "$SCORER" --queries "$QUERIES" --run "$1" | tail -1; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== shuzhi: index"
rm -f "$DB" "$DB-wal" "$DB-shm"
/usr/bin/time -f '%e %U %S %M' -o "$OUT/search-index.time" "$BIN" kb add laws "$LAWS" --db "$DB" --quiet
read -r idx_wall idx_user idx_sys idx_rss <"$OUT/search-index.time"
"$PY" - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()
PY
idx_mb=$(du -m "$DB" | cut -f1)
echo "== shuzhi: queries in process"
inproc=$("$INPROC" "$DB" "$QUERIES" --iters 5 --run "$OUT/search-shuzhi.run")
echo "$inproc"
q_shuzhi=$(score "$OUT/search-shuzhi.run")
echo "== shuzhi: one CLI process per query"
SHUZHI_DB="$DB" "$PY" "$SCORER" --queries "$QUERIES" --cmd "$BIN search --json --limit 10 {query}" \
	>"$OUT/search-cli.txt"
cli_lat=$(sed -n 's/^latency: //p' "$OUT/search-cli.txt")

echo "== baseline: SQLite trigram tokenizer"
tri=$("$PY" "$HERE/trigram.py" "$DB" "$OUT/search-trigram.db" "$QUERIES" "$OUT/search-trigram.run")
echo "$tri"
q_tri=$(score "$OUT/search-trigram.run")

for tok in jieba bigram; do
	echo "== baseline: bm25_baseline.py --tokenizer $tok (index built fresh)"
	rm -rf "$OUT/bm25-cache-$tok"
	/usr/bin/time -f '%e %U %S' -o "$OUT/search-$tok.time" "$PY" "$CORPUS/tools/bm25_baseline.py" \
		--corpus "$LAWS" --tokenizer "$tok" --cache-dir "$OUT/bm25-cache-$tok" build >/dev/null 2>&1
	"$PY" "$CORPUS/tools/bm25_baseline.py" --corpus "$LAWS" --tokenizer "$tok" \
		--cache-dir "$OUT/bm25-cache-$tok" batch --queries "$QUERIES" --out "$OUT/search-$tok.run" 2>/dev/null
done

echo "load average (1/5/15 min) at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
"$PY" - "$OUT" "$idx_wall" "$idx_user" "$idx_sys" "$idx_rss" "$idx_mb" "$inproc" "$q_shuzhi" \
	"$cli_lat" "$tri" "$q_tri" "$(score "$OUT/search-jieba.run")" "$(score "$OUT/search-bigram.run")" <<'PY'
import json, os, re, sys
(out, iw, iu, isy, irss, imb, inproc, qs, cli, tri, qt, qj, qb) = sys.argv[1:]
kv = lambda s: {k: float(v) for k, v in re.findall(r'(\w+[@\w]*)=([0-9.]+)', s)}
ip, sq, tr, tq, jq, bq = kv(inproc), kv(qs), kv(tri), kv(qt), kv(qj), kv(qb)
def base(tok):
    w, u, s = open(os.path.join(out, 'search-%s.time' % tok)).read().split()[:3]
    secs = sorted(json.loads(l)['secs'] * 1000 for l in open(os.path.join(out, 'search-%s.run' % tok)))
    return float(w), float(u) + float(s), secs[len(secs) // 2], secs[min(len(secs) - 1, len(secs) * 99 // 100)]
jw, jc, jp50, jp99 = base('jieba')
bw, bc, bp50, bp99 = base('bigram')
rows = [
    ('shuzhi (cjk FTS5 + re-rank)', float(iw), float(iu) + float(isy), ip['p50_ms'], ip['p99_ms'], sq),
    ('sqlite trigram FTS5', tr['index_s'], None, tr['p50_ms'], tr['p99_ms'], tq),
    ('bm25_baseline jieba (python)', jw, jc, jp50, jp99, jq),
    ('bm25_baseline bigram (python)', bw, bc, bp50, bp99, bq),
]
print()
print('%-31s %8s %8s %8s %8s %7s %7s %7s %7s' % ('engine', 'index s', 'idx cpu', 'p50 ms', 'p99 ms',
                                                  'doc@5', 'art@5', 'ndcg', 'mrr'))
for n, w, c, p50, p99, q in rows:
    print('%-31s %8.1f %8s %8.2f %8.2f %7.3f %7.3f %7.3f %7.3f' % (
        n, w, '-' if c is None else '%.1f' % c, p50, p99, q['doc_recall@5'], q['art_recall@5'],
        q['ndcg@10'], q['mrr']))
print()
print('shuzhi in process: CPU p50 %.2f ms, p99 %.2f ms; index %s MB, peak RSS %.0f MB; CLI per process: %s' % (
    ip['cpu_p50_ms'], ip['cpu_p99_ms'], imb, float(irss) / 1024, cli))
print('ratios: p50 latency trigram/shuzhi %.1fx, jieba/shuzhi %.1fx; index time trigram/shuzhi %.1fx, jieba/shuzhi %.1fx' % (
    tr['p50_ms'] / ip['p50_ms'], jp50 / ip['p50_ms'], tr['index_s'] / float(iw), jw / float(iw)))
print('targets: index < 30 s: %s; p50 < 5 ms: %s (wall) / %s (CPU); p99 < 20 ms: %s (wall) / %s (CPU)' % (
    float(iw) < 30, ip['p50_ms'] < 5, ip['cpu_p50_ms'] < 5, ip['p99_ms'] < 20, ip['cpu_p99_ms'] < 20))
json.dump({'rows': [dict(engine=n, index_s=w, index_cpu_s=c, p50_ms=p50, p99_ms=p99, quality=q)
                    for n, w, c, p50, p99, q in rows],
           'shuzhi_cpu_p50_ms': ip['cpu_p50_ms'], 'shuzhi_cpu_p99_ms': ip['cpu_p99_ms'],
           'index_mb': float(imb), 'cli_latency': cli}, open(os.path.join(out, 'search.json'), 'w'), indent=1)
PY

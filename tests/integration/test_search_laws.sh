#!/usr/bin/env bash
# Gate of issue 7 on the development set: ingest ../shared/corpus/laws with
# `shuzhi kb add`, run ../shared/corpus/tools/score_search.py over
# laws-queries-dev.jsonl with `shuzhi search --json --limit 10 {query}`,
# FAIL below document recall@5 0.90 or article recall@5 0.75 (no model).
# Uses the release binary (SHUZHI_REL_BIN): ingesting 28 MB under ASan would
# take most of the CI budget; the sanitizer build runs the same code paths on
# small inputs in test_kb_cli.sh.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
REL=${SHUZHI_REL_BIN:-build/shuzhi}
laws="$SHARED/corpus/laws"
queries="$SHARED/corpus/laws-queries-dev.jsonl"
scorer="$SHARED/corpus/tools/score_search.py"
if [ ! -d "$laws" ] || [ ! -f "$queries" ] || [ ! -x "$REL" ]; then
	fail search_laws_setup "missing $laws, $queries or $REL"
	exit 1
fi
db="$TMP/laws.db"
start=$(date +%s.%N)
if "$REL" kb add laws "$laws" --db "$db" --quiet; then
	ok search_laws_ingest
else
	fail search_laws_ingest "kb add exited $?"
	exit 1
fi
echo "indexed in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"
SHUZHI_DB="$db" /usr/bin/python3 "$scorer" --queries "$queries" --jobs 2 \
	--cmd "$REL search --json --limit 10 {query}" \
	--json-out tests/artifacts/search-score.json >tests/artifacts/search-score.txt 2>&1
cat tests/artifacts/search-score.txt
last=$(tail -1 tests/artifacts/search-score.txt)
read -r doc art < <(echo "$last" |
	sed -E 's/doc_recall@5=([0-9.]+) art_recall@5=([0-9.]+).*/\1 \2/')
ge() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a+0 >= b+0)}'; }
check search_doc_recall5_ge_0.90 ge "${doc:-0}" 0.90
check search_art_recall5_ge_0.75 ge "${art:-0}" 0.75
if grep -q 'errors: 0$' tests/artifacts/search-score.txt; then
	ok search_no_errors
else
	fail search_no_errors "$(grep '^queries:' tests/artifacts/search-score.txt)"
fi

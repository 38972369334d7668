#!/usr/bin/env bash
# Hybrid search on the server (src/server/kb_hybrid.c): with an "embedding"
# provider configured (the stand-in's hashed-bigram vectors, NOT a semantic
# model), the portal's search and answer embed the question on the event
# loop and report "mode":"hybrid"; a question no keyword matches still
# finds passages by vector; a document added through the CLI (another
# process) while the server runs is found first (the server's in-memory
# copy follows the store's vector generation: with a copy that is never
# reloaded this check fails), and once removed it is gone while the search
# stays hybrid;
# with the stand-in stopped the answer is the keyword results with
# "mode":"bm25" and a Chinese note, equal to the CLI's BM25; an endpoint
# that never answers costs at most the short wait; with no embedding
# provider the replies carry no mode.
# Speed: ingest with the release binary (SHUZHI_REL_BIN) on 社会法 (31
# files); the first server (every hybrid path) is the sanitizer build, the
# two short ones after it (endpoint hanging, no endpoint) the release build.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
REL=${SHUZHI_REL_BIN:-build/shuzhi}
laws="$SHARED/corpus/laws"
if [ ! -d "$laws" ] || [ ! -x "$REL" ]; then
	fail kb_hybrid_setup "missing $laws or $REL"
	exit 1
fi
if ! start_standin; then
	fail kb_hybrid_standin "the stand-in did not start"
	exit 1
fi
trap 'kill $STANDIN_PID ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
export SHUZHI_DB=$TMP/shuzhi.db
CURL=(curl -s --noproxy '*' --max-time 20)
emb() { # emb FILE MODEL
	printf '{"embedding":{"kind":"openai","base_url":"%s/v1","model":"%s","batch":32,"retries":1,"retry_base_ms":10,"timeout_s":10}}\n' \
		"$SURL" "$2" >"$1"
}
emb "$TMP/e.json" hash-bigram
emb "$TMP/hang.json" hang
mkdir -p "$TMP/corpus"
cp -r "$laws/社会法" "$TMP/corpus/"
"$REL" kb add laws "$TMP/corpus" --visibility public --config "$TMP/e.json" --quiet 2>"$TMP/add.err"
check kb_hybrid_ingest test $? = 0
start_server "$TMP/serve.log" --config "$TMP/e.json" || exit 1
URL=http://127.0.0.1:$PORT
enc() { python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
search() { # search QUESTION OUT: the portal's JSON
	"${CURL[@]}" -o "$2" "$URL/api/portal/search?q=$(enc "$1")"
}
# jq-like checks in one python3 per file
js() { # js FILE EXPR
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}

# ---- hybrid ----
Q1='劳动者在试用期内被解除劳动合同怎么办'
search "$Q1" "$TMP/h1.json"
check kb_hybrid_mode_reported js "$TMP/h1.json" "j.get('mode')=='hybrid' and j.get('mode_note')=='' and len(j['results'])>0"
"${CURL[@]}" -N "$URL/api/portal/answer?q=$(enc "$Q1")" >"$TMP/a1.sse"
check kb_hybrid_answer_same_mode grep -q '^data: {"cited":[0-9]*,"model":false,"mode":"hybrid"' "$TMP/a1.sse"

# A question no keyword of the corpus matches: BM25 finds nothing, the
# vector ranking still returns passages.
Q2='喵呜嘤嘤噗噗'
"$REL" search --db "$SHUZHI_DB" --json --limit 5 "$Q2" >"$TMP/bm2.json"
search "$Q2" "$TMP/h2.json"
check kb_hybrid_bm25_finds_nothing js "$TMP/bm2.json" "len(j['results'])==0"
check kb_hybrid_vector_only_match js "$TMP/h2.json" "j['mode']=='hybrid' and len(j['results'])>0"

# ---- the vectors change under the running server (another process) ----
cat >"$TMP/corpus/社会法/喵呜嘤嘤条例.md" <<'EOF'
# 喵呜嘤嘤噗噗管理条例

第一条 喵呜嘤嘤噗噗应当登记。

第二条 嘤嘤噗噗由喵呜部门负责。
EOF
"$REL" kb add laws "$TMP/corpus" --config "$TMP/e.json" --quiet 2>>"$TMP/add.err"
Q3='喵呜嘤嘤噗噗如何登记'
search "$Q3" "$TMP/h3.json"
check kb_hybrid_new_vectors_seen js "$TMP/h3.json" "j['mode']=='hybrid' and j['results'] and j['results'][0]['file'].endswith('喵呜嘤嘤条例.md')"
rm "$TMP/corpus/社会法/喵呜嘤嘤条例.md"
"$REL" kb add laws "$TMP/corpus" --config "$TMP/e.json" --quiet 2>>"$TMP/add.err"
Q4='喵呜嘤嘤噗噗由哪个部门负责'
st=$("${CURL[@]}" -o "$TMP/h4.json" -w '%{http_code}' "$URL/api/portal/search?q=$(enc "$Q4")")
check kb_hybrid_removed_vectors_gone js "$TMP/h4.json" "'$st'=='200' and j['mode']=='hybrid' and len(j['results'])>0 and not any('喵呜' in r['file'] for r in j['results'])"

# ---- the stand-in stopped: keyword results, said so ----
kill "$STANDIN_PID"
wait "$STANDIN_PID" 2>/dev/null
Q5='用人单位拖欠工资的法律责任'
search "$Q5" "$TMP/d5.json"
"$REL" search --db "$SHUZHI_DB" --json --limit 10 "$Q5" >"$TMP/bm5.json"
check kb_hybrid_down_bm25 js "$TMP/d5.json" "j.get('mode')=='bm25' and '仅用关键词检索' in j.get('mode_note','') and len(j['results'])>0"
python3 - "$TMP/d5.json" "$TMP/bm5.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
got = [(r['file'], r['article']) for r in d['results']]
want = [(r['file'], r['article']) for r in b['results']][:len(got)]
print("ok kb_hybrid_down_equals_cli_bm25" if got == want and got else
      "FAIL kb_hybrid_down_equals_cli_bm25: %s vs %s" % (got[:3], want[:3]))
PY
"${CURL[@]}" -N "$URL/api/portal/answer?q=$(enc "$Q5")" >"$TMP/a5.sse"
check kb_hybrid_down_answer_bm25 grep -q '"mode":"bm25"' "$TMP/a5.sse"
# A question asked before the outage keeps its vector (search and answer
# number the same passages).
search "$Q1" "$TMP/h1b.json"
check kb_hybrid_cached_vector_kept js "$TMP/h1b.json" "j['mode']=='hybrid' and [r['file'] for r in j['results']]==[r['file'] for r in json.load(open('$TMP/h1.json'))['results']]"
kill "$SERVER"
wait "$SERVER" 2>/dev/null

# ---- an endpoint that never answers: the short wait, then BM25 ----
start_standin || exit 1
emb "$TMP/hang.json" hang
ASAN_BIN=$BIN
BIN=$REL
start_server "$TMP/serve2.log" --config "$TMP/hang.json" || exit 1
URL=http://127.0.0.1:$PORT
search "$Q5" "$TMP/g5.json"
check kb_hybrid_hang_bm25 js "$TMP/g5.json" "j.get('mode')=='bm25' and '未及时响应' in j['mode_note'] and len(j['results'])>0"
search "$Q1" "$TMP/g1.json"
check kb_hybrid_hang_then_no_wait js "$TMP/g1.json" "j.get('mode')=='bm25' and '不可用' in j['mode_note']"
kill "$SERVER"
wait "$SERVER" 2>/dev/null

# ---- no embedding provider: as before, no mode ----
start_server "$TMP/serve3.log" || exit 1
URL=http://127.0.0.1:$PORT
search "$Q5" "$TMP/n5.json"
check kb_hybrid_none_no_mode js "$TMP/n5.json" "'mode' not in j and 'mode_note' not in j and len(j['results'])>0"
kill "$SERVER"
wait "$SERVER" 2>/dev/null
BIN=$ASAN_BIN
check kb_hybrid_asan_clean test -z "$(grep -hE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$TMP"/serve.log)"

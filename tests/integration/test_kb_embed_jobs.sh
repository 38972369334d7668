#!/usr/bin/env bash
# The server computes chunk vectors (src/server/api_kb_jobs.c): with an
# "embedding" provider in the live configuration (the stand-in's
# hashed-bigram vectors, NOT a semantic model), an upload or reindex job,
# after ingesting the text, embeds the kb's missing chunks on the worker
# and reports "向量 N/M"; the portal's search is then hybrid. With the
# stand-in stopped the job still succeeds (the text indexed) with a Chinese
# note that vectors are missing, and the search says it fell back to BM25.
# A server stopped while the endpoint hangs cancels the request in flight
# and exits (the bound below is the test's patience, not a performance
# figure: without the cancel it waits out the 600 s request timeout).
# Jobs are kept in the database (migration 18): after a restart the
# finished ones are still there, one running at the stop shows 已中断 with
# its reason.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

if ! start_standin; then
	fail kbemb_standin "the stand-in did not start"
	exit 1
fi
trap 'kill $STANDIN_PID ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 60)
JSON=(-H 'Content-Type: application/json')
emb() { # emb FILE MODEL
	printf '{"embedding":{"kind":"openai","base_url":"%s/v1","model":"%s","batch":4,"retries":0,"retry_base_ms":10,"timeout_s":600}}\n' \
		"$SURL" "$2" >"$1"
}
emb "$TMP/e.json" "hash-bigram:delay=250"
printf '%s\n' "$PW" | "$BIN" user add admin --role admin >/dev/null

start_server "$TMP/serve.log" --config "$TMP/e.json" || exit 1
URL=http://127.0.0.1:$PORT
CSRF=$("${CURL[@]}" -c "$TMP/jar" "${JSON[@]}" -d "{\"username\":\"admin\",\"password\":\"$PW\"}" "$URL/api/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
AUTH=(-b "$TMP/jar" -H "X-CSRF-Token: $CSRF")
req() { # METHOD PATH [JSON]: status on stdout, body in $TMP/body
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' -X "$1" "${AUTH[@]}" ${3:+"${JSON[@]}" -d "$3"} "$URL$2"
}
up() { # KBID NAME FILE [QUERY]
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "${AUTH[@]}" -H 'Content-Type: application/octet-stream' \
		-H "X-File-Name: $(enc "$2")" --data-binary "@$3" "$URL/api/kb/$1/upload${4:-}"
}
enc() { python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
js() { # js FILE EXPR
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}
jb() { python3 -c "import json; j=json.load(open('$TMP/body')); print($1)"; }
wait_job() { # JOBID: until it ends (bounded polls); the job in $TMP/job, progress texts in $TMP/seen
	: >"$TMP/seen"
	for _ in $(seq 1 1200); do
		"${CURL[@]}" -o "$TMP/job" "${AUTH[@]}" "$URL/api/kb/jobs/$1"
		python3 -c "import json,sys; j=json.load(open('$TMP/job'))['job']; print(j['progress_text']); sys.exit(j['state'] in ('queued','running'))" >>"$TMP/seen" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
vecs() { sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM kb_vec v JOIN kb_chunk c ON c.id=v.chunk_id JOIN kb_doc d ON d.id=c.doc_id WHERE d.kb_id=$KB"; }
chunks() { sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM kb_chunk c JOIN kb_doc d ON d.id=c.doc_id WHERE d.kb_id=$KB"; }

st=$(req POST /api/kb '{"name":"公开法规","visibility":"public"}')
check kbemb_create_201 [ "$st" = 201 ]
KB=$(jb 'j["id"]')

# ---- an upload through the server: the vectors appear, the search is hybrid ----
# (a law of 39 articles: with batch 4 the vectors take several requests)
LAW=$(find "$SHARED/corpus/laws" -name '*.md' ! -name '_*' -size +8k | sort | head -1)
cp "$LAW" "$TMP/law.md"
st=$(up "$KB" 法律.md "$TMP/law.md" '?async=1')
check kbemb_upload_202 [ "$st" = 202 ]
J1=$(jb 'j["job"]["id"]')
wait_job "$J1"
N=$(chunks)
check kbemb_job_done_with_vectors js "$TMP/job" "j['job']['state']=='done' and 'note' not in j['job'] and j['job']['progress']['vectors']=={'done':$N,'total':$N} and $N>4"
check kbemb_vectors_stored test "$(vecs)" = "$N"
check kbemb_progress_vectors_reported grep -q '^向量 ' "$TMP/seen"
check kbemb_upload_audited_with_vectors test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM audit_log WHERE action='kb.upload' AND detail LIKE '%\"vectors\":{\"done\":$N,\"total\":$N}%'")" = 1
TITLE=$(sed -n 's/^# *//p' "$TMP/law.md" | head -1)
"${CURL[@]}" -o "$TMP/s1.json" "$URL/api/portal/search?q=$(enc "$TITLE")"
check kbemb_search_hybrid js "$TMP/s1.json" "j.get('mode')=='hybrid' and j.get('mode_note')=='' and len(j['results'])>0"
# a small upload waits for its job (vectors included) and replies 201
printf '# 喵呜登记办法\n\n第一条 喵呜嘤嘤应当登记。\n\n第二条 登记由喵呜部门负责。\n' >"$TMP/m.md"
st=$(up "$KB" 喵呜登记办法.md "$TMP/m.md")
check kbemb_sync_upload_201_no_note bash -c "[ $st = 201 ] && ! grep -q '\"note\"' '$TMP/body'"
check kbemb_sync_upload_vectors test "$(vecs)" = "$(chunks)"

# ---- the stand-in stopped: the job succeeds, the text indexed, a note ----
kill "$STANDIN_PID"
wait "$STANDIN_PID" 2>/dev/null
printf '# 噗噗管理规定\n\n第一条 噗噗应当备案。\n\n第二条 噗噗备案由噗噗部门负责。\n' >"$TMP/p.md"
st=$(up "$KB" 噗噗管理规定.md "$TMP/p.md" '?async=1')
J2=$(jb 'j["job"]["id"]')
wait_job "$J2"
check kbemb_down_job_done_with_note js "$TMP/job" "j['job']['state']=='done' and '向量未能计算' in j['job']['note'] and 'BM25' in j['job']['note'] and j['job']['stats']['added']==1"
check kbemb_down_text_indexed test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM kb_doc WHERE kb_id=$KB AND relpath LIKE '%噗噗管理规定.md'")" = 1
check kbemb_down_vectors_missing test "$(vecs)" -lt "$(chunks)"
check kbemb_down_note_audited test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM audit_log WHERE action='kb.upload' AND detail LIKE '%向量未能计算%'")" = 1
"${CURL[@]}" -o "$TMP/s2.json" "$URL/api/portal/search?q=$(enc '噗噗备案由哪个部门负责')"
check kbemb_down_search_bm25 js "$TMP/s2.json" "j.get('mode')=='bm25' and '仅用关键词检索' in j['mode_note'] and j['results'] and j['results'][0]['file'].endswith('噗噗管理规定.md')"
kill "$SERVER"
wait "$SERVER" 2>/dev/null
SERVER=

# ---- the endpoint hangs: a stop cancels the request in flight ----
start_standin || exit 1
emb "$TMP/hang.json" hang
start_server "$TMP/serve2.log" --config "$TMP/hang.json" || exit 1
URL=http://127.0.0.1:$PORT
CSRF=$("${CURL[@]}" -c "$TMP/jar" "${JSON[@]}" -d "{\"username\":\"admin\",\"password\":\"$PW\"}" "$URL/api/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
AUTH=(-b "$TMP/jar" -H "X-CSRF-Token: $CSRF")
st=$(req POST "/api/kb/$KB/reindex")
J3=$(jb 'j["job"]["id"]')
for _ in $(seq 1 600); do
	"${CURL[@]}" -o "$TMP/job" "${AUTH[@]}" "$URL/api/kb/jobs/$J3"
	js "$TMP/job" "j['job']['progress_text'].startswith('向量')" && break
	sleep 0.05
done
check kbemb_hang_job_in_vectors js "$TMP/job" "j['job']['state']=='running' and j['job']['progress_text'].startswith('向量 0/')"
kill -TERM "$SERVER"
for _ in $(seq 1 600); do
	kill -0 "$SERVER" 2>/dev/null || break
	sleep 0.1
done
check kbemb_hang_stop_exits bash -c "! kill -0 $SERVER 2>/dev/null"
wait "$SERVER"
check kbemb_hang_stop_clean_exit test $? -eq 0
SERVER=
check kbemb_hang_stop_audited test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM audit_log WHERE action='kb.reindex' AND detail LIKE '%服务正在停止，向量未算完%'")" = 1
# ---- jobs after a restart: still there; one cut short by a crash 已中断 ----
start_server "$TMP/serve3.log" --config "$TMP/hang.json" || exit 1
URL=http://127.0.0.1:$PORT
st=$(req GET "/api/kb/jobs/$J1")
check kbemb_restart_job_kept bash -c "[ $st = 200 ]" && check kbemb_restart_job_kept_done js "$TMP/body" "j['job']['state']=='done' and j['job']['id']==$J1 and j['job']['progress']['vectors']['done']==$N and j['job']['stats']['added']==1"
st=$(req GET "/api/kb/jobs/$J3")
check kbemb_restart_stopped_job_note js "$TMP/body" "j['job']['state']=='done' and '服务正在停止' in j['job']['note']"
st=$(req GET "/api/kb/$KB/jobs")
check kbemb_restart_list js "$TMP/body" "[x['id'] for x in j['jobs']][:1]==[$J1] and {$J1,$J2,$J3} <= {x['id'] for x in j['jobs']} and len(j['jobs'])==4"
st=$(req POST "/api/kb/$KB/reindex")
J4=$(jb 'j["job"]["id"]')
check kbemb_new_id_after_restart test "$J4" -gt "$J3"
for _ in $(seq 1 600); do
	"${CURL[@]}" -o "$TMP/job" "${AUTH[@]}" "$URL/api/kb/jobs/$J4"
	js "$TMP/job" "j['job']['progress_text'].startswith('向量')" && break
	sleep 0.05
done
kill -KILL "$SERVER"
wait "$SERVER" 2>/dev/null
SERVER=
check kbemb_crash_row_running test "$(sqlite3 "$SHUZHI_DB" "SELECT state FROM kb_job WHERE id=$J4")" = running
start_server "$TMP/serve4.log" || exit 1
URL=http://127.0.0.1:$PORT
st=$(req GET "/api/kb/jobs/$J4")
check kbemb_crash_job_interrupted js "$TMP/body" "j['job']['state']=='interrupted' and j['job']['state_text']=='已中断' and '中断' in j['job']['error'] and j['job']['kind']=='reindex'"
check kbemb_crash_audited test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM audit_log WHERE action='kb.jobs_interrupted' AND detail LIKE '%[$J4]%'")" = 1
check kbemb_audit_chain "$BIN" audit verify --db "$SHUZHI_DB"
kill "$SERVER"
wait "$SERVER" 2>/dev/null
SERVER=
check kbemb_asan_clean test -z "$(grep -hE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$TMP"/serve*.log)"

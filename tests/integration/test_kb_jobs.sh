#!/usr/bin/env bash
# Knowledge-base jobs (src/server/api_kb_jobs.c): reindexing and uploads
# run on the worker pool. A reindex of a sizeable kb (two folders of the
# laws corpus, 57 files, every one changed) replies 202 with a job at
# once; /healthz and the job itself are answered while it runs (ordering:
# the job is seen unfinished after /healthz replied — no timing
# thresholds); its progress grows and ends "done" with the counts the
# database holds; a second reindex meanwhile gets 409; a failing PDF
# upload job reports its Chinese reason and leaves the kb as it was;
# another department's users get 403/404; a server stopped during a
# reindex exits, the files read so far committed (one transaction per file),
# the rest read by the next reindex, the database sound.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 60)
JSON=(-H 'Content-Type: application/json')
"$BIN" dept add 政务办 >/dev/null
"$BIN" dept add 司法局 >/dev/null
add_user() { printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" ${3:+--dept "$3"} >/dev/null; }
add_user admin admin
add_user guard guardian 政务办
add_user staff1 staff 政务办
add_user guard2 guardian 司法局
add_user aud auditor

mkdir -p "$TMP/laws"
for d in 民法商法 社会法; do cp -r "$SHARED/corpus/laws/$d" "$TMP/laws/"; done
NFILES=$(find "$TMP/laws" -type f -name '*.md' ! -name '_*' | wc -l)
change_all() { find "$TMP/laws" -type f -name '*.md' -exec sh -c 'printf "\n（%s）\n" "$1" >>"$2"' _ "$1" {} \; ; }

start_server "$TMP/serve.log" || exit 1
trap 'kill ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
URL=http://127.0.0.1:$PORT
login() {
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
for u in admin guard staff1 guard2 aud; do
	eval "C_$u=\$(login $u '$TMP/$u.jar')"
done
as() {
	local v="C_$1"
	echo "-b $TMP/$1.jar -H X-CSRF-Token:${!v}"
}
req() { # USER METHOD PATH [JSON]: status on stdout, body in $TMP/body
	local u=$1 m=$2 p=$3 d=${4:-}
	# shellcheck disable=SC2046
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' -X "$m" $( [ "$u" = - ] || as "$u") \
		${d:+"${JSON[@]}" -d "$d"} "$URL$p"
}
up() { # USER KBID NAME FILE
	# shellcheck disable=SC2046
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' $(as "$1") \
		-H 'Content-Type: application/octet-stream' -H "X-File-Name: $3" --data-binary "@$4" \
		"$URL/api/kb/$2/upload"
}
jq_body() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); print($1)"; }
job_field() { python3 -c "import json,sys; j=json.load(open('$TMP/job'))['job']; print($1)"; }
poll() { # USER JOBID: the job into $TMP/job; its state on stdout
	# shellcheck disable=SC2046
	"${CURL[@]}" -o "$TMP/job" $(as "$1") "$URL/api/kb/jobs/$2"
	job_field "j['state']" 2>/dev/null || echo gone
}
wait_job() { # USER JOBID: until done or failed (bounded polls); progress seen in $TMP/seen
	local i s
	: >"$TMP/seen"
	for i in $(seq 1 1200); do
		s=$(poll "$1" "$2")
		[ "$s" = gone ] || job_field "'%s %d %d %d' % (j['state'], j['progress']['files_done'], j['progress']['files_total'], j['progress']['chunks'])" >>"$TMP/seen"
		case $s in done | failed) return 0 ;; gone) return 1 ;; esac
		sleep 0.05
	done
	return 1
}
state() { # what the kb holds: documents (path, hash), chunks, audit of reindexes
	sqlite3 "$SHUZHI_DB" "SELECT group_concat(relpath || ':' || content_hash, ';') FROM (SELECT * FROM kb_doc WHERE kb_id=$KB ORDER BY relpath); SELECT count(*) FROM kb_chunk c JOIN kb_doc d ON d.id=c.doc_id WHERE d.kb_id=$KB; SELECT count(*) FROM audit_log WHERE action LIKE 'kb.%';"
}

# a department kb of 政务办 holding the laws folders (added by the CLI)
st=$(req guard POST /api/kb '{"name":"法规库","visibility":"department"}')
check kbjob-create-201 [ "$st" = 201 ]
KB=$(jq_body 'j["id"]')
"$BIN" kb add 法规库 "$TMP/laws" --quiet >/dev/null 2>&1
check kbjob-kb-filled [ "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM kb_doc WHERE kb_id=$KB")" = "$NFILES" ]
st=$(req guard POST /api/kb '{"name":"政务办内部","visibility":"internal"}')
IKB=$(jq_body 'j["id"]')

# ---- a reindex of every (changed) file: 202 at once, the loop keeps serving ----
change_all 一
cat >"$TMP/order.py" <<'PY'
import json, socket, sys, time
port, cookie, csrf, kb = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def call(raw):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(raw)
    data = b""
    while True:
        c = s.recv(65536)
        if not c:
            break
        data += c
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body
auth = b"Cookie: %s\r\nX-CSRF-Token: %s\r\n" % (cookie.encode(), csrf.encode())
st, body = call(b"POST /api/kb/%s/reindex HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%sContent-Length: 0\r\n\r\n" % (kb.encode(), auth))
job = json.loads(body)["job"]
hz, _ = call(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
st2, body2 = call(b"POST /api/kb/%s/reindex HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%sContent-Length: 0\r\n\r\n" % (kb.encode(), auth))
_, jb = call(b"GET /api/kb/jobs/%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n" % (job["id"], auth))
after = json.loads(jb)["job"]
seen = []
for _ in range(6000):  # bounded: the job's progress until it ends
    _, jb = call(b"GET /api/kb/jobs/%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n" % (job["id"], auth))
    j = json.loads(jb)["job"]
    seen.append([j["state"], j["progress"]["files_done"], j["progress"]["files_total"]])
    if j["state"] in ("done", "failed"):
        break
    time.sleep(0.05)
print(json.dumps({"status": st, "job": job, "healthz": hz, "second": st2,
                  "second_body": json.loads(body2), "after_healthz": after, "seen": seen},
                 ensure_ascii=False))
PY
COOKIE=$(awk -v n=sz_session '$6==n {print $6"="$7}' "$TMP/guard.jar")
python3 "$TMP/order.py" "$PORT" "$COOKIE" "$C_guard" "$KB" >"$TMP/order.json"
o() { python3 -c "import json,sys; o=json.load(open('$TMP/order.json')); sys.exit(0 if ($1) else 1)"; }
check kbjob-reindex-202-with-job o "o['status']==202 and o['job']['kind']=='reindex' and o['job']['state'] in ('queued','running')"
check kbjob-healthz-answered o "o['healthz']==200"
# the job was still unfinished after /healthz and a second reindex were answered
check kbjob-healthz-answered-while-reindex-runs o "o['after_healthz']['state'] in ('queued','running')"
check kbjob-second-reindex-409 o "o['second']==409 and '正在重建索引' in o['second_body']['error']['message']"
JOB=$(python3 -c "import json; print(json.load(open('$TMP/order.json'))['job']['id'])")
# another department's users see nothing of it; the auditor does
st=$(req guard2 GET "/api/kb/jobs/$JOB")
check kbjob-other-dept-guardian-404 [ "$st" = 404 ]
st=$(req guard2 GET "/api/kb/$KB/jobs")
check kbjob-other-dept-list-404 [ "$st" = 404 ]
st=$(req guard2 POST "/api/kb/$KB/reindex")
check kbjob-other-dept-guardian-reindex-404 [ "$st" = 404 ]
st=$(req staff1 POST "/api/kb/$KB/reindex")
check kbjob-staff-reindex-403 [ "$st" = 403 ]
st=$(req - GET "/api/kb/jobs/$JOB")
check kbjob-anonymous-401 [ "$st" = 401 ]
st=$(req aud GET "/api/kb/jobs/$JOB")
check kbjob-auditor-sees-job [ "$st" = 200 ]
st=$(req guard GET "/api/kb/$KB/jobs")
check kbjob-list-has-job python3 -c "import json; j=json.load(open('$TMP/body')); assert any(x['id']==$JOB for x in j['jobs']), j"

wait_job guard "$JOB"
CHUNKS=$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM kb_chunk c JOIN kb_doc d ON d.id=c.doc_id WHERE d.kb_id=$KB")
check kbjob-reindex-done-counts python3 -c "
import json; j=json.load(open('$TMP/job'))['job']; s=j['stats']; p=j['progress']
assert j['state']=='done', j
assert s['files']==$NFILES and s['updated']==$NFILES and s['failed']==0, s
assert p['files_done']==p['files_total']==$NFILES and p['chunks']==s['chunks'], p
assert s['chunks']==$CHUNKS and s['chunks']>$NFILES, (s, $CHUNKS)"
# progress was seen part-way (files done below the total) and never went back
check kbjob-progress-grows o "[r[1] for r in o['seen']]==sorted(r[1] for r in o['seen']) and any(r[0]=='running' and 0<r[1]<r[2] for r in o['seen'])"
check kbjob-reindex-audited [ "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM audit_log WHERE action='kb.reindex' AND detail LIKE '%\"job_id\":$JOB%'")" = 1 ]
st=$(req guard POST "/api/kb/$KB/reindex")
check kbjob-reindex-again-after-done-202 [ "$st" = 202 ]
wait_job guard "$(jq_body 'j["job"]["id"]')"
check kbjob-reindex-unchanged python3 -c "import json; j=json.load(open('$TMP/job'))['job']; assert j['state']=='done' and j['stats']['unchanged']==$NFILES, j"

# ---- a failing PDF upload job: its reason, the kb as it was ----
before=$(state)
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntruncated' >"$TMP/broken.pdf"
st=$(up staff1 "$KB" 通知.pdf "$TMP/broken.pdf")
check kbjob-pdf-upload-202 [ "$st" = 202 ]
PJOB=$(jq_body 'j["job"]["id"]')
wait_job staff1 "$PJOB"
check kbjob-pdf-job-failed-chinese python3 -c "
import json; j=json.load(open('$TMP/job'))['job']
assert j['state']=='failed' and j['kind']=='upload' and j['file']=='通知.pdf', j
assert '通知.pdf' in j['error'] and 'PDF' in j['error'] and '/tmp' not in j['error'], j
assert any('\u4e00' <= c <= '\u9fff' for c in j['error']), j"
check kbjob-pdf-failed-kb-unchanged test "$(state)" = "$before"
check kbjob-pdf-no-file-left bash -c "! ls -A '$SHUZHI_DB.kb'/$KB-* 2>/dev/null | grep -q ."
st=$(req guard2 GET "/api/kb/jobs/$PJOB")
check kbjob-pdf-job-other-dept-404 [ "$st" = 404 ]
# an internal kb: visible to 司法局, but its jobs are not theirs
printf '# 内部通知\n\n第一条 内部事项按规定办理。\n' >"$TMP/n.md"
st=$(up staff1 "$IKB" 内部通知.md "$TMP/n.md")
check kbjob-small-upload-waits-201 bash -c "[ $st = 201 ] && grep -q '\"job_id\"' '$TMP/body'"
st=$(req guard2 POST "/api/kb/$IKB/reindex")
check kbjob-other-dept-guardian-internal-kb-403 [ "$st" = 403 ]
st=$(req admin POST "/api/kb/$IKB/reindex")
IJOB=$(jq_body 'j["job"]["id"]')
st=$(req guard2 GET "/api/kb/jobs/$IJOB")
check kbjob-internal-kb-job-other-dept-404 [ "$st" = 404 ]
st=$(req guard GET "/api/kb/jobs/$IJOB")
check kbjob-internal-kb-job-manager-200 [ "$st" = 200 ]
st=$(req admin GET "/api/kb/jobs/999999")
check kbjob-unknown-404 [ "$st" = 404 ]

# ---- stop during a reindex: the server exits; the reindex commits file by
# file, so the files read before the stop stay updated, the one being read is
# rolled back, and the next reindex reads exactly the rest ----
wait_job admin "$IJOB"
change_all 二
hashes() { sqlite3 "$SHUZHI_DB" "SELECT relpath || ':' || content_hash FROM kb_doc WHERE kb_id=$KB ORDER BY relpath"; }
before=$(hashes)
st=$(req guard POST "/api/kb/$KB/reindex")
SJOB=$(jq_body 'j["job"]["id"]')
for _ in $(seq 1 600); do
	[ "$(poll guard "$SJOB")" = running ] && [ "$(job_field "j['progress']['files_done']")" -ge 1 ] && break
	sleep 0.05
done
check kbjob-stop-job-was-running python3 -c "import json; j=json.load(open('$TMP/job'))['job']; assert j['state']=='running' and j['progress']['files_done']<j['progress']['files_total'], j"
# its documents are about to change: removing the kb or a document waits
st=$(req guard POST "/api/kb/$KB/delete")
check kbjob-delete-kb-while-job-runs-409 bash -c "[ $st = 409 ] && grep -q '任务' '$TMP/body'"
kill -TERM "$SERVER"
for _ in $(seq 1 1200); do
	kill -0 "$SERVER" 2>/dev/null || break
	sleep 0.1
done
check kbjob-stop-server-exits bash -c "! kill -0 $SERVER 2>/dev/null"
wait "$SERVER"
check kbjob-stop-clean-exit test $? -eq 0
SERVER=
after=$(hashes)
K=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | wc -l)
check kbjob-stop-same-documents test "$(printf '%s\n' "$after" | cut -d: -f1)" = "$(printf '%s\n' "$before" | cut -d: -f1)"
check kbjob-stop-part-committed bash -c "[ $K -ge 1 ] && [ $K -lt $NFILES ]"
check kbjob-stop-db-integrity test "$(sqlite3 "$SHUZHI_DB" 'PRAGMA integrity_check')" = ok
# the stopped job's record says what was kept: the files read, not "unchanged"
sqlite3 "$SHUZHI_DB" "SELECT state || ' ' || json_extract(job, '$.error') FROM kb_job WHERE id=$SJOB" >"$TMP/stopjob"
check kbjob-stop-reason-says-files-kept bash -c "grep -q '^interrupted .*其余文件在下次重建索引时读取' '$TMP/stopjob' && ! grep -q '知识库未改变' '$TMP/stopjob'"
check kbjob-stop-audit-chain-intact "$BIN" audit verify --db "$SHUZHI_DB"
# the next reindex (the CLI) reads exactly the files the stopped job had not
# committed: nothing was half-written
"$BIN" kb reindex 法规库 >"$TMP/cli.out" 2>&1
check kbjob-stop-reindex-after grep -q "更新 $((NFILES - K))，" "$TMP/cli.out"

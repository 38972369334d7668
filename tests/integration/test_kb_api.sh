#!/usr/bin/env bash
# Knowledge bases over HTTP (src/server/api_kb.c) and the portal's streamed
# answer (GET /api/portal/answer): create a kb, upload .md and .docx through
# the same ingest as the CLI, list documents with metadata, search finds the
# uploaded text, remove, reindex, delete; roles and objects (401/403/404,
# CSRF, another department's kb); hostile uploads (invalid UTF-8 .md, a
# .docx that is no ZIP, a zip bomb, over max_upload_bytes) leave the stored
# data as it was; the answer streamed from the stand-in model with its
# citations kept within the passages shown, and the labelled extractive
# answer with no model and with the stand-in stopped.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 30)
JSON=(-H 'Content-Type: application/json')
"$BIN" dept add 政务办 >/dev/null
"$BIN" dept add 司法局 >/dev/null
add_user() { printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" ${3:+--dept "$3"} >/dev/null; }
add_user admin admin
add_user guard guardian 政务办
add_user staff1 staff 政务办
add_user staff2 staff 司法局
add_user aud auditor
STANDIN=${SHUZHI_STANDIN:-build/standin}
[ -x "$STANDIN" ] || make -s build/standin >/dev/null
"$STANDIN" >"$TMP/standin.out" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 1 50); do
	SP=$(awk '/listening on/{print $4}' "$TMP/standin.out")
	[ -n "$SP" ] && break
	sleep 0.1
done
trap 'kill $STANDIN_PID ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
printf '{"model":{"base_url":"http://127.0.0.1:%s/v1","model":"cite:tokens=9","retries":1,"retry_base_ms":10}}\n' "$SP" >"$TMP/serve.json"
start_server "$TMP/serve.log" --config "$TMP/serve.json" --max-upload-bytes 100000 || exit 1
URL=http://127.0.0.1:$PORT
login() { # USER JAR: log in, print the CSRF token
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
for u in admin guard staff1 staff2 aud; do
	eval "C_$u=\$(login $u '$TMP/$u.jar')"
done
as() { # USER: curl options of a logged-in user with CSRF
	local v="C_$1"
	echo "-b $TMP/$1.jar -H X-CSRF-Token:${!v}"
}
# req USER METHOD PATH [JSON]: status on stdout, body in $TMP/body
req() {
	local u=$1 m=$2 p=$3 d=${4:-}
	# shellcheck disable=SC2046
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' -X "$m" $( [ "$u" = - ] || as "$u") \
		${d:+"${JSON[@]}" -d "$d"} "$URL$p"
}
# up USER KBID NAME FILE: upload; status on stdout, body in $TMP/body
up() {
	# shellcheck disable=SC2046
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' $( [ "$1" = - ] || as "$1") \
		-H 'Content-Type: application/octet-stream' -H "X-File-Name: $3" --data-binary "@$4" \
		"$URL/api/kb/$2/upload"
}
# wait_job USER JOBID: poll GET /api/kb/jobs/JOBID until it is done or failed
# (a bounded number of polls, no timing assertion); the job JSON in $TMP/job
wait_job() {
	local i
	for i in $(seq 1 600); do
		# shellcheck disable=SC2046
		"${CURL[@]}" -o "$TMP/job" $(as "$1") "$URL/api/kb/jobs/$2"
		python3 -c "import json,sys; sys.exit(0 if json.load(open('$TMP/job'))['job']['state'] in ('done','failed') else 1)" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
jq_body() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); print($1)"; }
body_has() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); sys.exit(0 if ($1) else 1)"; }
state() { # what is stored: documents, chunks, uploaded files
	sqlite3 "$SHUZHI_DB" "SELECT group_concat(id || ':' || relpath || ':' || content_hash, ';') FROM kb_doc; SELECT count(*) FROM kb_chunk;"
	find "$SHUZHI_DB.kb" -type f 2>/dev/null | sort | xargs -r sha256sum
}

# ---- create: admin any department, guardian only their own, staff never ----
st=$(req admin POST /api/kb '{"name":"政务公开","visibility":"public","department_id":1}')
check kb-create-admin-201 [ "$st" = 201 ]
KB=$(jq_body 'j["id"]')
st=$(req guard POST /api/kb '{"name":"司法局资料","visibility":"internal","department_id":2}')
check kb-create-guardian-other-dept-403 [ "$st" = 403 ]
st=$(req guard POST /api/kb '{"name":"政务办内部","visibility":"department"}')
check kb-create-guardian-own-dept-201 bash -c "[ $st = 201 ] && grep -q '\"department_id\": *1' '$TMP/body'"
DKB=$(jq_body 'j["id"]')
st=$(req staff1 POST /api/kb '{"name":"x"}')
check kb-create-staff-403 [ "$st" = 403 ]
st=$(req - POST /api/kb '{"name":"x"}')
check kb-create-anonymous-401 [ "$st" = 401 ]
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -b "$TMP/admin.jar" "${JSON[@]}" -d '{"name":"y"}' "$URL/api/kb")
check kb-create-needs-csrf-403 [ "$st" = 403 ]
st=$(req admin POST /api/kb '{"name":"政务公开"}')
check kb-create-duplicate-409 [ "$st" = 409 ]
st=$(req admin POST /api/kb '{"name":"z","visibility":"secret"}')
check kb-create-bad-visibility-400 [ "$st" = 400 ]

# ---- upload .md and .docx ----
cat >"$TMP/办事指南.md" <<'EOF'
# 企业开办一网通办服务指南

政办发〔2024〕17号

第一条 企业开办实行一网通办，申请人通过政务服务平台一次提交营业执照、公章刻制、涉税事项和社保登记材料。

第二条 企业开办全流程办理时限不超过一个工作日，材料齐全的当场办结。
EOF
st=$(up staff1 "$KB" '%E5%8A%9E%E4%BA%8B%E6%8C%87%E5%8D%97.md' "$TMP/办事指南.md")
check kb-upload-md-201 bash -c "[ $st = 201 ] && python3 -c \"import json; s=json.load(open('$TMP/body'))['stats']; assert s['added']==1 and s['chunks']>=2, s\""
DOCX=$SHARED/corpus/gongwen-dev/docs/gwd-0001.docx
st=$(up guard "$KB" gwd-0001.docx "$DOCX")
check kb-upload-docx-201 bash -c "[ $st = 201 ] && python3 -c \"import json; s=json.load(open('$TMP/body'))['stats']; assert s['added']==1 and s['chunks']>=1, s\""
st=$(req staff1 GET "/api/kb/$KB/docs")
check kb-docs-metadata body_has "j['total']==2 and any(d['file']=='办事指南.md' and d['title']=='企业开办一网通办服务指南' and d['doc_number']=='政办发〔2024〕17号' and d['chunks']>=2 and d['uploaded'] for d in j['docs']) and any(d['file']=='gwd-0001.docx' and d['title'] for d in j['docs'])"
MDDOC=$(jq_body '[d["id"] for d in j["docs"] if d["file"]=="办事指南.md"][0]')
# the same ingest as the CLI: re-uploading the same bytes changes nothing, changed bytes update
st=$(up staff1 "$KB" '%E5%8A%9E%E4%BA%8B%E6%8C%87%E5%8D%97.md' "$TMP/办事指南.md")
check kb-reupload-same-unchanged bash -c "[ $st = 200 ] && python3 -c \"import json; s=json.load(open('$TMP/body'))['stats']; assert s['unchanged']==2 and s['added']==0 and s['updated']==0, s\""
sed -i 's/一个工作日/半个工作日/' "$TMP/办事指南.md"
st=$(up staff1 "$KB" '%E5%8A%9E%E4%BA%8B%E6%8C%87%E5%8D%97.md' "$TMP/办事指南.md")
check kb-reupload-changed-updates bash -c "[ $st = 200 ] && python3 -c \"import json; s=json.load(open('$TMP/body'))['stats']; assert s['updated']==1, s\""
cp "$TMP/办事指南.md" "$TMP/copy.md"
st=$(up staff1 "$KB" copy.md "$TMP/copy.md")
check kb-upload-duplicate-detected bash -c "[ $st = 201 ] && python3 -c \"import json; s=json.load(open('$TMP/body'))['stats']; assert s['duplicates']==1 and s['chunks']==0, s\""

# ---- search finds the uploaded text (portal, public kb; and the CLI) ----
"${CURL[@]}" -o "$TMP/body" "$URL/api/portal/search?q=%E4%BC%81%E4%B8%9A%E5%BC%80%E5%8A%9E%E5%8A%9E%E7%90%86%E6%97%B6%E9%99%90"
check portal-search-finds-upload body_has "j['results'] and j['results'][0]['file']=='办事指南.md' and '半个工作日' in j['results'][0]['text']"
"$BIN" search 企业开办办理时限 --json --kb 政务公开 >"$TMP/cli.json"
check cli-search-finds-upload python3 -c "import json; j=json.load(open('$TMP/cli.json')); assert j['results'][0]['file']=='办事指南.md', j"

# ---- objects: another department's kb, visibility ----
st=$(up staff2 "$KB" other.md "$TMP/copy.md")
check kb-upload-other-dept-staff-403 [ "$st" = 403 ]
st=$(up staff2 "$DKB" other.md "$TMP/copy.md")
check kb-upload-invisible-kb-404 [ "$st" = 404 ]
st=$(up aud "$KB" other.md "$TMP/copy.md")
check kb-upload-auditor-403 [ "$st" = 403 ]
st=$(up - "$KB" other.md "$TMP/copy.md")
check kb-upload-anonymous-401 [ "$st" = 401 ]
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -b "$TMP/staff1.jar" -H 'X-File-Name: a.md' --data-binary "@$TMP/copy.md" "$URL/api/kb/$KB/upload")
check kb-upload-needs-csrf-403 [ "$st" = 403 ]
st=$(req staff2 GET /api/kb)
check kb-list-hides-other-dept body_has "all(k['id']!=$DKB for k in j['kbs']) and any(k['id']==$KB and not k['can_upload'] for k in j['kbs'])"
st=$(req staff1 GET /api/kb)
check kb-list-own-dept body_has "any(k['id']==$DKB and k['can_upload'] and not k['can_manage'] for k in j['kbs'])"
st=$(req staff2 GET "/api/kb/$DKB/docs")
check kb-docs-other-dept-404 [ "$st" = 404 ]
st=$(req staff1 POST "/api/kb/$KB/reindex")
check kb-reindex-staff-403 [ "$st" = 403 ]
st=$(req staff1 POST "/api/kb/docs/$MDDOC/delete")
check kb-doc-delete-staff-403 [ "$st" = 403 ]

# ---- hostile uploads: refused, nothing stored changes ----
before=$(state)
printf '# 标题\n\n第一条 \xff\xfe 无效\n' >"$TMP/bad.md"
st=$(up staff1 "$KB" bad.md "$TMP/bad.md")
check kb-upload-invalid-utf8-422 bash -c "[ $st = 422 ] && grep -q 'bad.md' '$TMP/body' && grep -q 'UTF-8' '$TMP/body' && ! grep -q '/tmp' '$TMP/body'"
check kb-upload-invalid-utf8-unchanged test "$(state)" = "$before"
printf 'this is not a zip file' >"$TMP/notzip.docx"
st=$(up staff1 "$KB" notzip.docx "$TMP/notzip.docx")
check kb-upload-not-a-zip-422 bash -c "[ $st = 422 ] && grep -q 'notzip.docx' '$TMP/body'"
check kb-upload-not-a-zip-unchanged test "$(state)" = "$before"
python3 tests/data/hostile/make.py "$TMP/hostile" bomb_ratio_30mb.zip >/dev/null
cp "$TMP/hostile/bomb_ratio_30mb.zip" "$TMP/bomb.docx"
st=$(up staff1 "$KB" bomb.docx "$TMP/bomb.docx")
check kb-upload-zip-bomb-refused bash -c "[ $st = 422 ] || [ $st = 413 ]"
check kb-upload-zip-bomb-unchanged test "$(state)" = "$before"
# a bad version of an existing document keeps the good one
printf '\xff\xff' >"$TMP/bad2.md"
st=$(up staff1 "$KB" '%E5%8A%9E%E4%BA%8B%E6%8C%87%E5%8D%97.md' "$TMP/bad2.md")
check kb-upload-bad-replacement-422 [ "$st" = 422 ]
check kb-upload-bad-replacement-unchanged test "$(state)" = "$before"
head -c 150000 /dev/zero | tr '\0' 'a' >"$TMP/big.md"
st=$(up staff1 "$KB" big.md "$TMP/big.md")
check kb-upload-over-limit-413 [ "$st" = 413 ]
check kb-upload-over-limit-unchanged test "$(state)" = "$before"
st=$(up staff1 "$KB" a.exe "$TMP/copy.md")
check kb-upload-bad-type-415 [ "$st" = 415 ]
check kb-upload-bad-type-lists-pdf grep -q '\.pdf' "$TMP/body"
# a PDF is read on the worker pool as a job (202): it fails with the reason
st=$(up staff1 "$KB" a.pdf "$TMP/copy.md")
check kb-upload-pdf-is-job-202 bash -c "[ '$st' = 202 ] && grep -q '\"job\"' '$TMP/body'"
wait_job staff1 "$(jq_body 'j["job"]["id"]')"
check kb-upload-fake-pdf-job-failed python3 -c "import json; j=json.load(open('$TMP/job'))['job']; assert j['state']=='failed' and '不是 PDF' in j['error'] and 'a.pdf' in j['error'] and '/tmp' not in j['error'], j"
check kb-upload-fake-pdf-unchanged test "$(state)" = "$before"

# ---- the portal answer: streamed from the model, citations in range ----
Q='%E4%BC%81%E4%B8%9A%E5%BC%80%E5%8A%9E%E5%8A%9E%E7%90%86%E6%97%B6%E9%99%90'
events() { python3 - "$1" <<'PY'
import json, sys
out = []
for block in open(sys.argv[1], encoding="utf-8").read().split("\n\n"):
    name = data = None
    for line in block.split("\n"):
        if line.startswith("event: "): name = line[7:]
        elif line.startswith("data: "): data = json.loads(line[6:])
    if name: out.append([name, data])
print(json.dumps(out, ensure_ascii=False))
PY
}
"${CURL[@]}" -N "$URL/api/portal/answer?q=$Q" >"$TMP/ans.sse"
events "$TMP/ans.sse" >"$TMP/ans.json"
"${CURL[@]}" -o "$TMP/search.json" "$URL/api/portal/search?q=$Q"
check portal-answer-model-streams python3 - "$TMP/ans.json" "$TMP/search.json" <<'PY'
import json, re, sys
ev, search = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
names = [n for n, _ in ev]
assert names[0] == "start" and names[-1] == "done", names
assert ev[-1][1]["kind"] == "model", ev[-1]
deltas = [d["text"] for n, d in ev if n == "delta"]
assert len(deltas) >= 3, deltas          # streamed in pieces, not one block
text = "".join(deltas)
cited = ev[0][1]["cited"]
assert cited == min(5, search["total"]) and cited >= 1, (cited, search["total"])
refs = [int(x) for x in re.findall(r"\[(\d+)\]", text)]
assert refs and all(1 <= r <= cited for r in refs), (refs, cited, text)
assert "[1]" in text and "[99]" not in text, text
assert ev[-1][1]["dropped_citations"] >= 1, ev[-1]
assert "extractive" not in names and "reasoning" not in names
PY
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/api/portal/answer")
check portal-answer-no-question-400 [ "$st" = 400 ]

# ---- remove a document, reindex, delete the kb ----
st=$(req guard GET "/api/kb/$KB/docs")
MDDOC=$(jq_body '[d["id"] for d in j["docs"] if d["file"]=="办事指南.md"][0]')
st=$(req guard POST "/api/kb/docs/$MDDOC/delete")
check kb-doc-delete-guardian bash -c "[ $st = 200 ] && python3 -c \"import json; s=json.load(open('$TMP/body'))['stats']; assert s['removed']==1, s\""
st=$(req guard GET "/api/kb/$KB/docs")
check kb-doc-gone body_has "all(d['file']!='办事指南.md' for d in j['docs']) and j['total']==2"
# its duplicate (copy.md) was never indexed: now it is read and indexed itself
check kb-duplicate-indexed-after-original-removed body_has "any(d['file']=='copy.md' and d['chunks']>=2 and d['duplicate_of']==0 for d in j['docs'])"
st=$(req admin POST "/api/kb/$KB/reindex")
check kb-reindex-202 bash -c "[ $st = 202 ] && grep -q '\"kind\": *\"reindex\"' '$TMP/body'"
wait_job admin "$(jq_body 'j["job"]["id"]')"
check kb-reindex python3 -c "import json; j=json.load(open('$TMP/job'))['job']; s=j['stats']; assert j['state']=='done' and s['files']==2 and s['unchanged']==2, j"
check kb-audited test "$(sqlite3 "$SHUZHI_DB" "SELECT count(DISTINCT action) FROM audit_log WHERE action IN ('kb.create','kb.upload','kb.doc.delete','kb.reindex')")" = 4
st=$(req staff1 POST "/api/kb/$DKB/delete")
check kb-delete-staff-403 [ "$st" = 403 ]
st=$(req admin POST "/api/kb/$KB/delete")
check kb-delete bash -c "[ $st = 200 ] && [ \$(sqlite3 '$SHUZHI_DB' \"SELECT count(*) FROM kb WHERE id=$KB\") = 0 ]"
check kb-delete-files-gone bash -c "! ls '$SHUZHI_DB.kb/' | grep -q '^$KB-'"
check kb-delete-audited test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM audit_log WHERE action='kb.delete'")" = 1
check audit-chain-intact "$BIN" audit verify

# ---- outage: the stand-in stops; the extractive answer, labelled ----
st=$(up guard "$DKB" guide.md "$TMP/copy.md")
check kb-upload-dept-kb-guardian [ "$st" = 201 ]
kill $STANDIN_PID
wait $STANDIN_PID 2>/dev/null
"${CURL[@]}" -N -b "$TMP/staff1.jar" "$URL/api/portal/answer?q=$Q" >"$TMP/down.sse"
events "$TMP/down.sse" >"$TMP/down.json"
check portal-answer-outage-extractive python3 - "$TMP/down.json" <<'PY'
import json, re, sys
ev = json.load(open(sys.argv[1]))
names = [n for n, _ in ev]
assert names[-1] == "done" and ev[-1][1]["kind"] == "extractive", ev
x = [d for n, d in ev if n == "extractive"][0]
assert "摘录式回答（未使用模型）" in x["note"] and x["reason"] == "model_error", x
assert re.search(r"\[1\]", x["text"]) and "delta" not in names, x
PY
kill $SERVER
wait $SERVER 2>/dev/null
# no model configured at all: the same labelled answer
start_server "$TMP/serve2.log" || exit 1
URL=http://127.0.0.1:$PORT
"${CURL[@]}" -N -b "$TMP/staff1.jar" "$URL/api/portal/answer?q=$Q" >"$TMP/nomodel.sse"
check portal-answer-no-model-extractive bash -c "grep -q '^event: extractive' '$TMP/nomodel.sse' && grep -q 'no_model' '$TMP/nomodel.sse' && grep -q '未使用模型' '$TMP/nomodel.sse'"
kill $SERVER
wait $SERVER 2>/dev/null
SERVER=

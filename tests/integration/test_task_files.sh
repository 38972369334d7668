#!/usr/bin/env bash
# Files as task inputs (issues 5 and 6): a staff member uploads a 询问笔录
# (.txt and .docx) to a 执法文书 task on an active employee; the draft holds
# the parties extracted from it; provenance lists the file (name, size,
# BLAKE2b digest); the guardian approves; the .docx export is the
# enforce_draft layout with the open blanks highlighted, the .pptx a valid
# deck; only the requester, guardian and admins get the original, the
# auditor the masked text, other staff nothing; hostile files are refused
# with nothing stored.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
LOG=$TMP/serve.log
CURL=(curl -s --noproxy '*' --max-time 30)
for u in "admin admin" "guard guardian" "staff1 staff" "staff2 staff" "aud auditor"; do
	set -- $u
	printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" >/dev/null || fail "user-add-$1"
done
# Two knowledge bases: the employee may read only 执法法规.
mkdir -p "$TMP/kb1/行政法" "$TMP/kb2/社会法"
cp "$SHARED/corpus/laws/行政法/行政处罚法(2021-01-22).md" "$SHARED/corpus/laws/行政法/道路交通安全法(2021-04-29).md" "$TMP/kb1/行政法/"
cp "$SHARED/corpus/laws/社会法/公益事业捐赠法(1999-06-28).md" "$SHARED/corpus/laws/行政法/城市房地产管理法(2019-08-26).md" "$TMP/kb2/社会法/"
check kb-add bash -c "\"$BIN\" kb add 执法法规 \"$TMP/kb1\" >/dev/null 2>&1"
check kb-add-other bash -c "\"$BIN\" kb add 其他法规 \"$TMP/kb2\" >/dev/null 2>&1"
start_server "$LOG" --login-burst 30 || exit 1
URL=http://127.0.0.1:$PORT
JSON=(-H 'Content-Type: application/json')
declare -A CSRF
for u in admin guard staff1 staff2 aud; do
	CSRF[$u]=$("${CURL[@]}" -c "$TMP/$u.jar" "${JSON[@]}" -d "{\"username\":\"$u\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
done
as() { H=(-b "$TMP/$1.jar" -H "X-CSRF-Token: ${CSRF[$1]}"); }
req() {
	local name=$1 want=$2 cond=$3 status
	shift 3
	status=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "$@")
	if [ "$status" != "$want" ]; then fail "$name" "status $status, want $want: $(head -c 300 "$TMP/body")"; return; fi
	if [ -n "$cond" ] && ! python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($cond) else 1)" "$TMP/body" 2>/dev/null; then
		fail "$name" "body: $(head -c 400 "$TMP/body")"; return
	fi
	ok "$name"
}
val() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); print($1)"; }
# up NAME WANT COND FILE [AS-NAME]: upload FILE as a task file
up() {
	local name=$1 want=$2 cond=$3 file=$4 as_name=${5:-$(basename "$4")}
	req "$name" "$want" "$cond" "${H[@]}" -H "X-File-Name: $(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$as_name")" \
		--data-binary "@$file" "$URL/api/task-files"
}
# uploads kept so far: their audit entries (each stored file has one)
files_count() {
	"${CURL[@]}" -b "$TMP/admin.jar" "$URL/api/audit?limit=500" |
		python3 -c 'import json,sys; print(sum(a["action"]=="task_file.upload" for a in json.load(sys.stdin)["entries"]))'
}

# An employee for two 执法文书 scenarios, live.
as admin
req emp-create 201 '' "${H[@]}" "${JSON[@]}" -d '{"name":"执法文书助理","guardian":"guard","scenarios":["enforce-notice","enforce-decision"],"kbs":["执法法规"],"model":"deepseek-r1","daily_tokens":5000}' "$URL/api/employees"
EMP=$(val 'j["id"]')
req emp-submit 200 'j["acceptance"]["passed"]' "${H[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$EMP/submit"
as guard
req emp-approve 200 '' "${H[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$EMP/approve"
req catalog-file-field 200 'any(s["id"]=="enforce-decision" and s["form"][0]["file"]==".txt,.docx" for s in j["scenarios"])' "${H[@]}" "$URL/api/scenarios"

# Fixtures: a transcript as .txt, the other as a .docx (one paragraph a line).
cp tests/data/transcripts/h02.txt "$TMP/询问笔录.txt"
python3 - "$TMP/h01.docx" tests/data/transcripts/h01.txt <<'PY'
import sys, zipfile
from xml.sax.saxutils import escape
out, src = sys.argv[1], sys.argv[2]
paras = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % escape(l)
                for l in open(src, encoding="utf-8").read().splitlines())
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (W, paras))
PY

# .txt upload → task → draft with the extracted parties.
as staff1
up upload-txt 201 'j["id"]>0 and j["name"]=="询问笔录.txt" and j["size"]>1000 and len(j["digest"])==64 and j["chars"]>300' "$TMP/询问笔录.txt"
F1=$(val 'j["id"]')
D1=$(val 'j["digest"]')
check upload-digest-is-blake2b bash -c "[ \"$D1\" = \"\$(python3 -c 'import hashlib,sys; print(hashlib.blake2b(open(sys.argv[1],\"rb\").read(), digest_size=32).hexdigest())' '$TMP/询问笔录.txt')\" ]"
req task-file-wrong-field 400 '"不接受文件" in j["error"]["message"]' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enforce-decision\",\"files\":{\"other\":$F1}}" "$URL/api/tasks"
req task-from-file 201 'j["state"]=="draft"' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enforce-decision\",\"files\":{\"transcript\":$F1}}" "$URL/api/tasks"
TASK=$(val 'j["id"]')
req draft-has-parties 200 '"江汉区邓记烧烤店" in j["task"]["text"] and "邓丽" in j["task"]["text"] and j["task"]["result"]["extract"]["party"]["name"]=="江汉区邓记烧烤店" and j["task"]["files"][0]["name"]=="询问笔录.txt" and j["task"]["files"][0]["field"]=="transcript"' "${H[@]}" "$URL/api/tasks/$TASK"
req sources-from-own-kbs-only 200 'j["task"]["result"]["sources"] and all(s["file"].startswith("行政法/") for s in j["task"]["result"]["sources"]) and j["task"]["result"]["retrieval"]["kbs"]==["执法法规"] and j["task"]["result"]["model_profile"]=="deepseek-r1"' "${H[@]}" "$URL/api/tasks/$TASK"
# The same transcript for an employee reading only 其他法规: its sources come
# from there (one of the two would fail if retrieval ignored the setting).
as admin
req emp2-create 201 '' "${H[@]}" "${JSON[@]}" -d '{"name":"执法文书助理二","guardian":"guard","scenarios":["enforce-decision","yishi-jilu"],"kbs":["其他法规"]}' "$URL/api/employees"
EMP2=$(val 'j["id"]')
req emp2-submit 200 'j["acceptance"]["passed"]' "${H[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$EMP2/submit"
as guard
req emp2-approve 200 '' "${H[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$EMP2/approve"
as staff1
up upload-txt-again 201 '' "$TMP/询问笔录.txt"
req emp2-task 201 '' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP2,\"scenario\":\"enforce-decision\",\"files\":{\"transcript\":$(val 'j["id"]')}}" "$URL/api/tasks"
req emp2-sources-own-kb 200 'j["task"]["result"]["sources"] and all(s["file"].startswith("社会法/") for s in j["task"]["result"]["sources"]) and j["task"]["result"]["model_profile"] is None' "${H[@]}" "$URL/api/tasks/$(val 'j["id"]')"
# A library scenario whose form declares a file field (data, not code).
printf '代表们就电梯运行费用的分摊办法和施工期间老人出行安排进行了讨论。\n' >"$TMP/讨论.txt"
up upload-discussion 201 '' "$TMP/讨论.txt"
FD=$(val 'j["id"]')
SAMPLE=$(python3 -c 'import json; d=json.load(open("scenarios/基层治理/yishi-jilu.json")); i=d["samples"][0]["input"]; i.pop("discussion"); print(json.dumps(i, ensure_ascii=False))')
req lib-task-from-file 201 'j["state"]=="draft"' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP2,\"scenario\":\"yishi-jilu\",\"inputs\":$SAMPLE,\"files\":{\"discussion\":$FD}}" "$URL/api/tasks"
req lib-draft-has-file-text 200 '"老人出行安排" in j["task"]["text"] and j["task"]["files"][0]["field"]=="discussion"' "${H[@]}" "$URL/api/tasks/$(val 'j["id"]')"
req file-used-once 409 '"已用于任务" in j["error"]["message"]' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enforce-notice\",\"files\":{\"transcript\":$F1}}" "$URL/api/tasks"
req provenance-lists-file 200 'j["intact"] and j["events"][0]["detail"]["files"]==[{"id":'"$F1"',"field":"transcript","name":"询问笔录.txt","size":j["files"][0]["size"],"digest":"'"$D1"'"}]' "${H[@]}" "$URL/api/tasks/$TASK/provenance"
"${CURL[@]}" "${H[@]}" -o "$TMP/dl.txt" "$URL/api/task-files/$F1"
check requester-downloads-original cmp "$TMP/dl.txt" "$TMP/询问笔录.txt"

# .docx upload → notice task on the other transcript.
up upload-docx 201 'j["name"]=="h01.docx" and j["chars"]>300' "$TMP/h01.docx"
F2=$(val 'j["id"]')
req task-from-docx 201 'j["state"]=="draft"' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enforce-notice\",\"files\":{\"transcript\":$F2}}" "$URL/api/tasks"
TASK2=$(val 'j["id"]')
req docx-draft-has-party 200 '"成都锦程餐饮管理有限公司" in j["task"]["text"] and j["task"]["result"]["extract"]["party"]["uscc"]=="91510107MANJWHY462"' "${H[@]}" "$URL/api/tasks/$TASK2"

# Access to the originals.
as staff2
req other-staff-no-file 404 '' "${H[@]}" "$URL/api/task-files/$F1"
as guard
"${CURL[@]}" "${H[@]}" -o "$TMP/dl2.docx" "$URL/api/task-files/$F2"
check guardian-downloads-original cmp "$TMP/dl2.docx" "$TMP/h01.docx"
as admin
"${CURL[@]}" "${H[@]}" -o "$TMP/dl3.txt" "$URL/api/task-files/$F1"
check admin-downloads-original cmp "$TMP/dl3.txt" "$TMP/询问笔录.txt"
as aud
"${CURL[@]}" "${H[@]}" -D "$TMP/aud.h" -o "$TMP/aud.txt" "$URL/api/task-files/$F1"
check auditor-sees-masked bash -c "grep -qi 'x-shuzhi-masked: 1' '$TMP/aud.h' && ! grep -q '420106199207087143' '$TMP/aud.txt' && grep -q '420106199207087143' '$TMP/询问笔录.txt' && grep -q '占道' '$TMP/aud.txt'"
req auditor-task-inputs-masked 200 '"420106199207087143" not in json.dumps(j["task"]["inputs"], ensure_ascii=False) and j["task"]["inputs_masked"]' "${H[@]}" "$URL/api/tasks/$TASK"

# Review and export.
as guard
req guardian-approves 200 '' "${H[@]}" "${JSON[@]}" -d '{"decision":"approve"}' "$URL/api/tasks/$TASK/decide"
as staff1
"${CURL[@]}" "${H[@]}" -o "$TMP/out.docx" "$URL/api/tasks/$TASK/export?format=docx"
check export-docx-highlighted-blanks bash -c "unzip -p '$TMP/out.docx' word/document.xml | python3 -c '
import re,sys
x=sys.stdin.read()
runs=re.findall(r\"<w:r>(.*?)</w:r>\", x)
hl=[r for r in runs if \"<w:highlight\" in r]
assert hl and all(\"〔待填写：\" in r for r in hl), \"no highlighted blanks\"
assert not any(\"〔待填写：\" in r and \"<w:highlight\" not in r for r in runs), \"blank not highlighted\"
assert \"江汉区邓记烧烤店\" in x and \"监护人 guard\" in x and \"行政处罚决定书\" in x
assert \"方正小标宋简体\" in x and \"firstLine\" in x and \"w:jc w:val=\\\"right\\\"\" in x
'"
check export-docx-valid bash -c "/usr/bin/python3 tests/tools/validate_ooxml.py --xsd '$SHARED/ooxml-xsd' '$TMP/out.docx' >/dev/null"
"${CURL[@]}" "${H[@]}" -D "$TMP/pptx.h" -o "$TMP/out.pptx" "$URL/api/tasks/$TASK/export?format=pptx"
check export-pptx-slides bash -c "grep -qi 'presentationml' '$TMP/pptx.h' && python3 -c '
import zipfile,sys
z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
s=[n for n in z.namelist() if n.startswith(\"ppt/slides/slide\") and n.endswith(\".xml\")]
assert len(s)>=2, s
allx=\"\".join(z.read(n).decode() for n in s)
assert \"江汉区邓记烧烤店\" in allx and \"guard\" in allx
' '$TMP/out.pptx'"
req provenance-exports 200 '[e["detail"]["format"] for e in j["events"] if e["kind"]=="export"]==["docx","pptx"] and all(e["detail"]["approver"]=="guard" for e in j["events"] if e["kind"]=="export")' "${H[@]}" "$URL/api/tasks/$TASK/provenance"

# The employee's daily model quota: tokens spent for it today (model_usage
# rows with its employee_id) at or above daily_tokens no longer refuse a
# task: it is drafted on the deterministic path (no model is configured
# here; test_task_model.sh has the quota with a model, and the note).
NOW_MS=$(($(date +%s) * 1000))
as staff1
req quota-not-reached 201 '' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enforce-notice\",\"inputs\":{\"transcript\":$(python3 -c 'import json; print(json.dumps(open("tests/data/transcripts/h02.txt", encoding="utf-8").read()))')}}" "$URL/api/tasks"
sqlite3 "$SHUZHI_DB" "INSERT INTO model_usage (ts, user_id, provider, model, status, prompt_tokens, completion_tokens, employee_id) VALUES ($NOW_MS, NULL, 'test', 'm', 'done', 3000, 2500, $EMP)"
req quota-spent-still-drafts 201 'j["state"]=="draft"' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enforce-notice\",\"inputs\":{\"transcript\":$(python3 -c 'import json; print(json.dumps(open("tests/data/transcripts/h02.txt", encoding="utf-8").read()))')}}" "$URL/api/tasks"

# Hostile files: refused, nothing stored.
fx=$TMP/fx
mkdir -p "$fx"
/usr/bin/python3 tests/data/hostile/make.py "$fx" >/dev/null
printf '询问笔录\n\xff\xfe答：不申请。\n' >"$fx/badutf8.txt"
printf '这不是 Word 文件\n' >"$fx/plain.docx"
printf '\n　　\n' >"$fx/blank.txt"
head -c 5000000 /dev/zero | tr '\0' 'a' >"$fx/big.txt"
BEFORE=$(files_count)
ROWS=$(sqlite3 "$SHUZHI_DB" 'SELECT COUNT(*) FROM task_files')
up hostile-not-a-zip-docx 422 '"不是 ZIP" in j["error"]["message"]' "$fx/plain.docx"
up hostile-notzip-junk 422 '' "$fx/pk_junk.zip" junk.docx
up hostile-zip-bomb 422 '' "$fx/bomb_200mb.zip" bomb.docx
up hostile-ratio-bomb 422 '' "$fx/bomb_ratio_30mb.zip" ratio.docx
up hostile-truncated-zip 422 '' "$fx/truncated.zip" truncated.docx
up hostile-invalid-utf8 422 '"UTF-8" in j["error"]["message"]' "$fx/badutf8.txt"
up hostile-zip-as-txt 422 '"ZIP" in j["error"]["message"]' "$TMP/h01.docx" h01.txt
up hostile-blank 422 '"没有文字" in j["error"]["message"]' "$fx/blank.txt"
up hostile-too-large 413 '' "$fx/big.txt"
up hostile-wrong-type 415 '' "$fx/plain.docx" plain.pdf
check hostile-nothing-stored test "$(files_count)" = "$BEFORE"
check hostile-table-unchanged test "$(sqlite3 "$SHUZHI_DB" 'SELECT COUNT(*) FROM task_files')" = "$ROWS"
as aud
up auditor-cannot-upload 403 '' "$TMP/询问笔录.txt"

kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0

#!/usr/bin/env bash
# Slides over HTTP (/api/slides/*): outline from pasted text and uploads is the CLI's
# extractive outline byte for byte; the preview (same planner as the writer) has as
# many slides as the rendered .pptx holds (ppt/slides/slideN.xml) with the same titles
# in the same order; the render validates against the ISO 29500 schemas; parse errors
# come back with their line; hostile input (invalid UTF-8, oversize, bad template,
# bad title) is refused; roles (auditor 403, anonymous 401, no CSRF 403); the render
# is audited with sizes, never the text. The model path runs against the stand-in
# (build/standin, reply=FILE mode): deltas stream, a valid outline comes back as
# source "model" without reasoning, an answer that does not parse and a model error
# both fall back to the extractive outline and say so; no model: extractive, labelled.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

PY=/usr/bin/python3
D=tests/data/slides
STANDIN=${SHUZHI_STANDIN:-build/standin}
CURL=(curl -s --noproxy '*' --max-time 30)
JSON=(-H 'Content-Type: application/json')
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
[ -x "$STANDIN" ] || make -s build/standin >/dev/null
printf '%s\n' "$PW" | "$BIN" user add staff1 --role staff >/dev/null
printf '%s\n' "$PW" | "$BIN" user add aud --role auditor >/dev/null

SERVERS=()
STANDIN_PID=
trap 'for p in "${SERVERS[@]}" $STANDIN_PID; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# serve NAME [options]: start a server, URL_<NAME> set, staff and auditor logged in
serve() {
	local name=$1
	shift
	start_server "$TMP/serve-$name.log" "$@" || exit 1
	SERVERS+=("$SERVER")
	URL=http://127.0.0.1:$PORT
	CSRF=$(login staff1 "$TMP/staff-$name.jar")
	S=(-b "$TMP/staff-$name.jar" -H "X-CSRF-Token: $CSRF")
}
login() { # USER JAR: log in, print the CSRF token
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
# post PATH JSONFILE [curl args]: status on stdout, body in $TMP/body, headers in $TMP/hdr
post() {
	local path=$1 file=$2
	shift 2
	"${CURL[@]}" -o "$TMP/body" -D "$TMP/hdr" -w '%{http_code}' "${JSON[@]}" --data-binary "@$file" "$@" "$URL$path"
}
up() { # NAME FILE [curl args]: upload to /api/slides/outline
	local name=$1 file=$2
	shift 2
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' -H 'Content-Type: application/octet-stream' \
		-H "X-File-Name: $name" --data-binary "@$file" "$@" "$URL/api/slides/outline"
}
body_py() { "$PY" -c "import json,sys; j=json.load(open('$TMP/body')); sys.exit(0 if ($1) else 1)"; }
# jreq OUT KEY=FILE... [KEY:=JSON...]: a JSON object whose string values are files' text
jreq() {
	local out=$1
	shift
	"$PY" - "$out" "$@" <<'PY'
import json, sys
o = {}
for a in sys.argv[2:]:
    if ":=" in a:
        k, v = a.split(":=", 1); o[k] = json.loads(v)
    else:
        k, v = a.split("=", 1); o[k] = open(v, encoding="utf-8").read()
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(o, ensure_ascii=False))
PY
}

serve plain --max-body-bytes 4000000
AUD_CSRF=$(login aud "$TMP/aud.jar")

# ---- templates ----
st=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "${S[@]}" "$URL/api/slides/templates")
check slides_api_templates bash -c "[ $st = 200 ]" &&
	check slides_api_templates_list body_py '[t["id"] for t in j["templates"]] == ["zhengwu","keji","jianyue"] and all(len(t["colors"]["accent"]) == 6 and t["name"] for t in j["templates"]) and j["model"] is False'

# ---- outline from pasted text = the CLI's extractive outline ----
"$BIN" slides "$D/long-report.txt" --outline-only >"$TMP/cli.outline" 2>/dev/null
jreq "$TMP/req.json" text="$D/long-report.txt"
st=$(post /api/slides/outline-text "$TMP/req.json" "${S[@]}")
"$PY" -c "import json; open('$TMP/api.outline','w',encoding='utf-8').write(json.load(open('$TMP/body'))['outline'])" 2>/dev/null
check slides_api_outline_text_200 [ "$st" = 200 ]
check slides_api_outline_text_is_cli_outline cmp -s "$TMP/cli.outline" "$TMP/api.outline"
check slides_api_outline_text_labelled body_py 'j["source"] == "extractive" and j["slides"] > 3 and "notice" not in j'
jreq "$TMP/req.json" text="$D/long-report.txt" use_model:=true
st=$(post /api/slides/outline-text "$TMP/req.json" "${S[@]}")
check slides_api_no_model_extractive_labelled body_py 'j["source"] == "extractive" and "未配置模型" in j["notice"]'

# ---- uploads ----
st=$(up long-report.txt "$D/long-report.txt" "${S[@]}")
check slides_api_upload_txt bash -c "[ $st = 200 ] && $PY -c \"import json,sys; sys.exit(0 if json.load(open('$TMP/body'))['outline'] == open('$TMP/cli.outline',encoding='utf-8').read() else 1)\""
"$PY" - "$TMP/up.docx" <<'PY'
import sys, docx
d = docx.Document()
d.add_heading("一、年度工作回顾", level=1)
d.add_paragraph("全年完成政务服务事项办理 12800 件，群众满意率达到 98.5%。")
d.add_heading("二、明年工作安排", level=1)
d.add_paragraph("推进一网通办，力争办理时限再压缩三成。")
d.save(sys.argv[1])
PY
enc=$("$PY" -c 'import urllib.parse; print(urllib.parse.quote("年度总结.docx"))')
st=$(up "$enc" "$TMP/up.docx" "${S[@]}")
check slides_api_upload_docx bash -c "[ $st = 200 ]" &&
	check slides_api_upload_docx_headings body_py '"年度工作回顾" in j["outline"] and "明年工作安排" in j["outline"]'
printf '正文\xc3\x28第二句\n' >"$TMP/bad.txt"
st=$(up bad.txt "$TMP/bad.txt" "${S[@]}")
check slides_api_upload_invalid_utf8_400 bash -c "[ $st = 400 ] && grep -q 'UTF-8' '$TMP/body'"
st=$(up a.pdf "$D/long-report.txt" "${S[@]}")
check slides_api_upload_bad_type_415 [ "$st" = 415 ]
head -c 300 /dev/urandom >"$TMP/random.docx"
st=$(up random.docx "$TMP/random.docx" "${S[@]}")
check slides_api_upload_not_docx_400 [ "$st" = 400 ]

# ---- preview and render agree with each other and with the file ----
# deck_check OUTLINE TEMPLATE NAME: preview count/titles == rendered slides; .pptx saved as $TMP/NAME.pptx
deck_check() {
	local outline=$1 tpl=$2 name=$3
	jreq "$TMP/req.json" outline="$outline" template:="\"$tpl\"" title:='"测试汇报"'
	post /api/slides/preview "$TMP/req.json" "${S[@]}" >/dev/null
	cp "$TMP/body" "$TMP/$name.preview.json"
	st=$(post /api/slides/render "$TMP/req.json" "${S[@]}")
	cp "$TMP/body" "$TMP/$name.pptx"
	cp "$TMP/hdr" "$TMP/$name.hdr"
	[ "$st" = 200 ] || { fail "slides_api_render_$name" "status $st $(head -c 300 "$TMP/body")"; return; }
	"$PY" - "$TMP/$name.preview.json" "$TMP/$name.pptx" "$TMP/$name.hdr" <<'PY' >"$TMP/$name.check" 2>&1
import json, re, sys, zipfile, html
pv = json.load(open(sys.argv[1]))
z = zipfile.ZipFile(sys.argv[2])
assert z.testzip() is None
n = len([x for x in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", x)])
assert pv["errors"] == [], pv["errors"]
assert pv["count"] == len(pv["slides"]) == n, (pv["count"], len(pv["slides"]), n)
hdr = open(sys.argv[3]).read()
assert re.search(r"(?im)^x-slides-count: %d\r?$" % n, hdr), hdr
for s in pv["slides"]:
    xml = z.read("ppt/slides/slide%d.xml" % s["index"]).decode()
    text = html.unescape("".join(re.findall(r"<a:t>([^<]*)</a:t>", xml)))
    # the title drawn on slide i is the preview's title i (continuation marks included)
    assert s["title"].replace("（续）", "") in text or s["title"] in text, (s["index"], s["title"])
print(n)
PY
	if [ $? -eq 0 ]; then ok "slides_api_preview_matches_pptx_$name"; else
		fail "slides_api_preview_matches_pptx_$name" "$(tail -c 400 "$TMP/$name.check")"
	fi
}
deck_check "$D/all-layouts.outline" zhengwu layouts
deck_check "$D/overflow.outline" keji overflow
deck_check "$TMP/api.outline" 简约 report
check slides_api_overflow_split_shown "$PY" -c "import json,sys; j=json.load(open('$TMP/overflow.preview.json')); sys.exit(0 if any(s['split'] and s['part'] > 0 for s in j['slides']) else 1)"
check slides_api_layouts_named "$PY" -c "import json,sys; j=json.load(open('$TMP/layouts.preview.json')); ls={s['layout'] for s in j['slides']}; sys.exit(0 if {'title','agenda','section','bullets','two_column','table','chart','timeline','closing'} <= ls and all(s['layout_label'] for s in j['slides']) else 1)"
check slides_api_disposition_rfc5987 grep -qi "filename\*=UTF-8''%E6%B5%8B%E8%AF%95%E6%B1%87%E6%8A%A5.pptx" "$TMP/layouts.hdr"
validate() { "$PY" tests/tools/validate_ooxml.py --xsd "$SHARED/ooxml-xsd" "$@"; }
validate -q "$TMP/layouts.pptx" >"$TMP/valid.log" 2>&1
check slides_api_render_xsd_valid grep -qx "$TMP/layouts.pptx: valid" "$TMP/valid.log"

# editing one line changes the count: one more slide after an added "##"
printf '\n## 新增一页\n- 新的要点\n' | cat "$D/all-layouts.outline" - >"$TMP/edited.outline"
jreq "$TMP/req.json" outline="$D/all-layouts.outline"
post /api/slides/preview "$TMP/req.json" "${S[@]}" >/dev/null
n0=$("$PY" -c "import json; print(json.load(open('$TMP/body'))['count'])")
jreq "$TMP/req.json" outline="$TMP/edited.outline"
post /api/slides/preview "$TMP/req.json" "${S[@]}" >/dev/null
n1=$("$PY" -c "import json; print(json.load(open('$TMP/body'))['count'])")
check slides_api_edit_adds_a_slide [ "$n1" = "$((n0 + 1))" ]

# ---- parse errors come back with their line ----
printf '%% 标题: 测试\n## 页\n@layout fancy\n' >"$TMP/bad.outline"
jreq "$TMP/req.json" outline="$TMP/bad.outline"
st=$(post /api/slides/preview "$TMP/req.json" "${S[@]}")
check slides_api_preview_error_line body_py 'j["count"] == 0 and j["errors"][0]["line"] == 3 and "未知版式" in j["errors"][0]["message"]'
st=$(post /api/slides/render "$TMP/req.json" "${S[@]}")
check slides_api_render_error_400 bash -c "[ $st = 400 ] && $PY -c \"import json,sys; j=json.load(open('$TMP/body')); sys.exit(0 if j['errors'][0]['line'] == 3 else 1)\""

# ---- hostile input ----
printf '{"outline":"## \xff\xfe\\n- x"}' >"$TMP/badutf8.json"
st=$(post /api/slides/preview "$TMP/badutf8.json" "${S[@]}")
check slides_api_invalid_utf8_json_400 [ "$st" = 400 ]
"$PY" -c "
import json
o = '## 页\n' + ''.join('- 第%d条要点内容\n' % i for i in range(60000))
open('$TMP/huge.json','w').write(json.dumps({'outline': o}))"
st=$(post /api/slides/render "$TMP/huge.json" "${S[@]}")
check slides_api_huge_outline_413 bash -c "[ $st = 413 ] && grep -q '1 MB' '$TMP/body'"
"$PY" -c "import json; open('$TMP/long.json','w').write(json.dumps({'outline': '## ' + '长' * 3000}))"
st=$(post /api/slides/preview "$TMP/long.json" "${S[@]}")
check slides_api_long_line_error body_py 'j["errors"][0]["line"] == 1 and "行过长" in j["errors"][0]["message"]'
jreq "$TMP/req.json" outline="$D/all-layouts.outline" template:='"花哨"'
st=$(post /api/slides/render "$TMP/req.json" "${S[@]}")
check slides_api_bad_template_400 bash -c "[ $st = 400 ] && grep -q '未知模板' '$TMP/body'"
jreq "$TMP/req.json" outline="$D/all-layouts.outline" title:='"标题\u0007"'
st=$(post /api/slides/render "$TMP/req.json" "${S[@]}")
check slides_api_bad_title_400 [ "$st" = 400 ]
echo '{"template":"keji"}' >"$TMP/noout.json"
st=$(post /api/slides/preview "$TMP/noout.json" "${S[@]}")
check slides_api_missing_outline_400 [ "$st" = 400 ]

# ---- roles and CSRF ----
jreq "$TMP/req.json" outline="$D/all-layouts.outline"
st=$(post /api/slides/render "$TMP/req.json" -b "$TMP/aud.jar" -H "X-CSRF-Token: $AUD_CSRF")
check slides_api_auditor_403 [ "$st" = 403 ]
st=$(post /api/slides/render "$TMP/req.json")
check slides_api_anonymous_401 [ "$st" = 401 ]
st=$(post /api/slides/render "$TMP/req.json" -b "$TMP/staff-plain.jar")
check slides_api_no_csrf_403 [ "$st" = 403 ]
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/api/slides/templates")
check slides_api_templates_anonymous_401 [ "$st" = 401 ]

# ---- audit: the render is recorded with sizes, not the text ----
"$BIN" audit list --json --action slides.render >"$TMP/audit.json" 2>&1
check slides_api_audited "$PY" - "$TMP/audit.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows if isinstance(rows, list) else rows.get("entries", rows.get("audit", []))
assert len(rows) >= 3, rows
for r in rows:
    d = r["detail"] if isinstance(r["detail"], dict) else json.loads(r["detail"])
    assert d["outline_bytes"] > 0 and d["slides"] > 0 and "outline" not in d, d
    assert r["actor"] == "user:staff1", r
PY
check slides_api_audit_has_no_text bash -c "! grep -q '年度\|新的要点\|项目背景' '$TMP/audit.json'"

# ---- the model writes the outline (stand-in) ----
"$STANDIN" >"$TMP/standin.out" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 1 50); do
	SP=$(awk '/listening on/{print $4}' "$TMP/standin.out")
	[ -n "$SP" ] && break
	sleep 0.1
done
check standin-start test -n "$SP"
model_server() { # NAME MODEL [EXTRA_JSON]
	printf '{"model":{"base_url":"http://127.0.0.1:%s/v1","model":"%s","retries":0,"retry_base_ms":10%s}}\n' \
		"$SP" "$2" "${3:-}" >"$TMP/$1.json"
	serve "$1" --config "$TMP/$1.json"
}
sse() { # JSONFILE: the SSE reply of outline-text into $TMP/sse
	"${CURL[@]}" -N "${S[@]}" "${JSON[@]}" --data-binary "@$1" "$URL/api/slides/outline-text" >"$TMP/sse"
}
# sse_py EXPR: evs = [(event, data)], done = data of the done event
sse_py() {
	"$PY" - "$TMP/sse" "$1" <<'PY'
import json, sys
evs = []
for block in open(sys.argv[1], encoding="utf-8").read().split("\n\n"):
    ev = data = None
    for line in block.split("\n"):
        if line.startswith("event: "): ev = line[7:]
        if line.startswith("data: "): data = json.loads(line[6:])
    if ev: evs.append((ev, data))
done = [d for e, d in evs if e == "done"]
done = done[0] if len(done) == 1 else None
deltas = "".join(d["text"] for e, d in evs if e == "delta")
if not eval(sys.argv[2]):
    print(open(sys.argv[1], encoding="utf-8").read()[-600:], file=sys.stderr)
    sys.exit(1)
PY
}
cat >"$TMP/reply.txt" <<'EOF'
% 标题: 模型拟定的汇报
# 一、工作进展
## 政务服务提速
- 办理时限压缩三成
- 一网通办覆盖全部事项
> 讲清提速的做法
## 数据对比
| 指标 | 去年 | 今年 |
|---|---|---|
| 办件量 | 9800 | 12800 |
EOF
model_server model "deepseek:tokens=7:reply=$TMP/reply.txt"
jreq "$TMP/model-req.json" text="$D/long-report.txt" use_model:=true
"${CURL[@]}" -o "$TMP/body" "${S[@]}" "$URL/api/slides/templates"
check slides_api_templates_model_flag body_py 'j["model"] is True'
sse "$TMP/model-req.json"
check slides_api_model_streams_deltas sse_py 'sum(1 for e, d in evs if e == "delta") >= 5 and deltas == open("'"$TMP"'/reply.txt", encoding="utf-8").read()'
check slides_api_model_outline_parsed sse_py 'done and done["source"] == "model" and not done["fallback"] and "模型拟定的汇报" in done["outline"] and done["slides"] == 2'
check slides_api_model_no_reasoning sse_py 'done and "用户问候" not in done["outline"] and "用户问候" not in open(sys.argv[1], encoding="utf-8").read()'
# the model's outline renders, and its preview count is the deck's
sse_py 'open("'"$TMP"'/model.outline", "w", encoding="utf-8").write(done["outline"]) > 0'
deck_check "$TMP/model.outline" zhengwu model
# a fenced answer is unwrapped
{ echo '```markdown'; cat "$TMP/reply.txt"; echo '```'; } >"$TMP/reply.fenced"
cp "$TMP/reply.fenced" "$TMP/reply.txt"
sse "$TMP/model-req.json"
check slides_api_model_fence_unwrapped sse_py 'done and done["source"] == "model" and done["slides"] == 2'
# an answer that is not a valid outline: fallback to the extractive outline, labelled
printf '好的，以下是大纲：\n## 页\n@layout fancy\n- 要点\n' >"$TMP/reply.txt"
sse "$TMP/model-req.json"
check slides_api_model_invalid_falls_back sse_py 'done and done["source"] == "extractive" and done["fallback"] and "无法解析" in done["reason"] and done["outline"] == open("'"$TMP"'/cli.outline", encoding="utf-8").read()'
# a model error: the same fallback, saying so
model_server broken "err-500"
sse "$TMP/model-req.json"
check slides_api_model_error_falls_back sse_py 'done and done["source"] == "extractive" and done["fallback"] and "模型调用失败" in done["reason"]'
"$BIN" audit list --json --action slides.outline_model >"$TMP/audit-model.json" 2>&1
check slides_api_model_audited "$PY" -c "
import json,sys
rows = json.load(open('$TMP/audit-model.json'))
rows = rows if isinstance(rows, list) else rows.get('entries', [])
srcs = [(r['detail'] if isinstance(r['detail'], dict) else json.loads(r['detail']))['source'] for r in rows]
sys.exit(0 if srcs.count('model') == 2 and srcs.count('extractive') == 2 else 1)"
# the client goes away mid-stream: the upstream call is aborted
model_server slow "deepseek:delay=150:tokens=30:reply=$TMP/reply.txt"
aborted0=$("${CURL[@]}" "http://127.0.0.1:$SP/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["aborted"])')
"${CURL[@]}" -N --max-time 0.8 "${S[@]}" "${JSON[@]}" --data-binary "@$TMP/model-req.json" "$URL/api/slides/outline-text" >/dev/null 2>&1
for _ in $(seq 1 100); do
	a=$("${CURL[@]}" "http://127.0.0.1:$SP/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["aborted"])')
	[ "$a" -gt "$aborted0" ] && break
	sleep 0.1
done
check slides_api_model_abort_on_disconnect [ "$a" -gt "$aborted0" ]

# usage rows as /api/chat leaves them: 3 answers, 1 error, 1 abort; reasoning kept there only
usage() { sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM model_usage WHERE status='$1'"; }
check slides_api_model_usage_rows bash -c "[ $(usage done) = 3 ] && [ $(usage error) = 1 ] && [ $(usage aborted) = 1 ]"
check slides_api_model_usage_reasoning test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM model_usage WHERE reasoning LIKE '%用户%'")" -ge 3
# the daily quota of /api/chat applies
model_server quota "deepseek:tokens=3:reply=$TMP/reply.txt" ',"daily_tokens":1'
st=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "${S[@]}" "${JSON[@]}" --data-binary "@$TMP/model-req.json" "$URL/api/slides/outline-text")
check slides_api_model_quota_429 bash -c "[ $st = 429 ] && grep -q '上限' '$TMP/body'"

# every server stops cleanly, with no sanitizer report
for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
SERVERS=()
check slides_api_no_sanitizer_report bash -c "! grep -l 'Sanitizer\|runtime error' '$TMP'/serve-*.log"

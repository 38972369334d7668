#!/usr/bin/env bash
# Scenario library: every definition loads, every acceptance sample passes
# (`shuzhi scenario test`), the 公文 drafts of all six 文种 pass `shuzhi gongwen
# check` with zero errors for every sample and for extra input variants, the
# .docx files validate against the ISO 29500 schemas, LibreOffice renders them
# (A4, "— 1 —" page numbers, the drill script's inject table), and hostile
# inputs and definitions are refused with exit 2 and a message naming the file.
# About 40 s on a busy 2-core machine: the 公文 loop (16 inputs × run + check, both
# formats) uses the release binary $SHUZHI_REL_BIN; everything else, including the
# in-process checks of `scenario test`, runs the ASan binary. One LibreOffice run.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
PY=/usr/bin/python3
ART=tests/artifacts
mkdir -p "$ART"

# --- 1. library: ≥ 40 scenarios in the 11 categories, all samples pass -------------
"$BIN" scenario list --json >"$TMP/list.json" 2>"$TMP/list.err"
check scenario_list_exit_0 test $? = 0
check scenario_list_40_in_11_categories "$PY" - "$TMP/list.json" <<'PY'
import json, sys
l = json.load(open(sys.argv[1]))
cats = {s["category"] for s in l}
print("# %d scenarios, %d categories" % (len(l), len(cats)))
assert len(l) >= 40, len(l)
assert len(cats) == 11, cats
assert all(s["samples"] >= 1 for s in l)
PY
"$BIN" scenario test >"$TMP/test.log" 2>&1
rc=$?
check scenario_test_exit_0 test $rc = 0
sed -n 's/^ok /ok scenario_sample_/p; s/^FAIL /FAIL scenario_sample_/p' "$TMP/test.log"
check scenario_test_summary grep -q "^[0-9]* passed, 0 failed$" "$TMP/test.log"

# --- 2. 公文: zero checker errors for every 文种, samples and variants --------------
"$PY" - "$TMP" <<'PY'
import json, glob, os, sys, copy
tmp = sys.argv[1]
n = 0
for path in sorted(glob.glob("scenarios/*/*.json")):
    d = json.load(open(path))
    if d["output"]["layout"] != "gongwen":
        continue
    for i, s in enumerate(d["samples"]):
        if "gongwen_errors" not in s["expect"]:
            continue
        variants = [("s%d" % i, s["input"])]
        v = copy.deepcopy(s["input"])
        # variants: no 抄送, one attachment only, a long 事由, no 附注
        for k in ("cc", "note"):
            v.pop(k, None)
        if "attachments" in v:
            v["attachments"] = v["attachments"][:1]
        if "subject" in v:
            v["subject"] = v["subject"] + "有关事项并进一步加强组织领导和统筹协调"
        variants.append(("v%d" % i, v))
        for name, inp in variants:
            f = "%s/gw-%s-%s.json" % (tmp, d["id"], name)
            json.dump(inp, open(f, "w"), ensure_ascii=False)
            n += 1
print("# %d 公文 inputs" % n)
PY
REL=${SHUZHI_REL_BIN:-build/shuzhi}
[ -x "$REL" ] || REL=$BIN
wz_seen=""
for f in "$TMP"/gw-*.json; do
	base=$(basename "$f" .json)
	id=$(echo "$base" | sed 's/^gw-//; s/-[sv][0-9]*$//')
	"$REL" scenario run "$id" --input "$f" -o "$TMP/$base.docx" >"$TMP/$base.log" 2>&1
	rc=$?
	# validators may report a problem the input carries (exit 1), never a crash
	if [ $rc -gt 1 ] || [ ! -s "$TMP/$base.docx" ]; then
		fail "gongwen_draft_$base" "exit $rc: $(head -3 "$TMP/$base.log")"
		continue
	fi
	"$REL" scenario run "$id" --input "$f" -o "$TMP/$base.txt" >/dev/null 2>&1
	for ext in docx txt; do
		"$REL" gongwen check "$TMP/$base.$ext" --format json >"$TMP/$base.$ext.json" 2>&1
		check "gongwen_check_zero_errors_${base}_$ext" "$PY" - "$TMP/$base.$ext.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
errs = [f for f in r["findings"] if f["severity"] == "error"]
for f in errs:
    print("#", f["rule"], f["paragraph"], f["message"])
assert not errs
PY
	done
	wz_seen="$wz_seen $("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["doc_type"])' "$TMP/$base.docx.json")"
done
for wz in 通知 请示 报告 函 批复 纪要; do
	check "gongwen_wenzhong_covered_$wz" sh -c "echo '$wz_seen' | grep -qw '$wz'"
done
# control: the checker does find errors in a draft whose 版头 was damaged
"$PY" - "$TMP/gw-gongwen-tongzhi-s0.docx" "$TMP/control.docx" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as o:
    for n in z.namelist():
        d = z.read(n)
        if n == "word/document.xml":
            d = d.replace("〔2025〕".encode(), "[2025]".encode()).replace(b'w:top="2098"', b'w:top="1440"')
        o.writestr(n, d)
PY
"$BIN" gongwen check "$TMP/control.docx" >/dev/null 2>&1
check gongwen_check_control_finds_errors test $? = 1

# --- 3. OOXML schema validity --------------------------------------------------------
docs=("$TMP"/gw-*.docx)
for id in anquan-yanlian-jiaoben zhongcai-shenqingshu rudang-kaochabiao dangfei-mingxi xinfang-dafu; do
	"$PY" - "$id" "$TMP/in-$id.json" <<'PY'
import glob, json, sys
p = glob.glob("scenarios/*/%s.json" % sys.argv[1])[0]
json.dump(json.load(open(p))["samples"][0]["input"], open(sys.argv[2], "w"), ensure_ascii=False)
PY
	"$BIN" scenario run "$id" --input "$TMP/in-$id.json" -o "$TMP/doc-$id.docx" >/dev/null 2>&1
	check "scenario_run_$id" test -s "$TMP/doc-$id.docx"
	docs+=("$TMP/doc-$id.docx")
done
"$PY" tests/tools/validate_ooxml.py -q "${docs[@]}" >"$TMP/valid.log" 2>&1
echo "# validator exit $?"
for f in "${docs[@]}"; do
	if grep -qx "$f: valid" "$TMP/valid.log"; then
		ok "ooxml_valid_$(basename "$f" .docx)"
	else
		fail "ooxml_valid_$(basename "$f" .docx)"
		grep -A5 "^$f" "$TMP/valid.log" | sed 's/^/# /' | head -8
	fi
done

# --- 4. LibreOffice render -------------------------------------------------------------
if command -v soffice >/dev/null && command -v pdftotext >/dev/null; then
	mkdir -p "$TMP/pdf"
	timeout 180 soffice --headless --norestore -env:UserInstallation=file://"$TMP/lo" \
		--convert-to pdf --outdir "$TMP/pdf" "$TMP/gw-gongwen-tongzhi-s0.docx" \
		"$TMP/gw-gongwen-qingshi-s0.docx" "$TMP/doc-anquan-yanlian-jiaoben.docx" >"$TMP/soffice.log" 2>&1
	for f in gw-gongwen-tongzhi-s0 gw-gongwen-qingshi-s0 doc-anquan-yanlian-jiaoben; do
		pdf="$TMP/pdf/$f.pdf"
		check "render_pdf_$f" test -s "$pdf" || continue
		check "render_a4_$f" sh -c "pdfinfo '$pdf' | grep -q 'Page size: *595.[0-9]* x 841.[0-9]* pts'"
		pdftotext -layout "$pdf" "$pdf.txt"
		check "render_page_number_$f" sh -c "tr -d ' ' <'$pdf.txt' | grep -qx '—1—'"
		cp "$pdf" "$ART/scenario-$f.pdf"
	done
	t="$TMP/pdf/gw-gongwen-tongzhi-s0.pdf.txt"
	[ -s "$t" ] && check render_tongzhi_text sh -c "tr -d ' \n' <'$t' | grep -q '示例市人民政府文件' &&
		tr -d ' \n' <'$t' | grep -q '特此通知。' && tr -d ' \n' <'$t' | grep -q '示政发〔2025〕12号'"
	t="$TMP/pdf/gw-gongwen-qingshi-s0.pdf.txt"
	[ -s "$t" ] && check render_qingshi_signer sh -c "tr -d ' \n' <'$t' | grep -q '签发人：刘某某'"
	t="$TMP/pdf/doc-anquan-yanlian-jiaoben.pdf.txt"
	[ -s "$t" ] && check render_drill_inject_table sh -c "grep -q 'T+00:00' '$t' && grep -q 'T+28:00' '$t' &&
		tr -d ' \n' <'$t' | grep -q '演练评估表'"
else
	fail render_tools "soffice/pdftotext not installed"
fi

# --- 5. hostile inputs and definitions ------------------------------------------------
hostile() { # NAME WANT_EXIT MESSAGE_PART INPUT_FILE
	local name=$1 want=$2 msg=$3 in=$4
	"$BIN" scenario run gongwen-tongzhi --input "$in" -o "$TMP/h.docx" >"$TMP/h.out" 2>"$TMP/h.err"
	local rc=$?
	if [ $rc = "$want" ] && grep -q -- "$msg" "$TMP/h.err"; then ok "scenario_hostile_$name"; else
		fail "scenario_hostile_$name" "exit $rc: $(head -c 300 "$TMP/h.err")"; fi
}
hostile missing 2 "无法" "$TMP/none.json"
printf '{"organ":"\xff\xfe"}' >"$TMP/bad-utf8.json"
hostile invalid_utf8 2 "UTF-8" "$TMP/bad-utf8.json"
head -c 60 "$TMP/gw-gongwen-tongzhi-s0.json" >"$TMP/trunc.json"
hostile truncated 2 "JSON 语法错误" "$TMP/trunc.json"
"$PY" -c 'import json; json.dump({"organ": "x" * 2000000}, open("'"$TMP"'/huge.json", "w"))'
hostile huge 2 "1048576\|超过\|上限\|过大" "$TMP/huge.json"
echo '[1,2,3]' >"$TMP/array.json"
hostile not_object 2 "JSON 对象" "$TMP/array.json"
"$PY" -c 'import json; d=json.load(open("'"$TMP"'/gw-gongwen-tongzhi-s0.json")); d["points"]="x"*30000; json.dump(d, open("'"$TMP"'/long.json","w"), ensure_ascii=False)'
hostile field_too_long 2 "长度" "$TMP/long.json"
"$PY" -c 'import json; d=json.load(open("'"$TMP"'/gw-gongwen-tongzhi-s0.json")); d["date"]="2025-02-30"; json.dump(d, open("'"$TMP"'/date.json","w"), ensure_ascii=False)'
hostile bad_date 2 "有效日期" "$TMP/date.json"
"$PY" -c 'import json; d=json.load(open("'"$TMP"'/gw-gongwen-tongzhi-s0.json")); d["points"]="{{organ}} <w:p/> &amp; ]]>"; json.dump(d, open("'"$TMP"'/inject.json","w"), ensure_ascii=False)'
"$BIN" scenario run gongwen-tongzhi --input "$TMP/inject.json" -o "$TMP/inject.docx" >/dev/null 2>&1
check scenario_hostile_markup_is_text "$PY" - "$TMP/inject.docx" <<'PY'
import sys, zipfile
x = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()
assert "{{organ}} &lt;w:p/&gt; &amp;amp; ]]&gt;" in x, "input text not escaped literally"
PY
"$BIN" scenario run no-such-scenario --input "$TMP/gw-gongwen-tongzhi-s0.json" -o "$TMP/x.docx" 2>"$TMP/h.err"
check scenario_unknown_id_exit_2 test $? = 2

# broken definitions: each is refused with its file and JSON path; the rest still load
mkdir -p "$TMP/lib/综合办公" "$TMP/lib/公文处理"
cp scenarios/综合办公/huiyi-jilu.json "$TMP/lib/综合办公/"
"$PY" - "$TMP/lib" <<'PY'
import json, sys
lib = sys.argv[1]
base = json.load(open(lib + "/综合办公/huiyi-jilu.json"))
def put(name, d, cat="综合办公", raw=None):
    with open("%s/%s/%s.json" % (lib, cat, name), "w") as f:
        f.write(raw if raw is not None else json.dumps(d, ensure_ascii=False))
d = dict(base, id="bad-regex"); d["form"] = [dict(base["form"][0], pattern="([")] + base["form"][1:]; put("bad-regex", d)
d = dict(base, id="bad-tmpl"); d["output"] = dict(base["output"], template="{{#each points}}x"); put("bad-tmpl", d)
d = dict(base, id="bad-traversal"); o = dict(base["output"]); o.pop("template"); o["template_file"] = "../../etc/passwd"; d["output"] = o; put("bad-traversal", d)
d = dict(base, id="wrong-dir"); put("wrong-dir", d, cat="公文处理")
put("truncated", None, raw=json.dumps(base, ensure_ascii=False)[:200])
d = dict(base, id="bad-generator", generator="enforce.notice"); put("bad-generator", d)
PY
"$BIN" scenario test --dir "$TMP/lib" >"$TMP/lib.log" 2>&1
check scenario_broken_defs_exit_1 test $? = 1
check scenario_broken_regex_named grep -q 'FAIL load: .*bad-regex.json: \$.form\[0\]: pattern: 正则表达式无法编译' "$TMP/lib.log"
check scenario_broken_tmpl_named grep -q 'FAIL load: .*bad-tmpl.json.*没有对应的 {{/each}}' "$TMP/lib.log"
check scenario_traversal_refused grep -q 'FAIL load: .*bad-traversal.json: \$.output: 模板文件名' "$TMP/lib.log"
check scenario_wrong_dir_named grep -q 'FAIL load: .*wrong-dir.json: \$.category' "$TMP/lib.log"
check scenario_truncated_named grep -q 'FAIL load: .*truncated.json: JSON 语法错误' "$TMP/lib.log"
check scenario_unknown_generator_named grep -q 'bad-generator.json: \$.generator: 内置生成器“enforce.notice”不存在' "$TMP/lib.log"
check scenario_good_def_still_tested grep -q '^ok huiyi-jilu/' "$TMP/lib.log"
"$BIN" scenario list --dir "$TMP/lib" >/dev/null 2>&1
check scenario_list_broken_exit_2 test $? = 2
# a sample whose expectation is false must fail (the tests can fail)
mkdir -p "$TMP/neg/综合办公"
"$PY" - scenarios/综合办公/huiyi-jilu.json "$TMP/neg/综合办公/huiyi-jilu.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["samples"][0]["expect"]["contains"] = ["这句话不在输出里"]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
"$BIN" scenario test --dir "$TMP/neg" >"$TMP/neg.log" 2>&1
check scenario_false_expectation_fails sh -c "test $? = 1 && grep -q '缺少“这句话不在输出里”' '$TMP/neg.log'"

# start-up: `shuzhi serve` validates the library and refuses to start with a broken one
mkdir -p "$TMP/srv/综合办公"
echo '{' >"$TMP/srv/综合办公/broken.json"
SHUZHI_SCENARIOS="$TMP/srv" timeout 20 "$BIN" serve --listen 127.0.0.1:0 --db "$TMP/srv.db" \
	>/dev/null 2>"$TMP/srv.err"
rc=$?
check scenario_serve_refuses_broken_library sh -c "test $rc = 2 && grep -q 'broken.json: JSON 语法错误' '$TMP/srv.err'"

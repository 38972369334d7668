#!/usr/bin/env bash
# CLI behaviour: exit codes, JSON shape, never writing over the input,
# clean documents stay clean after fix, .txt fixing, dry-run.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
dev="$SHARED/corpus/gongwen-dev"

# exit codes
"$BIN" gongwen check "$dev/clean/b01-direct.docx" >/dev/null 2>&1
check cli_clean_exit_0 test $? = 0
"$BIN" gongwen check "$dev/docs/gwd-0001.docx" >/dev/null 2>&1
check cli_errors_exit_1 test $? = 1
"$BIN" gongwen check /nonexistent.docx >/dev/null 2>"$TMP/err"
rc=$?
check cli_missing_exit_2 test $rc = 2
check cli_missing_message_names_file grep -q '/nonexistent.docx' "$TMP/err"
"$BIN" gongwen bogus >/dev/null 2>&1
check cli_bad_usage_exit_2 test $? = 2

# libcurl (and the ~27 libraries it pulls in) is loaded only by model calls
# (src/model/curl_dl.c): a 公文 check never maps it.
LD_DEBUG=files "$BIN" gongwen check "$dev/clean/b01-direct.docx" >/dev/null 2>"$TMP/ld"
check cli_check_loads_no_libcurl sh -c '! grep -q "file=libcurl" "$1" && grep -q "file=libxml2" "$1"' _ "$TMP/ld"
# libzip likewise only for packages our own reader does not take (src/doc/zip.c):
# a plain Word package is read without it.
check cli_check_plain_loads_no_libzip sh -c '! grep -q "file=libzip" "$1" && grep -q "file=libdeflate" "$1"' _ "$TMP/ld"

# JSON shape: the exact keys of the issue
"$BIN" gongwen check "$dev/docs/gwd-0002.docx" --format json >"$TMP/out.json"
check cli_json_shape /usr/bin/python3 - "$TMP/out.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
assert list(o) == ["file", "profile", "doc_type", "findings"], list(o)
assert o["profile"] == "gbt9704-2012"
assert o["doc_type"] is None or isinstance(o["doc_type"], str)
for f in o["findings"]:
    assert list(f) == ["rule", "severity", "paragraph", "excerpt", "message", "fix", "suggestion"], list(f)
    assert f["severity"] in ("error", "warning", "info")
    assert f["fix"] in ("auto", "suggest", "manual")
    assert f["paragraph"] is None or isinstance(f["paragraph"], int)
assert any(f["rule"] == "GW-PAGE-004" and f["paragraph"] is None for f in o["findings"])
PY

# fix never writes over its input and leaves it byte-identical
cp "$dev/docs/gwd-0001.docx" "$TMP/in.docx"
sum_before=$(sha256sum "$TMP/in.docx" | cut -d' ' -f1)
"$BIN" gongwen fix "$TMP/in.docx" -o "$TMP/in.docx" >/dev/null 2>&1
check cli_fix_refuses_same_path test $? = 2
ln -s "$TMP/in.docx" "$TMP/alias.docx"
"$BIN" gongwen fix "$TMP/in.docx" -o "$TMP/alias.docx" >/dev/null 2>&1
check cli_fix_refuses_alias test $? = 2
"$BIN" gongwen fix "$TMP/in.docx" -o "$TMP/out.docx" >/dev/null 2>&1
check cli_fix_writes_output test -s "$TMP/out.docx"
check cli_fix_input_untouched test "$sum_before" = "$(sha256sum "$TMP/in.docx" | cut -d' ' -f1)"
"$BIN" gongwen check "$TMP/out.docx" --format json >"$TMP/after.json"
check cli_fix_removes_autofixable /usr/bin/python3 - "$TMP/after.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
left = [f for f in o["findings"] if f["fix"] == "auto"]
assert not left, left
PY

# dry-run prints the changes and writes nothing
"$BIN" gongwen fix "$TMP/in.docx" --dry-run -o "$TMP/dry.docx" >"$TMP/dry.txt" 2>&1
check cli_dry_run_no_file test ! -e "$TMP/dry.docx"
check cli_dry_run_lists_change grep -q 'GW-HEAD-007' "$TMP/dry.txt"

# every clean document: fix changes no text (oracle signature identical)
bad=0
for f in "$dev"/clean/*.docx; do
	"$BIN" gongwen fix "$f" -o "$TMP/c.docx" >/dev/null 2>&1 || bad=$((bad + 1))
	/usr/bin/python3 - "$f" "$TMP/c.docx" "$dev/tools" <<'PY' || bad=$((bad + 1))
import sys
sys.path.insert(0, sys.argv[3])
import oracle
a, b = oracle.signature(sys.argv[1]), oracle.signature(sys.argv[2])
d = oracle.compare_signatures(b, a)
if d:
    print(sys.argv[1], d)
    sys.exit(1)
PY
done
check cli_fix_clean_docs_unchanged test $bad = 0

# .txt fix keeps CRLF and line count, fixes text rules
printf '示政发[2025]6号\r\n关于做好工作的通知\r\n各单位:\r\n一.总体要求\r\n' >"$TMP/a.txt"
"$BIN" gongwen fix "$TMP/a.txt" -o "$TMP/b.txt" >/dev/null 2>&1
check cli_txt_fix_docno grep -q '示政发〔2025〕6号' "$TMP/b.txt"
check cli_txt_fix_keeps_crlf test "$(grep -c $'\r$' "$TMP/b.txt")" = 4
check cli_txt_fix_label grep -q '一、总体要求' "$TMP/b.txt"

# invalid UTF-8 .txt is refused with exit 2 and a reason
printf 'abc\xff\xfe\n' >"$TMP/bad.txt"
"$BIN" gongwen check "$TMP/bad.txt" >/dev/null 2>"$TMP/err"
check cli_invalid_utf8_exit_2 test $? = 2
check cli_invalid_utf8_message grep -q 'UTF-8' "$TMP/err"

# unit profile: parameters change, deviations are reported as GW-PAGE-012
cat >"$TMP/unit.json" <<'JSON'
{"name": "某市办公室规范", "page": {"top_mm": 28, "bottom_mm": 28, "left_mm": 25, "right_mm": 27},
 "line_spacing_pt": 28, "fonts": {"body": "仿宋"}}
JSON
"$BIN" gongwen check "$dev/clean/b01-direct.docx" --profile "$TMP/unit.json" --format json >"$TMP/p.json"
check cli_profile_applies /usr/bin/python3 - "$TMP/p.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
assert o["profile"] == "某市办公室规范", o["profile"]
rules = {f["rule"] for f in o["findings"]}
# the national margins now deviate from the unit's own
assert "GW-PAGE-002" in rules and "GW-PAGE-003" in rules, rules
dev = [f for f in o["findings"] if f["rule"] == "GW-PAGE-012"]
assert dev and "偏离国标" in dev[0]["message"] and "天头" in dev[0]["message"], dev
assert "仿宋" not in dev[0]["message"]  # same font category is not a deviation
PY
echo '{"page": {"top_mm": "x"}}' >"$TMP/bad.json"
"$BIN" gongwen check "$dev/clean/b01-direct.docx" --profile "$TMP/bad.json" >/dev/null 2>"$TMP/err"
check cli_bad_profile_exit_2 test $? = 2
check cli_bad_profile_message grep -q 'bad.json' "$TMP/err"
"$BIN" gongwen check "$dev/clean/b01-direct.docx" --profile nosuch >/dev/null 2>&1
check cli_unknown_profile_exit_2 test $? = 2

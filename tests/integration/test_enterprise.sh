#!/usr/bin/env bash
# Enterprise profiles (issue 9): the corpus scorer as a gate
# (cxzx_exact >= 0.99, flags_f1 >= 0.98, grade_acc >= 0.98) on
# enterprises-dev with the sanitizer build, idempotent re-import, and
# hostile CSV (BOM, CRLF, unbalanced quote, invalid UTF-8, NUL, huge field,
# too many fields) that must be reported row by row without aborting.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/enterprises-dev"
if [ ! -d "$set_dir" ]; then
	fail enterprise_scorer "missing $set_dir"
	exit 1
fi
mkdir -p tests/artifacts
/usr/bin/python3 "$set_dir/tools/score.py" --set "$set_dir" --bin "$BIN" --timeout 300 \
	--json tests/artifacts/enterprise-score.json >tests/artifacts/enterprise-score.txt 2>&1
last=$(tail -1 tests/artifacts/enterprise-score.txt)
echo "$last"
read -r cx ff ga < <(echo "$last" |
	sed -E 's/cxzx_exact=([0-9.]+) flags_f1=([0-9.]+) grade_acc=([0-9.]+)/\1 \2 \3/')
ge() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a+0 >= b+0)}'; }
check enterprise_cxzx_exact_ge_0.99 ge "${cx:-0}" 0.99
check enterprise_flags_f1_ge_0.98 ge "${ff:-0}" 0.98
check enterprise_grade_acc_ge_0.98 ge "${ga:-0}" 0.98
check enterprise_import_counts_exact grep -q 'import counts exact (repaired, duplicates, superseded, rejected): 48/48' \
	tests/artifacts/enterprise-score.txt

# Re-import of the same folder changes nothing; the export is identical.
db=$TMP/ent.db
"$BIN" enterprise import "$set_dir" --db "$db" --quiet --as-of 2025-06-30 >"$TMP/imp1.json" 2>"$TMP/imp1.err"
"$BIN" enterprise export --db "$db" --json --as-of 2025-06-30 >"$TMP/exp1.json"
"$BIN" enterprise import "$set_dir" --db "$db" --quiet --as-of 2025-06-30 >"$TMP/imp2.json" 2>"$TMP/imp2.err"
"$BIN" enterprise export --db "$db" --json --as-of 2025-06-30 >"$TMP/exp2.json"
idem() {
	python3 - "$TMP/imp2.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["import"]["files"]
assert all(f["database"]["inserted"] == 0 and f["database"]["updated"] == 0 for f in s.values()), s
assert s["enterprises.csv"]["database"]["unchanged"] == 2000
EOF
}
check enterprise_reimport_writes_nothing idem
same_export() {
	python3 -c 'import json,sys; a,b=(json.load(open(f))["enterprises"] for f in sys.argv[1:]); sys.exit(a != b)' \
		"$TMP/exp1.json" "$TMP/exp2.json"
}
check enterprise_reimport_same_export same_export
"$BIN" enterprise warnings --db "$db" --quiet >"$TMP/feed2.txt"
check enterprise_reimport_no_warning_changes test ! -s "$TMP/feed2.txt"

# A correction arrives in a later export: the keyed row is updated, the
# enterprise's grade follows, nothing else changes.
delta=$TMP/delta
mkdir -p "$delta"
u=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["enterprises"][0]["uscc"])' "$TMP/exp1.json")
printf 'uscc,year,grade\n%s,2024,D\n' "$u" >"$delta/tax_credit.csv"
"$BIN" enterprise import "$delta" --db "$db" --quiet --as-of 2025-06-30 >"$TMP/imp3.json" 2>/dev/null
"$BIN" enterprise export --db "$db" --json --as-of 2025-06-30 >"$TMP/exp3.json"
delta_ok() {
	python3 - "$TMP/exp3.json" "$u" <<'EOF'
import json, sys
e = {x["uscc"]: x for x in json.load(open(sys.argv[1]))["enterprises"]}[sys.argv[2].strip()]
assert e["grade"] == "D" and any(f["rule"] == "tax_grade_d" for f in e["flags"]), e
EOF
}
check enterprise_delta_import_updates delta_ok
"$BIN" enterprise warnings --db "$db" --quiet >"$TMP/feed3.txt"
check enterprise_feed_shows_new_red grep -q "^新增	红色	tax_grade_d	$u	tax_credit.csv:2$" "$TMP/feed3.txt"

# Hostile CSV: every bad row is reported with its line, good rows stay.
h=$TMP/hostile
mkdir -p "$h"
python3 - "$h" <<'EOF'
import sys, os
d = sys.argv[1]
A, B, C = "91440304MA5G2K3L7P", "91440300MA5F111123", "91350203M0001QAY9B"
head = "uscc,name,type,status,establish_date,registered_capital_wan,industry_code,industry_code_version,region_code,address,legal_rep"
rows = [
    (A + ",甲公司,有限责任公司,存续,2015-01-01,1000,C3973,2017,440304,地址,张三").encode(),
    (B + ",乙公司").encode() + b"\xff\xfe" + ",有限责任公司,存续,2015-01-01,100,C3973,2017,440304,地址,李四".encode(),
    (C + ',"丙公司,有限责任公司,存续,2015-01-01,100,C3973,2017,440304,地址,王五').encode(),
    ("91440300MA5F2222X1,丁," + "x" * 300000 + ",存续,2015-01-01,,,,,,").encode(),
    "91440300MA5F3333X2,戊,有限,存续,2015-01-01,1,000,C3973,2017,440304,地址,赵六".encode(),
    "91440300MA5F4444X3,己".encode() + b"\x00" + ",有限,存续,2015-01-01,,,,,,".encode(),
]
data = ("\ufeff" + head + "\r\n").encode() + b"".join(r + b"\r\n" for r in rows)
open(os.path.join(d, "enterprises.csv"), "wb").write(data)
open(os.path.join(d, "tax_credit.csv"), "wb").write(b"uscc,year,grade\n" + A.encode() + b",2024,A\n\xc3\x28,2024,B\n")
EOF
"$BIN" enterprise import "$h" --db "$TMP/h.db" --issues "$TMP/h-issues.csv" --quiet >"$TMP/h.json" 2>"$TMP/h.err"
rc=$?
check enterprise_hostile_import_exit_0 test "$rc" = 0
hostile_ok() {
	python3 - "$TMP/h.json" "$TMP/h-issues.csv" <<'EOF'
import json, sys, csv
s = json.load(open(sys.argv[1]))["import"]["files"]["enterprises.csv"]
issues = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
rej = {(i["line"], i["reason"]) for i in issues if i["kind"] == "rejected"}
# line 4: unbalanced quote; 5: huge field; 6: unquoted thousands separator; 7: NUL
for line in ("4", "5", "6", "7"):
    assert (line, "malformed") in rej, (line, rej)
assert s["rows"] == 6 and s["accepted"] == 2 and s["rejected"] == 4, s
rep = [i for i in issues if i["kind"] == "repaired" and i["line"] == "3"]
assert rep and "UTF-8" in rep[0]["detail"], issues
EOF
}
check enterprise_hostile_rows_reported hostile_ok
"$BIN" enterprise import "$TMP/no-such-dir" --db "$TMP/h.db" --quiet >/dev/null 2>"$TMP/nodir.err"
check enterprise_unreadable_dir_exit_2 test $? = 2
check enterprise_unreadable_dir_message grep -q '不是可读取的目录' "$TMP/nodir.err"
"$BIN" enterprise export --db "$TMP/h.db" --json --as-of 2025-02-30 >/dev/null 2>&1
check enterprise_bad_as_of_exit_2 test $? = 2

# 招商 screening agrees with the export: filters hold, red flags knocked out,
# ranked by credit score, and the export's own counts match.
"$BIN" enterprise screen --db "$db" --as-of 2025-06-30 --industry C39,I65 --region 44 --no-red \
	--cxzx-pass --quiet >"$TMP/screen.csv"
check enterprise_screen_exit_0 test $? = 0
screen_ok() {
	python3 - "$TMP/screen.csv" "$TMP/exp2.json" <<'PYEOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
ex = {e["uscc"]: e for e in json.load(open(sys.argv[2]))["enterprises"]}
want = [e for e in ex.values() if (e["industry_code"] or "")[:3] in ("C39", "I65")
        and not any(f["level"] == "red" for f in e["flags"]) and e["cxzx"]["pass"]]
assert rows, "no rows"
for r in rows:
    e = ex[r["uscc"]]
    assert r["industry_code"][:3] in ("C39", "I65") and r["region_code"].startswith("44"), r
    assert not any(f["level"] == "red" for f in e["flags"]), r
    assert e["cxzx"]["pass"] and r["grade"] == e["grade"] and int(r["credit_score"]) == e["credit"]["score"], r
scores = [int(r["credit_score"]) for r in rows]
assert scores == sorted(scores, reverse=True), scores

PYEOF
}
check enterprise_screen_filters_and_ranks screen_ok
"$BIN" enterprise screen --db "$db" --sort nonsense >/dev/null 2>&1
check enterprise_screen_bad_sort_exit_2 test $? = 2

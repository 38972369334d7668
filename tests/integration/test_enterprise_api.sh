#!/usr/bin/env bash
# Enterprise profiles over HTTP (issue 9): import a subset of enterprises-dev
# (the first 300 enterprises; child rows of the others are rejected as
# orphans) with the CLI, then search, profile, warnings feed, screening and
# its CSV / .xlsx export, the report .docx; role grants (a role not granted
# gets 403, 200 after the admin grants it; the grant is audited); every
# profile view leaves an audit entry; the .xlsx and .docx are XSD-valid
# (tests/tools/validate_ooxml.py) and LibreOffice reads the .xlsx back to
# the same cells; hostile input (bad id 404, huge query 400, bad filters 400).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/enterprises-dev"
PY=/usr/bin/python3
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 60)
JSON=(-H 'Content-Type: application/json')

# the subset: enterprises.csv header + 300 rows, every other file whole
mkdir -p "$TMP/set"
cp "$set_dir"/*.csv "$TMP/set/"
head -301 "$set_dir/enterprises.csv" >"$TMP/set/enterprises.csv"
"$BIN" enterprise import "$TMP/set" --quiet --as-of 2025-06-30 >"$TMP/imp.json" 2>"$TMP/imp.err"
check ent_api_import [ $? = 0 ]
printf '%s\n' "$PW" | "$BIN" user add boss --role admin >/dev/null
printf '%s\n' "$PW" | "$BIN" user add staff1 --role staff >/dev/null
printf '%s\n' "$PW" | "$BIN" user add g1 --role guardian >/dev/null
start_server "$TMP/serve.log" || exit 1
URL=http://127.0.0.1:$PORT
login() { # USER JAR: log in, print the CSRF token
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		$PY -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
A_CSRF=$(login boss "$TMP/a.jar")
S_CSRF=$(login staff1 "$TMP/s.jar")
G_CSRF=$(login g1 "$TMP/g.jar")
AS=(-b "$TMP/a.jar" -H "X-CSRF-Token: $A_CSRF")
SS=(-b "$TMP/s.jar" -H "X-CSRF-Token: $S_CSRF")
GS=(-b "$TMP/g.jar" -H "X-CSRF-Token: $G_CSRF")
# req OUT [curl args]: prints the status, body in OUT
req() {
	local out=$1
	shift
	"${CURL[@]}" -o "$out" -w '%{http_code}' "$@"
}
jq_py() { $PY -c "import json,sys; d=json.load(open('$1')); $2"; }

# ---- permissions: default admin only ----
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises?q=")
check ent_api_staff_403_by_default [ "$st" = 403 ]
check ent_api_403_message_chinese grep -q '授权' "$TMP/b"
st=$(req "$TMP/b" "${GS[@]}" "$URL/api/enterprise/warnings")
check ent_api_guardian_403_by_default [ "$st" = 403 ]
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprise/access")
check ent_api_access_admin_only [ "$st" = 403 ]
st=$(req "$TMP/b" "${AS[@]}" "$URL/api/enterprise/access")
check ent_api_access_get [ "$st" = 200 ]
check ent_api_access_default_admin jq_py "$TMP/b" 'assert d["roles"] == ["admin"], d'
st=$(req "$TMP/b" "${AS[@]}" "${JSON[@]}" -d '{"roles":["root"]}' "$URL/api/enterprise/access")
check ent_api_access_unknown_role_400 [ "$st" = 400 ]
st=$(req "$TMP/b" "${AS[@]}" "${JSON[@]}" -d '{"roles":["staff"]}' "$URL/api/enterprise/access")
check ent_api_access_grant [ "$st" = 200 ]
"$BIN" audit list --action enterprise.access >"$TMP/audit_access.txt" 2>&1
check ent_api_access_audited grep -q 'enterprise.access' "$TMP/audit_access.txt"
st=$(req "$TMP/b" "${GS[@]}" "$URL/api/enterprises?q=")
check ent_api_guardian_still_403 [ "$st" = 403 ]

# ---- search ----
st=$(req "$TMP/all" "${SS[@]}" "$URL/api/enterprises?per_page=100&page=2")
check ent_api_search_all_200 [ "$st" = 200 ]
"$BIN" enterprise export --json --as-of 2025-06-30 >"$TMP/exp.json"
nent=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["enterprises"]))' "$TMP/exp.json")
check ent_api_search_total_all jq_py "$TMP/all" "assert d['total'] == $nent and $nent > 200 and len(d['enterprises']) == 100 and d['page'] == 2, (d['total'], len(d['enterprises']))"
# a name fragment and a code prefix taken from the data (not hard-coded)
ucode=$(jq_py "$TMP/all" 'print(d["enterprises"][0]["uscc"])')
uname=$(jq_py "$TMP/all" 'print(d["enterprises"][0]["name"])')
frag=$($PY -c "import sys; s=sys.argv[1]; print(s[2:6])" "$uname")
st=$(req "$TMP/b" "${SS[@]}" -G --data-urlencode "q=$frag" "$URL/api/enterprises")
check ent_api_search_name_substring jq_py "$TMP/b" "assert '$ucode' in [e['uscc'] for e in d['enterprises']] and all('$frag' in e['name'] for e in d['enterprises']), d"
st=$(req "$TMP/b" "${SS[@]}" -G --data-urlencode "q=${ucode:0:10}" "$URL/api/enterprises")
check ent_api_search_code_prefix jq_py "$TMP/b" "assert d['total'] >= 1 and all(e['uscc'].startswith('${ucode:0:10}') for e in d['enterprises']), d"
huge=$(head -c 5000 /dev/zero | tr '\0' 'x')
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises?q=$huge")
check ent_api_search_huge_query_400 [ "$st" = 400 ]
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises?q=%ff%fe")
check ent_api_search_bad_utf8_400 [ "$st" = 400 ]
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises?per_page=100000")
check ent_api_search_bad_page_400 [ "$st" = 400 ]

# ---- profile: the enterprise with the most flags in the CLI export ----
read -r fu nflags < <($PY -c '
import json,sys
d=json.load(open(sys.argv[1]))["enterprises"]
e=max(d, key=lambda e: (len(e["flags"]), e["uscc"]))
print(e["uscc"], len(e["flags"]))' "$TMP/exp.json")
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises?q=$fu")
fid=$(jq_py "$TMP/b" 'print(d["enterprises"][0]["id"])')
before=$("$BIN" audit list 2>/dev/null | grep -c 'enterprise.view')
st=$(req "$TMP/prof" "${SS[@]}" "$URL/api/enterprises/$fid")
check ent_api_profile_200 [ "$st" = 200 ]
st=$(req "$TMP/prof2" "${SS[@]}" "$URL/api/enterprises/$fid")
after=$("$BIN" audit list 2>/dev/null | grep -c 'enterprise.view')
check ent_api_every_view_audited [ "$((after - before))" = 2 ]
check ent_api_view_audit_names_actor_and_code sh -c "\"$BIN\" audit list 2>/dev/null | grep 'enterprise.view' | grep 'staff1' | grep -q '$fu'"
prof_check() {
	$PY - "$TMP/prof" "$TMP/exp.json" "$fu" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
exp = {e["uscc"]: e for e in json.load(open(sys.argv[2]))["enterprises"]}[sys.argv[3]]
assert p["uscc"] == exp["uscc"] and p["name"] == exp["name"]
# the same verdicts as the CLI export
assert p["scorecard"]["score"] == exp["cxzx"]["score"], (p["scorecard"]["score"], exp["cxzx"])
assert sum(i["points"] for i in p["scorecard"]["indicators"]) == p["scorecard"]["score"]
assert p["grade"]["grade"] == exp["grade"] and p["grade"]["credit_score"] == exp["credit"]["score"]
assert sum(x["points"] for x in p["grade"]["dimensions"]) == p["grade"]["credit_score"]
assert p["grade"]["explanation"]
assert sorted(w["rule"] for w in p["warnings"]) == sorted(f["rule"] for f in exp["flags"])
for w, f in zip(sorted(p["warnings"], key=lambda w: w["rule"]), sorted(exp["flags"], key=lambda f: f["rule"])):
    assert sorted(x["source"] for x in w["evidence"]) == sorted(f["evidence"]), (w, f)
    assert all(x["row"] for x in w["evidence"]) and w["default"] is True and w["threshold"]
for k in ("headcount", "electricity", "revenue"):
    assert isinstance(p["series"][k], list)
ts = [x["t"] for x in p["series"]["electricity"]]
assert ts == sorted(ts)
assert p["registration"]["source"].startswith("enterprises.csv:")
assert p["analysis"] and p["analysis_source"] == "rules"
PYEOF
}
check ent_api_profile_matches_export prof_check
check ent_api_profile_has_flags [ "${nflags:-0}" -ge 1 ]
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises/999999999")
check ent_api_profile_bad_id_404 [ "$st" = 404 ]
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises/abc")
check ent_api_profile_non_numeric_id_404 [ "$st" = 404 ]
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises/$fid?as_of=2025-02-30")
check ent_api_profile_bad_date_400 [ "$st" = 400 ]

# ---- report .docx ----
st=$(req "$TMP/rep.docx" "${SS[@]}" "$URL/api/enterprises/$fid/report.docx")
check ent_api_report_200 [ "$st" = 200 ]
valid() { "$PY" tests/tools/validate_ooxml.py --xsd "$SHARED/ooxml-xsd" "$1" >"$1.valid.txt" 2>&1 || { tail -5 "$1.valid.txt"; false; }; }
check ent_api_report_docx_valid valid "$TMP/rep.docx"
# LibreOffice renders the report (in the background; checked at the end)
mkdir -p "$TMP/lo"
timeout 120 soffice --headless --norestore -env:UserInstallation=file://"$TMP/lo/p1" \
	--convert-to pdf --outdir "$TMP/lo" "$TMP/rep.docx" >"$TMP/lo1.log" 2>&1 &
LO1=$!
"$BIN" enterprise report "$fu" -o "$TMP/cli.docx" --as-of 2025-06-30 --quiet
check ent_cli_report_docx_valid valid "$TMP/cli.docx"
check_status ent_cli_report_unknown_code 2 "$BIN" enterprise report 91000000000000000X -o "$TMP/x.docx"

# ---- warnings feed ----
st=$(req "$TMP/feed" "${SS[@]}" "$URL/api/enterprise/warnings?level=red")
check ent_api_feed_200 [ "$st" = 200 ]
check ent_api_feed_red_only jq_py "$TMP/feed" 'assert d["items"] and all(i["level"] == "red" and i["change"] == "new" and i["name"] and i["threshold"] for i in d["items"]), d["items"][:2]; assert all(r["default"] for r in d["rules"])'
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprise/warnings?level=purple")
check ent_api_feed_bad_level_400 [ "$st" = 400 ]

# ---- screening ----
scr() { req "$1" "${SS[@]}" "${JSON[@]}" -d "$2" "$URL/api/enterprise/screen"; }
st=$(scr "$TMP/scr" '{"no_red": true, "sort": "credit", "limit": 0}')
check ent_api_screen_200 [ "$st" = 200 ]
check ent_api_screen_knockout_ranked jq_py "$TMP/scr" '
r = d["results"]; assert r and d["matched"] == len(r)
assert all("red:" not in x["flags"] for x in r)
assert [x["credit_score"] for x in r] == sorted([x["credit_score"] for x in r], reverse=True)
assert [x["rank"] for x in r] == list(range(1, len(r) + 1))'
# industry by 门类 prefix: the CLI with the same filter agrees
st=$(scr "$TMP/scr_c" '{"industry": "C", "limit": 0}')
"$BIN" enterprise screen --industry C --as-of 2025-06-30 --quiet >"$TMP/cli_c.csv"
check ent_api_screen_industry_same_as_cli jq_py "$TMP/scr_c" "
import csv
cli = [r['uscc'] for r in csv.DictReader(open('$TMP/cli_c.csv'))]
assert cli and [x['uscc'] for x in d['results']] == cli and all(x['industry_code'].startswith('C') for x in d['results'])"
# 产业链 node: stored by the admin, used by name
st=$(req "$TMP/b" "${SS[@]}" "${JSON[@]}" -d '{"chains":{"x":["C39"]}}' "$URL/api/enterprise/chains")
check ent_api_chains_admin_only [ "$st" = 403 ]
st=$(req "$TMP/b" "${AS[@]}" "${JSON[@]}" -d '{"chains":{"电子信息":["C39","I65"]}}' "$URL/api/enterprise/chains")
check ent_api_chains_set [ "$st" = 200 ]
st=$(req "$TMP/b" "${AS[@]}" "${JSON[@]}" -d '{"chains":{"坏":["39x"]}}' "$URL/api/enterprise/chains")
check ent_api_chains_bad_code_400 [ "$st" = 400 ]
st=$(scr "$TMP/scr_chain" '{"chain": "电子信息", "limit": 0}')
check ent_api_screen_chain jq_py "$TMP/scr_chain" "assert d['results'] and all(x['industry_code'][:3] in ('C39', 'I65') for x in d['results'])"
st=$(scr "$TMP/b" '{"chain": "不存在"}')
check ent_api_screen_unknown_chain_400 [ "$st" = 400 ]
st=$(scr "$TMP/b" '{"industry": "C39; DROP"}')
check ent_api_screen_bad_industry_400 [ "$st" = 400 ]
st=$(scr "$TMP/b" '{"min_revenue": "很多"}')
check ent_api_screen_bad_number_400 [ "$st" = 400 ]
st=$(scr "$TMP/scr_f" '{"cxzx_pass": true, "min_revenue": 1000, "region": "44"}')
check ent_api_screen_filters jq_py "$TMP/scr_f" "assert all(x['cxzx_pass'] == '是' and x['revenue_wan'] >= 1000 and x['region_code'].startswith('44') for x in d['results'])"

# export: CSV and .xlsx hold the same rows; the .xlsx is XSD-valid and
# LibreOffice reads back the same cells
st=$(scr "$TMP/s.csv" '{"no_red": true, "limit": 40, "format": "csv"}')
check ent_api_screen_csv_200 [ "$st" = 200 ]
st=$(scr "$TMP/s.xlsx" '{"no_red": true, "limit": 40, "format": "xlsx"}')
check ent_api_screen_xlsx_200 [ "$st" = 200 ]
check ent_api_xlsx_xsd_valid valid "$TMP/s.xlsx"
timeout 120 soffice --headless --norestore -env:UserInstallation=file://"$TMP/lo/p2" \
	--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' --outdir "$TMP/lo" "$TMP/s.xlsx" >"$TMP/lo2.log" 2>&1 &
LO2=$!

# ---- after the admin grants guardian, the guardian gets 200 ----
st=$(req "$TMP/b" "${AS[@]}" "${JSON[@]}" -d '{"roles":["staff","guardian"]}' "$URL/api/enterprise/access")
st=$(req "$TMP/b" "${GS[@]}" "$URL/api/enterprises/$fid")
check ent_api_guardian_200_after_grant [ "$st" = 200 ]
# revoking staff: 403 again
st=$(req "$TMP/b" "${AS[@]}" "${JSON[@]}" -d '{"roles":["guardian"]}' "$URL/api/enterprise/access")
st=$(req "$TMP/b" "${SS[@]}" "$URL/api/enterprises/$fid")
check ent_api_staff_403_after_revoke [ "$st" = 403 ]
st=$(req "$TMP/b" "$URL/api/enterprises?q=")
check ent_api_anonymous_401 [ "$st" = 401 ]
check ent_api_audit_chain_intact "$BIN" audit verify

# ---- LibreOffice: the .xlsx reads back to the CSV export's cells; the report renders ----
wait "$LO1" "$LO2"
roundtrip() {
	$PY - "$TMP/s.csv" "$TMP/lo/s.csv" <<'PYEOF'
import csv, sys
a = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
b = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
assert len(a) == len(b) == 41, (len(a), len(b))
def same(x, y):
    if x == y:
        return True
    try:
        return float(x) == float(y)
    except ValueError:
        return False
for ra, rb in zip(a, b):
    rb = rb + [""] * (len(ra) - len(rb))
    assert all(same(x, y) for x, y in zip(ra, rb)), (ra, rb)
PYEOF
}
check ent_api_xlsx_libreoffice_roundtrip roundtrip
check ent_api_report_renders [ -s "$TMP/lo/rep.pdf" ]
kill "$SERVER" 2>/dev/null
wait "$SERVER" 2>/dev/null
true

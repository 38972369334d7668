#!/usr/bin/env bash
# Enterprise risk-rule configuration and saved screening lists over HTTP
# (issue 9). A subset of enterprises-dev (the first 300 enterprises) is
# imported with the CLI. Rules: GET shows every rule with its README
# default; only the admin may PUT (403 otherwise); bad input is 400 with
# a Chinese message and changes nothing; a change is audited and takes
# effect in the profile, the export and the screening knockout; reset
# restores the README defaults (export identical to before). The CLI
# `export --rules FILE` gives the same flags as the stored configuration.
# A rule change re-evaluates the warnings at once: the feed (API and CLI)
# is the change's (kind rules, by the admin), its new / cleared warnings
# exactly the difference of the exports before and after; reset reverses it.
# Lists: save a screening under a name, list / open / export (CSV, .xlsx)
# / delete; visibility by owner, by department when shared, admin; only
# owner or admin deletes; save / export / delete audited. Refresh re-runs a
# saved list's filter now: after a rule change its added / removed / kept
# are exactly the difference with a fresh screening; only the owner (or
# admin) may save the refreshed membership; audited.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/enterprises-dev"
PY=/usr/bin/python3
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 60)
JSON=(-H 'Content-Type: application/json')

mkdir -p "$TMP/set"
cp "$set_dir"/*.csv "$TMP/set/"
head -301 "$set_dir/enterprises.csv" >"$TMP/set/enterprises.csv"
"$BIN" enterprise import "$TMP/set" --quiet --as-of 2025-06-30 >"$TMP/imp.json" 2>"$TMP/imp.err"
check ent_rules_import [ $? = 0 ]
"$BIN" dept add 招商科 >/dev/null
"$BIN" dept add 办公室 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add boss --role admin >/dev/null
printf '%s\n' "$PW" | "$BIN" user add s1 --role staff --dept 招商科 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add s2 --role staff --dept 招商科 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add s3 --role staff --dept 办公室 >/dev/null
start_server "$TMP/serve.log" || exit 1
URL=http://127.0.0.1:$PORT
login() {
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		$PY -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
A=(-b "$TMP/a.jar" -H "X-CSRF-Token: $(login boss "$TMP/a.jar")")
S1=(-b "$TMP/s1.jar" -H "X-CSRF-Token: $(login s1 "$TMP/s1.jar")")
S2=(-b "$TMP/s2.jar" -H "X-CSRF-Token: $(login s2 "$TMP/s2.jar")")
S3=(-b "$TMP/s3.jar" -H "X-CSRF-Token: $(login s3 "$TMP/s3.jar")")
req() {
	local out=$1
	shift
	"${CURL[@]}" -o "$out" -w '%{http_code}' "$@"
}
jq_py() { $PY -c "import json,sys; d=json.load(open('$1')); $2"; }
export_flags() { # OUT [extra args]: rule -> number of enterprises flagged
	local out=$1
	shift
	"$BIN" enterprise export --json --as-of 2025-06-30 "$@" >"$out.json" &&
		$PY -c '
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = collections.Counter((f["rule"], f["level"]) for e in d["enterprises"] for f in e["flags"])
g = collections.Counter(e["grade"] for e in d["enterprises"])
json.dump({"flags": {"%s/%s" % k: v for k, v in c.items()}, "grades": g,
           "by": {e["uscc"]: sorted(f["rule"] for f in e["flags"]) for e in d["enterprises"]}},
          open(sys.argv[2], "w"))' "$out.json" "$out"
}
export_flags "$TMP/before"

# ---- rules: read ----
st=$(req "$TMP/r" "${S1[@]}" "$URL/api/enterprise/rules")
check ent_rules_staff_403_without_grant [ "$st" = 403 ]
st=$(req "$TMP/r" "${A[@]}" "${JSON[@]}" -d '{"roles":["staff"]}' "$URL/api/enterprise/access")
st=$(req "$TMP/r" "${S1[@]}" "$URL/api/enterprise/rules")
check ent_rules_get_200 [ "$st" = 200 ]
check ent_rules_get_defaults jq_py "$TMP/r" '
rs = d["rules"]
assert len(rs) == 11 and d["all_default"] and d["changes"] == {}
assert all(r["default"] and r["enabled"] and r["defaults"]["level"] == r["level"] for r in rs)
p = {r["rule"]: r["param"] for r in rs}
assert p["litigation_3_cases"]["value"] == 3 and p["litigation_3_cases"]["default"] == 3
assert p["admin_penalties_100k"]["value"] == 100000 and p["dishonest_debtor"] is None
assert all(r["param"] is None or str(r["param"]["value"]) in r["threshold"] for r in rs)'

# ---- rules: write (roles, validation) ----
st=$(req "$TMP/r" "${S1[@]}" "${JSON[@]}" -X PUT -d '{"rules":{}}' "$URL/api/enterprise/rules")
check ent_rules_put_staff_403 [ "$st" = 403 ]
bad() { # NAME BODY: 400 with a Chinese message
	st=$(req "$TMP/bad" "${A[@]}" "${JSON[@]}" -X PUT -d "$2" "$URL/api/enterprise/rules")
	check "ent_rules_put_400_$1" sh -c "[ $st = 400 ] && grep -q '[规则预警请求]' '$TMP/bad'"
}
bad unknown_rule '{"rules":{"nope":{"enabled":false}}}'
bad bad_level '{"rules":{"abnormal_list":{"level":"purple"}}}'
bad out_of_range '{"rules":{"headcount_drop_30pct":{"threshold":100}}}'
bad no_threshold '{"rules":{"tax_grade_d":{"threshold":2}}}'
bad not_integer '{"rules":{"litigation_3_cases":{"threshold":"3"}}}'
bad no_rules '{"abnormal_list":{"enabled":false}}'
st=$(req "$TMP/bad" "${A[@]}" "${JSON[@]}" -X PUT --data-binary $'{"rules":{"\xff":{}}}' "$URL/api/enterprise/rules")
check ent_rules_put_invalid_utf8_400 [ "$st" = 400 ]
st=$(req "$TMP/r" "${A[@]}" "$URL/api/enterprise/rules")
check ent_rules_bad_input_changes_nothing jq_py "$TMP/r" 'assert d["all_default"]'

# ---- rules: a change takes effect everywhere ----
# litigation_3_cases needs 2 cases instead of 3; tax_grade_c switched off;
# abnormal_list raised to red (knockout and grade D)
cfg='{"rules":{"litigation_3_cases":{"threshold":2},"tax_grade_c":{"enabled":false},"abnormal_list":{"level":"red"}}}'
st=$(req "$TMP/r" "${A[@]}" "${JSON[@]}" -X PUT -d "$cfg" "$URL/api/enterprise/rules")
check ent_rules_put_200 [ "$st" = 200 ]
check ent_rules_put_reply jq_py "$TMP/r" '
assert not d["all_default"] and set(d["changes"]) == {"litigation_3_cases", "tax_grade_c", "abnormal_list"}
r = {x["rule"]: x for x in d["rules"]}
assert r["litigation_3_cases"]["param"]["value"] == 2 and not r["litigation_3_cases"]["default"]
assert "2" in r["litigation_3_cases"]["threshold"] and r["litigation_3_cases"]["defaults"]["threshold"].count("3")
assert not r["tax_grade_c"]["enabled"] and r["abnormal_list"]["level"] == "red" and r["abnormal_list"]["defaults"]["level"] == "orange"'
"$BIN" audit list --action enterprise.rules >"$TMP/audit_rules.txt" 2>&1
check ent_rules_put_audited grep -q 'litigation_3_cases' "$TMP/audit_rules.txt"
check ent_rules_put_audit_has_reevaluation grep -q 'reevaluated' "$TMP/audit_rules.txt"
export_flags "$TMP/after"
# feed_diff BEFORE AFTER FEED: the feed's new / cleared are the flags (uscc,
# rule, level) of AFTER not in BEFORE and the reverse
feed_diff() {
	$PY - "$@" <<'PY'
import json, sys
def flags(p):
    return {(e["uscc"], f["rule"], f["level"]) for e in json.load(open(p))["enterprises"] for f in e["flags"]}
b, a, feed = flags(sys.argv[1]), flags(sys.argv[2]), json.load(open(sys.argv[3]))
assert feed["kind"] == "rules" and feed["by"] == "user:boss", (feed["kind"], feed["by"])
assert feed["new"] == len(a - b) and feed["cleared"] == len(b - a), (feed["new"], len(a - b), feed["cleared"], len(b - a))
assert feed["new"] > 0 and feed["cleared"] > 0
got = {(x["change"], x["uscc"], x["rule"], x["level"]) for x in feed["items"]}
want = {("new",) + k for k in a - b} | {("cleared",) + k for k in b - a}
assert got == want or len(feed["items"]) == 2000, (len(got), len(want))
PY
}
st=$(req "$TMP/feed" "${A[@]}" "$URL/api/enterprise/warnings")
check ent_rules_change_feed_status [ "$st" = 200 ]
check ent_rules_change_feed_api feed_diff "$TMP/before.json" "$TMP/after.json" "$TMP/feed"
check ent_rules_change_reply_counts jq_py "$TMP/r" 'assert d["reevaluated"]["new"] > 0 and d["reevaluated"]["snapshot"] > 0, d["reevaluated"]'
"$BIN" enterprise warnings --json >"$TMP/feed_cli.json" 2>"$TMP/feed_cli.err"
check ent_rules_change_feed_cli jq_py "$TMP/feed_cli.json" 'assert d["kind"] == "rules" and d["by"] == "user:boss" and len(d["changes"]) > 0'
"$BIN" enterprise issues >"$TMP/issues.txt" 2>&1
check ent_rules_change_issues_still_of_import [ -s "$TMP/issues.txt" ]
check ent_rules_effect_export $PY -c '
import json, sys
b, a = (json.load(open(f)) for f in sys.argv[1:])
fb, fa = b["flags"], a["flags"]
assert fb.get("tax_grade_c/yellow", 0) > 0 and "tax_grade_c/yellow" not in fa, "tax_grade_c off"
assert fa["litigation_3_cases/yellow"] > fb["litigation_3_cases/yellow"], "threshold 2 flags more"
assert fa.get("abnormal_list/red") == fb["abnormal_list/orange"] and "abnormal_list/orange" not in fa
assert a["grades"].get("D", 0) > b["grades"].get("D", 0)
# the other rules are untouched
for k, v in fb.items():
    if k.split("/")[0] not in ("tax_grade_c", "litigation_3_cases", "abnormal_list"):
        assert fa.get(k) == v, k' "$TMP/before" "$TMP/after"
# the CLI with the same rules as a file gives the same flags
printf '%s' "$cfg" >"$TMP/rules.json"
"$BIN" enterprise export --json --as-of 2025-06-30 --rules "$TMP/rules.json" >"$TMP/cli_rules.json"
check ent_rules_cli_file_same_as_stored $PY -c '
import json, sys
a, b = (json.load(open(f))["enterprises"] for f in sys.argv[1:])
assert a == b' "$TMP/after.json" "$TMP/cli_rules.json"
printf '{"rules":{"nope":{}}}' >"$TMP/bad_rules.json"
"$BIN" enterprise export --json --rules "$TMP/bad_rules.json" >/dev/null 2>"$TMP/bad_rules.err"
check ent_rules_cli_bad_file_exit_2 [ $? = 2 ]
check ent_rules_cli_bad_file_message grep -q '未知的预警规则' "$TMP/bad_rules.err"
# profile of an enterprise with an abnormal listing: red now, labelled not default
uab=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(next(e["uscc"] for e in d["enterprises"] if "abnormal_list" in [f["rule"] for f in e["flags"]]))' "$TMP/after.json")
st=$(req "$TMP/s" "${S1[@]}" -G --data-urlencode "q=$uab" "$URL/api/enterprises")
eid=$(jq_py "$TMP/s" 'print(d["enterprises"][0]["id"])')
st=$(req "$TMP/p" "${S1[@]}" "$URL/api/enterprises/$eid")
check ent_rules_effect_profile jq_py "$TMP/p" '
w = [x for x in d["warnings"] if x["rule"] == "abnormal_list"][0]
assert w["level"] == "red" and w["default"] is False and d["grade"]["grade"] == "D", w'
# screening knockout drops the firms whose abnormal listing is now red
scr() { req "$1" "${S1[@]}" "${JSON[@]}" -d '{"no_red":true,"limit":0}' "$URL/api/enterprise/screen"; }
st=$(scr "$TMP/ko")
check ent_rules_effect_knockout jq_py "$TMP/ko" "assert '$uab' not in [x['uscc'] for x in d['results']] and not any('abnormal_list' in x['flags'] for x in d['results'])"
st=$(req "$TMP/r" "${A[@]}" "${JSON[@]}" -X PUT -d '{"reset":true}' "$URL/api/enterprise/rules")
check ent_rules_reset jq_py "$TMP/r" 'assert d["all_default"] and all(r["default"] for r in d["rules"])'
export_flags "$TMP/reset"
check ent_rules_reset_same_as_before cmp -s "$TMP/before.json" "$TMP/reset.json"
st=$(req "$TMP/feed2" "${A[@]}" "$URL/api/enterprise/warnings")
check ent_rules_reset_feed_reverses jq_py "$TMP/feed2" '
f = json.load(open("'"$TMP/feed"'"))
assert d["kind"] == "rules" and d["new"] == f["cleared"] and d["cleared"] == f["new"], (d["new"], d["cleared"])'

# ---- saved lists ----
save() { # SESSION-ARRAY-NAME OUT BODY
	local -n s=$1
	req "$2" "${s[@]}" "${JSON[@]}" -d "$3" "$URL/api/enterprise/lists"
}
st=$(save S1 "$TMP/l1" '{"name":"制造业 B 级以上","shared":true,"filter":{"industry":"C","min_grade":"B","no_red":true,"limit":50}}')
check ent_list_save_201 [ "$st" = 201 ]
l1=$(jq_py "$TMP/l1" 'print(d["id"])')
check ent_list_save_counts jq_py "$TMP/l1" 'assert d["saved"] == min(50, d["matched"]) and d["saved"] > 0, d'
st=$(save S1 "$TMP/l2" '{"name":"私有名单","filter":{"region":"44","limit":5}}')
l2=$(jq_py "$TMP/l2" 'print(d["id"])')
st=$(save S1 "$TMP/b" '{"name":"私有名单","filter":{}}')
check ent_list_same_name_409 [ "$st" = 409 ]
st=$(save S1 "$TMP/b" '{"name":"","filter":{}}')
check ent_list_empty_name_400 [ "$st" = 400 ]
st=$(save S1 "$TMP/b" '{"name":"x","filter":{"industry":"ZZ9"}}')
check ent_list_bad_filter_400 [ "$st" = 400 ]
st=$(req "$TMP/o" "${S1[@]}" "$URL/api/enterprise/lists/$l1")
check ent_list_open_200 [ "$st" = 200 ]
# the saved rows are the screening's rows
st=$(req "$TMP/scr" "${S1[@]}" "${JSON[@]}" -d '{"industry":"C","min_grade":"B","no_red":true,"limit":50}' "$URL/api/enterprise/screen")
check ent_list_rows_equal_screen $PY -c '
import json, sys
o, s = (json.load(open(f)) for f in sys.argv[1:])
assert [x["uscc"] for x in o["results"]] == [x["uscc"] for x in s["results"]]
assert o["filter"]["industry"] == "C" and o["owner"] == "s1" and o["as_of"] == "2025-06-30"
assert all(x["grade"] in "AB" for x in o["results"])' "$TMP/o" "$TMP/scr"
# ---- refresh after a rule change (one court case is a red warning: knocked out;
# tax grade C no longer a warning: more firms reach B) ----
st=$(save S1 "$TMP/l3" '{"name":"制造业全部 B 级以上","shared":true,"filter":{"industry":"C","min_grade":"B","no_red":true}}')
l3=$(jq_py "$TMP/l3" 'print(d["id"])')
st=$(req "$TMP/o" "${S1[@]}" "$URL/api/enterprise/lists/$l3")
st=$(req "$TMP/r" "${A[@]}" "${JSON[@]}" -X PUT -d '{"rules":{"litigation_3_cases":{"threshold":1,"level":"red"},"tax_grade_c":{"enabled":false}}}' "$URL/api/enterprise/rules")
st=$(req "$TMP/scr2" "${S1[@]}" "${JSON[@]}" -d '{"industry":"C","min_grade":"B","no_red":true,"limit":0}' "$URL/api/enterprise/screen")
st=$(req "$TMP/rf" "${S2[@]}" "${JSON[@]}" -d '{}' "$URL/api/enterprise/lists/$l3/refresh")
check ent_list_refresh_200 [ "$st" = 200 ]
check ent_list_refresh_diff $PY -c '
import json, sys
o, now, rf = (json.load(open(f)) for f in sys.argv[1:])
saved = [x["uscc"] for x in o["results"]]
fresh = [x["uscc"] for x in now["results"]]
assert [x["uscc"] for x in rf["added"]] == [u for u in fresh if u not in saved], "added"
assert [x["uscc"] for x in rf["removed"]] == [u for u in saved if u not in fresh], "removed"
assert rf["kept"] == len(set(saved) & set(fresh)) and rf["matched"] == now["matched"]
assert rf["removed"] or rf["added"], ("the rule change changes the list", len(saved), len(fresh), o.get("matched"), now.get("matched"))
assert rf["saved"] is False and rf["saved_as_of"] == "2025-06-30"' "$TMP/o" "$TMP/scr2" "$TMP/rf"
st=$(req "$TMP/o2" "${S1[@]}" "$URL/api/enterprise/lists/$l3")
check ent_list_refresh_without_save_keeps_rows $PY -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert [x["uscc"] for x in a["results"]] == [x["uscc"] for x in b["results"]]' "$TMP/o" "$TMP/o2"
st=$(req "$TMP/b" "${S2[@]}" "${JSON[@]}" -d '{"save":true}' "$URL/api/enterprise/lists/$l3/refresh")
check ent_list_refresh_save_not_owner_403 [ "$st" = 403 ]
st=$(req "$TMP/b" "${S3[@]}" "${JSON[@]}" -d '{}' "$URL/api/enterprise/lists/$l3/refresh")
check ent_list_refresh_other_department_404 [ "$st" = 404 ]
st=$(req "$TMP/b" "${S1[@]}" "${JSON[@]}" -d '{"save":"yes"}' "$URL/api/enterprise/lists/$l3/refresh")
check ent_list_refresh_bad_body_400 [ "$st" = 400 ]
st=$(req "$TMP/rf2" "${S1[@]}" "${JSON[@]}" -d '{"save":true}' "$URL/api/enterprise/lists/$l3/refresh")
check ent_list_refresh_save_owner jq_py "$TMP/rf2" 'assert d["saved"] is True'
st=$(req "$TMP/o3" "${S1[@]}" "$URL/api/enterprise/lists/$l3")
check ent_list_refresh_saved_rows_are_fresh $PY -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert [x["uscc"] for x in a["results"]] == [x["uscc"] for x in b["results"]] and a["matched"] == b["matched"]' "$TMP/o3" "$TMP/scr2"
st=$(req "$TMP/rf3" "${S1[@]}" "${JSON[@]}" -d '{}' "$URL/api/enterprise/lists/$l3/refresh")
check ent_list_refresh_again_no_change jq_py "$TMP/rf3" 'assert not d["added"] and not d["removed"] and d["kept"] > 0'
"$BIN" audit list --action enterprise.list.refresh >"$TMP/a4.txt" 2>&1
check ent_list_refresh_audited sh -c "[ \$(grep -c enterprise.list.refresh '$TMP/a4.txt') -ge 3 ]"
st=$(req "$TMP/r" "${A[@]}" "${JSON[@]}" -X PUT -d '{"reset":true}' "$URL/api/enterprise/rules")
st=$(req "$TMP/o" "${S1[@]}" "$URL/api/enterprise/lists/$l3")
st=$(req "$TMP/o" "${S1[@]}" "$URL/api/enterprise/lists/$l1")
st=$(req "$TMP/ls" "${S2[@]}" "$URL/api/enterprise/lists")
check ent_list_department_sees_shared jq_py "$TMP/ls" "ids = [x['id'] for x in d['lists']]; assert $l1 in ids and $l2 not in ids, ids"
st=$(req "$TMP/b" "${S2[@]}" "$URL/api/enterprise/lists/$l2")
check ent_list_private_404_for_colleague [ "$st" = 404 ]
st=$(req "$TMP/ls" "${S3[@]}" "$URL/api/enterprise/lists")
check ent_list_other_department_sees_none jq_py "$TMP/ls" "assert not [x for x in d['lists'] if x['id'] in ($l1, $l2)]"
st=$(req "$TMP/b" "${S3[@]}" "$URL/api/enterprise/lists/$l1")
check ent_list_other_department_404 [ "$st" = 404 ]
st=$(req "$TMP/ls" "${A[@]}" "$URL/api/enterprise/lists")
check ent_list_admin_sees_all jq_py "$TMP/ls" "ids = [x['id'] for x in d['lists']]; assert $l1 in ids and $l2 in ids"
st=$(req "$TMP/l.csv" "${S2[@]}" "$URL/api/enterprise/lists/$l1/export?format=csv")
check ent_list_export_csv $PY -c '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
o = json.load(open(sys.argv[2]))
assert rows[0][1] and len(rows) == len(o["results"]) + 1
assert [r[1] for r in rows[1:]] == [x["uscc"] for x in o["results"]]' "$TMP/l.csv" "$TMP/o"
st=$(req "$TMP/l.xlsx" "${S2[@]}" "$URL/api/enterprise/lists/$l1/export?format=xlsx")
check ent_list_export_xlsx sh -c "[ $st = 200 ] && unzip -l '$TMP/l.xlsx' | grep -q sheet1.xml"
st=$(req "$TMP/b" "${S2[@]}" "$URL/api/enterprise/lists/$l1/export?format=pdf")
check ent_list_export_bad_format_400 [ "$st" = 400 ]
st=$(req "$TMP/b" "${S2[@]}" -X DELETE "$URL/api/enterprise/lists/$l1")
check ent_list_delete_not_owner_403 [ "$st" = 403 ]
st=$(req "$TMP/b" "${S1[@]}" -X DELETE "$URL/api/enterprise/lists/$l1")
check ent_list_delete_owner_200 [ "$st" = 200 ]
st=$(req "$TMP/b" "${S1[@]}" "$URL/api/enterprise/lists/$l1")
check ent_list_deleted_404 [ "$st" = 404 ]
st=$(req "$TMP/b" "${A[@]}" -X DELETE "$URL/api/enterprise/lists/$l2")
check ent_list_delete_admin_200 [ "$st" = 200 ]
"$BIN" audit list --action enterprise.list.save >"$TMP/a1.txt" 2>&1
"$BIN" audit list --action enterprise.list.export >"$TMP/a2.txt" 2>&1
"$BIN" audit list --action enterprise.list.delete >"$TMP/a3.txt" 2>&1
check ent_list_audited sh -c "grep -q 制造业 '$TMP/a1.txt' && grep -q xlsx '$TMP/a2.txt' && [ \$(grep -c enterprise.list.delete '$TMP/a3.txt') -ge 2 ]"
kill "$SERVER" 2>/dev/null
wait "$SERVER" 2>/dev/null
true

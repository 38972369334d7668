#!/usr/bin/env bash
# 企业画像 in a real browser (tests/browser/enterprise.test.mjs): a subset of
# enterprises-dev imported with the CLI, staff granted read access by the
# admin over the API, then search, profile with SVG charts, warnings, feed,
# screening and its CSV download in headless Chromium.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/enterprises-dev"
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 30)
mkdir -p "$TMP/set"
cp "$set_dir"/*.csv "$TMP/set/"
head -301 "$set_dir/enterprises.csv" >"$TMP/set/enterprises.csv"
check ent_browser_import "$BIN" enterprise import "$TMP/set" --quiet --as-of 2025-06-30 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add boss --role admin >/dev/null
printf '%s\n' "$PW" | "$BIN" user add staff1 --role staff >/dev/null
# a flagged enterprise with the most monthly rows (social insurance and
# utilities) and a fragment of its name, both from the data
"$BIN" enterprise export --json --as-of 2025-06-30 >"$TMP/exp.json"
read -r ENT_USCC ENT_FRAG < <(python3 - "$TMP/exp.json" "$TMP/set" <<'PYEOF'
import collections, csv, json, sys
d = json.load(open(sys.argv[1]))["enterprises"]
rows = collections.Counter()
for f in ("social_insurance.csv", "utilities.csv"):
    for r in csv.reader(open(sys.argv[2] + "/" + f, encoding="utf-8")):
        rows[r[0].strip().upper()] += 1
e = max((e for e in d if e["flags"]), key=lambda e: (rows[e["uscc"]], e["uscc"]))
print(e["uscc"], e["name"][3:6])
PYEOF
)
export ENT_USCC ENT_FRAG
start_server "$TMP/serve.log" --login-burst 30 || exit 1
URL=http://127.0.0.1:$PORT
csrf=$("${CURL[@]}" -c "$TMP/a.jar" -H 'Content-Type: application/json' \
	-d "{\"username\":\"boss\",\"password\":\"$PW\"}" "$URL/api/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -b "$TMP/a.jar" -H "X-CSRF-Token: $csrf" \
	-H 'Content-Type: application/json' -d '{"roles":["staff"]}' "$URL/api/enterprise/access")
check ent_browser_grant_staff [ "$st" = 200 ]
run_browser tests/browser/enterprise.test.mjs
kill "$SERVER" 2>/dev/null
wait "$SERVER" 2>/dev/null
true

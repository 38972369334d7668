#!/usr/bin/env bash
# A risk-rule change re-evaluates every enterprise's warnings on the worker
# pool, not on the event loop (issue 9). 20,000 generated enterprises are
# imported with the CLI, so the re-evaluation lasts a while. While the
# admin's PUT is running:
#  - a second PUT (here with a body that is not even valid) gets 409 with a
#    Chinese message: the busy check comes before the body is read, so this
#    probe changes nothing;
#  - /healthz is answered, and the PUT is still unanswered after that: the
#    loop was free (ordering, no timing threshold). On a server that
#    re-evaluates on the loop the probe waits for the PUT and gets 400.
# Then the PUT replies 200 with the re-evaluation, the feed's latest entry is
# the rule change, and the audit chain holds one enterprise.rules entry.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
PY=/usr/bin/python3
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 300)
JSON=(-H 'Content-Type: application/json')

$PY "$SHARED/corpus/enterprises-dev/tools/gen_enterprises.py" --scale 20000 --out "$TMP/set" -q
check ent_async_generated test -s "$TMP/set/enterprises.csv"
"$BIN" enterprise import "$TMP/set" --quiet --as-of 2025-06-30 >"$TMP/imp.json" 2>"$TMP/imp.err"
check ent_async_import [ $? = 0 ]
printf '%s\n' "$PW" | "$BIN" user add boss --role admin >/dev/null
start_server "$TMP/serve.log" || exit 1
trap 'kill ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
URL=http://127.0.0.1:$PORT
CSRF=$("${CURL[@]}" -c "$TMP/a.jar" "${JSON[@]}" -d "{\"username\":\"boss\",\"password\":\"$PW\"}" \
	"$URL/api/login" | $PY -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
A=(-b "$TMP/a.jar" -H "X-CSRF-Token: $CSRF")

cfg='{"rules":{"litigation_3_cases":{"threshold":2},"abnormal_list":{"level":"red"}}}'
"${CURL[@]}" "${A[@]}" "${JSON[@]}" -X PUT -d "$cfg" -o "$TMP/put" -w '%{http_code}' \
	"$URL/api/enterprise/rules" >"$TMP/put.code" &
PUT=$!
probe=none hz=none alive=no
for _ in $(seq 1 600); do
	probe=$("${CURL[@]}" "${A[@]}" "${JSON[@]}" -X PUT -d '{"bogus":1}' -o "$TMP/probe" \
		-w '%{http_code}' "$URL/api/enterprise/rules")
	if [ "$probe" = 409 ]; then
		hz=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/healthz")
		kill -0 "$PUT" 2>/dev/null && alive=yes
		break
	fi
	kill -0 "$PUT" 2>/dev/null || break
	sleep 0.02
done
check ent_async_second_put_409 bash -c "[ '$probe' = 409 ] && grep -q '正在重新评估' '$TMP/probe'"
check ent_async_healthz_while_running bash -c "[ '$hz' = 200 ] && [ $alive = yes ]"
wait "$PUT"
check ent_async_put_200 [ "$(cat "$TMP/put.code")" = 200 ]
check ent_async_put_reevaluated $PY -c "
import json; d = json.load(open('$TMP/put'))
r = d['reevaluated']; assert r['snapshot'] > 0 and r['warnings'] > 0 and r['new'] > 0, r"
st=$("${CURL[@]}" "${A[@]}" -o "$TMP/feed" -w '%{http_code}' "$URL/api/enterprise/warnings")
check ent_async_feed_is_the_change bash -c "[ $st = 200 ] && grep -q '\"rules\"' '$TMP/feed'"
# the busy flag is cleared: a bad body is 400 again
st=$("${CURL[@]}" "${A[@]}" "${JSON[@]}" -X PUT -d '{"bogus":1}' -o /dev/null -w '%{http_code}' \
	"$URL/api/enterprise/rules")
check ent_async_idle_again_400 [ "$st" = 400 ]
kill -TERM "$SERVER"
wait "$SERVER"
check ent_async_server_clean_exit [ $? = 0 ]
SERVER=
check ent_async_one_audit_entry [ "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM audit_log WHERE action='enterprise.rules'")" = 1 ]
check ent_async_audit_chain "$BIN" audit verify --db "$SHUZHI_DB"

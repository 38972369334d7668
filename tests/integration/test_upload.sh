#!/usr/bin/env bash
# File uploads (SERVER_ROUTE_UPLOAD) end to end through POST /api/gongwen/check:
# the upload gives the same findings as the CLI, names only the client's
# file, respects max_upload_bytes (413) while JSON routes keep their own
# limit, rejects empty and nameless uploads, needs login and CSRF, and
# leaves nothing in the spool directory.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 30)
JSON=(-H 'Content-Type: application/json')
printf '%s\n' "$PW" | "$BIN" user add staff1 --role staff >/dev/null
printf '%s\n' "$PW" | "$BIN" user add aud --role auditor >/dev/null
mkdir -p "$TMP/spool"
TMPDIR=$TMP/spool start_server "$TMP/serve.log" --max-upload-bytes 60000 --max-body-bytes 4096 || exit 1
URL=http://127.0.0.1:$PORT
login() { # USER JAR: log in, print the CSRF token
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
CSRF=$(login staff1 "$TMP/staff.jar")
AUD_CSRF=$(login aud "$TMP/aud.jar")
S=(-b "$TMP/staff.jar" -H "X-CSRF-Token: $CSRF")

# up NAME FILE [curl args]: POST FILE as NAME; prints the status, body in $TMP/body
up() {
	local name=$1 file=$2
	shift 2
	"${CURL[@]}" -o "$TMP/body" -w '%{http_code}' -H 'Content-Type: application/octet-stream' \
		-H "X-File-Name: $name" --data-binary "@$file" "$@" "$URL/api/gongwen/check"
}
body_has() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); sys.exit(0 if ($1) else 1)"; }

DOCX=$SHARED/corpus/gongwen-dev/docs/gwd-0001.docx
enc=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("关于印发通知.docx"))')
st=$(up "$enc" "$DOCX" "${S[@]}")
"$BIN" gongwen check "$DOCX" --format json >"$TMP/cli.json"
check upload-check-matches-cli python3 - "$TMP/body" "$TMP/cli.json" "$st" <<'PY'
import json, sys
web, cli = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sys.argv[3] == "200", sys.argv[3]
assert web["file"] == "关于印发通知.docx", web["file"]
assert web["findings"] == cli["findings"] and web["doc_type"] == cli["doc_type"]
PY
# fix: the fixed document comes back; it has fewer error findings than the
# upload and the same number the CLI's fix leaves
"${CURL[@]}" -D "$TMP/fix.h" -o "$TMP/fixed.docx" -H 'Content-Type: application/octet-stream' \
	-H "X-File-Name: $enc" --data-binary "@$DOCX" "${S[@]}" "$URL/api/gongwen/fix"
"$BIN" gongwen fix "$DOCX" -o "$TMP/cli-fixed.docx" 2>/dev/null
count_errors() { "$BIN" gongwen check "$1" --format json | python3 -c 'import json,sys; print(sum(f["severity"]=="error" for f in json.load(sys.stdin)["findings"]))'; }
before=$(count_errors "$DOCX")
after=$(count_errors "$TMP/fixed.docx")
check upload-fix-returns-fixed bash -c "[ $after -lt $before ] && [ $after = $(count_errors "$TMP/cli-fixed.docx") ] &&
	grep -qi '^x-shuzhi-fixed: [1-9]' '$TMP/fix.h' &&
	grep -qi \"^content-disposition: attachment; .*filename\\*=UTF-8''%E5%85%B3%E4%BA%8E.*%E5%B7%B2%E4%BF%AE%E6%AD%A3\" '$TMP/fix.h'"
printf '一、总体要求\n' >"$TMP/a.txt"
st=$(up a.txt "$TMP/a.txt" "${S[@]}")
check upload-txt [ "$st" = 200 ]
check upload-spool-cleaned bash -c "[ -z \"\$(ls -A '$TMP/spool')\" ]"

printf 'PK\003\004broken' >"$TMP/broken.docx"
st=$(up broken.docx "$TMP/broken.docx" "${S[@]}")
check upload-broken-422 bash -c "[ $st = 422 ] && grep -q 'broken.docx' '$TMP/body' && ! grep -q 'shuzhi-upload\|/tmp' '$TMP/body'"
head -c 70000 /dev/zero >"$TMP/big.docx"
st=$(up big.docx "$TMP/big.docx" "${S[@]}")
check upload-over-limit-413-json bash -c "[ $st = 413 ] && python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j[\"error\"][\"code\"]==\"too_large\"' '$TMP/body'"
# declared over the limit with Expect: 100-continue: refused before the body is sent
head -c 3000000 /dev/zero >"$TMP/huge.docx"
st=$(up huge.docx "$TMP/huge.docx" "${S[@]}" -H 'Expect: 100-continue')
check upload-expect-over-limit-413-json bash -c "[ $st = 413 ] && grep -q '\"too_large\"' '$TMP/body'"
# a body larger than evhttp could ever buffer still gets our JSON (the filter answers from the head)
st=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "${S[@]}" "${JSON[@]}" -H 'Expect:' --data-binary "@$TMP/huge.docx" "$URL/api/tokens")
check json-route-huge-413-json bash -c "[ $st = 413 ] && grep -q '\"too_large\"' '$TMP/body'"
# the upload reaches the handler as a file written while it arrived (spool token not forgeable)
st=$(up a.txt "$TMP/a.txt" "${S[@]}" -H 'X-Shuzhi-Spool: 0123456789abcdef0123456789abcdef')
check upload-forged-spool-token-ignored [ "$st" = 200 ]
: >"$TMP/empty.txt"
st=$(up empty.txt "$TMP/empty.txt" "${S[@]}")
check upload-empty-400 [ "$st" = 400 ]
st=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' --data-binary "@$TMP/a.txt" "${S[@]}" "$URL/api/gongwen/check")
check upload-no-name-400 [ "$st" = 400 ]
st=$(up a.pdf "$TMP/a.txt" "${S[@]}")
check upload-bad-type-415 [ "$st" = 415 ]
st=$(up '..%2F..%2Fetc%2Fpasswd.txt' "$TMP/a.txt" "${S[@]}")
check upload-name-is-basename bash -c "[ $st = 200 ] && grep -q '\"file\": *\"passwd.txt\"' '$TMP/body'"
st=$(up a.txt "$TMP/a.txt" -b "$TMP/staff.jar")
check upload-needs-csrf [ "$st" = 403 ]
st=$(up a.txt "$TMP/a.txt")
check upload-needs-login [ "$st" = 401 ]
st=$(up a.txt "$TMP/a.txt" -b "$TMP/aud.jar" -H "X-CSRF-Token: $AUD_CSRF")
check upload-auditor-403 [ "$st" = 403 ]
# a JSON route keeps max_body_bytes although uploads may be larger
python3 -c 'import json; print(json.dumps({"name": "x" * 10000}))' >"$TMP/bigjson"
st=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "${S[@]}" "${JSON[@]}" --data-binary "@$TMP/bigjson" "$URL/api/tokens")
check json-route-keeps-body-limit-413 bash -c "[ $st = 413 ] && grep -q '\"too_large\"' '$TMP/body'"
# chunked bodies bypass the head check: the dispatcher's JSON 413 still applies
st=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "${S[@]}" "${JSON[@]}" -H 'Transfer-Encoding: chunked' --data-binary "@$TMP/bigjson" "$URL/api/tokens")
check json-route-chunked-413-json bash -c "[ $st = 413 ] && grep -q '\"too_large\"' '$TMP/body'"
# keep-alive: several uploads and JSON requests on one connection
W=(-o /dev/null -w '%{http_code} %{num_connects}\n' "${S[@]}")
UP=(-H 'Content-Type: application/octet-stream' -H 'X-File-Name: a.txt' --data-binary "@$TMP/a.txt" "$URL/api/gongwen/check")
"${CURL[@]}" "${W[@]}" "${UP[@]}" --next "${W[@]}" "$URL/api/me" --next "${W[@]}" "${UP[@]}" >"$TMP/codes"
check keepalive-uploads bash -c "[ \"\$(tr '\n' ' ' <'$TMP/codes')\" = '200 1 200 0 200 0 ' ]"
# streamed: while a slow upload is still arriving, its bytes are already in the spool file
head -c 50000 /dev/urandom | base64 -w 76 | head -c 50000 >"$TMP/slow.txt"
"${CURL[@]}" -o "$TMP/slowbody" -w '%{http_code}' "${S[@]}" --limit-rate 12k -H 'Content-Type: application/octet-stream' \
	-H 'X-File-Name: slow.txt' --data-binary "@$TMP/slow.txt" "$URL/api/gongwen/check" >"$TMP/slowcode" &
CURLPID=$!
partial=0
for _ in $(seq 1 40); do
	sleep 0.1
	sz=$(stat -c %s "$TMP"/spool/shuzhi-upload-* 2>/dev/null | head -1)
	if [ -n "$sz" ] && [ "$sz" -gt 0 ] && [ "$sz" -lt 50000 ]; then partial=1; break; fi
done
wait $CURLPID
check upload-streamed-to-spool-while-arriving [ "$partial" = 1 ]
check upload-slow-200 [ "$(cat "$TMP/slowcode")" = 200 ]
check upload-spool-empty-at-end bash -c "[ -z \"\$(ls -A '$TMP/spool')\" ]"
kill "$SERVER"
wait "$SERVER" 2>/dev/null

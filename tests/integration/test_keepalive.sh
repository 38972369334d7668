#!/usr/bin/env bash
# Keep-alive through the connection filter (src/server/conn.c): after a
# streamed reply (SSE, chunked) the next request on the SAME connection is
# answered (it used to hang: the filter wrote the last chunk before evhttp
# set its "reply done" callback); pipelined ordinary requests in one write;
# a request pipelined while an SSE reply is still streaming; an upload, a
# stream and JSON requests one after another on one connection.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 15)
JSON=(-H 'Content-Type: application/json')
printf '%s\n' "$PW" | "$BIN" user add alice --role staff >/dev/null
start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID 2>/dev/null; [ -n "${SERVER:-}" ] && kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
printf '{"model":{"base_url":"%s/v1","model":"deepseek:delay=20:tokens=4","retry_base_ms":10}}\n' "$SURL" >"$TMP/serve.json"
mkdir -p "$TMP/spool"
TMPDIR=$TMP/spool start_server "$TMP/serve.log" --config "$TMP/serve.json" || exit 1
URL=http://127.0.0.1:$PORT
CSRF=$("${CURL[@]}" -c "$TMP/jar" "${JSON[@]}" -d "{\"username\":\"alice\",\"password\":\"$PW\"}" "$URL/api/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
S=(-b "$TMP/jar" -H "X-CSRF-Token: $CSRF")
W=(-w '\n=%{http_code} %{num_connects}\n')
SSE=("${W[@]}" -N "${S[@]}" "${JSON[@]}" -d '{"message":"你好"}' "$URL/api/chat")

# SSE, then an ordinary request, then SSE again and one more: one connection
"${CURL[@]}" "${SSE[@]}" --next "${W[@]}" "${S[@]}" "$URL/api/me" --next "${SSE[@]}" \
	--next "${W[@]}" "$URL/healthz" >"$TMP/seq" 2>&1
check keepalive-sse-then-request bash -c "[ \"\$(grep '^=' '$TMP/seq' | tr '\n' ' ')\" = '=200 1 =200 0 =200 0 =200 0 ' ] &&
	[ \"\$(grep -c '^event: done' '$TMP/seq')\" = 2 ] && grep -q '\"username\":\"alice\"' '$TMP/seq'"

# an upload, a stream and JSON requests one after another on one connection
printf '关于做好春节期间安全工作的通知\n' >"$TMP/a.txt"
UP=("${W[@]}" "${S[@]}" -H 'Content-Type: application/octet-stream' -H 'X-File-Name: a.txt' --data-binary "@$TMP/a.txt" "$URL/api/gongwen/check")
"${CURL[@]}" "${UP[@]}" --next "${W[@]}" "${S[@]}" "$URL/api/me" --next "${SSE[@]}" --next "${UP[@]}" \
	--next "${W[@]}" "$URL/healthz" >"$TMP/mix" 2>&1
check keepalive-upload-sse-mix bash -c "[ \"\$(grep '^=' '$TMP/mix' | tr '\n' ' ')\" = '=200 1 =200 0 =200 0 =200 0 =200 0 ' ]"

# raw socket: requests pipelined in one write, answered in order
cat >"$TMP/pipe.py" <<'PY'
import socket, sys
port, cookie, csrf, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def req(method, path, body=b"", extra=""):
    h = "%s %s HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nX-CSRF-Token: %s\r\n%s" % (method, path, cookie, csrf, extra)
    if body:
        h += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    return h.encode() + b"\r\n" + body
chat = req("POST", "/api/chat", '{"message":"你好"}'.encode())
if mode == "plain":
    reqs = [req("GET", "/healthz"), req("GET", "/api/me"), req("GET", "/healthz"),
            req("GET", "/healthz", extra="Connection: close\r\n")]
else:  # a request pipelined behind a streamed reply, then one more stream
    reqs = [chat, req("GET", "/api/me"), chat, req("GET", "/healthz", extra="Connection: close\r\n")]
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
s.sendall(b"".join(reqs[:-1]) if mode == "plain" else b"".join(reqs[:2]))
def read_reply(buf):
    """one HTTP reply from buf+socket: returns (status, body, rest)"""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    hdr = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:]}
    body = b""
    if hdr.get("transfer-encoding") == "chunked":
        while True:
            while b"\r\n" not in rest:
                rest += s.recv(65536)
            size, rest = rest.split(b"\r\n", 1)
            n = int(size, 16)
            while len(rest) < n + 2:
                rest += s.recv(65536)
            body += rest[:n]
            rest = rest[n + 2:]
            if n == 0:
                break
    else:
        n = int(hdr.get("content-length", "0"))
        while len(rest) < n:
            rest += s.recv(65536)
        body, rest = rest[:n], rest[n:]
    return lines[0].split(" ")[1], body, rest
out, buf = [], b""
try:
    if mode == "plain":
        for _ in range(3):
            st, body, buf = read_reply(buf)
            out.append(st)
        s.sendall(reqs[-1])
        st, body, buf = read_reply(buf)
        out.append(st)
    else:
        st, body, buf = read_reply(buf)
        out.append(st + ("-done" if b"event: done" in body else "-cut"))
        st, body, buf = read_reply(buf)
        out.append(st + ("-me" if b'"alice"' in body else ""))
        s.sendall(b"".join(reqs[2:]))
        st, body, buf = read_reply(buf)
        out.append(st + ("-done" if b"event: done" in body else "-cut"))
        st, body, buf = read_reply(buf)
        out.append(st)
except (OSError, ValueError) as e:
    out.append("error:%s" % e)
print(" ".join(out))
PY
COOKIE=$(awk '$6=="sz_session"{print "sz_session=" $7}' "$TMP/jar")
python3 "$TMP/pipe.py" "$PORT" "$COOKIE" "$CSRF" plain >"$TMP/plain.out"
check keepalive-pipelined-plain grep -qx '200 200 200 200' "$TMP/plain.out"
python3 "$TMP/pipe.py" "$PORT" "$COOKIE" "$CSRF" sse >"$TMP/sse.out"
check keepalive-pipelined-behind-sse grep -qx '200-done 200-me 200-done 200' "$TMP/sse.out"
check keepalive-spool-empty bash -c "[ -z \"\$(ls -A '$TMP/spool')\" ]"
kill "$SERVER"
wait "$SERVER" 2>/dev/null
SERVER=

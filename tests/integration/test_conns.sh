#!/usr/bin/env bash
# Connections per IP (max_conns_per_ip: the connection over the limit gets a
# JSON 429 and is closed, logged; closing one lets a new one in; trusted
# proxies are not counted) and X-Forwarded-For (believed only from a
# trusted proxy, last untrusted hop; used for the access log, the login
# rate limit and the audit actor).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 10)
printf '%s\n' "$PW" | "$BIN" user add adm --role admin >/dev/null

# hold N idle connections, then try one more: prints the extra one's first reply line
cat >"$TMP/conns.py" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
time.sleep(0.3)
def probe():
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
    except OSError:
        pass
    s.close()
    return data.decode("utf-8", "replace")
r = probe()
print(r.split("\r\n")[0], "too_many_connections" in r)
held.pop().close()
time.sleep(0.3)
r = probe()
print(r.split("\r\n")[0], "too_many_connections" in r)
PY

start_server "$TMP/s1.log" --max-conns-per-ip 3 || exit 1
python3 "$TMP/conns.py" "$PORT" 3 >"$TMP/out1"
check conns-over-limit-429-json grep -qx 'HTTP/1.1 429 Too Many Requests True' <(sed -n 1p "$TMP/out1")
check conns-freed-slot-admits grep -qx 'HTTP/1.1 200 OK False' <(sed -n 2p "$TMP/out1")
check conns-refusal-logged grep -q 'max_conns_per_ip' "$TMP/s1.log"
# no proxy trusted: a spoofed X-Forwarded-For changes nothing
"${CURL[@]}" -o /dev/null -H 'X-Forwarded-For: 203.0.113.7' "http://127.0.0.1:$PORT/healthz"
check xff-untrusted-ignored bash -c "grep 'GET /healthz 200' '$TMP/s1.log' | tail -1 | grep -q ' 127.0.0.1 GET' && ! grep -q 203.0.113.7 '$TMP/s1.log'"
kill "$SERVER"
wait "$SERVER" 2>/dev/null

start_server "$TMP/s2.log" --max-conns-per-ip 3 --trusted-proxies 127.0.0.1 --login-burst 2 || exit 1
python3 "$TMP/conns.py" "$PORT" 5 >"$TMP/out2"
check conns-trusted-proxy-not-counted grep -qx 'HTTP/1.1 200 OK False' <(sed -n 1p "$TMP/out2")
"${CURL[@]}" -o /dev/null -H 'X-Forwarded-For: 198.51.100.1, 203.0.113.7' "http://127.0.0.1:$PORT/healthz"
check xff-trusted-last-hop bash -c "grep 'GET /healthz 200' '$TMP/s2.log' | tail -1 | grep -q ' 203.0.113.7 GET'"
# the login rate limit is per client behind the proxy. The attempts from
# .20 use an impossible user name ("!"), refused without a password check:
# argon2id under ASan on a busy machine can take seconds, long enough for
# the bucket to refill (one attempt every 6 s) between slow attempts.
login() { "${CURL[@]}" -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: $1" -H 'Content-Type: application/json' \
	-d "{\"username\":\"$2\",\"password\":\"wrong\"}" "http://127.0.0.1:$PORT/api/login"; }
codes="$(login 198.51.100.20 '!') $(login 198.51.100.20 '!') $(login 198.51.100.20 adm) $(login 198.51.100.21 adm)"
check xff-login-rate-limit-per-client [ "$codes" = "401 401 429 401" ]
kill "$SERVER"
wait "$SERVER" 2>/dev/null
"$BIN" audit list --json 2>/dev/null >"$TMP/audit.json" || "$BIN" audit list >"$TMP/audit.json" 2>&1
check xff-audit-actor grep -q '198.51.100.21' "$TMP/audit.json"

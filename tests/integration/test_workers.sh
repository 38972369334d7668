#!/usr/bin/env bash
# The worker pool (config "workers", src/server/workers.c): password checks
# and hashes run off the event loop. With one worker and several logins in
# flight, a /healthz sent after them is answered before the last login
# (ordering, not timing); parallel logins and a user added over the API
# all succeed and are audited; a client that leaves during its login
# leaves the server serving, the attempt audited; --workers is checked.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 30)
printf '%s\n' "$PW" | "$BIN" user add adm --role admin >/dev/null
for i in 1 2 3 4 5 6; do printf '%s\n' "$PW" | "$BIN" user add "u$i" --role staff >/dev/null; done

check workers-config-default bash -c "'$BIN' serve --print-config | grep -q '\"workers\": 2'"
check workers-config-flag bash -c "'$BIN' serve --workers 3 --print-config | grep -q '\"workers\": 3'"
check workers-config-env bash -c "SHUZHI_WORKERS=4 '$BIN' serve --print-config | grep -q '\"workers\": 4'"
out=$("$BIN" serve --workers 0 --print-config 2>&1)
check_status workers-config-range-exit2 2 "$BIN" serve --workers 0 --print-config
check workers-config-range-message grep -q 'workers' <<<"$out"

start_server "$TMP/s.log" --workers 1 || exit 1
URL=http://127.0.0.1:$PORT
# six logins sent at once, then /healthz: the order replies arrive in
cat >"$TMP/order.py" <<'PY'
import json, selectors, socket, sys
port, pw = int(sys.argv[1]), sys.argv[2]
sel = selectors.DefaultSelector()
def send(name, raw):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(raw)
    sel.register(s, selectors.EVENT_READ, [name, b""])
for i in range(1, 7):
    body = json.dumps({"username": "u%d" % i, "password": pw}).encode()
    send("login%d" % i, b"POST /api/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
         b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
send("healthz", b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
order = []
while len(order) < 7:
    for key, _ in sel.select(timeout=60):
        chunk = key.fileobj.recv(65536)
        key.data[1] += chunk
        if not chunk:
            sel.unregister(key.fileobj)
            key.fileobj.close()
            order.append("%s:%s" % (key.data[0], key.data[1].split(b" ")[1].decode()))
print(" ".join(order))
PY
python3 "$TMP/order.py" "$PORT" "$PW" >"$TMP/order"
# healthz is not last: it was answered while logins were still being checked
check workers-healthz-not-blocked-by-logins bash -c "grep -q 'healthz:200' '$TMP/order' && [ \"\$(tr ' ' '\n' <'$TMP/order' | tail -1 | cut -d: -f1)\" != healthz ]"
check workers-parallel-logins-ok [ "$(tr ' ' '\n' <"$TMP/order" | grep -c '^login[1-6]:200$')" = 6 ]
# the access log agrees: the /healthz line comes before the last login's
check workers-access-log-order bash -c "grep -nE ' (GET /healthz|POST /api/login) ' '$TMP/s.log' | tail -1 | grep -q 'POST /api/login'"

# a user added over the API (the password hashed on the pool), then logs in
CSRF=$("${CURL[@]}" -c "$TMP/jar" -H 'Content-Type: application/json' -d "{\"username\":\"adm\",\"password\":\"$PW\"}" "$URL/api/login" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
code=$("${CURL[@]}" -o "$TMP/add" -w '%{http_code}' -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	-d "{\"username\":\"newbie\",\"role\":\"staff\",\"password\":\"$PW\"}" "$URL/api/users")
check workers-user-add-201 bash -c "[ $code = 201 ] && grep -q '\"id\"' '$TMP/add'"
code=$("${CURL[@]}" -o "$TMP/weak" -w '%{http_code}' -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	-d '{"username":"weak","role":"staff","password":"short"}' "$URL/api/users")
check workers-user-add-policy-400 bash -c "[ $code = 400 ] && grep -q '密码' '$TMP/weak'"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"username\":\"newbie\",\"password\":\"$PW\"}" "$URL/api/login")
check workers-added-user-logs-in [ "$code" = 200 ]
code=$("${CURL[@]}" -o "$TMP/wrong" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"username":"newbie","password":"Wrong-password-1"}' "$URL/api/login")
check workers-wrong-password-401 bash -c "[ $code = 401 ] && grep -q '用户名或密码错误' '$TMP/wrong'"

# a client that sends its login and leaves at once
python3 - "$PORT" "$PW" <<'PY'
import json, socket, sys
body = json.dumps({"username": "u1", "password": sys.argv[2]}).encode()
for _ in range(3):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
    s.close()
PY
for _ in $(seq 1 100); do [ "$(grep -c 'POST /api/login' "$TMP/s.log")" -ge 12 ] && break; sleep 0.1; done
check workers-client-gone-server-serves bash -c "[ \"\$('${CURL[0]}' -s --noproxy '*' --max-time 10 -o /dev/null -w '%{http_code}' '$URL/healthz')\" = 200 ]"
kill "$SERVER"
wait "$SERVER"
check workers-clean-exit [ $? = 0 ]
check workers-no-sanitizer-report bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' '$TMP/s.log'"
n=$("$BIN" audit list --action user.login | grep -c 'user:u1')
check workers-gone-client-login-audited [ "$n" -ge 2 ]

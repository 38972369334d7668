#!/usr/bin/env bash
# Model gateway end to end against the stand-in model server (build/standin):
# every protocol (DeepSeek SSE, vLLM reasoning, think tags, Ollama NDJSON)
# through `shuzhi chat`, every fault (400/401/402/422/429/503 bodies, retry
# then success, mid-stream drop, idle timeout, refused connection), `shuzhi
# model test`, and POST /api/chat on the real server: SSE events, usage
# rows, queue positions, upstream abort when the client goes, no model.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

STANDIN=${SHUZHI_STANDIN:-build/standin}
CURL=(curl -s --noproxy '*' --max-time 20)
[ -x "$STANDIN" ] || make -s build/standin >/dev/null
"$STANDIN" >"$TMP/standin.out" 2>&1 &
STANDIN_PID=$!
trap 'kill $STANDIN_PID 2>/dev/null; [ -n "${SERVER:-}" ] && kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do
	SP=$(awk '/listening on/{print $4}' "$TMP/standin.out")
	[ -n "$SP" ] && break
	sleep 0.1
done
check standin-start test -n "$SP"
SURL=http://127.0.0.1:$SP

# cfg FILE MODEL [KIND] [EXTRA_JSON]: a config with a model object
cfg() {
	local kind=${3:-openai} base=$SURL/v1
	[ "$kind" = ollama ] && base=$SURL
	printf '{"model":{"kind":"%s","base_url":"%s","model":"%s","retry_base_ms":10%s}}\n' \
		"$kind" "$base" "$2" "${4:-}" >"$1"
}
# a counter of the stand-in's flat /stats object (sed, not a python3 start
# per poll: the wait loops below poll it up to 100 times each)
requests() { "${CURL[@]}" "$SURL/stats" | sed -n 's/.*"'"$1"'":\([0-9-]*\).*/\1/p'; }
ANSWER='你好，我是替身模型。你好，'

# ---- no model ----
out=$("$BIN" chat "你好" 2>&1)
check chat-no-model-exit2 test $? -eq 2
check chat-no-model-message grep -q '未配置模型' <<<"$out"

# ---- protocols through shuzhi chat ----
proto() { # NAME MODEL KIND WANT_REASONING
	cfg "$TMP/$1.json" "$2" "$3"
	"$BIN" chat "你好" --config "$TMP/$1.json" >"$TMP/$1.out" 2>"$TMP/$1.err"
	local rc=$?
	if [ $rc -ne 0 ] || [ "$(cat "$TMP/$1.out")" != "$ANSWER" ]; then
		fail "chat-$1" "rc $rc out '$(cat "$TMP/$1.out")' err '$(head -c 300 "$TMP/$1.err")'"
		return
	fi
	if ! grep -q "$4" "$TMP/$1.err" || grep -q 'think>' "$TMP/$1.out" "$TMP/$1.err"; then
		fail "chat-$1" "reasoning: '$(cat "$TMP/$1.err")'"
		return
	fi
	ok "chat-$1"
}
proto deepseek-sse 'deepseek' openai '用户问候，礼貌回答'
proto vllm-reasoning 'vllm' openai '用户问候，礼貌回答'
proto think-tags-split 'think' openai '用户问候，礼貌回答。'
proto ollama-ndjson 'deepseek' ollama '用户问候，礼貌回答'
proto ollama-think-tags 'think' ollama '用户问候，礼貌回答。'
cfg "$TMP/open.json" 'think-open' openai ',"think_tags":"open"'
"$BIN" chat "你好" --config "$TMP/open.json" >"$TMP/open.out" 2>"$TMP/open.err"
check chat-lone-closing-tag bash -c "[ \"\$(cat '$TMP/open.out')\" = '$ANSWER' ] && grep -q '礼貌回答。' '$TMP/open.err'"
"$BIN" chat "你好" --no-reasoning --config "$TMP/deepseek-sse.json" >"$TMP/nr.out" 2>"$TMP/nr.err"
check chat-no-reasoning-flag bash -c "[ \"\$(cat '$TMP/nr.out')\" = '$ANSWER' ] && ! grep -q '用户' '$TMP/nr.err'"

# ---- faults ----
fault() { # NAME MODEL WANT_IN_STDERR [EXTRA_JSON]
	cfg "$TMP/f.json" "$2" openai "${4:-}"
	"$BIN" chat "你好" --config "$TMP/f.json" >"$TMP/f.out" 2>"$TMP/f.err"
	local rc=$?
	if [ $rc -ne 1 ] || ! grep -q "$3" "$TMP/f.err"; then
		fail "fault-$1" "rc $rc: $(head -c 300 "$TMP/f.err")"
		return
	fi
	ok "fault-$1"
}
fault 400 err-400 '请求格式错误.*Invalid Format'
fault 401 err-401 'API 密钥'
fault 402 err-402 '余额不足'
fault 422 err-422 '参数无效'
before=$(requests requests)
fault 429-retried err-429 '限流' ',"retries":2'
# (each /stats call counts as a request too)
check retry-429-three-attempts test $(($(requests requests) - before)) -eq 4
before=$(requests requests)
fault 503-retried err-503 '过载' ',"retries":1'
check retry-503-two-attempts test $(($(requests requests) - before)) -eq 3
before=$(requests requests)
fault 400-not-retried err-400 '400' ',"retries":3'
check no-retry-on-400 test $(($(requests requests) - before)) -eq 2
cfg "$TMP/flaky.json" 'flaky-2' openai ',"retries":3'
check retry-then-success bash -c "[ \"\$('$BIN' chat 你好 --config '$TMP/flaky.json' 2>/dev/null)\" = '$ANSWER' ]"
fault mid-stream-drop 'drop:tokens=8' '中断'
check drop-partial-answer-shown grep -q '你好' "$TMP/f.out"
fault idle-timeout 'hang' '空闲超时' ',"idle_timeout_s":1,"retries":0'
printf '{"model":{"base_url":"http://127.0.0.1:1/v1","model":"m","retries":1,"retry_base_ms":10}}\n' >"$TMP/refused.json"
"$BIN" chat "你好" --config "$TMP/refused.json" >/dev/null 2>"$TMP/refused.err"
check fault-connection-refused grep -q '无法连接模型服务' "$TMP/refused.err"

# ---- model test ----
"$BIN" model test --config "$TMP/deepseek-sse.json" >"$TMP/mt.out" 2>&1
check model-test-ok bash -c "[ $? -eq 0 ] && grep -q '服务可达' '$TMP/mt.out' && grep -q '模型输出推理过程' '$TMP/mt.out'"
"$BIN" model test --config "$TMP/ollama-ndjson.json" >"$TMP/mt2.out" 2>&1
check model-test-ollama bash -c "[ $? -eq 0 ] && grep -q 'api/tags 返回 1 个模型' '$TMP/mt2.out'"
"$BIN" model test --config "$TMP/refused.json" >"$TMP/mt3.out" 2>&1
check model-test-refused bash -c "[ $? -eq 1 ] && grep -q '无法连接模型服务' '$TMP/mt3.out'"
cfg "$TMP/mt401.json" err-401
"$BIN" model test --config "$TMP/mt401.json" >"$TMP/mt4.out" 2>&1
check model-test-auth-diagnosis grep -q 'API 密钥' "$TMP/mt4.out"

# ---- the server ----
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
printf '%s\n' "$PW" | "$BIN" user add alice --role staff >/dev/null
JSON=(-H 'Content-Type: application/json')
login() {
	"${CURL[@]}" -c "$TMP/jar" "${JSON[@]}" -d "{\"username\":\"alice\",\"password\":\"$PW\"}" \
		"http://127.0.0.1:$PORT/api/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
chat() { # BODY: the SSE reply on stdout
	"${CURL[@]}" -N -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -d "$1" "http://127.0.0.1:$PORT/api/chat"
}

start_server "$TMP/serve0.log" || exit 1
CSRF=$(login)
code=$("${CURL[@]}" -o "$TMP/nm" -w '%{http_code}' -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -d '{"message":"你好"}' "http://127.0.0.1:$PORT/api/chat")
check api-chat-no-model-503 bash -c "[ $code = 503 ] && grep -q '\"code\":\"no_model\"' '$TMP/nm' && grep -q '未配置模型' '$TMP/nm'"
kill $SERVER
wait $SERVER 2>/dev/null

printf '{"model":{"base_url":"%s/v1","model":"deepseek:delay=300:tokens=6","max_streams":1,"api_key":"sk-never-logged","retries":1,"retry_base_ms":10}}\n' "$SURL" >"$TMP/serve.json"
"$BIN" serve --config "$TMP/serve.json" --print-config >"$TMP/pc.json"
check print-config-redacts-key bash -c "grep -q '\"api_key\": \"\\*\\*\\*\"' '$TMP/pc.json' && ! grep -q sk-never '$TMP/pc.json'"
start_server "$TMP/serve.log" --config "$TMP/serve.json" || exit 1
CSRF=$(login)
# streams of the fault checks above may still be winding down in the stand-in
for _ in $(seq 1 100); do [ "$(requests active)" = 0 ] && break; sleep 0.1; done
active0=$(requests active)
chat '{"messages":[{"role":"user","content":"你好"}]}' >"$TMP/sse1" &
c1=$!
# the first stream holds the only slot before the second asks (six tokens
# 300 ms apart: time enough for the second request on a loaded machine)
for _ in $(seq 1 100); do [ "$(requests active)" -gt "$active0" ] && break; sleep 0.1; done
chat '{"message":"你好"}' >"$TMP/sse2"
wait $c1
python3 - "$TMP/sse1" "$TMP/sse2" >"$TMP/sse.check" 2>&1 <<'EOF'
import json, sys
def events(path):
    out = []
    for block in open(path, encoding="utf-8").read().split("\n\n"):
        name = data = None
        for line in block.split("\n"):
            if line.startswith("event: "): name = line[7:]
            elif line.startswith("data: "): data = json.loads(line[6:])
        if name: out.append((name, data))
    return out
a, b = events(sys.argv[1]), events(sys.argv[2])
for ev in (a, b):
    names = [n for n, _ in ev]
    assert names[-1] == "done", names
    assert "".join(d["text"] for n, d in ev if n == "delta") == "你好，我是替身模型。", ev
    assert "".join(d["text"] for n, d in ev if n == "reasoning") == "用户问候，礼貌回答", ev
    assert ev[-1][1]["usage"]["completion_tokens"] == 11, ev[-1]
# max_streams 1: the second request waited and was told its place.
assert ("queued", {"position": 1}) in b, b
assert ("queued", {"position": 1}) not in a
print("ok")
EOF
# (check returns 0 either way: say why when it fails)
if grep -qx ok "$TMP/sse.check"; then ok api-chat-sse-events; else fail api-chat-sse-events "$(tail -c 600 "$TMP/sse.check")"; fi
for _ in $(seq 1 100); do # rows are written in batches, every 200 ms
	[ "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM model_usage WHERE status='done'")" -ge 2 ] && break
	sleep 0.1
done
check usage-recorded test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM model_usage WHERE status='done' AND completion_tokens=11 AND reasoning='用户问候，礼貌回答'")" = 2
check api-key-not-in-log bash -c "! grep -q sk-never '$TMP/serve.log'"
code=$("${CURL[@]}" -o "$TMP/bad" -w '%{http_code}' -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -d '{"messages":[{"role":"tool","content":"x"}]}' "http://127.0.0.1:$PORT/api/chat")
check api-chat-bad-role-400 test "$code" = 400
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -b "$TMP/jar" "${JSON[@]}" -d '{"message":"x"}' "http://127.0.0.1:$PORT/api/chat")
check api-chat-csrf-403 test "$code" = 403

# Client goes away mid-stream: the upstream request is aborted (the
# stand-in sees its connection closed) and the call recorded as aborted.
aborted0=$(requests aborted)
active0=$(requests active)
"${CURL[@]}" -N --max-time 0.7 -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -d '{"message":"你好"}' "http://127.0.0.1:$PORT/api/chat" >"$TMP/cut" 2>&1
# (how fast is measured by bench/http, not here: wait up to 10 s)
for _ in $(seq 1 100); do [ "$(requests aborted)" -gt "$aborted0" ] && break; sleep 0.1; done
check abort-upstream-on-disconnect test "$(requests aborted)" -eq $((aborted0 + 1))
# usage rows are written in batches (every 200 ms, on a worker): wait for it
for _ in $(seq 1 100); do
	[ "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM model_usage WHERE status='aborted'")" -ge 1 ] && break
	sleep 0.1
done
check abort-recorded test "$(sqlite3 "$SHUZHI_DB" "SELECT count(*) FROM model_usage WHERE status='aborted'")" = 1
check stand-in-stream-gone test "$(requests active)" -eq "$active0"

# Answer text that needs escaping (quotes, backslashes, newlines, control
# characters, CJK), in short pieces (framed on the stack, one addition per
# event) and in long ones (over the stack buffer: through evhttp), to an
# HTTP/1.1 client (chunked) and an HTTP/1.0 one (not chunked): the deltas
# put together are the text exactly.
kill $SERVER
wait $SERVER 2>/dev/null
printf '{"model":{"base_url":"%s/v1","model":"deepseek:tokens=2:keepalive=0:reply=%s/reply.txt","max_streams":4}}\n' "$SURL" "$TMP" >"$TMP/serve-reply.json"
start_server "$TMP/serve-reply.log" --config "$TMP/serve-reply.json" || exit 1
CSRF=$(login)
python3 - "$TMP/reply.txt" short <<'EOF2'
import sys
t = '他说："你好\\世界"\n\t第二行\x01\x1f结束 <b>&amp;</b> ' * (3 if sys.argv[2] == "short" else 120)
open(sys.argv[1], "w", encoding="utf-8").write(t)
EOF2
cp "$TMP/reply.txt" "$TMP/reply-short.txt"
chat '{"message":"x"}' >"$TMP/esc1.sse"
"${CURL[@]}" --http1.0 -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -d '{"message":"x"}' "http://127.0.0.1:$PORT/api/chat" >"$TMP/esc10.sse"
python3 - "$TMP/reply.txt" long <<'EOF2'
import sys
t = '他说："你好\\世界"\n\t第二行\x01\x1f结束 <b>&amp;</b> ' * (3 if sys.argv[2] == "short" else 120)
open(sys.argv[1], "w", encoding="utf-8").write(t)
EOF2
chat '{"message":"x"}' >"$TMP/esc2.sse"
python3 - "$TMP/reply-short.txt" "$TMP/reply.txt" "$TMP/esc1.sse" "$TMP/esc10.sse" "$TMP/esc2.sse" >"$TMP/esc.check" 2>&1 <<'EOF2'
import json, sys
def deltas(path):
    text, names = "", []
    for block in open(path, encoding="utf-8").read().split("\n\n"):
        name = data = None
        for line in block.split("\n"):
            if line.startswith("event: "): name = line[7:]
            elif line.startswith("data: "): data = json.loads(line[6:])
        if name:
            names.append(name)
            if name == "delta": text += data["text"]
    assert names and names[-1] == "done", (path, names)
    return text
short = open(sys.argv[1], encoding="utf-8").read()
long_ = open(sys.argv[2], encoding="utf-8").read()
assert len(long_.encode()) > 2 * 2048, len(long_.encode())
assert deltas(sys.argv[3]) == short, (deltas(sys.argv[3]), short)
assert deltas(sys.argv[4]) == short, deltas(sys.argv[4])
assert deltas(sys.argv[5]) == long_
print("ok")
EOF2
if grep -qx ok "$TMP/esc.check"; then ok api-chat-escaped-text; else fail api-chat-escaped-text "$(tail -c 600 "$TMP/esc.check")"; fi

# A client that does not read for a while (5 MB of answer): the
# tokens that do not fit wait in the server's output, in order, behind the
# ones the kernel took; another client is served meanwhile; then all of
# the answer arrives, whole and in order.
kill $SERVER
wait $SERVER 2>/dev/null
printf '{"model":{"base_url":"%s/v1","model":"deepseek:tokens=100000:delay=0:keepalive=0","max_streams":4}}\n' "$SURL" >"$TMP/serve-slow.json"
# (the release binary: 5 MB of events through the sanitizers take long)
BIN_ASAN=$BIN
BIN=${SHUZHI_REL_BIN:-build/shuzhi}
start_server "$TMP/serve-slow.log" --config "$TMP/serve-slow.json" || exit 1
BIN=$BIN_ASAN
CSRF=$(login)
python3 - "$PORT" "$(awk '$6=="sz_session"{print $7}' "$TMP/jar")" "$CSRF" >"$TMP/slow.check" 2>&1 <<'EOF2' &
import json, socket, sys, time
port, session, csrf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket()
s.connect(("127.0.0.1", port))
body = json.dumps({"message": "x"}).encode()
s.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Cookie: sz_session=" + session.encode() + b"\r\nX-CSRF-Token: " + csrf.encode() +
          b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
time.sleep(2)  # not reading: the server's writes fill the buffers
parts = []
while True:
    b = s.recv(65536)
    if not b:
        break
    parts.append(b)
data = b"".join(parts)
head, _, rest = data.partition(b"\r\n\r\n")
assert b" 200 " in head.split(b"\r\n")[0], head[:200]
# undo the chunked framing
pieces, i = [], 0
while True:
    j = rest.index(b"\r\n", i)
    n = int(rest[i:j], 16)
    if n == 0:
        break
    pieces.append(rest[j + 2:j + 2 + n])
    i = j + 2 + n + 2
out = b"".join(pieces)
texts, names = [], []
for block in out.decode().split("\n\n"):
    name = d = None
    for line in block.split("\n"):
        if line.startswith("event: "): name = line[7:]
        elif line.startswith("data: "): d = json.loads(line[6:])
    if name:
        names.append(name)
        if name == "delta": texts.append(d["text"])
text = "".join(texts)
assert names[-1] == "done", names[-3:]
words = ["你好", "，", "我是", "替身", "模型", "。"]
want = "".join(words[k % 6] for k in range(100000))  # about 5 MB of events
assert text == want, (len(text), len(want), text[:40])
print("ok")
EOF2
SLOW=$!
sleep 0.5
# (the first 4 KB of its answer are enough; it then hangs up)
"${CURL[@]}" -N --max-time 10 -b "$TMP/jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -d '{"message":"x"}' \
	"http://127.0.0.1:$PORT/api/chat" 2>/dev/null | head -c 4096 >"$TMP/other.sse"
check slow-client-others-served grep -q '^event: delta' "$TMP/other.sse"
wait $SLOW
if grep -qx ok "$TMP/slow.check"; then ok slow-client-answer-whole; else fail slow-client-answer-whole "$(tail -c 600 "$TMP/slow.check")"; fi

# A model outage (the model server stops): errors as SSE events, the
# server keeps serving.
kill $STANDIN_PID
wait $STANDIN_PID 2>/dev/null
chat '{"message":"你好"}' >"$TMP/down.sse"
check outage-error-event bash -c "grep -q '^event: error' '$TMP/down.sse' && grep -q '无法连接模型服务' '$TMP/down.sse'"
check outage-server-alive test "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" = 200
kill $SERVER
wait $SERVER 2>/dev/null
SERVER=

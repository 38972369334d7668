#!/bin/bash
# bench/http/run.sh BIN [DURATION_S]
#
# HTTP benchmark for `shuzhi serve` (issue 3), everything on 127.0.0.1:
#   1. installs wrk and nginx-light with apt-get if missing (says what it installs);
#   2. starts BIN serve on a free loopback port with a temporary database and an
#      admin user (made with the CLI, password on stdin), logs in with curl for
#      the sz_session cookie;
#   3. starts Debian's nginx from its own temporary config (daemon off, pid,
#      error_log and temp paths in the temp dir, access_log off) on another
#      loopback port, serving the exact bytes of shuzhi's /app.css;
#   4. wrk -t2 -c100 -dDURATION --latency against: shuzhi /app.css, nginx
#      /app.css (Debian's `worker_processes auto`, and 1 worker for reference),
#      shuzhi /api/me with the Cookie header;
#   5. VmRSS of shuzhi at idle and while wrk -t2 -c1000 holds 1,000 keep-alive
#      connections (sampled every 0.5 s mid-run, plus the open socket count),
#      the same for nginx (master + workers);
#   6. prints a table and writes build/bench/http.json.
# Both servers are stopped at exit (trap). Exit status: 0 measured, 2 set-up error.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 BIN [DURATION_S]" >&2
    exit 2
fi
BIN=$(readlink -f "$1")
DUR=${2:-10}
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/build/bench/http.json
mkdir -p "$ROOT/build/bench"

[ -x "$BIN" ] || { echo "bench/http: $BIN is not an executable" >&2; exit 2; }

# --- tools -------------------------------------------------------------------
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
    echo "bench/http: installing ${need[*]} with apt-get" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi
NGINX=/usr/sbin/nginx
for t in wrk curl python3 "$NGINX"; do
    command -v "$t" >/dev/null 2>&1 || { echo "bench/http: $t missing" >&2; exit 2; }
done

# 1,000 connections + wrk's own: raise the fd limit if we can.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
NOFILE=$(ulimit -n)
[ "$NOFILE" = unlimited ] || [ "$NOFILE" -ge 1100 ] ||
    echo "bench/http: warning: ulimit -n is $NOFILE, 1,000 connections may fail" >&2

TMP=$(mktemp -d /tmp/shuzhi-bench-http.XXXXXX)
# run as root, nginx workers drop to `nobody`: they must be able to read the root
chmod 755 "$TMP"
SZ_PID= NG_PID=
cleanup() {
    [ -n "$SZ_PID" ] && kill "$SZ_PID" 2>/dev/null && wait "$SZ_PID" 2>/dev/null
    [ -n "$NG_PID" ] && kill -QUIT "$NG_PID" 2>/dev/null && wait "$NG_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CURL=(curl -s --noproxy '*' --max-time 10)
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
socks() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
# nginx: master + workers
ng_pids() { echo "$NG_PID"; pgrep -P "$NG_PID" || true; }
ng_rss_kb() { local s=0 p; for p in $(ng_pids); do s=$((s + $(rss_kb "$p"))); done; echo "$s"; }
ng_socks() { local s=0 p; for p in $(pgrep -P "$NG_PID"); do s=$((s + $(socks "$p"))); done; echo "$s"; }

# --- shuzhi --------------------------------------------------------------------
export SHUZHI_DB=$TMP/shuzhi.db
PW='Bench-http-2024!'
printf '%s\n' "$PW" | "$BIN" user add admin --role admin >/dev/null
SZ_PORT=$(free_port)
# The per-request access log goes to /dev/null (nginx runs with access_log off);
# a real deployment pays one stderr write per request on top.
"$BIN" serve --listen "127.0.0.1:$SZ_PORT" --login-burst 100 2>/dev/null &
SZ_PID=$!
SZ=http://127.0.0.1:$SZ_PORT
for _ in $(seq 1 100); do
    "${CURL[@]}" -o /dev/null "$SZ/healthz" && break
    sleep 0.1
done
"${CURL[@]}" -o /dev/null "$SZ/healthz" || { echo "bench/http: shuzhi did not start" >&2; exit 2; }
"${CURL[@]}" -c "$TMP/jar" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$PW\"}" -o /dev/null "$SZ/api/login"
COOKIE=$(awk '$6=="sz_session"{print $7}' "$TMP/jar")
[ -n "$COOKIE" ] || { echo "bench/http: login failed" >&2; exit 2; }
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "Cookie: sz_session=$COOKIE" "$SZ/api/me")
[ "$code" = 200 ] || { echo "bench/http: /api/me answered $code" >&2; exit 2; }

# --- nginx with the same bytes -------------------------------------------------
mkdir -p "$TMP/www" "$TMP/ng"
"${CURL[@]}" -o "$TMP/www/app.css" "$SZ/app.css"
CSS_BYTES=$(stat -c %s "$TMP/www/app.css")
[ "$CSS_BYTES" -gt 0 ] || { echo "bench/http: /app.css empty" >&2; exit 2; }
NG_PORT=$(free_port)
ng_conf() {   # ng_conf WORKERS FILE
    cat >"$2" <<NGX
worker_processes $1;
daemon off;
pid $TMP/ng/nginx.pid;
error_log $TMP/ng/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    access_log off;
    client_body_temp_path $TMP/ng/body;
    proxy_temp_path $TMP/ng/proxy;
    fastcgi_temp_path $TMP/ng/fastcgi;
    uwsgi_temp_path $TMP/ng/uwsgi;
    scgi_temp_path $TMP/ng/scgi;
    server {
        listen 127.0.0.1:$NG_PORT;
        root $TMP/www;
    }
}
NGX
}
start_nginx() {   # start_nginx WORKERS
    ng_conf "$1" "$TMP/ng/nginx.conf"
    "$NGINX" -p "$TMP/ng" -c "$TMP/ng/nginx.conf" -e "$TMP/ng/error.log" &
    NG_PID=$!
    for _ in $(seq 1 100); do
        "${CURL[@]}" -o /dev/null "http://127.0.0.1:$NG_PORT/app.css" && return 0
        sleep 0.1
    done
    echo "bench/http: nginx did not start: $(cat "$TMP/ng/error.log")" >&2
    exit 2
}
stop_nginx() { kill -QUIT "$NG_PID" 2>/dev/null; wait "$NG_PID" 2>/dev/null || true; NG_PID=; }
start_nginx auto
NG=http://127.0.0.1:$NG_PORT
"${CURL[@]}" -o "$TMP/ng.css" "$NG/app.css" || true
cmp -s "$TMP/www/app.css" "$TMP/ng.css" ||
    { echo "bench/http: nginx does not serve the same bytes" >&2; exit 2; }

# --- wrk -----------------------------------------------------------------------
WRK_CMDS=()
runwrk() {   # runwrk NAME CONNS URL [wrk args]: raw output in $TMP/NAME.txt
    local name=$1 c=$2 url=$3
    shift 3
    local shown="wrk -t2 -c$c -d${DUR}s --timeout 5s --latency"
    [ $# -gt 0 ] && shown+=" -H 'Cookie: sz_session=\$COOKIE'"
    WRK_CMDS+=("$shown $url")
    wrk -t2 -c"$c" -d"${DUR}s" --timeout 5s --latency "$@" "$url" >"$TMP/$name.txt" 2>&1 || true
    echo "--- $name: ${WRK_CMDS[-1]}" >&2
    cat "$TMP/$name.txt" >&2
}
# sample RSS and socket count every 0.5 s while the 1,000-connection run goes
sample() {   # sample NAME RSSFN SOCKFN ARG
    local f=$TMP/$1.samples
    : >"$f"
    while [ -e "$TMP/$1.running" ]; do
        echo "$($2) $($3 "$4")" >>"$f"
        sleep 0.5
    done
}

SZ_IDLE=$(rss_kb "$SZ_PID")
NG_IDLE=$(ng_rss_kb)
sleep 1   # let the first login's argon2 memory settle
SZ_IDLE=$(rss_kb "$SZ_PID")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# short warm-up of both (not measured)
wrk -t2 -c100 -d2s "$SZ/app.css" >/dev/null 2>&1 || true
wrk -t2 -c100 -d2s "$NG/app.css" >/dev/null 2>&1 || true

runwrk sz_static 100 "$SZ/app.css"
runwrk ng_static 100 "$NG/app.css"
runwrk sz_me 100 "$SZ/api/me" -H "Cookie: sz_session=$COOKIE"

touch "$TMP/sz1000.running"
sample sz1000 "rss_kb $SZ_PID" socks "$SZ_PID" &
SP=$!
runwrk sz_c1000 1000 "$SZ/app.css"
rm -f "$TMP/sz1000.running"; wait "$SP" || true
SZ_AFTER=$(rss_kb "$SZ_PID")

touch "$TMP/ng1000.running"
sample ng1000 ng_rss_kb ng_socks "" &
SP=$!
runwrk ng_c1000 1000 "$NG/app.css"
rm -f "$TMP/ng1000.running"; wait "$SP" || true

# nginx with one worker, like shuzhi's single event loop (reference only)
stop_nginx
start_nginx 1
runwrk ng1_static 100 "$NG/app.css"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report --------------------------------------------------------------------
WRK_CMDS_S=$(printf '%s\n' "${WRK_CMDS[@]}")
LOAD_BEFORE=$LOAD_BEFORE LOAD_AFTER=$LOAD_AFTER NOFILE=$NOFILE DUR=$DUR CSS_BYTES=$CSS_BYTES \
    WRK_CMDS="$WRK_CMDS_S" SZ_IDLE=$SZ_IDLE SZ_AFTER=$SZ_AFTER NG_IDLE=$NG_IDLE \
    python3 - "$TMP" "$OUT" <<'PY'
import json, re, sys, os
tmp, out = sys.argv[1], sys.argv[2]
def unit(v, u):
    v = float(v)
    return v * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[u]
def parse(name):
    t = open(os.path.join(tmp, name + ".txt")).read()
    r = {"raw": t}
    m = re.search(r"Requests/sec:\s*([\d.]+)", t); r["rps"] = float(m.group(1)) if m else None
    m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", t, re.M); r["p99_ms"] = unit(*m.groups()) if m else None
    m = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s|m)\s*$", t, re.M); r["p50_ms"] = unit(*m.groups()) if m else None
    m = re.search(r"(\d+) requests in", t); r["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
    r["socket_errors"] = dict(zip(["connect", "read", "write", "timeout"], map(int, m.groups()))) if m else {}
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", t); r["non_2xx"] = int(m.group(1)) if m else 0
    return r
def samples(name):
    rows = [l.split() for l in open(os.path.join(tmp, name + ".samples")) if l.strip()]
    rows = [(int(a), int(b)) for a, b in rows]
    return rows
runs = {k: parse(k) for k in ["sz_static", "ng_static", "sz_me", "sz_c1000", "ng_c1000", "ng1_static"]}
sz_s, ng_s = samples("sz1000"), samples("ng1000")
sz_peak = max((r for r, _ in sz_s), default=0); sz_socks = max((s for _, s in sz_s), default=0)
ng_peak = max((r for r, _ in ng_s), default=0); ng_socks = max((s for _, s in ng_s), default=0)
ratio = runs["sz_static"]["rps"] / runs["ng_static"]["rps"] if runs["sz_static"]["rps"] and runs["ng_static"]["rps"] else None
ratio1 = runs["sz_static"]["rps"] / runs["ng1_static"]["rps"] if runs["sz_static"]["rps"] and runs["ng1_static"]["rps"] else None
mb = lambda kb: kb / 1024.0
env = os.environ
res = {
    "machine": {"nproc": os.cpu_count(),
                "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
                "loadavg_before": env["LOAD_BEFORE"], "loadavg_after": env["LOAD_AFTER"],
                "ulimit_n": env["NOFILE"]},
    "duration_s": int(env["DUR"]), "static_bytes": int(env["CSS_BYTES"]),
    "commands": env["WRK_CMDS"].strip().split("\n"),
    "runs": {k: {kk: vv for kk, vv in v.items() if kk != "raw"} for k, v in runs.items()},
    "rss_kb": {"shuzhi_idle": int(env["SZ_IDLE"]), "shuzhi_1000_peak": sz_peak,
               "shuzhi_after_load": int(env["SZ_AFTER"]), "shuzhi_1000_max_sockets": sz_socks,
               "nginx_idle": int(env["NG_IDLE"]), "nginx_1000_peak": ng_peak, "nginx_1000_max_sockets": ng_socks,
               "shuzhi_samples": sz_s, "nginx_samples": ng_s},
    "ratio_static_vs_nginx_auto": ratio, "ratio_static_vs_nginx_1worker": ratio1,
    "targets": {"idle_rss_lt_30MB": mb(int(env["SZ_IDLE"])) < 30,
                "static_ge_50pct_nginx": ratio is not None and ratio >= 0.5,
                "c1000_rss_lt_100MB": sz_peak > 0 and mb(sz_peak) < 100 and sz_socks >= 1000},
}
json.dump(res, open(out, "w"), indent=1, ensure_ascii=False)
def f(v, fmt="%.0f"): return "-" if v is None else fmt % v
def errs(r):
    e = sum(r["socket_errors"].values()) if r["socket_errors"] else 0
    s = ", ".join("%s %d" % kv for kv in r["socket_errors"].items() if kv[1])
    return (s or "0") + ("; non-2xx %d" % r["non_2xx"] if r["non_2xx"] else "")
print()
print("| run | conns | requests/s | p50 ms | p99 ms | errors |")
print("|---|--:|--:|--:|--:|---|")
for k, label, c in [("sz_static", "shuzhi GET /app.css", 100), ("ng_static", "nginx GET /app.css (workers auto)", 100),
                    ("ng1_static", "nginx GET /app.css (1 worker)", 100),
                    ("sz_me", "shuzhi GET /api/me (cookie)", 100),
                    ("sz_c1000", "shuzhi GET /app.css", 1000), ("ng_c1000", "nginx GET /app.css (workers auto)", 1000)]:
    r = runs[k]
    print("| %s | %d | %s | %s | %s | %s |" % (label, c, f(r["rps"]), f(r["p50_ms"], "%.2f"), f(r["p99_ms"], "%.2f"), errs(r)))
print()
print("| RSS | shuzhi | nginx (master + workers) |")
print("|---|--:|--:|")
print("| idle | %.1f MB | %.1f MB |" % (mb(int(env["SZ_IDLE"])), mb(int(env["NG_IDLE"]))))
print("| holding 1,000 keep-alive connections (peak; max sockets seen) | %.1f MB (%d) | %.1f MB (%d) |" % (mb(sz_peak), sz_socks, mb(ng_peak), ng_socks))
print("| shuzhi after the load | %.1f MB | |" % mb(int(env["SZ_AFTER"])))
print()
print("static ratio shuzhi / nginx: %s (workers auto), %s (1 worker)" % (f(ratio, "%.2f"), f(ratio1, "%.2f")))
print("load average: before %s, after %s; nproc %s; %s" % (env["LOAD_BEFORE"], env["LOAD_AFTER"], res["machine"]["nproc"], res["machine"]["cpu"]))
for k, v in res["targets"].items(): print("target %s: %s" % (k, "met" if v else "NOT met"))
print("wrote", out)
PY

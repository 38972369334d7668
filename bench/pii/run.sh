#!/bin/bash
# bench/pii/run.sh BIN [MB]
#
# PII scan throughput: `BIN pii scan --json FILE` against the baseline
# bench/pii/baseline.py (the same rules with Python's `re`, /usr/bin/python3)
# on the same generated file in the same run; sensitive-word matching:
# `BIN words check FILE` (Aho-Corasick over 2,000 words) against one Python
# `re` alternation of the same words. The text is the pii-dev corpus
# repeated to MB megabytes (default 4; the scanner's limit is 10 MB).
# Prints MB/s of CPU time (user + sys, so a busy machine does not distort
# it) and the ratio (baseline time / shuzhi time), median of 5 runs (3 for
# the baselines), with the load average. Exit 2 on set-up errors.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 BIN [MB]" >&2
	exit 2
fi
BIN=$1
MB=${2:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
OUT="$REPO/build/bench/pii"
DATA="$REPO/../shared/corpus/pii-dev.jsonl"
[ -f "$DATA" ] || { echo "run.sh: $DATA not found" >&2; exit 2; }
case $BIN in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
[ -x "$BIN" ] || { echo "run.sh: $BIN not executable" >&2; exit 2; }
mkdir -p "$OUT"
TEXT="$OUT/text.txt"
WORDS="$OUT/words.txt"
"$PY" - "$DATA" "$TEXT" "$WORDS" "$MB" <<'PYEOF'
import json, random, sys
data, text, words, mb = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
recs = [json.loads(l)["text"] for l in open(data, encoding="utf-8") if l.strip()]
rng = random.Random(1)
parts, size = [], 0
while size < mb * 1024 * 1024:
    t = rng.choice(recs) + "\n"
    parts.append(t)
    size += len(t.encode())
open(text, "w", encoding="utf-8").write("".join(parts))
# 2,000 words: 1,990 random Han bigrams/trigrams that rarely occur, 10 that do.
han = [chr(c) for c in range(0x4E00, 0x9FA5)]
ws = set()
while len(ws) < 1990:
    ws.add("".join(rng.choice(han) for _ in range(rng.choice((2, 3, 4)))))
ws.update(["拖欠工资", "烧烤摊", "押金", "噪声扰民", "电梯困人", "罚单", "渣土", "油烟", "讨薪", "停车费"])
open(words, "w", encoding="utf-8").write("".join(w + ",测试\n" for w in sorted(ws)))
PYEOF
bytes=$(stat -c %s "$TEXT")
export SHUZHI_DB="$OUT/words.db"
rm -f "$SHUZHI_DB" "$SHUZHI_DB-wal" "$SHUZHI_DB-shm"
"$BIN" words import "$WORDS" --list bench >/dev/null

# Median CPU time (user + sys of the child, in ms) of N runs of a command,
# output discarded. CPU time rather than wall time: the machine is shared and
# a loaded run queue inflates wall time for both sides unevenly.
median_ms() {
	local n=$1
	shift
	"$PY" - "$n" "$@" <<'PYEOF'
import resource, subprocess, sys
n, cmd = int(sys.argv[1]), sys.argv[2:]
ts = []
for _ in range(n):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    ts.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
ts.sort()
print("%.1f" % ts[len(ts) // 2])
PYEOF
}

c_scan=$(median_ms 5 "$BIN" pii scan --json "$TEXT")
py_scan=$(median_ms 3 "$PY" "$HERE/baseline.py" "$TEXT")
c_words=$(median_ms 5 "$BIN" words check "$TEXT")
py_words=$(median_ms 3 "$PY" -c '
import re, sys
ws = [l.split(",")[0] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
pat = re.compile("|".join(map(re.escape, sorted(ws, key=len, reverse=True))))
text = open(sys.argv[2], encoding="utf-8").read()
print(sum(1 for _ in pat.finditer(text)))' "$WORDS" "$TEXT")
spans_c=$("$BIN" pii scan --json "$TEXT" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["spans"]))')
spans_py=$("$PY" "$HERE/baseline.py" "$TEXT" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["spans"]))')
hits_c=$("$BIN" words check --json "$TEXT" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))' || true)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "text: $bytes bytes (pii-dev repeated), 2,000 sensitive words"
awk -v b="$bytes" -v cs="$c_scan" -v ps="$py_scan" -v cw="$c_words" -v pw="$py_words" \
	-v sc="$spans_c" -v sp="$spans_py" -v hc="$hits_c" 'BEGIN {
	mb = b / 1048576
	printf "%-34s %10s %9s %s\n", "what", "cpu ms", "MB/s", "notes"
	printf "%-34s %10.1f %9.1f %s\n", "shuzhi pii scan --json", cs, mb / (cs / 1000), sc " spans"
	printf "%-34s %10.1f %9.1f %s\n", "baseline.py (python3 re)", ps, mb / (ps / 1000), sp " spans"
	printf "%-34s %10.1f %9.1f %s\n", "shuzhi words check (AC)", cw, mb / (cw / 1000), hc " hits"
	printf "%-34s %10.1f %9.1f\n", "python3 re alternation", pw, mb / (pw / 1000)
	printf "ratio pii scan: %.1fx   ratio words: %.1fx   (baseline time / shuzhi time)\n", ps / cs, pw / cw
}'

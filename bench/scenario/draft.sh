#!/bin/bash
# bench/scenario/draft.sh BIN — template-path 公文 draft (called by `make bench`).
#
# Drafts the 通知 of scenario gongwen-tongzhi (first sample: 版头, 2 heading
# levels, 附件说明, 版记) and compares, on the same machine in the same run:
#   in process   build/bench-scenario: scenario run + .docx write, library
#                loaded once (median of 300)   vs  python-docx writing the same
#                paragraphs with the same formatting in one interpreter
#                (pydocx_draft.py, median of 50; import excluded)
#   per process  `BIN scenario run ... -o OUT.docx` (loads its one definition;
#                median of 20)  vs  `python3 pydocx_draft.py` (interpreter +
#                import python-docx; median of 20)
# Target (issue 6): a template-path draft < 50 ms. Writes build/bench/scenario.json.
set -eu
BIN=${1:-build/shuzhi}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
OUT="$REPO/build/bench"
INPROC="$REPO/build/bench-scenario"
ID=gongwen-tongzhi
cd "$REPO"
mkdir -p "$OUT"
[ -x "$BIN" ] || { echo "draft.sh: $BIN missing (make build/shuzhi)" >&2; exit 3; }
[ -x "$INPROC" ] || { echo "draft.sh: $INPROC missing (make build/bench-scenario)" >&2; exit 3; }
"$PY" -c 'import docx' 2>/dev/null || { echo "draft.sh: python3-docx missing" >&2; exit 2; }

"$PY" - "$OUT/scn-input.json" <<'PY'
import json, sys
d = json.load(open("scenarios/公文处理/gongwen-tongzhi.json"))
json.dump(d["samples"][0]["input"], open(sys.argv[1], "w"), ensure_ascii=False)
PY
"$BIN" scenario run $ID --input "$OUT/scn-input.json" -o "$OUT/scn-draft.txt" >/dev/null
"$BIN" scenario run $ID --input "$OUT/scn-input.json" -o "$OUT/scn-draft.docx" >/dev/null
paras=$(wc -l <"$OUT/scn-draft.txt")

read -r load_ms c_med c_min < <("$INPROC" scenarios $ID "$OUT/scn-inproc.docx" --iters 300)
read -r p_med p_min < <("$PY" "$HERE/pydocx_draft.py" "$OUT/scn-draft.txt" "$OUT/scn-pydocx.docx" --iters 50)

median_proc() { # command... -> "wall_ms cpu_ms": medians of 20 runs (cpu = user+sys of the child)
	"$PY" - "$@" <<'PY'
import os, subprocess, sys, time
ts, cs = [], []
for _ in range(20):
    t0 = time.perf_counter()
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    assert status == 0, status
    ts.append((time.perf_counter() - t0) * 1000)
    cs.append((ru.ru_utime + ru.ru_stime) * 1000)
ts.sort(); cs.sort()
print("%.2f %.2f" % (ts[len(ts) // 2], cs[len(cs) // 2]))
PY
}
read -r c_proc c_cpu < <(median_proc "$BIN" scenario run $ID --input "$OUT/scn-input.json" -o "$OUT/scn-proc.docx")
read -r floor floor_cpu < <(median_proc "$BIN" --version)
read -r p_proc p_cpu < <(median_proc "$PY" "$HERE/pydocx_draft.py" "$OUT/scn-draft.txt" "$OUT/scn-pyproc.docx" --iters 1)

"$PY" - "$OUT/scenario.json" "$paras" "$load_ms" "$c_med" "$c_min" "$p_med" "$p_min" "$c_proc" "$p_proc" "$floor" "$c_cpu" "$p_cpu" "$floor_cpu" <<'PY'
import json, sys
out, paras = sys.argv[1], int(sys.argv[2])
load, c_med, c_min, p_med, p_min, c_proc, p_proc, floor, c_cpu, p_cpu, floor_cpu = map(float, sys.argv[3:])
r = {"scenario": "gongwen-tongzhi", "paragraphs": paras, "library_load_ms": load,
     "inproc": {"shuzhi_ms_median": c_med, "shuzhi_ms_min": c_min,
                "pydocx_ms_median": p_med, "pydocx_ms_min": p_min, "ratio": p_med / c_med},
     "process": {"shuzhi_ms_median": c_proc, "pydocx_ms_median": p_proc, "ratio": p_proc / c_proc,
                 "shuzhi_cpu_ms_median": c_cpu, "pydocx_cpu_ms_median": p_cpu, "cpu_ratio": p_cpu / c_cpu},
     "process_floor_ms": floor, "process_floor_cpu_ms": floor_cpu, "target_ms": 50,
     "meets_target_inproc": c_med < 50, "meets_target_process_cpu": c_cpu < 50,
     "meets_target_process": c_proc < 50}
json.dump(r, open(out, "w"), indent=1)
print("公文 draft (%s, %d paragraphs)          shuzhi        python-docx   ratio" % (r["scenario"], paras))
print("in process (median)                   %7.2f ms    %7.2f ms    %5.1fx" % (c_med, p_med, p_med / c_med))
print("per process, CLI (median of 20)       %7.2f ms    %7.2f ms    %5.1fx" % (c_proc, p_proc, p_proc / c_proc))
print("library load (43 definitions)         %7.2f ms" % load)
print("per process, CPU user+sys (median)     %7.2f ms    %7.2f ms    %5.1fx" % (c_cpu, p_cpu, p_cpu / c_cpu))
print("process floor (`shuzhi --version`)     %7.2f ms wall, %.2f ms CPU" % (floor, floor_cpu))
print("target < 50 ms per draft: in process %s; per process %s CPU, %s wall clock" % (
    "met" if c_med < 50 else "NOT met", "met" if c_cpu < 50 else "NOT met", "met" if c_proc < 50 else "NOT met"))
PY

#!/usr/bin/env python3
"""Time the Python reference oracle (tools/oracle.py of the enterprise data set)
on a folder: load (R1-R2 import) and compute (R3-R7 scoring and flags), CPU and
wall seconds, and compare its results with an engine export (same as-of).

  oracle_time.py --oracle-dir TOOLS_DIR --set DIR [--export EXPORT.json] [--as-of 2025-06-30]

Prints one JSON object.
"""
import argparse
import datetime
import json
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle-dir", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--export")
    ap.add_argument("--as-of", default="2025-06-30")
    a = ap.parse_args()
    sys.path.insert(0, a.oracle_dir)
    import oracle  # noqa: E402

    as_of = datetime.date.fromisoformat(a.as_of)
    w0, c0 = time.perf_counter(), time.process_time()
    ds = oracle.load(a.set)
    w1, c1 = time.perf_counter(), time.process_time()
    ents = oracle.compute(ds, as_of)
    w2, c2 = time.perf_counter(), time.process_time()
    out = {"enterprises": len(ents), "load_wall_s": round(w1 - w0, 3), "load_cpu_s": round(c1 - c0, 3),
           "compute_wall_s": round(w2 - w1, 3), "compute_cpu_s": round(c2 - c1, 3)}
    if a.export:
        with open(a.export, encoding="utf-8") as fh:
            pred = {e["uscc"]: e for e in json.load(fh)["enterprises"]}
        same = 0
        for e in ents:
            p = pred.get(e["uscc"])
            if p and p["cxzx"]["score"] == e["cxzx"]["score"] and p["cxzx"]["pass"] == e["cxzx"]["pass"] \
                    and p["zjtx_base"] == e["zjtx_base"] and p["grade"] == e["grade"] \
                    and sorted(f["rule"] for f in p["flags"]) == sorted(f["rule"] for f in e["flags"]):
                same += 1
        out["engine_agrees"] = same
        out["engine_enterprises"] = len(pred)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Baseline for bench/gongwen: python-docx opening a .docx and walking it.

For every FILE, ITERATIONS times: docx.Document(FILE), then for every body
paragraph (document.paragraphs) and every run in it read run.text,
run.font.name and run.font.size.  Nothing is checked; this is the minimum a
python-docx based checker has to do.  Interpreter start-up and `import docx`
are outside the timed region (they are reported separately: import_ms here,
whole-process time by the caller).

--free: after every walk, also time gc.collect(1). python-docx's objects refer
to each other in cycles (a part and its package), so a Document is freed only
by the cyclic garbage collector; left to itself CPython frees them every few
documents. The walk's times are bimodal on this VM (about 7 ms and 30-50 ms
for the 20-page document) and the slow walks hold no collection (gc.callbacks
show none): they are walks whose memory is not resident yet. Collecting after
each walk puts each document's freeing (about 1 ms) into its own iteration,
as `gongwen check` frees its document inside its timed call
(bench/gongwen/inproc.c); a full gc.collect() afterwards finds nothing left.
It does not keep the walks in the fast mode: some runs stay slow throughout,
and the 100-page walk then takes about twice its fast time. The walk's fast
mode is min_ms. A full collection is not timed: about 8 ms here even with
nothing to free (it visits the whole interpreter). Reported as free_* and
walk_free_*.

Usage: pydocx_walk.py [--iterations N] [--warmup W] [--free] FILE...
Prints one JSON object on stdout.
Must run under Debian's /usr/bin/python3 (python3-docx).
"""
import argparse
import gc
import json
import platform
import statistics
import sys
import time

T0 = time.perf_counter()
import docx  # noqa: E402  (import time is measured)

IMPORT_MS = (time.perf_counter() - T0) * 1e3


def walk(path):
    d = docx.Document(path)
    n_par = n_run = n_chars = n_font = 0
    for p in d.paragraphs:
        n_par += 1
        for r in p.runs:
            n_run += 1
            n_chars += len(r.text)
            f = r.font
            if f.name is not None:
                n_font += 1
            if f.size is not None:
                n_font += 1
    return n_par, n_run, n_chars, n_font


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--free", action="store_true",
                    help="time gc.collect(1) after every walk (the document's freeing)")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    out = []
    for f in a.files:
        for _ in range(a.warmup):
            walk(f)
            if a.free:
                gc.collect(1)
        times = []
        frees = []
        for _ in range(a.iterations):
            t = time.perf_counter()
            counts = walk(f)
            t1 = time.perf_counter()
            times.append((t1 - t) * 1e3)
            if a.free:
                gc.collect(1)
                frees.append((time.perf_counter() - t1) * 1e3)
        row = {"file": f, "iterations": a.iterations, "min_ms": min(times),
               "median_ms": statistics.median(times), "mean_ms": statistics.fmean(times),
               "paragraphs": counts[0], "runs": counts[1], "chars": counts[2]}
        if a.free:
            both = [w + c for w, c in zip(times, frees)]
            row.update({"free_median_ms": statistics.median(frees), "free_mean_ms": statistics.fmean(frees),
                        "walk_free_min_ms": min(both), "walk_free_median_ms": statistics.median(both),
                        "walk_free_mean_ms": statistics.fmean(both)})
        out.append(row)
    ver = getattr(docx, "__version__", None)
    if ver is None:
        try:
            from importlib.metadata import version
            ver = version("python-docx")
        except Exception:  # pragma: no cover
            ver = "unknown"
    print(json.dumps({"python": sys.executable + " " + platform.python_version(),
                      "python_docx": ver, "docx_module": docx.__file__,
                      "import_ms": IMPORT_MS, "files": out}, ensure_ascii=False))


if __name__ == "__main__":
    main()

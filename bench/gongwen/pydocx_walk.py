#!/usr/bin/python3
"""Baseline for bench/gongwen: python-docx opening a .docx and walking it.

For every FILE, ITERATIONS times: docx.Document(FILE), then for every body
paragraph (document.paragraphs) and every run in it read run.text,
run.font.name and run.font.size.  Nothing is checked; this is the minimum a
python-docx based checker has to do.  Interpreter start-up and `import docx`
are outside the timed region (they are reported separately: import_ms here,
whole-process time by the caller).

Usage: pydocx_walk.py [--iterations N] [--warmup W] FILE...
Prints one JSON object on stdout.
Must run under Debian's /usr/bin/python3 (python3-docx).
"""
import argparse
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
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    out = []
    for f in a.files:
        for _ in range(a.warmup):
            walk(f)
        times = []
        for _ in range(a.iterations):
            t = time.perf_counter()
            counts = walk(f)
            times.append((time.perf_counter() - t) * 1e3)
        out.append({"file": f, "iterations": a.iterations, "min_ms": min(times),
                    "median_ms": statistics.median(times), "mean_ms": statistics.fmean(times),
                    "paragraphs": counts[0], "runs": counts[1], "chars": counts[2]})
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

#!/usr/bin/python3
"""Timing driver for bench/scenario/run.sh (see there)."""
import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

KINDS = ["notice", "decision", "order", "report"]

PYDOCX_WRITER = r'''
import re, sys, time
from docx import Document
from docx.enum.text import WD_COLOR_INDEX, WD_ALIGN_PARAGRAPH
from docx.shared import Pt, Mm
from docx.oxml.ns import qn

def write(text, out):
    d = Document()
    s = d.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        p = d.add_paragraph()
        p.paragraph_format.line_spacing = Pt(28.95)
        if i == 0:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for part in re.split(r"(〔待填写：[^〕]*〕)", line):
            if not part:
                continue
            r = p.add_run(part)
            r.font.size = Pt(22 if i < 2 else 16)
            r.font.name = "仿宋_GB2312"
            r._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
            if part.startswith("〔待填写"):
                r.font.highlight_color = WD_COLOR_INDEX.YELLOW
    d.save(out)

if __name__ == "__main__":
    t0 = time.perf_counter()
    write(open(sys.argv[1], encoding="utf-8").read(), sys.argv[2])
    print("%.6f" % (time.perf_counter() - t0))
'''


def run(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), r.stderr.decode("utf-8", "replace")))
    return dt, r.stdout.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-scenario-")
    writer = os.path.join(tmp, "pydocx_writer.py")
    open(writer, "w").write(PYDOCX_WRITER)
    sys.path.insert(0, tmp)
    import pydocx_writer  # noqa: E402  (the same code, in process)

    files = sorted(glob.glob(os.path.join(a.corpus, "*.txt")))
    ours, ours_first, ours_proc, base_proc, base_inproc = [], [], [], [], []
    texts = {}
    for k in KINDS:
        for f in files:
            name = "%s-%s" % (os.path.basename(f)[:-4], k)
            txt = os.path.join(tmp, name + ".txt")
            run([a.bin, "enforce", "draft", k, "--from", f, "-o", txt])
            texts[(f, k)] = txt
    for _ in range(a.rounds):
        for k in KINDS:
            # one process drafts all ten: in-process time per draft from --timing
            cmd = [a.bin, "enforce", "draft", k, "--timing", "-o", tmp]
            for f in files:
                cmd += ["--from", f]
            r = subprocess.run(cmd, capture_output=True)
            if r.returncode != 0:
                sys.exit(r.stderr.decode("utf-8", "replace"))
            t = [float(x) for x in re.findall(r"([0-9.]+) ms", r.stderr.decode())]
            ours_first.append(t[0] / 1000)
            ours.extend(x / 1000 for x in t[1:])
            for f in files:
                txt = texts[(f, k)]
                dt, _ = run([a.bin, "enforce", "draft", k, "--from", f, "-o",
                             os.path.join(tmp, "p.docx")])
                ours_proc.append(dt)
                dt, _ = run(["/usr/bin/python3", writer, txt, os.path.join(tmp, "py.docx")])
                base_proc.append(dt)
                text = open(txt, encoding="utf-8").read()
                t0 = time.perf_counter()
                pydocx_writer.write(text, os.path.join(tmp, "py2.docx"))
                base_inproc.append(time.perf_counter() - t0)
    ms = lambda xs: 1000 * statistics.median(xs)
    mx = lambda xs: 1000 * max(xs)
    res = {
        "drafts_per_round": len(files) * len(KINDS), "rounds": a.rounds,
        "shuzhi_inprocess_ms_median": round(ms(ours), 2),
        "shuzhi_inprocess_first_draft_ms_median": round(ms(ours_first), 2),
        "shuzhi_process_ms_median": round(ms(ours_proc), 2),
        "pydocx_inprocess_ms_median": round(ms(base_inproc), 2),
        "pydocx_process_ms_median": round(ms(base_proc), 2),
        "ratio_inprocess_pydocx_over_shuzhi": round(ms(base_inproc) / ms(ours), 2),
        "ratio_process_pydocx_over_shuzhi": round(ms(base_proc) / ms(ours_proc), 2),
        "target_ms": 50,
    }
    json.dump(res, open(a.out, "w"), indent=2)
    print("%-66s %9s %9s" % ("per draft, 10 transcripts x 4 kinds x %d rounds" % a.rounds, "median", "max"))
    rows = [
        ("shuzhi in process: extract + draft + .docx written (--timing)", ours),
        ("shuzhi in process, first draft of a process (regex compile)", ours_first),
        ("python-docx in process: Document() .. save() of the same text", base_inproc),
        ("shuzhi, one process per draft (end to end)", ours_proc),
        ("python-docx, one process per draft (same document)", base_proc),
    ]
    for label, xs in rows:
        print("%-66s %6.2f ms %6.2f ms" % (label, ms(xs), mx(xs)))
    print("ratio in process python-docx / shuzhi: %.2fx; per process: %.2fx"
          % (res["ratio_inprocess_pydocx_over_shuzhi"], res["ratio_process_pydocx_over_shuzhi"]))
    print("target: template-path draft < 50 ms (in process): %s"
          % ("met" if ms(ours) < 50 else "NOT met"))


if __name__ == "__main__":
    main()

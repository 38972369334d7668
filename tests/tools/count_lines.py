#!/usr/bin/python3
"""Count the text lines of one PDF page inside the type area (版心).

    /usr/bin/python3 tests/tools/count_lines.py FILE.pdf [--page 1]
        [--top TWIPS] [--bottom TWIPS] [--json]

Runs `pdftotext -f P -l P -bbox-layout`, takes every <line> box and merges boxes whose
vertical extents overlap into one printed row (LibreOffice may split a row into several
boxes). Rows whose box lies between the top margin and the page height minus the bottom
margin (±3 pt) are "body rows"; the others (page number in the footer, anything in the
header) are listed separately.

Prints one summary line

    page=1 size=595.30x841.89 rows=22 outside=1 pitch=28.95..28.95

followed by one line per row (y range, x range, text), or a JSON object with --json.
Exit status 0 (the caller asserts), 2 when the PDF or the page cannot be read.
"""
import argparse
import json
import re
import subprocess
import sys

from lxml import etree

NS = "{http://www.w3.org/1999/xhtml}"


def rows_of(pdf, page):
    p = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", pdf, "-"],
                       capture_output=True)
    if p.returncode != 0:
        raise SystemExit("count_lines: pdftotext failed: %s" % p.stderr.decode(errors="replace").strip())
    # pdftotext writes an XHTML DOCTYPE; parse without loading it
    xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", p.stdout, count=1)
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    pg = root.find(".//%spage" % NS)
    if pg is None:
        raise SystemExit("count_lines: no page %d in %s" % (page, pdf))
    width, height = float(pg.get("width")), float(pg.get("height"))
    boxes = []
    for ln in pg.iter(NS + "line"):
        words = [w.text or "" for w in ln.iter(NS + "word")]
        text = "".join(words).strip()
        if not text:
            continue
        boxes.append({"yMin": float(ln.get("yMin")), "yMax": float(ln.get("yMax")),
                      "xMin": float(ln.get("xMin")), "xMax": float(ln.get("xMax")), "text": text})
    boxes.sort(key=lambda b: (b["yMin"], b["xMin"]))
    rows = []
    for b in boxes:
        # same printed row when the vertical extents overlap by more than half the smaller box
        if rows:
            r = rows[-1]
            ov = min(r["yMax"], b["yMax"]) - max(r["yMin"], b["yMin"])
            if ov > 0.5 * min(r["yMax"] - r["yMin"], b["yMax"] - b["yMin"]):
                r["yMin"] = min(r["yMin"], b["yMin"])
                r["yMax"] = max(r["yMax"], b["yMax"])
                r["xMin"] = min(r["xMin"], b["xMin"])
                r["xMax"] = max(r["xMax"], b["xMax"])
                r["text"] += b["text"]
                continue
        rows.append(dict(b))
    return width, height, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdf")
    ap.add_argument("--page", type=int, default=1)
    ap.add_argument("--top", type=float, default=2098, help="top margin in twips (default 2098)")
    ap.add_argument("--bottom", type=float, default=1984, help="bottom margin in twips (default 1984)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    width, height, rows = rows_of(a.pdf, a.page)
    top = a.top / 20.0
    bottom = height - a.bottom / 20.0
    tol = 3.0
    body = [r for r in rows if r["yMin"] >= top - tol and r["yMax"] <= bottom + tol]
    outside = [r for r in rows if r not in body]
    # pitch between consecutive body rows of the same height (same font size)
    pitches = []
    for p, q in zip(body, body[1:]):
        if abs((p["yMax"] - p["yMin"]) - (q["yMax"] - q["yMin"])) < 0.5:
            pitches.append(round(q["yMax"] - p["yMax"], 2))
    res = {"page": a.page, "width": round(width, 2), "height": round(height, 2), "rows": len(body),
           "outside": len(outside), "pitch_min": min(pitches) if pitches else None,
           "pitch_max": max(pitches) if pitches else None,
           "body": body, "other": outside}
    if a.json:
        json.dump(res, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print("page=%d size=%.2fx%.2f rows=%d outside=%d pitch=%s..%s" % (
        a.page, width, height, len(body), len(outside), res["pitch_min"], res["pitch_max"]))
    for tag, lst in (("body", body), ("other", outside)):
        for r in lst:
            print("%-5s y=%7.2f..%7.2f x=%6.2f..%6.2f %s" % (tag, r["yMin"], r["yMax"], r["xMin"], r["xMax"], r["text"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

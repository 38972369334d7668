#!/usr/bin/python3
"""Check a .pptx against its LibreOffice PDF rendering.

    /usr/bin/python3 tests/tools/slides_bounds.py DECK.pptx DECK.pdf [--json]

1. The PDF has exactly as many pages as the presentation has slides
   (p:sldIdLst of ppt/presentation.xml).
2. Every word that pdftotext -bbox-layout finds on page N lies inside the page and
   inside one of the boxes of slide N that can hold text: p:sp shapes with text, table
   and chart graphic frames, with their a:xfrm/p:xfrm (tolerance 1.5 pt). Text that
   overflows its box (too many lines, too large a font, a table whose rows grew) lands
   outside every box and is reported with the slide number and the word.
3. No text is lost: every non-blank character of the slide's a:t runs occurs on its
   page at least as often (chart labels come from the chart part and are not counted).

Exit 0 when all holds, 1 with one line per problem otherwise, 2 on usage errors.
"""
import collections
import json
import posixpath
import re
import subprocess
import sys
import zipfile
from xml.etree import ElementTree as ET

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}
EMU_PT = 12700.0
TOL = 1.5


def slide_parts(z):
    pres = ET.fromstring(z.read("ppt/presentation.xml"))
    rels = ET.fromstring(z.read("ppt/_rels/presentation.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("pr:Relationship", NS)}
    out = []
    for s in pres.findall("p:sldIdLst/p:sldId", NS):
        rid = s.get("{%s}id" % NS["r"])
        out.append(posixpath.normpath(posixpath.join("ppt", target[rid])))
    return out


def rect(xfrm):
    off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
    x, y = int(off.get("x")) / EMU_PT, int(off.get("y")) / EMU_PT
    return (x, y, x + int(ext.get("cx")) / EMU_PT, y + int(ext.get("cy")) / EMU_PT)


def slide_boxes(xml):
    root = ET.fromstring(xml)
    boxes, text = [], []
    for sp in root.iter("{%s}sp" % NS["p"]):
        ts = [t.text or "" for t in sp.iter("{%s}t" % NS["a"])]
        xfrm = sp.find("p:spPr/a:xfrm", NS)
        if ts and xfrm is not None:
            boxes.append(("sp", rect(xfrm)))
        text.extend(ts)
    for gf in root.iter("{%s}graphicFrame" % NS["p"]):
        boxes.append(("frame", rect(gf.find("p:xfrm", NS))))
        text.extend(t.text or "" for t in gf.iter("{%s}t" % NS["a"]))
    return boxes, "".join(text)


def pdf_pages(pdf):
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], check=True,
                         capture_output=True).stdout.decode("utf-8", "replace")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    pages = []
    for page in root.iter():
        if not page.tag.endswith("page"):
            continue
        w, h = float(page.get("width")), float(page.get("height"))
        words = [(float(x.get("xMin")), float(x.get("yMin")), float(x.get("xMax")),
                  float(x.get("yMax")), x.text or "") for x in page.iter() if x.tag.endswith("word")]
        pages.append((w, h, words))
    return pages


def inside(word, box):
    return (word[0] >= box[0] - TOL and word[1] >= box[1] - TOL and
            word[2] <= box[2] + TOL and word[3] <= box[3] + TOL)


def check(pptx, pdf):
    z = zipfile.ZipFile(pptx)
    parts = slide_parts(z)
    pages = pdf_pages(pdf)
    problems = []
    stats = {"slides": len(parts), "pages": len(pages), "words": 0}
    if len(parts) != len(pages):
        problems.append("page count %d != slide count %d" % (len(pages), len(parts)))
    for i, (part, page) in enumerate(zip(parts, pages), 1):
        boxes, text = slide_boxes(z.read(part))
        w, h, words = page
        scale = w / (12192000 / EMU_PT)
        for wd in words:
            stats["words"] += 1
            pt = tuple(v / scale for v in wd[:4]) + (wd[4],)
            if pt[0] < -TOL or pt[1] < -TOL or pt[2] > w / scale + TOL or pt[3] > h / scale + TOL:
                problems.append("slide %d: %r leaves the slide at %s" % (i, pt[4], [round(v) for v in pt[:4]]))
            elif not any(inside(pt, b) for _, b in boxes):
                problems.append("slide %d: %r outside every text box at %s" % (i, pt[4], [round(v) for v in pt[:4]]))
        want = collections.Counter(c for c in text if not c.isspace())
        got = collections.Counter(c for wd in words for c in wd[4] if not c.isspace())
        lost = want - got
        if lost:
            problems.append("slide %d: characters missing from the rendering: %s" % (i, "".join(sorted(lost.elements()))[:60]))
    return problems, stats


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems, stats = check(args[0], args[1])
    if "--json" in sys.argv:
        print(json.dumps({"problems": problems, **stats}, ensure_ascii=False))
    else:
        for p in problems:
            print(p)
        print("%s: %d slides, %d pages, %d words, %d problems" % (
            args[0], stats["slides"], stats["pages"], stats["words"], len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

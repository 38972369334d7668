#!/usr/bin/python3
"""Generate a long, clean 公文 .docx for the shuzhi gongwen benchmark.

The document is built by expanding a clean corpus document (default
clean/b01-direct.docx of the gongwen-dev set) with lxml + zipfile:

  * 版头 (发文机关标志, 发文字号, red separator line), title, 主送 and the first
    body paragraph are copied unchanged;
  * the body is replaced by as many sections as needed, each with a level-1
    heading (一、 黑体), plain paragraphs, run-in level-2 headings (（一） 楷体
    heading part + 仿宋 rest), level-3 (1.) and level-4 (（1）) paragraphs;
    numbering restarts correctly under each parent;
  * the closing paragraph, 附件说明, 署名, 成文日期, 附注 and 版记 are copied
    unchanged, as are sectPr (A4, GB/T 9704 margins) and the "— N —" footers.

Every paragraph/run keeps the template's explicit formatting (仿宋_GB2312 sz 32,
exact line spacing 579 twips, first line 640 twips).  The paragraph texts are
taken from the clean .txt counterparts of the corpus (b01..b20), so the text
is realistic and clean.

The page count is estimated from the text (22 lines x 27 chars per page).
With --verify the file is converted to PDF with LibreOffice and the real page
count is read with pdfinfo; if it differs from the target, the body is scaled
and regenerated (at most --max-tries times).

Usage:
  gen_long.py --pages 20 --out build/bench/gongwen-20p.docx [--verify]
              [--corpus ../shared/corpus/gongwen-dev] [--template FILE]
Prints one JSON object: {"file", "target_pages", "pages", "paragraphs",
"cjk_chars", "chars", "bytes", "tries"}.
"""
import argparse
import copy
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHARS_PER_LINE = 26  # 版心 8845 twips / 320 twips = 27.6; LibreOffice (Noto CJK substitute) fits 26
LINES_PER_PAGE = 22  # 版心 12756 twips / 579 twips
FIRST_PAGE_LINES = 16  # lines the 版头 + title + 主送 take on page 1 (approx.)
TAIL_LINES = 16  # 附件说明 + 署名 + 日期 + 附注 + 版记 (approx.)

CN = "零一二三四五六七八九"


def w(tag):
    return "{%s}%s" % (W, tag)


def cn_num(n):
    """1..99 -> 一 .. 九十九"""
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    s = ("" if tens == 1 else CN[tens]) + "十"
    return s + (CN[ones] if ones else "")


def para_text(p):
    return "".join(t.text or "" for t in p.iter(w("t")))


# ---------------------------------------------------------------- text pool
RE_L1 = re.compile(r"^[一二三四五六七八九十]+、(.+)$")
RE_L2 = re.compile(r"^（[一二三四五六七八九十]+）([^。]+。)(.+)$")
RE_L3 = re.compile(r"^[0-9]+\.(.+)$")
RE_L4 = re.compile(r"^（[0-9]+）(.+)$")


def load_pool(clean_dir):
    pool = {"l1": [], "l2": [], "l3": [], "l4": [], "plain": []}
    for name in sorted(os.listdir(clean_dir)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(clean_dir, name), encoding="utf-8") as f:
            lines = [ln.rstrip("\r\n") for ln in f]
        for ln in lines:
            if not ln or "\t" in ln:
                continue
            m = RE_L1.match(ln)
            if m:
                if len(ln) <= 20 and "。" not in ln:
                    pool["l1"].append(m.group(1))
                continue
            m = RE_L2.match(ln)
            if m:
                pool["l2"].append((m.group(1), m.group(2)))
                continue
            m = RE_L4.match(ln)
            if m:
                pool["l4"].append(m.group(1))
                continue
            m = RE_L3.match(ln)
            if m:
                if "。" in m.group(1):
                    pool["l3"].append(m.group(1))
                continue
            # plain body paragraph: a long sentence ending in 。, no list intro
            if (len(ln) >= 40 and ln.endswith("。") and not ln.startswith(("附件", "抄送", "（"))
                    and "如下" not in ln):
                pool["plain"].append(ln)
    for k, v in pool.items():
        if not v:
            sys.exit("gen_long: no %s paragraphs found in %s" % (k, clean_dir))
    return pool


class Cycler:
    def __init__(self, items):
        self.items, self.i = items, 0

    def next(self):
        v = self.items[self.i % len(self.items)]
        self.i += 1
        return v


# ---------------------------------------------------------------- build
def lines_of(text):
    # first-line indent of 2 chars on every body paragraph
    return max(1, math.ceil((len(text) + 2) / CHARS_PER_LINE))


# characters that Word renders with the w:ascii font unless the run carries
# w:hint="eastAsia" (the clean corpus sets the hint on exactly those runs)
AMBIGUOUS = set("“”‘’—…·")


def set_runs(p, texts):
    """Put texts into the first len(texts) runs of p (one w:t each)."""
    runs = p.findall(w("r"))
    assert len(runs) >= len(texts), "template paragraph has too few runs"
    for r, t in zip(runs, texts):
        ts = r.findall(w("t"))
        ts[0].text = t
        for extra in ts[1:]:
            r.remove(extra)
        fonts = r.find(w("rPr") + "/" + w("rFonts"))
        if fonts is not None:
            if AMBIGUOUS.intersection(t):
                fonts.set(w("hint"), "eastAsia")
            elif w("hint") in fonts.attrib:
                del fonts.attrib[w("hint")]
    for r in runs[len(texts):]:
        p.remove(r)


def find_templates(body_ps):
    """Locate template paragraphs in the clean document by their text."""
    tpl = {}
    for i, p in enumerate(body_ps):
        t = para_text(p)
        runs = p.findall(w("r"))
        if "l1" not in tpl and RE_L1.match(t):
            tpl["l1"] = i
        elif "l2" not in tpl and len(runs) >= 2 and re.match(r"^（[一二三四五六七八九十]+）", t):
            tpl["l2"] = i
        elif "l3" not in tpl and RE_L3.match(t) and len(runs) == 1:
            tpl["l3"] = i
    first_heading = tpl.get("l1")
    if first_heading is None or len(tpl) < 3:
        sys.exit("gen_long: template lacks 一、/（一）/1. paragraphs: %r" % tpl)
    # plain paragraph = the one right before the first heading (the intro)
    tpl["plain"] = first_heading - 1
    # tail starts at the last non-empty paragraph before the first empty
    # paragraph that precedes 附件 / 署名 (the closing body paragraph)
    last_body = None
    for i in range(first_heading, len(body_ps)):
        t = para_text(body_ps[i])
        if t == "":
            break
        last_body = i
    tpl["tail"] = last_body
    return tpl


def body_stream(pool):
    """Endless stream of (kind, texts) in a valid 一、（一）1.（1） hierarchy."""
    l1, l2, l3, l4, plain = (Cycler(pool[k]) for k in ("l1", "l2", "l3", "l4", "plain"))
    sec = 0
    while True:
        sec += 1
        if sec > 99:
            sys.exit("gen_long: more than 99 sections needed; use a bigger pool")
        yield "l1", [cn_num(sec) + "、" + l1.next()]
        # real 公文 body paragraphs run to several sentences: join pool items
        yield "plain", [plain.next() + plain.next() + plain.next()]
        for j in range(1, 4):
            head, rest = l2.next()
            yield "l2", ["（%s）%s" % (cn_num(j), head), rest + plain.next()]
            for k in range(1, 3):
                yield "l3", ["%d.%s" % (k, l3.next())]
            if (sec + j) % 2 == 0:
                for m in range(1, 3):
                    yield "l3", ["（%d）%s" % (m, l4.next())]
        yield "plain", [plain.next() + plain.next()]


def build_body(pool, templates, target_lines):
    """Return a list of new <w:p> elements with about target_lines lines
    (cut at paragraph granularity; a cut never leaves a heading last)."""
    out, lines = [], 0
    for kind, texts in body_stream(pool):
        if lines >= target_lines and out[-1][0] != "l1":
            break
        p = copy.deepcopy(templates[kind])
        set_runs(p, texts)
        out.append((kind, p))
        lines += lines_of("".join(texts))
    return [p for _, p in out]


def generate(template, pool, target_lines, out_path):
    with zipfile.ZipFile(template) as z:
        infos = z.infolist()
        blobs = {i.filename: z.read(i.filename) for i in infos}
    root = etree.fromstring(blobs["word/document.xml"])
    body = root.find(w("body"))
    ps = [c for c in body if c.tag == w("p")]
    tpl_idx = find_templates(ps)
    templates = {k: ps[v] for k, v in tpl_idx.items() if k in ("l1", "l2", "l3", "plain")}
    new_ps = build_body(pool, templates, target_lines)
    # replace paragraphs between the intro paragraph and the closing paragraph
    first = ps[tpl_idx["l1"]]
    insert_at = list(body).index(first)
    for p in ps[tpl_idx["l1"]:tpl_idx["tail"]]:
        body.remove(p)
    for off, p in enumerate(new_ps):
        body.insert(insert_at + off, p)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    tmp = out_path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for i in infos:
            data = xml if i.filename == "word/document.xml" else blobs[i.filename]
            z.writestr(i, data, compress_type=zipfile.ZIP_DEFLATED)
    os.replace(tmp, out_path)
    allp = [c for c in body if c.tag == w("p")]
    text = "".join(para_text(p) for p in allp)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return {"paragraphs": len(allp), "chars": len(text), "cjk_chars": cjk}


def pdf_pages(docx, workdir):
    """Convert with LibreOffice (private profile) and return the page count."""
    soffice = shutil.which("soffice")
    pdfinfo = shutil.which("pdfinfo")
    if not soffice or not pdfinfo:
        return None
    profile = os.path.join(workdir, "lo-profile")
    outdir = os.path.join(workdir, "pdf")
    os.makedirs(outdir, exist_ok=True)
    cmd = [soffice, "-env:UserInstallation=file://" + os.path.abspath(profile),
           "--headless", "--convert-to", "pdf", "--outdir", outdir, docx]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180, check=False)
    pdf = os.path.join(outdir, os.path.splitext(os.path.basename(docx))[0] + ".pdf")
    if not os.path.exists(pdf):
        return None
    info = subprocess.run([pdfinfo, pdf], capture_output=True, text=True, check=False).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", default=os.path.join(repo, "..", "shared", "corpus", "gongwen-dev"))
    ap.add_argument("--template", help="clean .docx to expand (default CORPUS/clean/b01-direct.docx)")
    ap.add_argument("--verify", action="store_true", help="count pages with soffice + pdfinfo and calibrate")
    ap.add_argument("--max-tries", type=int, default=5)
    args = ap.parse_args()

    clean = os.path.join(args.corpus, "clean")
    template = args.template or os.path.join(clean, "b01-direct.docx")
    pool = load_pool(clean)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="gen_long.")
    n = max(1, args.pages * LINES_PER_PAGE - FIRST_PAGE_LINES - TAIL_LINES)  # body lines
    lo = hi = None  # body-line counts known to give too few / too many pages
    best, tries, info = None, 0, None
    try:
        while True:
            tries += 1
            info = generate(template, pool, n, args.out)
            if not args.verify:
                pages = None
                break
            pages = pdf_pages(args.out, workdir)
            print("gen_long: body lines %d -> %s pages" % (n, pages), file=sys.stderr)
            if pages is None:
                break
            if best is None or abs(pages - args.pages) < abs(best[1] - args.pages):
                best = (n, pages)
            if pages == args.pages or tries >= args.max_tries:
                break
            if pages < args.pages:
                lo = n
            else:
                hi = n
            if lo is not None and hi is not None:
                n = (lo + hi) // 2
            else:
                n += (args.pages - pages) * LINES_PER_PAGE
            n = max(1, n)
        if pages is not None and pages != args.pages and best[1] != pages:
            n, pages = best
            info = generate(template, pool, n, args.out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    info.update({"file": os.path.abspath(args.out), "target_pages": args.pages, "pages": pages,
                 "pages_source": "soffice+pdfinfo" if pages is not None else "not verified",
                 "bytes": os.path.getsize(args.out), "tries": tries, "body_lines_estimate": n,
                 "template": os.path.abspath(template)})
    print(json.dumps(info, ensure_ascii=False))


if __name__ == "__main__":
    main()

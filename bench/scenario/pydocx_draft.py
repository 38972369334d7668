#!/usr/bin/python3
"""Baseline: python-docx writing the same 公文 as `shuzhi scenario run`.

    /usr/bin/python3 bench/scenario/pydocx_draft.py DRAFT.txt OUT.docx [--iters N]

DRAFT.txt is shuzhi's .txt rendering of the draft (one paragraph per line, the
same paragraph sequence as its .docx). Each paragraph gets the formatting
shuzhi's writer gives it (GB/T 9704 page, red 发文机关标志, red rule under the
发文字号, 2号 小标宋 title, 3号 仿宋 body with exact 28.95 pt lines and 2-char
indent, 黑体/楷体 headings, hanging 附件说明, right-aligned 署名/日期, 版记
rules, odd/even "— PAGE —" footers). Prints "median_ms min_ms" of N writes
inside one interpreter (import and start-up excluded).
"""
import re, sys, time
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips, RGBColor

def font(run, ea, size, color=None):
    run.font.size = Pt(size)
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    f = rpr.find(qn("w:rFonts"))
    if f is None:
        f = OxmlElement("w:rFonts"); rpr.insert(0, f)
    for a in ("w:ascii", "w:hAnsi", "w:cs"):
        f.set(qn(a), "Times New Roman")
    f.set(qn("w:eastAsia"), ea)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)

def border(p, sides, color="000000", sz="8"):
    ppr = p._element.get_or_add_pPr()
    b = OxmlElement("w:pBdr")
    for s in sides:
        e = OxmlElement("w:" + s)
        e.set(qn("w:val"), "single"); e.set(qn("w:sz"), sz); e.set(qn("w:space"), "1"); e.set(qn("w:color"), color)
        b.append(e)
    ppr.append(b)

def footer(section, odd):
    ft = section.footer if odd else section.even_page_footer
    p = ft.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    r = p.add_run("— "); font(r, "宋体", 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        r = p.add_run(); font(r, "宋体", 14)
        if kind:
            fc = OxmlElement("w:fldChar"); fc.set(qn("w:fldCharType"), kind); r._element.append(fc)
        else:
            it = OxmlElement("w:instrText"); it.set(qn("xml:space"), "preserve"); it.text = text; r._element.append(it)
    r = p.add_run(" —"); font(r, "宋体", 14)

def write(lines, out):
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Twips(11906), Twips(16838)
    sec.top_margin, sec.bottom_margin = Twips(2098), Twips(1984)
    sec.left_margin, sec.right_margin = Twips(1587), Twips(1474)
    doc.settings.odd_and_even_pages_header_footer = True
    footer(sec, True); footer(sec, False)
    title_seen = False
    for i, text in enumerate(lines):
        p = doc.add_paragraph()
        pf = p.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing = Twips(579)
        ea, size, color = "仿宋_GB2312", 16, None
        if i == 0:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER; ea, size, color = "方正小标宋简体", 36, "FF0000"
            pf.line_spacing = None; pf.space_before = Twips(1134)
        elif re.search(r"〔\d{4}〕\d+号", text) and i < 6:
            border(p, ["bottom"], "FF0000", "12")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif not title_seen and text and i > 3:
            title_seen = True; p.alignment = WD_ALIGN_PARAGRAPH.CENTER; ea, size = "方正小标宋简体", 22
        elif text.startswith("附件："):
            pf.left_indent = Twips(1920); pf.first_line_indent = Twips(-1280)
        elif text.startswith("抄送："):
            border(p, ["top", "bottom"]); size = 14
        elif text.endswith("印发"):
            border(p, ["bottom"]); size = 14
        elif re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", text):
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT; pf.right_indent = Twips(1280)
        elif text.endswith("："):
            pass
        elif text:
            pf.first_line_indent = Twips(640)
            if re.match(r"^[一二三四五六七八九十]+、", text):
                ea = "黑体"
            elif re.match(r"^（[一二三四五六七八九十]+）", text):
                ea = "楷体_GB2312"
        if text:
            font(p.add_run(text.replace("\t", " ")), ea, size, color)
    doc.save(out)

def main():
    lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    iters = int(sys.argv[sys.argv.index("--iters") + 1]) if "--iters" in sys.argv else 50
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter()
        write(lines, sys.argv[2])
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    print("%.3f %.3f" % (ts[len(ts) // 2], ts[0]))

if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Write a 公文 .docx whose body fills well over one page, for the render test.

    /usr/bin/python3 tests/tools/make_fullpage.py OUT.docx [options]

The document is a 通知 without 版头: title (2号 方正小标宋简体, centred), 主送机关, then
plain body paragraphs (3号 仿宋_GB2312, first line indented 2 characters) and the
closing 署名/成文日期, with odd/even footers "— N —". Every paragraph (title included)
uses the same exact line spacing, so each printed line takes one line pitch and page 1
holds floor(版心 height / pitch) lines. There are no empty paragraphs, so every line of a
page carries text and the line count can be read off the PDF.

Two LibreOffice behaviours shape the defaults (both verified with LibreOffice 7.4):
* widow/orphan control: LibreOffice applies it when a paragraph has no w:widowControl
  (ECMA-376 says an unspecified widowControl is not applied), and then moves a
  paragraph whose first line would be alone at the foot of the page to the next page, so
  that page shows 21 lines. 公文 templates switch 孤行控制 off; so do we, explicitly.
* w:docGrid w:type="lines": LibreOffice snaps every line to the grid, and a 2号 (22 pt)
  title line then takes two grid rows even with exact line spacing. Without a grid every
  line takes exactly one pitch.

The text uses only full-width punctuation, four-digit years and no patterns the 公文
checker would rewrite, so a fixer must not change a single character.

Options (defaults = the national grid, i.e. a correct document):
  --paper a4|letter|16k    paper size                           (default a4)
  --margins T,L,R,B        margins in twips                     (default 2098,1587,1474,1984)
  --line N                 exact line spacing in twips          (default 579)
  --title-line N           exact line spacing of the title      (default: --line)
  --grid none|lines:N      w:docGrid of the section             (default none, see above)
  --widow-control off|on|absent
                           w:widowControl on every paragraph    (default off)
  --paras N                number of body paragraphs            (default 14 ≈ 2.5 pages)
  --text FILE              also write the expected text (one paragraph per line)
"""
import argparse
import sys
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

PAPERS = {"a4": (11906, 16838), "letter": (12240, 15840), "16k": (10433, 14742)}

TITLE = "关于加强政务服务标准化建设的通知"
TO = "各区县人民政府，市政府各部门："
SIGN = "示例市人民政府办公室"
DATE = "2025年3月5日"
SENTENCES = [
    "为深入贯彻落实国务院关于加快推进政务服务标准化规范化便利化的部署要求，进一步提升全市政务服务水平，经市政府同意，现就有关事项通知如下。",
    "各地各部门要充分认识政务服务标准化建设的重要意义，把这项工作摆在突出位置，主要负责同志亲自抓，分管负责同志具体抓，确保各项任务落到实处。",
    "要全面梳理本地区本部门政务服务事项，逐项明确办理条件、申请材料、办理流程和办结时限，做到同一事项在全市范围内无差别受理、同标准办理。",
    "要持续推进政务服务事项网上办理，2025年底前实现高频事项全程网办，群众和企业办事提交材料较2024年减少三成以上，办理时间压缩一半以上。",
    "要加强政务服务中心窗口建设，推行综合窗口受理模式，完善首问负责、一次性告知和限时办结等制度，切实解决群众办事来回跑、多头跑的问题。",
    "要建立健全政务服务评价体系，全面推行好差评制度，对差评事项及时回访整改，整改结果向社会公开，接受群众监督，推动服务质量持续提升。",
    "要加强数据共享和业务协同，依托全市一体化政务服务平台，打通部门间信息壁垒，凡是能够通过共享获取的材料，一律不再要求群众重复提交。",
    "要强化工作人员业务培训，定期组织政策解读和业务练兵，提高窗口人员的综合素质和服务能力，打造一支业务精通、作风过硬的政务服务队伍。",
    "市政务服务管理局要会同有关部门加强统筹协调和督促指导，定期通报工作进展情况，对工作推进不力、群众反映强烈的单位，予以通报批评。",
    "各区县人民政府要结合本地实际，制定具体实施方案，明确责任分工和时间节点，每季度末将工作进展情况报送市政务服务管理局汇总。",
]


def run(text, font, sz, bold=False):
    rpr = ('<w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}"/>{b}'
           '<w:sz w:val="{s}"/><w:szCs w:val="{s}"/></w:rPr>').format(f=font, s=sz, b="<w:b/>" if bold else "")
    return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, escape(text))


WIDOW = {"off": '<w:widowControl w:val="0"/>', "on": "<w:widowControl/>", "absent": ""}


def para(text, font, sz, line, jc=None, first_line=0, right=0, widow="off"):
    ind = '<w:ind w:left="0" w:right="%d" w:firstLine="%d"/>' % (right, first_line)
    jc_x = '<w:jc w:val="%s"/>' % jc if jc else ""
    ppr = ('<w:pPr>%s<w:spacing w:before="0" w:after="0" w:line="%d" w:lineRule="exact"/>%s%s</w:pPr>'
           % (WIDOW[widow], line, ind, jc_x))
    return "<w:p>%s%s</w:p>" % (ppr, run(text, font, sz))


def footer(align):
    # "— PAGE —", 4号 宋体; default footer (odd pages) right, even footer left, 1 char in
    font = "宋体"
    ind = '<w:ind w:left="%d" w:right="%d"/>' % ((280, 0) if align == "left" else (0, 280))
    rpr = ('<w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" w:hint="eastAsia"/>'
           '<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>').format(f=font)
    runs = ('<w:r>{r}<w:t xml:space="preserve">— </w:t></w:r>'
            '<w:r>{r}<w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r>{r}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r>{r}<w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r>{r}<w:t>1</w:t></w:r>'
            '<w:r>{r}<w:fldChar w:fldCharType="end"/></w:r>'
            '<w:r>{r}<w:t xml:space="preserve"> —</w:t></w:r>').format(r=rpr)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:ftr xmlns:w="%s" xmlns:r="%s"><w:p><w:pPr>'
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>%s<w:jc w:val="%s"/></w:pPr>'
            '%s</w:p></w:ftr>' % (W, R, ind, align, runs))


def body_paragraphs(n):
    out = []
    for i in range(n):
        # 2–3 sentences per paragraph, deterministic
        k = 2 + (i % 2)
        out.append("".join(SENTENCES[(i * 3 + j) % len(SENTENCES)] for j in range(k)))
    return out


def build(path, paper="a4", margins=(2098, 1587, 1474, 1984), line=579, grid="none", paras=14,
          widow="off", title_line=None):
    pw, ph = PAPERS[paper]
    top, left, right, bottom = margins
    fs, xbs = "仿宋_GB2312", "方正小标宋简体"
    texts = [TITLE, TO] + body_paragraphs(paras) + [SIGN, DATE]
    ps = [para(TITLE, xbs, 44, title_line or line, jc="center", widow=widow), para(TO, fs, 32, line, widow=widow)]
    ps += [para(t, fs, 32, line, first_line=640, widow=widow) for t in texts[2:-2]]
    ps += [para(SIGN, fs, 32, line, jc="right", right=1280, widow=widow),
           para(DATE, fs, 32, line, jc="right", right=1280, widow=widow)]
    if grid == "none":
        grid_x = ""
    else:
        kind, pitch = grid.split(":")
        grid_x = '<w:docGrid w:type="%s" w:linePitch="%s"/>' % (kind, pitch)
    sect = ('<w:sectPr><w:footerReference w:type="default" r:id="rId4"/>'
            '<w:footerReference w:type="even" r:id="rId5"/>'
            '<w:pgSz w:w="%d" w:h="%d"/>'
            '<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/>'
            '<w:cols w:space="425"/>%s</w:sectPr>' % (pw, ph, top, right, bottom, left, grid_x))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s%s</w:body></w:document>'
                % (W, R, "".join(ps), sect))
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<w:styles xmlns:w="%s"><w:docDefaults><w:rPrDefault><w:rPr>'
              '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/>'
              '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
              '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
              '</w:styles>' % W)
    settings = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:settings xmlns:w="%s"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
                '<w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/>'
                '<w:compat><w:useFELayout/></w:compat>'
                '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>' % W)
    font_table = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<w:fonts xmlns:w="%s">' % W + "".join(
                      '<w:font w:name="%s"><w:charset w:val="86"/><w:family w:val="%s"/><w:pitch w:val="variable"/></w:font>'
                      % (n, fam) for n, fam in ((fs, "modern"), (xbs, "script"), ("宋体", "auto"),
                                                 ("Times New Roman", "roman"))) + "</w:fonts>")
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
          '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
          '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
          '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
          '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
          '</Types>')
    pkg_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="%s/officeDocument" Target="word/document.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                '<Relationship Id="rId3" Type="%s/extended-properties" Target="docProps/app.xml"/>'
                '</Relationships>' % (R, R))
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="{r}/styles" Target="styles.xml"/>'
                '<Relationship Id="rId2" Type="{r}/settings" Target="settings.xml"/>'
                '<Relationship Id="rId3" Type="{r}/fontTable" Target="fontTable.xml"/>'
                '<Relationship Id="rId4" Type="{r}/footer" Target="footer1.xml"/>'
                '<Relationship Id="rId5" Type="{r}/footer" Target="footer2.xml"/>'
                '</Relationships>').format(r=R)
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>%s</dc:title><dc:creator>shuzhi tests</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2025-03-05T00:00:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-03-05T00:00:00Z</dcterms:modified>'
            '</cp:coreProperties>' % escape(TITLE))
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>shuzhi tests/tools/make_fullpage.py</Application></Properties>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", ct), ("_rels/.rels", pkg_rels),
                           ("word/document.xml", document), ("word/_rels/document.xml.rels", doc_rels),
                           ("word/styles.xml", styles), ("word/settings.xml", settings),
                           ("word/fontTable.xml", font_table), ("word/footer1.xml", footer("right")),
                           ("word/footer2.xml", footer("left")), ("docProps/core.xml", core),
                           ("docProps/app.xml", app)):
            z.writestr(name, data.encode("utf-8"))
    return texts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--paper", choices=sorted(PAPERS), default="a4")
    ap.add_argument("--margins", default="2098,1587,1474,1984")
    ap.add_argument("--line", type=int, default=579)
    ap.add_argument("--grid", default="none")
    ap.add_argument("--title-line", type=int)
    ap.add_argument("--paras", type=int, default=14)
    ap.add_argument("--widow-control", choices=sorted(WIDOW), default="off")
    ap.add_argument("--text")
    a = ap.parse_args()
    margins = tuple(int(x) for x in a.margins.split(","))
    if len(margins) != 4:
        ap.error("--margins needs T,L,R,B")
    texts = build(a.out, a.paper, margins, a.line, a.grid, a.paras, a.widow_control, a.title_line)
    if a.text:
        with open(a.text, "w", encoding="utf-8") as f:
            f.write("\n".join(texts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

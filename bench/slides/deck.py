#!/usr/bin/python3
"""Write the 30-slide benchmark deck twice: as a shuzhi outline and as JSON for PptxGenJS.

    /usr/bin/python3 bench/slides/deck.py OUTDIR

Same content on both sides: title, agenda (3 sections), 3 section slides, per section
5 bullet slides (5 points, notes), 1 table (7 x 4), 1 bar chart (6 x 2), 1 two-column
slide, and a closing slide: 1 + 1 + 3 + 3 x 8 + 1 = 30 slides.
"""
import json, sys

out = sys.argv[1]
deck = {"title": "关于推进数字政府建设的工作汇报", "subtitle": "2026年1月 · 福田区政务服务数据管理局",
        "slides": []}
S = deck["slides"]
sections = ["一、主要成效", "二、存在问题", "三、下一步工作"]
S.append({"kind": "title", "title": deck["title"], "subtitle": deck["subtitle"]})
S.append({"kind": "agenda", "title": "目录", "items": sections})
for si, sec in enumerate(sections):
    S.append({"kind": "section", "title": sec, "number": "%02d" % (si + 1)})
    for k in range(5):
        S.append({"kind": "bullets", "title": "%s：第%d项工作" % (sec[2:], k + 1),
                  "bullets": ["推进政务服务“一网通办”第%d项举措，网上可办率提升到%d%%" % (j + 1, 90 + j)
                              for j in range(5)],
                  "notes": "讲稿：本页介绍第%d项工作的进展和成效。" % (k + 1)})
    S.append({"kind": "table", "title": "%s：指标完成情况" % sec[2:],
              "rows": [["指标", "2024年", "2025年", "目标"]] +
                      [["第%d项指标" % r, "%d%%" % (80 + r), "%d%%" % (85 + r), "%d%%" % (90 + r)] for r in range(1, 7)]})
    S.append({"kind": "chart", "title": "%s：季度办件量" % sec[2:], "label": "季度",
              "cats": ["%d月" % (2 * m + 1) for m in range(6)],
              "series": [{"name": "2024年", "values": [12 + m for m in range(6)]},
                         {"name": "2025年", "values": [15 + 2 * m for m in range(6)]}]})
    S.append({"kind": "two", "title": "%s：改革前后对比" % sec[2:],
              "left_title": "改革前", "left": ["群众多头跑", "材料反复交", "数据不互通"],
              "right_title": "改革后", "right": ["一窗受理", "一次办结", "数据共享"]})
S.append({"kind": "closing", "title": "谢谢！", "subtitle": "敬请批评指正"})
assert len(S) == 30, len(S)
json.dump(deck, open(out + "/deck30.json", "w"), ensure_ascii=False, indent=1)

L = ["% 标题: " + deck["title"], "% 副标题: " + deck["subtitle"], ""]
for s in S:
    k = s["kind"]
    if k == "section":
        L.append("# " + s["title"])
    elif k == "bullets":
        L.append("## " + s["title"])
        L += ["- " + b for b in s["bullets"]]
        L.append("> " + s["notes"])
    elif k == "table":
        L.append("## " + s["title"])
        L.append("| " + " | ".join(s["rows"][0]) + " |")
        L.append("|" + "---|" * len(s["rows"][0]))
        L += ["| " + " | ".join(r) + " |" for r in s["rows"][1:]]
    elif k == "chart":
        L.append("## " + s["title"])
        L.append("```chart bar")
        L.append(",".join([s["label"]] + [x["name"] for x in s["series"]]))
        for i, c in enumerate(s["cats"]):
            L.append(",".join([c] + [str(x["values"][i]) for x in s["series"]]))
        L.append("```")
    elif k == "two":
        L.append("## " + s["title"])
        L.append("|| " + s["left_title"])
        L += ["- " + b for b in s["left"]]
        L.append("|| " + s["right_title"])
        L += ["- " + b for b in s["right"]]
    L.append("")
open(out + "/deck30.outline", "w").write("\n".join(L))

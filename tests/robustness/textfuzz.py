#!/usr/bin/python3
"""Text-level differential fuzzing: inject error forms that the dev set does
NOT contain (other bracket shapes, label forms, date forms, ranges,
punctuation …) into the clean documents and compare `shuzhi gongwen check`
with the oracle on the result.  Unlike mutate.py these edits change what the
oracle sees; the oracle's findings on the edited file are the reference.

  textfuzz.py SRC.docx|SRC.txt OUT --seed N      write one fuzzed file, print the edits

Used by diff.py --textfuzz N (N fuzzed files per clean document).
"""
import os
import random
import re
import sys
import zipfile
import zlib

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mutate  # noqa: E402

W = mutate.W
w = mutate.w

BRACKETS = [("[", "]"), ("（", "）"), ("(", ")"), ("【", "】"), ("〈", "〉"), ("﹝", "﹞"), ("［", "］"), ("〔", "]"),
            ("[", "〕"), ("〖", "〗"), ("｛", "｝")]
FW = str.maketrans("0123456789", "０１２３４５６７８９")


def _sub_once(t, pat, repl, rng, flags=0):
    ms = list(re.finditer(pat, t, flags))
    if not ms:
        return None
    m = rng.choice(ms)
    r = repl(m) if callable(repl) else m.expand(repl)
    return t[:m.start()] + r + t[m.end():]


# each operator: (name, roles, fn(text, rng) -> new text or None)
def op_docno(t, rng):
    k = rng.randrange(8)
    if k == 0:
        a, b = rng.choice(BRACKETS)
        return _sub_once(t, r"〔(\d{4})〕", lambda m: a + m.group(1) + b, rng)
    if k == 1:
        return _sub_once(t, r"〕(\d+)号", lambda m: "〕第" + m.group(1) + "号", rng)
    if k == 2:
        return _sub_once(t, r"〕(\d+)号", lambda m: "〕" + "0" * rng.randint(1, 2) + m.group(1) + "号", rng)
    if k == 3:
        return _sub_once(t, r"〔20(\d\d)〕", lambda m: "〔" + m.group(1) + "〕", rng)
    if k == 4:
        return _sub_once(t, r"〔(\d{4})〕", lambda m: "〔" + m.group(1).translate(FW) + "〕", rng)
    if k == 5:
        return _sub_once(t, r"〔", lambda m: rng.choice([" 〔", "〔 ", "\u3000〔"]), rng)
    if k == 6:
        return _sub_once(t, r"号", lambda m: rng.choice(["號", " 号", "号。"]), rng)
    return _sub_once(t, r"〕(\d+)号", lambda m: "〕" + m.group(1).translate(FW) + "号", rng)


def op_signer(t, rng):
    return _sub_once(t, r"签发人：", lambda m: rng.choice(
        ["签发人:", "签发人", "签发人： ", "签发人：\u3000", "签发人 ：", "签发人: ", "签发人∶", "签发人﹕",
         "签发人：：", "签发人;"]), rng)


def op_title(t, rng):
    return t.rstrip() + rng.choice(list("。．.：:；;，,、！!？?") + ["……", "——", "”", "）", "。”"])


def op_to(t, rng):
    k = rng.randrange(3)
    if k == 0:
        return t[:-1] + rng.choice([":", "︰", "∶", "﹕"])
    if k == 1:
        return rng.choice([" ", "  ", "\u3000", "\u3000\u3000", "\t"]) + t
    return t[:-1] + rng.choice(["：", ":"]) + rng.choice([" ", "\u3000"])


def op_body_lead(t, rng):
    return rng.choice([" ", "  ", "\u3000", "\u3000\u3000", "\t", "\u00a0\u00a0"]) + t


def op_label(t, rng):
    s = t
    m = re.match(r"^([一二三四五六七八九十]{1,3})、", s)
    if m:
        return rng.choice(["%s.", "%s．", "%s，", "%s,", "%s :", "%s：", "%s 、", "（%s）、", "%s)"]) % m.group(1) + s[m.end():]
    m = re.match(r"^（([一二三四五六七八九十]{1,3})）", s)
    if m:
        return rng.choice(["(%s)", "（%s)", "(%s）", "（%s）、", "（%s）.", "(%s)、", "（ %s ）", "%s）", "〔%s〕"]) % m.group(1) + s[m.end():]
    m = re.match(r"^(\d{1,2})\.", s)
    if m:
        return rng.choice(["%s、", "%s．", "%s，", "%s,", "%s .", "%s。", "%s)", "（%s）"]) % m.group(1) + s[m.end():]
    m = re.match(r"^（(\d{1,2})）", s)
    if m:
        return rng.choice(["(%s)", "%s)", "%s）", "（%s）、", "(%s）", "（%s)", "（%s）.", "［%s］"]) % m.group(1) + s[m.end():]
    return None


def op_renumber(t, rng):
    cn = "一二三四五六七八九十"
    m = re.match(r"^([一二三四五六七八九])、", t)
    if m:
        i = cn.index(m.group(1))
        j = rng.choice([x for x in (i - 1, i + 1, i + 2) if 0 <= x < 10])
        return cn[j] + t[1:]
    m = re.match(r"^（([一二三四五六七八九])）", t)
    if m:
        i = cn.index(m.group(1))
        j = rng.choice([x for x in (i - 1, i + 1, i + 2) if 0 <= x < 10])
        return "（" + cn[j] + t[2:]
    m = re.match(r"^(\d{1,2})([.．])", t)
    if m:
        n = int(m.group(1))
        return str(max(1, n + rng.choice([-1, 1, 2, 10]))) + t[m.end(1):]
    return None


def op_att(t, rng):
    if t.lstrip().startswith("附件"):
        k = rng.randrange(4)
        if k == 0:
            return _sub_once(t, r"附件：", lambda m: rng.choice(["附件:", "附 件：", "附件 ：", "附件∶", "附件：  ", " 附件："]), rng)
        if k == 1:
            return t.rstrip() + rng.choice(list("。；，、.;,：:"))
        if k == 2:
            return _sub_once(t, r"(附件：\s*(?:\d{1,2}\s*[.．、])?\s*)(.+)$", lambda m: m.group(1) + "《" + m.group(2) + "》", rng)
        return _sub_once(t, r"：(\d)\.", lambda m: "：" + m.group(1) + rng.choice(["．", "、", ". "]), rng)
    k = rng.randrange(3)
    if k == 0:
        return t.rstrip() + rng.choice(list("。；，、.;,：:"))
    if k == 1:
        return _sub_once(t, r"^(\s*\d{1,2}\s*[.．、]\s*)(.+)$", lambda m: m.group(1) + "《" + m.group(2) + "》", rng)
    return _sub_once(t, r"^(\s*\d{1,2})\.", lambda m: m.group(1) + rng.choice(["．", "、", ". "]), rng)


def op_cc(t, rng):
    k = rng.randrange(3)
    if k == 0:
        return _sub_once(t, r"抄送：", lambda m: rng.choice(["抄送:", "抄送", "抄 送：", "抄送 ：", "抄送∶"]), rng)
    if k == 1:
        return t.rstrip("。") + rng.choice(["", "；", ".", "，", "。。"])
    return t.rstrip("。") + rng.choice(["。", "。 ", "。\u3000"])


def op_date(t, rng):
    m = re.match(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", t)
    if not m:
        return None
    y, mo, d = m.groups()
    cn = "〇一二三四五六七八九"
    ycn = "".join(cn[int(c)] for c in y)
    forms = ["%s年%02d月%02d日" % (y, int(mo), int(d)), "%s年%s月%02d日" % (y, mo, int(d)),
             "%s年%s月%s日" % (y[2:], mo, d), "%s-%02d-%02d" % (y, int(mo), int(d)), "%s.%s.%s" % (y, mo, d),
             "%s/%s/%s" % (y, mo, d), "%s年%s月%s日" % (ycn, mo, d), "%s年2月30日" % y, "%s年13月%s日" % (y, d),
             "%s年%s月32日" % (y, mo), "%s 年 %s 月 %s 日" % (y, mo, d), "%s年%s月%s号" % (y, mo, d),
             "%s年%s月%s日" % (y.translate(FW), mo, d), "%s．%s．%s" % (y, mo, d), "%s年%s月%s" % (y, mo, d),
             "1899年%s月%s日" % (mo, d), "%s年0%s月%s日" % (y, mo, d) if len(mo) == 1 else "%s年%s月0%s日" % (y, mo, d)]
    return rng.choice(forms)


def op_note(t, rng):
    m = re.match(r"^（(.*)）$", t.strip())
    if not m:
        return None
    return rng.choice(["(%s)", "(%s）", "（%s)", "（%s）。", "（ %s ）"]) % m.group(1)


def op_text(t, rng):
    """one text-level edit somewhere in the paragraph."""
    ops = [
        (r"(?<![0-9])(20)(\d\d)年(?=\d{1,2}月|底|末|初|度|上半年|下半年)", lambda m: m.group(2) + "年"),
        (r"(?<![0-9])([1-9])月", lambda m: "0" + m.group(1) + "月"),
        (r"月([1-9])日", lambda m: "月0" + m.group(1) + "日"),
        (r"(\d+(?:\.\d+)?)%～(\d+(?:\.\d+)?)%", lambda m: m.group(1) + rng.choice(["～", "-", "—", "至", "~", "－"]) + m.group(2) + "%"),
        (r"(\d+(?:\.\d+)?)～(\d+(?:\.\d+)?)(个工作日|工作日|分钟|小时|天|人|亩|万|亿|元|个|名|家|次|%)",
         lambda m: m.group(1) + rng.choice(["-", "~", "－", "—", "～"]) + m.group(2) + m.group(3)),
        (r"(\d{4})[—～至](\d{4})年", lambda m: m.group(1) + rng.choice(["-", "－", "~", "—", " - "]) + m.group(2) + "年"),
        (r"\d+", lambda m: m.group(0).translate(FW) if rng.random() < 0.5 else m.group(0)[:1].translate(FW) + m.group(0)[1:]),
        (r"，", lambda m: rng.choice([",", ", ", "，，", ",,"])),
        (r"。", lambda m: rng.choice([".", "。。", ". ", "．"])),
        (r"：", lambda m: rng.choice([":", "：：", ": "])),
        (r"；", lambda m: rng.choice([";", "；；", "; "])),
        (r"、", lambda m: rng.choice(["、、", ","])),
        (r"（([^（）]*)）", lambda m: rng.choice(["(%s)", "(%s）", "（%s)"]) % m.group(1)),
        (r"“([^“”]*)”", lambda m: rng.choice(['"%s"', "'%s'", '“%s"']) % m.group(1)),
        (r"[^、，。；：]等", lambda m: m.group(0)[0] + rng.choice(["、等", "、 等", "，等", " 等"])),
        (r"[\u4e00-\u9fff]{2}(?=[，。])", lambda m: m.group(0) + rng.choice(["?", "!", "？？", "！！", "!?", "……"])),
        (r"[\u4e00-\u9fff](?=[\u4e00-\u9fff])", lambda m: m.group(0) + rng.choice(
            ["（www.example.gov.cn）", "（邮箱：office@example.gov.cn）", "（电话：0000-1234567）",
             "3.5%", "第1.2条", "Ⅱ", "e.g.", "No.1", "3:30", "(A)", "（3）"])),
    ]
    rng.shuffle(ops)
    for pat, fn in ops:
        r = _sub_once(t, pat, fn, rng)
        if r is not None and r != t:
            return r
    return None


OPS = [
    ("docno", ("docno",), op_docno),
    ("signer", ("docno",), op_signer),
    ("title", ("title",), op_title),
    ("to", ("to",), op_to),
    ("body-lead", ("p",), op_body_lead),
    ("label", ("h1", "h2", "h3", "h4"), op_label),
    ("renumber", ("h1", "h2", "h3", "h4"), op_renumber),
    ("att", ("att",), op_att),
    ("cc", ("cc",), op_cc),
    ("date", ("date",), op_date),
    ("note", ("note",), op_note),
    ("text", ("p", "h1", "h2", "h3", "h4", "to", "title", "sig", "att", "cc", "print", "note", "mark"), op_text),
]


# structural operators: change the paragraph sequence (roles move around)
def st_ops(texts, role, rng):
    """-> list of ('set', i, text) / ('insert', i, text, like) ops, or None."""
    idx = lambda r: [i for i, x in enumerate(role) if x == r]
    k = rng.randrange(15)
    if k == 0 and idx("docno"):
        return [("set", idx("docno")[0], "")], "blank-docno"
    if k == 1 and idx("to"):
        return [("set", idx("to")[0], "")], "blank-to"
    if k == 2 and idx("title"):
        i = idx("title")[0]
        t = texts[i]
        c = rng.randint(4, max(5, len(t) - 3))
        return [("set", i, t[:c]), ("insert", i + 1, t[c:], i)], "title-2lines"
    if k == 3 and idx("date"):
        i = idx("date")[0]
        j = max(idx("note") or [i]) + 1
        return [("insert", j, rng.choice(["（此件公开发布）", "(此件公开发布)", "（联系人：张某，电话：0000-1234567）",
                                          "（此件主动公开)"]), i)], "insert-note"
    if k == 4 and idx("sig"):
        i = idx("sig")[0]
        like = (idx("p") or [i])[-1]
        lines = rng.choice([["附件：示例材料清单"], ["附件:示例材料清单"], ["附件：1.示例材料清单", "2.示例统计表。"],
                            ["附件：《示例材料清单》"], ["附 件：1．示例材料", "2．示例表"]])
        ops = [("insert", i, "", like)]
        for n, l in enumerate(lines):
            ops.append(("insert", i + 1 + n, l, like))
        ops.append(("insert", i + 1 + len(lines), "", like))
        return ops, "insert-att"
    if k == 5 and idx("title"):
        i = idx("title")[0]
        like = (idx("p") or [i])[0]
        j = (idx("to") or [i])[0] + 1
        return [("insert", j, rng.choice(["出席：张某某、李某某、王某某", "列席:赵某某", "请假：钱某某（出差）"]), like)], "insert-attend"
    if k == 6 and idx("title"):
        i = idx("title")[0]
        like = (idx("p") or [i])[0]
        j = (idx("to") or [i])[0] + 1
        return [("insert", j, rng.choice(["现将有关事项通知如下：", "各有关单位:", "一、总体要求：", "市政府各部门、各直属机构："]),
                 like)], "insert-fake-to"
    if k == 7 and idx("sig"):
        return [("set", idx("sig")[0], "")], "blank-sig"
    if k == 8 and idx("sig"):
        return [("set", idx("sig")[0], texts[idx("sig")[0]] + "办公室综合协调处（代章）示例单位")], "long-sig"
    if k == 9:
        cand = [i for i, x in enumerate(role) if x not in ("blank",)]
        i = rng.choice(cand)
        return [("set", i, texts[i] + rng.choice([" ", "\u3000", "\t", "  "]))], "trailing-ws"
    if k == 10:
        cand = [i for i, x in enumerate(role) if x in ("h1", "h2", "h3")]
        if cand:
            i = rng.choice(cand)
            return [("set", i, texts[i].rstrip("。") + rng.choice(["。", "。要求如下：", "：", "；"]))], "heading-end"
    if k == 11:
        i = rng.randrange(1, len(texts))
        like = i if role[i] == "blank" else (idx("blank") or [i])[0]
        return [("insert", i, "", like)], "insert-blank"
    if k == 12 and idx("docno"):
        i = idx("docno")[0]
        return [("set", i, rng.choice([texts[i].replace("\t", "    "), texts[i].replace("\t", "\u3000\u3000"),
                                        texts[i].replace("\t", " "), texts[i] + "\t签发人：张某"]))], "docno-sep"
    if k == 13 and idx("cc"):
        i = idx("cc")[0]
        return [("insert", i + 1, rng.choice(["抄送：示例县人民政府。", "抄送:示例县人民政府", "示例市人民政府办公室\t2025年3月6日印发"]),
                 i)], "insert-cc"
    if k == 14:
        # a long same-level list with one gap/duplicate early on (the fixer
        # must renumber the whole tail, not one heading per pass)
        cn = "一二三四五六七八九十"
        for lvl in rng.sample(["h1", "h3"], 2):
            hs = idx(lvl)
            if len(hs) < 2:
                continue
            fmt = (lambda n: cn[n - 1] + "、") if lvl == "h1" else (lambda n: "%d." % n)
            body = lambda t: re.sub(r"^\s*(?:[一二三四五六七八九十]{1,3}、|\d{1,2}\.)", "", t)
            n0 = len(hs)
            extra = rng.randint(4, 6)
            ops = []
            last = hs[-1]
            for j in range(extra):
                if n0 + j + 1 > 10:
                    break
                ops.append(("insert", last + 1 + j, fmt(n0 + j + 1) + "补充事项%d" % (j + 1), last))
            bad = hs[1]
            wrong = rng.choice([3, 1])  # gap (一、三) or duplicate (一、一)
            ops.insert(0, ("set", bad, fmt(wrong) + body(texts[bad])))
            return ops, "long-list-gap"
    return None


def _set_para_text(p, text):
    runs = [r for r in p.iter(w("r")) if r.find(w("t")) is not None and not mutate.in_deleted(r, p)]
    rpr = runs[0].find(w("rPr")) if runs else None
    for c in list(p):
        if c.tag != w("pPr"):
            p.remove(c)
    if not text:
        return
    r = etree.SubElement(p, w("r"))
    if rpr is not None:
        r.append(etree.fromstring(etree.tostring(rpr)))
    for k, part in enumerate(text.split("\t")):
        if k:
            etree.SubElement(r, w("tab"))
        if part:
            t = etree.SubElement(r, w("t"))
            mutate.set_text(t, part)
            t.set(mutate.XML_SPACE, "preserve")


def plan(texts, role, rng, n_edits):
    """-> [(paragraph, old, new, op_name)] with at most one edit per paragraph."""
    edits = {}
    tries = 0
    while len(edits) < n_edits and tries < 60:
        tries += 1
        name, roles, fn = rng.choice(OPS)
        cand = [i for i, r in enumerate(role) if r in roles and i not in edits]
        if not cand:
            continue
        i = rng.choice(cand)
        new = fn(texts[i], rng)
        if new is None or new == texts[i] or "\n" in new:
            continue
        edits[i] = (i, texts[i], new, name)
    return [edits[k] for k in sorted(edits)]


def _span(old, new):
    a = 0
    while a < min(len(old), len(new)) and old[a] == new[a]:
        a += 1
    b = 0
    while b < min(len(old), len(new)) - a and old[-1 - b] == new[-1 - b]:
        b += 1
    return a, len(old) - b, new[a:len(new) - b]


def apply_docx_edit(p, old, new):
    """Apply old->new to paragraph p by editing w:t text. False if the
    changed span touches a tab/break or the text does not match."""
    oracle = mutate._oracle()
    segs = []  # (element or None, start, end)
    pos = 0
    for r, _ in oracle.para_runs(p):
        for c in r:
            if c.tag == w("t"):
                s = c.text or ""
                segs.append((c, pos, pos + len(s)))
                pos += len(s)
            elif c.tag in (w("tab"), w("br"), w("cr")):
                segs.append((None, pos, pos + 1))
                pos += 1
    if oracle.para_text(p) != old:
        return False
    a, b, rep = _span(old, new)
    # the text node that receives the replacement: the one holding a (or the
    # one ending at a for pure insertions at a run boundary / the end)
    target = None
    for el, s, e in segs:
        if s <= a < e or (a == b and e == a and el is not None):
            target = (el, s, e)
            if s <= a < e:
                break
    if target is None or target[0] is None:
        if not segs:
            return False
        return False
    for el, s, e in segs:
        if el is None and s < b and e > a:
            return False
    el, s, e = target
    txt = el.text or ""
    cut_end = min(b, e)
    el.text = txt[:a - s] + rep + txt[cut_end - s:]
    if el.text != el.text.strip(" \t"):
        el.set(mutate.XML_SPACE, "preserve")
    # remove the rest of the span from following text nodes
    for el2, s2, e2 in segs:
        if el2 is None or el2 is el or e2 <= cut_end or s2 >= b:
            continue
        t2 = el2.text or ""
        lo, hi = max(s2, cut_end), min(e2, b)
        el2.text = t2[:lo - s2] + t2[hi - s2:]
    return oracle.para_text(p) == new


def _apply_struct_docx(pkg, rng):
    import copy
    oracle = mutate._oracle()
    paras = pkg.body_paras()
    texts = [oracle.para_text(p) for p in paras]
    role, _ = oracle.detect_roles(texts)
    got = None
    for _ in range(10):
        got = st_ops(texts, role, rng)
        if got:
            break
    if not got:
        return []
    ops, name = got
    done = []
    cur = list(paras)
    for op in ops:
        if op[0] == "set":
            if cur[op[1]].find(".//" + w("sectPr")) is not None:
                continue
            _set_para_text(cur[op[1]], op[2])
            done.append((op[1], texts[op[1]] if op[1] < len(texts) else "", op[2], name))
        else:
            i, text, like = op[1], op[2], op[3]
            src_p = paras[like]
            np_ = copy.deepcopy(src_p)
            ppr = np_.find(w("pPr"))
            if ppr is not None and ppr.find(w("sectPr")) is not None:
                ppr.remove(ppr.find(w("sectPr")))
            _set_para_text(np_, text)
            if i < len(cur):
                cur[i].addprevious(np_)
            else:
                cur[-1].addnext(np_)
            cur.insert(i, np_)
            done.append((i, "", text, name + "(ins)"))
    return done


def fuzz_file(src, dst, seed, n_edits=None, structural=0.5):
    """Write a fuzzed copy of src; returns the list of edits applied."""
    oracle = mutate._oracle()
    rng = random.Random(zlib.crc32(("%s|fuzz|%d" % (os.path.basename(src), seed)).encode()))
    n_edits = n_edits or rng.randint(1, 4)
    if src.lower().endswith(".docx"):
        pkg = mutate.Package(src)
        paras = pkg.body_paras()
        texts = [oracle.para_text(p) for p in paras]
        role, _ = oracle.detect_roles(texts)
        done = []
        for i, old, new, name in plan(texts, role, rng, n_edits):
            if apply_docx_edit(paras[i], old, new):
                done.append((i, old, new, name))
        if rng.random() < structural:
            done += _apply_struct_docx(pkg, rng)
        pkg.save(dst)
        return done
    texts = oracle.read_txt_lines(src)
    role, _ = oracle.detect_roles(texts)
    edits = plan(texts, role, rng, n_edits)
    for i, old, new, name in edits:
        texts[i] = new
    if rng.random() < structural:
        role, _ = oracle.detect_roles(texts)
        got = None
        for _ in range(10):
            got = st_ops(texts, role, rng)
            if got:
                break
        if got:
            ops, name = got
            for op in ops:
                if op[0] == "set":
                    edits.append((op[1], texts[op[1]], op[2], name))
                    texts[op[1]] = op[2]
                else:
                    texts.insert(op[1], op[2])
                    edits.append((op[1], "", op[2], name + "(ins)"))
    with open(dst, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(texts) + "\n")
    return edits


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--edits", type=int, default=None)
    a = ap.parse_args(argv)
    for i, old, new, name in fuzz_file(a.src, a.dst, a.seed, a.edits):
        print("%3d %-10s %r -> %r" % (i, name, old[:50], new[:50]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

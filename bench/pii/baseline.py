#!/usr/bin/env python3
"""Baseline for bench/pii: the same PII rules written with Python's `re`.

The patterns mirror src/privacy/pii.c and pii_context.c (check digits for
身份证/统一社会信用代码/Luhn, phones, e-mail, plates, passports, names after
labels and before 同志/先生/女士, addresses from an administrative part to a
house or room number). It is what a Python service would do; the benchmark
times it on the same file as `shuzhi pii scan --json` and reports the ratio.

usage: baseline.py FILE  -> prints {"spans": [...]} like the C scanner
"""
import json
import re
import sys

FW = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
NA_B = r"(?<![0-9A-Za-z])"
NA_A = r"(?![0-9A-Za-z])"
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_CS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

PAT = {
    "email": re.compile(r"(?<![0-9A-Za-z._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,12}" + NA_A),
    "id_card": re.compile(NA_B + r"[0-9]{6} ?[0-9]{8} ?[0-9]{3}[0-9Xx]" + NA_A),
    "uscc": re.compile(NA_B + r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}" + NA_A),
    "bank_card": re.compile(NA_B + r"(?:[0-9]{16,19}|[0-9]{4}(?: [0-9]{4}){3}(?: [0-9]{1,3})?|[0-9]{6} [0-9]{10,13})" + NA_A),
    "passport": re.compile(NA_B + r"(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8})" + NA_A),
    "mobile": re.compile(r"(?<![0-9A-Za-z+])(?:(?:\+|00)86[ -]?)?1[3-9][0-9](?:[0-9]{8}|[ -][0-9]{4}[ -][0-9]{4})" + NA_A),
    "landline": re.compile(NA_B + r"(?:[(（]0(?:10|2[0-9]|[3-9][0-9]{2})[)）] ?|0(?:10|2[0-9]|[3-9][0-9]{2})[ -])[2-9][0-9]{2,3}[ -]?[0-9]{4}" + NA_A),
    "landline_local": re.compile(r"(?:座机|固话|固定电话|办公电话|来电号码|联系电话|电话|传真)(?:号码)?[：: ]*([2-9][0-9]{6,7})" + NA_A),
    "plate": re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·]?(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{5})" + NA_A),
}
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
NAME_LABEL = re.compile(r"(?:申请人姓名|姓名|申请人|联系人|户名|来电人|来信人|信访人|法定代表人|经办人|寄件人|收件人|送达人|原告|被告|被反映人|出席)(?:[（(][^）)\n]{0,10}[）)])?[ \t　]*[：:][ \t　]*|【(?:来电人|联系人|申请人)】")
NAME_AFTER = re.compile(r"[诸葛欧阳慕容司马上官]{2}[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff])|[\u4e00-\u9fff]{2,3}(?=先生|女士|同志)")
TITLE = re.compile(r"([\u4e00-\u9fff]{2,3})(?=同志|先生|女士)")
ADDR = re.compile(r"(?:[\u4e00-\u9fff]{2,3}(?:省|自治区))?(?:[\u4e00-\u9fff]{2,4}市)?(?:[\u4e00-\u9fff]{2,4}(?:区|县))[\u4e00-\u9fffA-Za-z0-9-]{2,60}?(?:[0-9]+(?:号|室|房)|[座栋幢元][0-9]{3,})(?![0-9])")


def id_ok(s):
    s = s.replace(" ", "").upper()
    if len(s) != 18 or not s[:17].isdigit():
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(s, ID_W)) % 11] == s[17]


def uscc_ok(s):
    try:
        t = sum(USCC_CS.index(c) * w for c, w in zip(s, USCC_W))
    except ValueError:
        return False
    return USCC_CS[(31 - t % 31) % 31] == s[17]


def luhn_ok(s):
    d = s.replace(" ", "")
    if not (16 <= len(d) <= 19) or d[0] not in "34569":
        return False
    t = 0
    for i, ch in enumerate(reversed(d)):
        v = int(ch)
        if i % 2:
            v = v * 2 - 9 if v > 4 else v * 2
        t += v
    return t % 10 == 0


CHECK = {"id_card": id_ok, "uscc": uscc_ok, "bank_card": luhn_ok}


def scan(text):
    q = text.translate(FW)
    cand = []
    for typ, pat in PAT.items():
        for m in pat.finditer(q):
            a, b = (m.span(1) if m.lastindex else m.span())
            t = "landline" if typ == "landline_local" else typ
            if t in CHECK and not CHECK[t](q[a:b]):
                continue
            cand.append((a, b, t))
    for m in ADDR.finditer(q):
        cand.append((m.start(), m.end(), "address"))
    for m in NAME_LABEL.finditer(q):
        n = NAME_AFTER.match(q, m.end())
        if n and n.group(0)[0] in SURNAMES:
            cand.append((n.start(), n.end(), "name"))
    for m in TITLE.finditer(q):
        g = m.group(1)
        for k in (0, 1):
            if len(g) - k >= 2 and g[k] in SURNAMES:
                cand.append((m.start(1) + k, m.end(1), "name"))
                break
    order = ["email", "id_card", "uscc", "bank_card", "passport", "mobile", "landline", "plate", "address", "name"]
    cand.sort(key=lambda c: (order.index(c[2]), c[0]))
    taken = bytearray(len(q))
    out = []
    for a, b, t in cand:
        if any(taken[a:b]):
            continue
        taken[a:b] = b"\1" * (b - a)
        out.append((a, b, t))
    out.sort()
    return out


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    spans = scan(text)
    json.dump({"spans": [{"start": a, "end": b, "type": t} for a, b, t in spans]}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

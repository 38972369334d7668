#!/usr/bin/python3
"""Differential robustness harness: oracle vs `shuzhi gongwen check/fix` on
oracle-equivalent variants of the gongwen dev set (see README.md here).

For every evaluated file (docs/*.docx, docs/*.txt) and clean counterpart
(clean/*) and every variant of tests/robustness/mutate.py:

  1. write the variant;
  2. VALIDITY: the oracle's (rule, paragraph) findings on the variant must
     equal those on the original file; otherwise the mutation is not
     equivalent (or the oracle is limited) and the item is EXCLUDED;
  3. DISAGREEMENTS: our `check FILE --format json` findings (only the oracle's
     29 rule ids, severity != info, page/footer rules with paragraph null)
     versus the oracle's on the same variant: MISSING (oracle only) and EXTRA
     (ours only; extras that labels.jsonl lists as tolerated are reported
     separately and do not count);
  4. FIX (.docx): `fix` on the variant, then tools/score.py's fix_one
     (oracle re-check + signature comparison with the un-mutated clean
     counterpart; for lo-roundtrip the LibreOffice-converted clean file).

  diff.py [--set DIR] [--bin PATH] [--jobs N] [--quick] [--variants a,b,...]
          [--files SUBSTR,...] [--lo N] [--no-lo] [--no-fix] [--json OUT]
          [--work DIR] [--examples N] [--show-xml]

Exit status: 0 when no disagreement, fix-rate drop, damage or problem was
found on valid items, 1 otherwise (2 on usage errors).
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mutate  # noqa: E402
import textfuzz  # noqa: E402

oracle = None
score = None


def load_tools(set_dir):
    global oracle, score
    tools = os.path.join(set_dir, "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    mutate.DEFAULT_SET = set_dir
    import oracle as o  # noqa: E402
    import score as s  # noqa: E402
    oracle, score = o, s


def key_of(f):
    p = f.get("paragraph")
    if f["rule"] in oracle.DOC_LEVEL:
        p = None
    return (f["rule"], p)


def parse_ours(stdout):
    txt = stdout.decode("utf-8", "replace").strip()
    if not txt:
        return None, "empty output"
    try:
        obj = json.loads(txt)
    except ValueError:
        a, b = txt.find("{"), txt.rfind("}")
        try:
            obj = json.loads(txt[a:b + 1]) if a >= 0 and b > a else None
        except ValueError:
            obj = None
    if not isinstance(obj, dict) or not isinstance(obj.get("findings"), list):
        return None, "output is not a JSON object with a findings list"
    out = []
    for f in obj["findings"]:
        if not isinstance(f, dict) or not isinstance(f.get("rule"), str):
            continue
        if str(f.get("severity", "warning")).lower() == "info":
            continue
        if f["rule"] not in oracle.RULES:
            continue
        p = f.get("paragraph")
        if p is not None and not (isinstance(p, int) and not isinstance(p, bool)):
            continue
        out.append({"rule": f["rule"], "paragraph": p, "message": str(f.get("message", ""))})
    return out, None


def para_xml(path, idx, limit=1500):
    """Serialized XML of top-level body paragraph idx (for reports)."""
    try:
        dx = oracle.Docx(path)
        from lxml import etree
        s = etree.tostring(dx.paras[idx], encoding="unicode")
        s = re.sub(r' xmlns:\w+="[^"]+"', "", s)
        return s if len(s) <= limit else s[:limit] + "…"
    except Exception as ex:  # noqa: BLE001
        return "(xml unavailable: %s)" % ex


def para_texts(path):
    try:
        if path.lower().endswith(".docx"):
            dx = oracle.Docx(path)
            return [oracle.para_text(p) for p in dx.paras]
        return oracle.read_txt_lines(path)
    except Exception:  # noqa: BLE001
        return []


# ---------------------------------------------------------------------------
def run_item(it):
    """Worker: one (file, variant). Returns a result dict (JSON-able)."""
    t0 = time.time()
    res = {k: it[k] for k in ("src", "rel", "variant", "kind") + (("seed",) if "seed" in it else ())}
    res.update({"valid": None, "missing": [], "extra": [], "tolerated_extra": [], "problem": None,
                "fix": None, "sig_equal": None, "oracle_diff": None, "path": None})
    src, variant = it["src"], it["variant"]
    if it["kind"] == "fuzz":
        return run_fuzz_item(it, res, t0)
    try:
        if variant == "orig":
            path = src
        elif variant in mutate.LO_VARIANTS:
            path = it["lo_path"]
            if not path or not os.path.exists(path):
                res["valid"] = False
                res["oracle_diff"] = "LibreOffice conversion failed"
                return res
        else:
            os.makedirs(os.path.join(it["work"], variant), exist_ok=True)
            path = os.path.join(it["work"], variant, os.path.basename(src))
            mutate.mutate(src, variant, path)
    except Exception as ex:  # noqa: BLE001
        res["valid"] = False
        res["oracle_diff"] = "mutation failed: %s: %s" % (type(ex).__name__, ex)
        return res
    res["path"] = path
    # 2. validity
    try:
        ofind = oracle.check(path)
    except Exception as ex:  # noqa: BLE001
        res["valid"] = False
        res["oracle_diff"] = "oracle failed on variant: %s: %s" % (type(ex).__name__, ex)
        return res
    okeys = {key_of(f) for f in ofind}
    base = {tuple(k) for k in it["orig_keys"]}
    if okeys != base:
        res["valid"] = False
        res["oracle_diff"] = {"lost": sorted(base - okeys, key=str), "gained": sorted(okeys - base, key=str)}
    else:
        res["valid"] = True
    if path.lower().endswith(".docx") and variant != "orig":
        try:
            res["sig_equal"] = oracle.signature(path) == oracle.signature(it["ref_for_sig"])
        except Exception as ex:  # noqa: BLE001
            res["sig_equal"] = False
            res["problem"] = "signature failed: %s" % ex
    # 3. our check
    rc, out, err, prob = score.run_cmd([it["bin"], "gongwen", "check", path, "--format", "json"], it["timeout"])
    ours = None
    if prob is None:
        ours, note = parse_ours(out)
        if ours is None:
            prob = "%s (exit %s; stderr: %s)" % (note, rc, err.decode("utf-8", "replace").strip()[-200:])
    if prob is not None:
        # a crash/refusal is reported under PROBLEMS only (scored as "no
        # findings" by score.py); no per-rule disagreement list for it
        res["problem"] = "check: " + prob
        ours = None
    omsg = {}
    for f in ofind:
        omsg.setdefault(key_of(f), f["message"])
    umsg = {}
    for f in ours or []:
        umsg.setdefault(key_of(f), f["message"])
    if ours is None:
        umsg = dict(omsg)
    tol = {tuple(k) for k in it["tolerated"]}
    res["ours"] = sorted(umsg, key=str)
    res["oracle"] = sorted(omsg, key=str)
    for k in sorted(set(omsg) - set(umsg), key=str):
        res["missing"].append({"rule": k[0], "paragraph": k[1], "oracle": omsg[k],
                               "ours_same_para": [[r, umsg[(r, p)]] for (r, p) in umsg if p == k[1]],
                               "ours_same_rule": [[p, umsg[(r, p)]] for (r, p) in umsg if r == k[0]]})
    for k in sorted(set(umsg) - set(omsg), key=str):
        e = {"rule": k[0], "paragraph": k[1], "ours": umsg[k],
             "oracle_same_para": [[r, omsg[(r, p)]] for (r, p) in omsg if p == k[1]]}
        (res["tolerated_extra"] if k in tol else res["extra"]).append(e)
    if res["missing"] or res["extra"]:
        texts = para_texts(path)
        for e in res["missing"] + res["extra"]:
            p = e["paragraph"]
            e["text"] = texts[p] if p is not None and 0 <= p < len(texts) else None
    # 4. fix
    if it["do_fix"] and path.lower().endswith(".docx"):
        entry = dict(it["entry"])
        entry["file"] = os.path.abspath(path)
        clean_ref = it["clean_ref"]
        if res["sig_equal"] is False and variant != "orig" and variant not in mutate.LO_VARIANTS:
            # the variant legitimately changes the signature (e.g. an extra
            # empty first-page footer): compare with the mutated clean file
            cdir = os.path.join(it["work"], variant, "clean-ref")
            os.makedirs(cdir, exist_ok=True)
            clean_ref = os.path.join(cdir, os.path.basename(clean_ref))
            if not os.path.exists(clean_ref):
                mutate.mutate(it["clean_ref"], variant, clean_ref + ".tmp.docx")
                os.replace(clean_ref + ".tmp.docx", clean_ref)
            res["clean_ref"] = clean_ref
        entry["clean_file"] = os.path.abspath(clean_ref)
        tmp = tempfile.mkdtemp(prefix="fix-", dir=it["work"])
        try:
            fr = score.fix_one(it["bin"], it["set"], entry, it["timeout"], tmp)
            res["fix"] = {"fixable": fr["fixable"], "fixed": fr["fixed"], "damage": fr["damage"],
                          "diffs": fr["diffs"], "unfixed": fr["unfixed"], "problem": fr["problem"]}
        except Exception as ex:  # noqa: BLE001
            res["fix"] = {"fixable": len([e for e in entry["errors"] if e.get("fixable")]), "fixed": 0,
                          "damage": 0, "diffs": [], "unfixed": [], "problem": "fix_one failed: %s" % ex}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    res["secs"] = round(time.time() - t0, 2)
    return res


def run_fuzz_item(it, res, t0):
    """textfuzz: the oracle on the fuzzed file is the reference (no validity
    step); fix-lite: the fixed file must be readable, keep the paragraph count
    and carry no oracle finding that the fuzzed input did not have."""
    src = it["src"]
    d = os.path.join(it["work"], "textfuzz")
    os.makedirs(d, exist_ok=True)
    stem, ext = os.path.splitext(os.path.basename(src))
    path = os.path.join(d, "%s.%s%d%s" % (stem, it["variant"], it["seed"], ext))
    try:
        res["edits"] = textfuzz.fuzz_file(src, path, it["seed"])
        ofind = oracle.check(path)
    except Exception as ex:  # noqa: BLE001
        res["valid"] = False
        res["oracle_diff"] = "textfuzz failed: %s: %s" % (type(ex).__name__, ex)
        return res
    res["valid"] = True
    res["path"] = path
    rc, out, err, prob = score.run_cmd([it["bin"], "gongwen", "check", path, "--format", "json"], it["timeout"])
    ours = None
    if prob is None:
        ours, note = parse_ours(out)
        if ours is None:
            prob = "%s (exit %s; stderr: %s)" % (note, rc, err.decode("utf-8", "replace").strip()[-200:])
    if prob is not None:
        res["problem"] = "check: " + prob
        ours = None
    omsg, umsg = {}, {}
    for f in ofind:
        omsg.setdefault(key_of(f), f["message"])
    for f in ours or []:
        umsg.setdefault(key_of(f), f["message"])
    if ours is None:
        umsg = dict(omsg)
    res["ours"], res["oracle"] = sorted(umsg, key=str), sorted(omsg, key=str)
    texts = para_texts(path)
    for k in sorted(set(omsg) - set(umsg), key=str):
        res["missing"].append({"rule": k[0], "paragraph": k[1], "oracle": omsg[k],
                               "ours_same_para": [[r, umsg[(r, p)]] for (r, p) in umsg if p == k[1]],
                               "ours_same_rule": [[p, umsg[(r, p)]] for (r, p) in umsg if r == k[0]]})
    for k in sorted(set(umsg) - set(omsg), key=str):
        res["extra"].append({"rule": k[0], "paragraph": k[1], "ours": umsg[k],
                             "oracle_same_para": [[r, omsg[(r, p)]] for (r, p) in omsg if p == k[1]]})
    for e in res["missing"] + res["extra"]:
        p = e["paragraph"]
        e["text"] = texts[p] if p is not None and 0 <= p < len(texts) else None
    if it["do_fix"] and path.endswith(".docx"):
        out_p = path[:-5] + ".fixed.docx"
        rc, out, err, prob = score.run_cmd([it["bin"], "gongwen", "fix", path, "-o", out_p], it["timeout"])
        fx = {"fixable": 0, "fixed": 0, "damage": 0, "diffs": [], "unfixed": [], "problem": None}
        if prob is None and rc not in (0, 1):
            prob = "exit %s; stderr: %s" % (rc, err.decode("utf-8", "replace").strip()[-200:])
        if prob is None and not os.path.exists(out_p):
            prob = "no output file written"
        if prob is None:
            try:
                after = {key_of(f) for f in oracle.check(out_p)}
                n_out = len(oracle.Docx(out_p).paras)
                if n_out != len(texts):
                    fx["diffs"].append("paragraph count %d -> %d" % (len(texts), n_out))
                for k in sorted(after - set(omsg), key=str):
                    fx["diffs"].append("new finding %s at %s" % k)
                fx["damage"] = len(fx["diffs"])
            except Exception as ex:  # noqa: BLE001
                prob = "output not a readable docx: %s" % ex
        fx["problem"] = prob
        res["fix"] = fx
    res["secs"] = round(time.time() - t0, 2)
    return res


def _init_worker(set_dir):
    load_tools(set_dir)


# ---------------------------------------------------------------------------
def quick_pick(entries):
    """A few .docx files covering every injected rule at least once, both
    flavours (greedy set cover over labelled rules; deterministic)."""
    need = {x["rule"] for e in entries for x in e["errors"]}
    flavours = {"direct", "styled"}
    out = []
    while need or flavours:
        best = max(entries, key=lambda e: (len({x["rule"] for x in e["errors"]} & need) +
                                           (1 if e["clean_file"].split("-")[-1][:-5] in flavours else 0),
                                           -int(re.sub(r"\D", "", e["file"]) or 0)))
        got = {x["rule"] for x in best["errors"]} & need
        fl = best["clean_file"].split("-")[-1][:-5]
        if not got and fl not in flavours:
            break
        need -= got
        flavours.discard(fl)
        out.append(best)
        entries = [e for e in entries if e is not best]
    return sorted(out, key=lambda e: e["file"])


def pick_spread(items, n):
    if n >= len(items):
        return list(items)
    step = len(items) / float(n)
    return [items[int(i * step)] for i in range(n)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default=mutate.DEFAULT_SET)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "build", "shuzhi"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--quick", action="store_true", help="small file sample, no LibreOffice (< 3 min)")
    ap.add_argument("--variants", default=None, help="comma list (default: all docx+txt variants, plus lo-roundtrip)")
    ap.add_argument("--files", default=None, help="comma list of substrings selecting source files")
    ap.add_argument("--lo", type=int, default=40, help="number of docs/*.docx for the LibreOffice round trip")
    ap.add_argument("--no-lo", action="store_true")
    ap.add_argument("--no-fix", action="store_true")
    ap.add_argument("--json", default=None, help="write the full report as JSON")
    ap.add_argument("--work", default=None, help="keep variants here (default: temp dir, removed)")
    ap.add_argument("--examples", type=int, default=3, help="examples printed per disagreement group")
    ap.add_argument("--show-xml", action="store_true", help="print the paragraph XML of examples")
    ap.add_argument("--textfuzz", type=int, default=None,
                    help="fuzzed files per clean document (textfuzz.py; default 0, 3 in full runs)")
    a = ap.parse_args(argv)

    set_dir = os.path.abspath(a.set)
    load_tools(set_dir)
    if not os.path.exists(a.bin):
        print("binary not found: %s (make build/shuzhi)" % a.bin, file=sys.stderr)
        return 2
    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="gw-robust-")
    os.makedirs(work, exist_ok=True)
    # snapshot the binary: src/ may be rebuilt while we run
    binp = os.path.join(work, "shuzhi.snapshot")
    shutil.copy2(a.bin, binp)

    entries = [json.loads(x) for x in open(os.path.join(set_dir, "labels.jsonl"), encoding="utf-8") if x.strip()]
    docs = [e for e in entries]
    cleans = sorted({e["clean_file"] for e in entries})
    if a.quick:
        docs = quick_pick([e for e in docs if e["format"] == "docx"]) + \
            pick_spread([e for e in docs if e["format"] != "docx"], 2)
        cleans = pick_spread([c for c in cleans if c.endswith("-styled.docx")], 1) + \
            pick_spread([c for c in cleans if c.endswith("-direct.docx")], 1) + \
            pick_spread([c for c in cleans if c.endswith(".txt")], 1)
    if a.files:
        subs = a.files.split(",")
        docs = [e for e in docs if any(s in e["file"] for s in subs)]
        cleans = [c for c in cleans if any(s in c for s in subs)]

    if a.variants:
        variants = a.variants.split(",")
    else:
        variants = ["orig"] + mutate.DOCX_VARIANTS + list(mutate.TXT_VARIANTS)
        if not a.quick and not a.no_lo:
            variants += list(mutate.LO_VARIANTS)
    if a.no_lo:
        variants = [v for v in variants if v not in mutate.LO_VARIANTS]

    # sources: (rel, entry-or-None, kind)
    sources = [(e["file"], e, "doc") for e in docs] + [(c, None, "clean") for c in cleans]
    print("set=%s bin=%s work=%s files=%d variants=%d jobs=%d" % (
        set_dir, a.bin, work, len(sources), len(variants), a.jobs), flush=True)

    # oracle findings on the originals
    orig_keys = {}
    for rel, e, kind in sources:
        orig_keys[rel] = sorted({key_of(f) for f in oracle.check(os.path.join(set_dir, rel))}, key=str)
    label_mismatch = []
    for rel, e, kind in sources:
        if e is not None:
            req = {(x["rule"], None if x["rule"] in oracle.DOC_LEVEL else x["paragraph"]) for x in e["errors"]}
            tol = {(x["rule"], x["paragraph"]) for x in e.get("tolerated", [])}
            got = set(orig_keys[rel])
            if req - got or got - req - tol:
                label_mismatch.append(rel)

    # LibreOffice round trip of a sample (and the clean counterparts it needs)
    lo_map = {}
    lo_vs = [v for v in variants if v in mutate.LO_VARIANTS]
    if lo_vs:
        lo_docs = pick_spread([e for e in docs if e["format"] == "docx"], a.lo)
        lo_srcs = [os.path.join(set_dir, e["file"]) for e in lo_docs]
        lo_srcs += sorted({os.path.join(set_dir, e["clean_file"]) for e in lo_docs} |
                          {os.path.join(set_dir, c) for c in cleans if c.endswith(".docx")})
        for lv in lo_vs:
            t0 = time.time()
            print("LibreOffice %s of %d files ..." % (lv, len(lo_srcs)), flush=True)
            got = {}
            for sub in ("docs", "clean"):
                got.update(mutate.lo_convert([s for s in lo_srcs if "/%s/" % sub in s],
                                             os.path.join(work, lv, sub), lv))
            lo_map[lv] = {os.path.relpath(s, set_dir): d for s, d in got.items()}
            print("  done in %.0fs (%d/%d ok)" % (time.time() - t0, sum(1 for d in got.values() if d), len(got)),
                  flush=True)

    items = []
    for rel, e, kind in sources:
        src = os.path.join(set_dir, rel)
        is_docx = rel.endswith(".docx")
        for v in variants:
            if v == "orig":
                pass
            elif v in mutate.TXT_VARIANTS:
                if is_docx:
                    continue
            elif v in mutate.LO_VARIANTS:
                if not is_docx or rel not in lo_map.get(v, {}):
                    continue
            elif not is_docx:
                continue
            clean_rel = e["clean_file"] if e is not None else rel
            clean_ref = os.path.join(set_dir, clean_rel)
            if v in mutate.LO_VARIANTS:
                clean_ref = lo_map[v].get(clean_rel) or clean_ref
            entry = e if e is not None else {"file": rel, "clean_file": rel, "errors": [], "tolerated": []}
            items.append({
                "src": src, "rel": rel, "variant": v, "kind": kind, "work": work, "bin": binp,
                "timeout": a.timeout, "set": set_dir, "entry": entry, "clean_ref": clean_ref,
                "ref_for_sig": src, "orig_keys": orig_keys[rel],
                "tolerated": [(x["rule"], x["paragraph"]) for x in (e or {}).get("tolerated", [])],
                "do_fix": not a.no_fix and is_docx,
                "lo_path": lo_map.get(v, {}).get(rel),
            })
    nfuzz = a.textfuzz if a.textfuzz is not None else (0 if (a.quick or a.variants) else 3)
    if nfuzz:
        for c in (cleans if not a.quick else cleans[:2]):
            for seed in range(nfuzz):
                items.append({
                    "src": os.path.join(set_dir, c), "rel": c, "variant": "textfuzz", "seed": seed,
                    "kind": "fuzz", "work": work, "bin": binp, "timeout": a.timeout, "set": set_dir,
                    "do_fix": not a.no_fix, "orig_keys": [], "tolerated": []})
        variants = variants + ["textfuzz"]
    print("%d items" % len(items), flush=True)
    t0 = time.time()
    results = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, a.jobs), initializer=_init_worker,
                                                initargs=(set_dir,)) as ex:
        futs = [ex.submit(run_item, it) for it in items]
        for k, f in enumerate(concurrent.futures.as_completed(futs)):
            results.append(f.result())
            if (k + 1) % 500 == 0:
                print("  %d/%d (%.0fs)" % (k + 1, len(items), time.time() - t0), flush=True)
    results.sort(key=lambda r: (r["variant"], r["rel"]))
    rc = report(results, variants, label_mismatch, a, time.time() - t0)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"results": results, "label_mismatch": label_mismatch}, f, ensure_ascii=False, indent=1)
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return rc


def tag(r):
    return r["variant"] + (":%d" % r["seed"] if "seed" in r else "")


def report(results, variants, label_mismatch, a, secs):
    P = print
    bad = 0
    if label_mismatch:
        P("\nNOTE: oracle on the ORIGINAL disagrees with labels.jsonl for: %s" % ", ".join(label_mismatch))
    # ---- excluded (non-equivalent) mutations
    excl = [r for r in results if r["valid"] is False]
    P("\n=== EXCLUDED items (oracle findings on the variant differ from the original: mutation not "
      "equivalent or oracle limitation) : %d" % len(excl))
    byv = collections.defaultdict(list)
    for r in excl:
        byv[r["variant"]].append(r)
    for v, rs in sorted(byv.items()):
        P("  %-22s %d  e.g. %s: %s" % (v, len(rs), rs[0]["rel"], rs[0]["oracle_diff"]))
    sig = [r for r in results if r["valid"] and r["sig_equal"] is False]
    if sig:
        sv = collections.Counter(r["variant"] for r in sig)
        P("  (signature differs from the original though findings agree: %s)" %
          ", ".join("%s×%d" % kv for kv in sorted(sv.items())))

    valid = [r for r in results if r["valid"]]
    # ---- problems
    probs = [r for r in valid if r["problem"] or (r["fix"] and r["fix"]["problem"])]
    P("\n=== PROBLEMS (crash / timeout / unparsable / unreadable fix output): %d" % len(probs))
    for r in probs[:40]:
        P("  %s [%s] %s %s" % (r["rel"], r["variant"], r["problem"] or "", (r["fix"] or {}).get("problem") or ""))
    bad += len(probs)

    # ---- disagreements grouped by (kind, rule, variant)
    groups = collections.defaultdict(list)
    for r in valid:
        for e in r["missing"]:
            groups[("MISSING", e["rule"])].append((r, e))
        for e in r["extra"]:
            groups[("EXTRA", e["rule"])].append((r, e))
    ndis = sum(len(v) for v in groups.values())
    P("\n=== DISAGREEMENTS on valid items: %d" % ndis)
    bad += ndis
    for (kind, rule), lst in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        vc = collections.Counter(r["variant"] for r, _ in lst)
        P("\n--- %s %s: %d  (variants: %s)" % (kind, rule, len(lst),
                                              ", ".join("%s×%d" % kv for kv in vc.most_common())))
        shown = 0
        seen_v = set()
        # prefer examples from different variants
        for r, e in sorted(lst, key=lambda x: (x[0]["variant"] in seen_v, x[0]["variant"], x[0]["rel"])):
            if shown >= a.examples:
                break
            if r["variant"] in seen_v and len(vc) > shown:
                continue
            seen_v.add(r["variant"])
            shown += 1
            P("  * %s [%s] paragraph %s  text=%r" % (r["rel"], r["variant"] + (
                ":%d" % r["seed"] if "seed" in r else ""), e["paragraph"], (e.get("text") or "")[:60]))
            for ed in r.get("edits") or []:
                if ed[0] == e["paragraph"]:
                    P("      edit  : %s %r -> %r" % (ed[3], ed[1][-40:], ed[2][-40:]))
            if kind == "MISSING":
                P("      oracle: %s" % e["oracle"])
                P("      ours  : (none)  same paragraph: %s  same rule elsewhere: %s" % (
                    e["ours_same_para"] or "-", e["ours_same_rule"] or "-"))
            else:
                P("      oracle: (none)  same paragraph: %s" % (e["oracle_same_para"] or "-"))
                P("      ours  : %s" % e["ours"])
            if a.show_xml and e["paragraph"] is not None and r["path"] and r["path"].endswith(".docx") \
                    and os.path.exists(r["path"]):
                P("      xml   : %s" % para_xml(r["path"], e["paragraph"]))
    tolx = sum(len(r["tolerated_extra"]) for r in valid)
    if tolx:
        P("\n(%d extra findings are tolerated labels — not counted)" % tolx)

    # ---- per-variant summary
    P("\n=== SUMMARY per variant")
    P("%-22s %6s %6s %6s %6s %6s %9s %7s %6s" % ("variant", "items", "valid", "excl", "miss", "extra",
                                                 "fix", "damage", "probs"))
    tot = collections.Counter()
    base_fix = None
    for v in variants:
        rs = [r for r in results if r["variant"] == v]
        if not rs:
            continue
        vv = [r for r in rs if r["valid"]]
        miss = sum(len(r["missing"]) for r in vv)
        extra = sum(len(r["extra"]) for r in vv)
        fx = [r["fix"] for r in vv if r["fix"]]
        fixable = sum(f["fixable"] for f in fx)
        fixed = sum(f["fixed"] for f in fx)
        dmg = sum(f["damage"] for f in fx)
        pr = sum(1 for r in vv if r["problem"] or (r["fix"] and r["fix"]["problem"]))
        fr = "%d/%d" % (fixed, fixable) if fx else "-"
        P("%-22s %6d %6d %6d %6d %6d %9s %7s %6d" % (v, len(rs), len(vv), len(rs) - len(vv), miss, extra, fr,
                                                    dmg if fx else "-", pr))
        if v == "orig":
            base_fix = (fixed, fixable)
        tot.update({"items": len(rs), "valid": len(vv), "miss": miss, "extra": extra, "fixed": fixed,
                    "fixable": fixable, "damage": dmg, "probs": pr})
        if fx and fixed < fixable:
            # a fix-rate drop only counts against the un-mutated baseline
            if base_fix is None or fixed * max(1, base_fix[1]) < base_fix[0] * fixable:
                bad += 1
        if fx:
            bad += dmg
    P("%-22s %6d %6d %6d %6d %6d %9s %7d %6d" % ("TOTAL", tot["items"], tot["valid"], tot["items"] - tot["valid"],
                                                tot["miss"], tot["extra"], "%d/%d" % (tot["fixed"], tot["fixable"]),
                                                tot["damage"], tot["probs"]))
    # ---- per rule summary
    rules = collections.defaultdict(collections.Counter)
    for r in valid:
        for e in r["missing"]:
            rules[e["rule"]]["missing"] += 1
        for e in r["extra"]:
            rules[e["rule"]]["extra"] += 1
        if r["fix"]:
            for rule, p in r["fix"]["unfixed"]:
                rules[rule]["unfixed"] += 1
    if rules:
        P("\n=== SUMMARY per rule (valid items)")
        P("%-13s %7s %7s %8s" % ("rule", "missing", "extra", "unfixed"))
        for rule in sorted(rules):
            c = rules[rule]
            P("%-13s %7d %7d %8d" % (rule, c["missing"], c["extra"], c["unfixed"]))
    # ---- fix damage details
    dm = [(r, d) for r in valid if r["fix"] for d in r["fix"]["diffs"]]
    if dm:
        P("\n=== FIX DAMAGE details (%d)" % len(dm))
        for r, d in dm[:60]:
            P("  %s [%s] %s" % (r["rel"], tag(r), d))
    uf = [(r, u) for r in valid if r["fix"] and r["variant"] != "orig" for u in r["fix"]["unfixed"]]
    if uf:
        P("\n=== UNFIXED fixable labels on variants (%d)" % len(uf))
        for r, u in uf[:60]:
            P("  %s [%s] %s" % (r["rel"], tag(r), u))
    P("\n%d items in %.0fs; disagreements=%d excluded=%d problems=%d fix=%d/%d damage=%d" % (
        len(results), secs, ndis, len(excl), len(probs), tot["fixed"], tot["fixable"], tot["damage"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

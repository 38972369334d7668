#!/usr/bin/env python3
"""bench/enterprise/search.py BEFORE.db AFTER.db: the enterprise search and
the screening's full read, with the SQL of the code before migration 12
(full-table scans, a sort for the output order) on BEFORE.db (the same data
without the migration's indexes) against the SQL of store_ent_search() /
store_ent_iter_enterprises() now on AFTER.db. Prints one JSON object:
per case the median seconds of the repetitions, both sides, and the ratio.
The queries are copied from src/store/sq_enterprise.c (before: commit
deff6e7) and must stay in step with it."""
import json
import sqlite3
import statistics
import sys
import time

NAME = "substr(canon, 20, instr(substr(canon, 20) || char(31), char(31)) - 1)"
COLS = "SELECT id, uscc, ord, canon, line, import_id, repaired FROM ent_enterprise"
OLD_MATCH = (" WHERE (?3 = '' OR substr(uscc, 1, length(?3)) = ?3 OR instr(" + NAME +
             ", ?4) > 0)")
NEW_INDEXED = (" WHERE (uscc >= ?3 AND uscc < ?3 || '~')"
               " OR (id IN (SELECT rowid FROM ent_name_fts WHERE ent_name_fts MATCH"
               " '\"' || replace(?4, '\"', '\"\"') || '\"') AND instr(" + NAME + ", ?4) > 0)")
NEW_ALL = " WHERE ?3 = ?3 AND ?4 = ?4"


def old_search(db, code, name, off, lim):
    total = db.execute("SELECT COUNT(*) FROM ent_enterprise WHERE ?1 = ?1 AND ?2 = ?2 AND"
                       " (?3 = '' OR substr(uscc, 1, length(?3)) = ?3 OR instr(" + NAME +
                       ", ?4) > 0)", (0, 0, code, name)).fetchone()[0]
    rows = db.execute(COLS + OLD_MATCH + " ORDER BY ord LIMIT ?2 OFFSET ?1",
                      (off, lim, code, name)).fetchall()
    return total, [r[1] for r in rows]


def new_search(db, code, name, off, lim):
    chars = len(name)
    match = NEW_ALL if code == "" else NEW_INDEXED if chars >= 3 else OLD_MATCH
    total = db.execute("SELECT COUNT(*) FROM (SELECT id FROM ent_enterprise" + match +
                       ") WHERE ?1 = ?1 AND ?2 = ?2", (0, 0, code, name)).fetchone()[0]
    rows = db.execute(COLS + match + " ORDER BY ord LIMIT ?2 OFFSET ?1",
                      (off, lim, code, name)).fetchall()
    return total, [r[1] for r in rows]


def full_read(db):
    n = 0
    for _ in db.execute("SELECT id, uscc, ord, canon, line, import_id, repaired"
                        " FROM ent_enterprise ORDER BY ord"):
        n += 1
    return n, []


def timed(fn, reps):
    out, ts = None, []
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), out


def main():
    before = sqlite3.connect(sys.argv[1])
    after = sqlite3.connect(sys.argv[2])
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    # query values taken from the data: a name fragment of 4 characters from
    # the middle of the listing, a 10-character uscc prefix, a 2-character one
    mid = after.execute("SELECT COUNT(*) FROM ent_enterprise").fetchone()[0] // 2
    uscc, canon = after.execute("SELECT uscc, canon FROM ent_enterprise ORDER BY ord"
                                " LIMIT 1 OFFSET ?", (mid,)).fetchone()
    name = canon.split("\x1f")[1]
    frag = name[2:6] if len(name) >= 6 else name
    cases = {
        "page_1_all": ("", "", 0, 20),
        "page_500_all": ("", "", 499 * 20, 20),
        "name_4_chars": (frag.upper(), frag, 0, 20),
        "uscc_prefix_10": (uscc[:10], uscc[:10], 0, 20),
        "name_2_chars_scan": (frag[:2].upper(), frag[:2], 0, 20),
    }
    res = {"enterprises": mid * 2, "repetitions": reps, "query_name": frag,
           "query_uscc": uscc[:10], "cases": {}}
    for k, (code, nm, off, lim) in cases.items():
        tb, ob = timed(lambda: old_search(before, code, nm, off, lim), reps)
        ta, oa = timed(lambda: new_search(after, code, nm, off, lim), reps)
        if ob != oa:
            sys.exit("search.py: %s: the results differ: %r vs %r" % (k, ob, oa))
        res["cases"][k] = {"before_s": round(tb, 5), "after_s": round(ta, 5),
                           "ratio": round(tb / ta, 1) if ta > 0 else None,
                           "matches": ob[0]}
    tb, ob = timed(lambda: full_read(before), max(1, reps // 2))
    ta, oa = timed(lambda: full_read(after), max(1, reps // 2))
    res["cases"]["screen_read_in_order"] = {"before_s": round(tb, 4), "after_s": round(ta, 4),
                                            "ratio": round(tb / ta, 1), "matches": ob[0]}
    print(json.dumps(res, ensure_ascii=False, indent=1))


main()

#!/usr/bin/env python3
"""Baseline: SQLite's built-in FTS5 trigram tokenizer over the same chunks.

  trigram.py SHUZHI_DB OUT_DB QUERIES.jsonl RUN.jsonl

Copies the chunks that `shuzhi kb add` wrote (kb_chunk + kb_doc: same
articles, same titles) into an FTS5 table with tokenize='trigram' in OUT_DB
(timing the indexing), then answers each query the straightforward way a
trigram index allows: the OR of the query's 3-character substrings (trigram
matches nothing shorter than 3 characters), ranked by bm25 with the title
column weighted as in Shuzhi's index. Prints index seconds, index bytes and
per-query latency (p50/p99, in process, SQL only), writes a run file for
score_search.py --run.
"""
import json
import os
import re
import sqlite3
import sys
import time

RUN_RE = re.compile(r'[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+')


def main():
    src, out, queries, run = sys.argv[1:5]
    if os.path.exists(out):
        os.remove(out)
    s = sqlite3.connect('file:%s?mode=ro' % src, uri=True)
    rows = s.execute('SELECT c.id, d.relpath, c.article, c.title, c.heading, c.body '
                     'FROM kb_chunk c JOIN kb_doc d ON d.id = c.doc_id').fetchall()
    s.close()
    db = sqlite3.connect(out)
    db.execute('PRAGMA journal_mode=WAL')
    t0 = time.time()
    db.execute("CREATE VIRTUAL TABLE tri USING fts5(title, heading, body, file UNINDEXED,"
               " article UNINDEXED, tokenize='trigram')")
    with db:
        db.executemany('INSERT INTO tri (rowid, title, heading, body, file, article)'
                       ' VALUES (?, ?, ?, ?, ?, ?)',
                       [(r[0], r[3], r[4], r[5], r[1], r[2]) for r in rows])
    index_s = time.time() - t0
    db.close()
    size = os.path.getsize(out) + (os.path.getsize(out + '-wal') if os.path.exists(out + '-wal') else 0)
    db = sqlite3.connect(out)
    lat = []
    with open(queries, encoding='utf-8') as f, open(run, 'w', encoding='utf-8') as g:
        for line in f:
            if not line.strip():
                continue
            q = json.loads(line)
            grams = []
            for r in RUN_RE.findall(q['query'].lower()):
                grams.extend(r[i:i + 3] for i in range(len(r) - 2))
            grams = list(dict.fromkeys(grams))
            t1 = time.perf_counter()
            res = []
            if grams:
                expr = ' OR '.join('"%s"' % x.replace('"', '""') for x in grams)
                res = db.execute('SELECT file, article, bm25(tri, 4.0, 1.0, 1.0) AS s FROM tri'
                                 ' WHERE tri MATCH ? ORDER BY s LIMIT 10', (expr,)).fetchall()
            lat.append((time.perf_counter() - t1) * 1000)
            g.write(json.dumps({'id': q['id'], 'results': [
                {'file': r[0], 'article': r[1], 'score': -r[2]} for r in res]},
                ensure_ascii=False) + '\n')
    lat.sort()
    print('trigram index_s=%.1f index_mb=%.0f p50_ms=%.2f p99_ms=%.2f' % (
        index_s, size / 1e6, lat[len(lat) // 2], lat[min(len(lat) - 1, len(lat) * 99 // 100)]))


if __name__ == '__main__':
    main()

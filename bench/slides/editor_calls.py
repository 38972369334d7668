#!/usr/bin/env python3
"""bench/slides/editor_calls.py URL USER PASSWORD OUTLINE ITERS: the editor's calls over HTTP.

One keep-alive connection (http.client), logged in as USER; after 3 warm-ups,
ITERS timed rounds of GET /healthz (the bare round trip), POST
/api/slides/preview and POST /api/slides/render with the OUTLINE file.
Prints {"healthz_ms","preview_ms","render_ms","slides","bytes"} (medians)."""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

url, user, pw, path, iters = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
u = urllib.parse.urlparse(url)
con = http.client.HTTPConnection(u.hostname, u.port, timeout=60)


def call(method, p, body=None, headers=None):
    h = dict(headers or {})
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body, ensure_ascii=False).encode()
    con.request(method, p, body=body, headers=h)
    r = con.getresponse()
    return r, r.read()


r, b = call("POST", "/api/login", {"username": user, "password": pw})
cookie = r.getheader("Set-Cookie").split(";")[0]
auth = {"Cookie": cookie, "X-CSRF-Token": json.loads(b)["csrf"]}
req = {"outline": open(path, encoding="utf-8").read(), "template": "zhengwu"}
times = {"healthz": [], "preview": [], "render": []}
slides = size = 0
for i in range(3 + iters):
    for name, method, p, body in (("healthz", "GET", "/healthz", None),
                                  ("preview", "POST", "/api/slides/preview", req),
                                  ("render", "POST", "/api/slides/render", req)):
        t0 = time.perf_counter()
        r, b = call(method, p, body, auth)
        dt = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            sys.exit(f"http.py: {p}: {r.status} {b[:200]!r}")
        if i >= 3:
            times[name].append(dt)
        if name == "preview":
            slides = json.loads(b)["count"]
        if name == "render":
            size = len(b)
            assert int(r.getheader("X-Slides-Count")) == slides
print(json.dumps({k + "_ms": round(statistics.median(v), 3) for k, v in times.items()} |
                 {"slides": slides, "bytes": size}))

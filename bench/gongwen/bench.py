#!/usr/bin/python3
"""Timing harness for bench/gongwen (called by run.sh; stdlib only).

Measures, in one run:
  * shuzhi gongwen check / fix on the generated long documents (process-level
    wall time of repeated runs; min / median / mean, child CPU time, max RSS);
  * shuzhi check on the gongwen-dev set: one process with all files
    (`check FILE... --format json`) and one process per file; fix per file;
  * the python-docx baseline (pydocx_walk.py): in-process open + walk time
    (interpreter start-up excluded) and whole-process time (start-up included);
  * the cost of spawning /bin/true with the same method (the floor that every
    process-level shuzhi number contains; nothing is subtracted).

Processes are started with os.posix_spawn and reaped with os.wait4 (stdout and
stderr to /dev/null for timed runs); one extra untimed run per document
captures stdout and validates that it is JSON.

Writes a JSON report (--out) and prints a table.  Exit status: 0 when the
binary was measured, 3 when it is missing or does not work (the python-docx
numbers are still written; shuzhi rows are "pending").
"""
import argparse
import datetime
import glob
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
WALK = os.path.join(HERE, "pydocx_walk.py")
PY = "/usr/bin/python3"
TIMEOUT_S = 60


# ---------------------------------------------------------------- spawning
def spawn_timed(argv):
    """Run argv once; return (wall_ms, cpu_ms, status).

    (ru_maxrss is not reported: posix_spawn uses vfork, so the child's
    max RSS includes this Python process.)"""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        fa = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
              (os.POSIX_SPAWN_DUP2, devnull, 2)]
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=fa)
        timer = threading.Timer(TIMEOUT_S, lambda: _kill(pid))
        timer.start()
        _, st, ru = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
        timer.cancel()
    finally:
        os.close(devnull)
    if os.WIFSIGNALED(st):
        status = -os.WTERMSIG(st)
    else:
        status = os.WEXITSTATUS(st)
    return (t1 - t0) / 1e6, (ru.ru_utime + ru.ru_stime) * 1e3, status


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def sum_codes(dicts):
    out = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return dict(sorted(out.items()))


def runs_for(budget_s, est_ms, lo, hi):
    """How many runs of est_ms fit in budget_s, clamped to [lo, hi]."""
    if not est_ms or est_ms <= 0:
        return hi
    return max(lo, min(hi, int(budget_s * 1e3 / est_ms)))


def bench(argv, runs, warmup=1, ok=(0, 1)):
    """Repeated timed runs -> stats dict (times in ms)."""
    for _ in range(warmup):
        spawn_timed(argv)
    walls, cpus, codes = [], [], {}
    for _ in range(runs):
        w, c, s = spawn_timed(argv)
        walls.append(w)
        cpus.append(c)
        codes[s] = codes.get(s, 0) + 1
    return {"runs": runs, "min_ms": min(walls), "median_ms": statistics.median(walls),
            "mean_ms": statistics.fmean(walls), "max_ms": max(walls),
            "cpu_median_ms": statistics.median(cpus),
            "exit_codes": {str(k): v for k, v in sorted(codes.items())},
            "failures": sum(v for k, v in codes.items() if k not in ok)}


def per_file(files, argv_of, passes):
    """passes x (every file once, one process each) -> {file: stats}."""
    walls = {f: [] for f in files}
    cpus = {f: [] for f in files}
    fails = {f: 0 for f in files}
    codes = {f: {} for f in files}
    for _ in range(passes):
        for f in files:
            w, c, s = spawn_timed(argv_of(f))
            walls[f].append(w)
            cpus[f].append(c)
            codes[f][str(s)] = codes[f].get(str(s), 0) + 1
            if s not in (0, 1):
                fails[f] += 1
    return {f: {"runs": passes, "median_ms": statistics.median(walls[f]), "min_ms": min(walls[f]),
                "cpu_median_ms": statistics.median(cpus[f]), "failures": fails[f], "exit_codes": codes[f]}
            for f in files}


# ---------------------------------------------------------------- validation
def parse_json_stream(text):
    """Accept one JSON value, JSON lines or concatenated values; return list."""
    text = text.strip()
    if not text:
        return []
    try:
        v = json.loads(text)
        return v if isinstance(v, list) else [v]
    except ValueError:
        pass
    dec, i, out = json.JSONDecoder(), 0, []
    while i < len(text):
        v, i = dec.raw_decode(text, i)
        out.append(v)
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
    return out


def count_findings(objs):
    n = 0
    for o in objs:
        if isinstance(o, dict) and isinstance(o.get("findings"), list):
            n += len(o["findings"])
    return n


def validate_check(argv):
    """One captured run: returns dict(ok, exit, objects, findings, error)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S)
    except Exception as e:  # noqa: BLE001
        return {"ok": False, "error": repr(e)}
    res = {"exit": p.returncode, "wall_ms": (time.perf_counter() - t0) * 1e3}
    try:
        objs = parse_json_stream(p.stdout)
        res.update(ok=p.returncode in (0, 1) and len(objs) > 0, objects=len(objs),
                   findings=count_findings(objs))
        if not objs:
            res["error"] = "empty stdout; stderr: " + p.stderr[:300]
    except ValueError as e:
        res.update(ok=False, error="stdout is not JSON: %s; head: %r" % (e, p.stdout[:200]))
    return res


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def valid_docx(path):
    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.namelist() and z.testzip() is None
    except Exception:  # noqa: BLE001
        return False


# ---------------------------------------------------------------- python-docx
def pydocx_inproc(files, iterations, warmup=1):
    out = subprocess.run([PY, WALK, "--iterations", str(iterations), "--warmup", str(warmup)] + files,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def pydocx_with_startup(files, runs):
    """Whole-process wall time of a single pass (start-up + import + walk)."""
    return bench([PY, WALK, "--iterations", "1", "--warmup", "0"] + files, runs, warmup=1, ok=(0,))


# ---------------------------------------------------------------- machine
def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    cpu = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"nproc": os.cpu_count(), "sched_affinity": len(os.sched_getaffinity(0)), "cpu_model": cpu,
            "mem_total_mib": mem, "kernel": platform.release(), "loadavg_start": os.getloadavg()}


def fmt(v, nd=2):
    if v is None:
        return "pending"
    if isinstance(v, str):
        return v
    return ("%.*f" % (nd, v)) if v < 1000 else ("%.0f" % v)


def xfmt(r):
    return "pending" if r is None else "%.1f×" % r


def ratio(a, b):
    return (a / b) if (a is not None and b) else None


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", required=True, help="gongwen-dev directory")
    ap.add_argument("--long", action="append", default=[], metavar="LABEL=DOCX[=META.json]")
    ap.add_argument("--out", required=True)
    ap.add_argument("--floor-bin", help="empty program linked like BIN (spawn + dynamic-loading floor)")
    ap.add_argument("--workdir", required=True, help="scratch dir for fix outputs")
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds for the shuzhi measurements; run counts below are maxima and are "
                         "lowered (never below the minima) so that a slow binary stays within it")
    ap.add_argument("--runs-long", type=int, default=30, help="max timed runs per long document (check)")
    ap.add_argument("--runs-long-fix", type=int, default=10)
    ap.add_argument("--runs-file", type=int, default=5, help="max passes over the dev set (per-file check)")
    ap.add_argument("--runs-file-fix", type=int, default=3, help="max passes over the dev set (per-file fix)")
    ap.add_argument("--runs-batch", type=int, default=5)
    ap.add_argument("--pydocx-iter-long", type=int, default=20)
    ap.add_argument("--pydocx-iter-file", type=int, default=3)
    ap.add_argument("--pydocx-startup-runs", type=int, default=5)
    a = ap.parse_args()

    t_start = time.time()
    binp = os.path.abspath(a.bin)
    docs_dir = os.path.join(a.corpus, "docs")
    dev_docx = sorted(glob.glob(os.path.join(docs_dir, "*.docx")))
    dev_txt = sorted(glob.glob(os.path.join(docs_dir, "*.txt")))
    dev_all = sorted(dev_docx + dev_txt)
    if not dev_all:
        sys.exit("bench: no documents in %s" % docs_dir)
    fixdir = os.path.join(a.workdir, "fix")
    os.makedirs(fixdir, exist_ok=True)

    rep = {"schema": "shuzhi-bench-gongwen/1",
           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": "bench/gongwen/run.sh " + a.bin, "machine": machine(),
           "method": ("process-level wall time: os.posix_spawn + os.wait4, stdout/stderr to /dev/null, "
                      "1 warm-up run, then N timed runs; nothing subtracted (spawn_floor_ms is the cost "
                      "of spawning /bin/true the same way)"),
           "bin": {"path": binp}}

    # spawn floor
    rep["spawn_floor_ms"] = bench(["/bin/true"], 50, warmup=3, ok=(0,))
    if a.floor_bin and os.access(a.floor_bin, os.X_OK):
        rep["spawn_floor_linked_ms"] = bench([os.path.abspath(a.floor_bin)], 50, warmup=3, ok=(0,))
        rep["spawn_floor_linked_ms"]["what"] = "empty main() linked (--no-as-needed) against BIN's libraries"

    # probe the binary; measure a private copy so that a rebuild during the
    # run (make in another shell) neither breaks nor mixes the measurements
    have_bin = os.path.isfile(binp) and os.access(binp, os.X_OK)
    if have_bin:
        rep["bin"]["bytes"] = os.path.getsize(binp)
        rep["bin"]["mtime"] = datetime.datetime.fromtimestamp(os.path.getmtime(binp)).isoformat(timespec="seconds")
        snap = os.path.join(os.path.abspath(a.workdir), "shuzhi-under-test")
        for attempt in range(5):
            try:
                shutil.copy2(binp, snap + ".tmp")
                os.replace(snap + ".tmp", snap)
                break
            except OSError:
                time.sleep(1)
        rep["bin"]["sha256"] = sha256(snap)
        rep["bin"]["measured_copy"] = snap
        binp = snap
        probe = validate_check([binp, "gongwen", "check", dev_docx[0], "--format", "json"])
        rep["bin"]["probe"] = probe
        have_bin = probe.get("ok", False)
        if not have_bin:
            print("bench: %s does not produce check JSON (%s); shuzhi rows pending"
                  % (a.bin, probe.get("error", probe)), file=sys.stderr)
    else:
        print("bench: %s missing; shuzhi rows pending" % a.bin, file=sys.stderr)
    rep["bin"]["measured"] = have_bin

    def check_argv(files):
        return [binp, "gongwen", "check"] + list(files) + ["--format", "json"]

    def fix_argv(src):
        base = os.path.basename(src)
        return [binp, "gongwen", "fix", src, "-o", os.path.join(fixdir, "fixed-" + base)]

    # the baseline's version
    walk_info = None

    # ------------------------------------------------ long documents
    rep["long"] = {}
    for spec in a.long:
        parts = spec.split("=")
        label, path = parts[0], os.path.abspath(parts[1])
        entry = {"file": path}
        if len(parts) > 2 and os.path.exists(parts[2]):
            with open(parts[2]) as f:
                entry["generated"] = json.load(f)
        iters = a.pydocx_iter_long
        w = pydocx_inproc([path], iters)
        walk_info = walk_info or w
        wf = w["files"][0]
        entry["pydocx_walk"] = {"iterations": iters, "min_ms": wf["min_ms"], "median_ms": wf["median_ms"],
                                "mean_ms": wf["mean_ms"], "paragraphs": wf["paragraphs"], "runs": wf["runs"],
                                "chars": wf["chars"]}
        entry["pydocx_walk_with_startup"] = pydocx_with_startup([path], a.pydocx_startup_runs)
        if have_bin:
            entry["check_output"] = validate_check(check_argv([path]))
            n = runs_for(0.10 * a.budget / 2, entry["check_output"].get("wall_ms"), 5, a.runs_long)
            entry["check"] = bench(check_argv([path]), n, warmup=2)
            # amortised in-process cost: the same file K times in ONE check process
            # (the CLI takes several files; start-up is paid once)
            k = runs_for(0.06 * a.budget / 2 / 3, entry["check"]["median_ms"], 10, 50)
            st = bench(check_argv([path] * k), 3, warmup=0)
            outk = validate_check(check_argv([path] * k))
            entry["check_amortized"] = {"copies": k, "runs": 3, "total_median_ms": st["median_ms"],
                                        "per_doc_median_ms": st["median_ms"] / k,
                                        "per_doc_min_ms": st["min_ms"] / k,
                                        "objects_in_output": outk.get("objects"), "failures": st["failures"]}
            entry["ratio_walk_over_check_amortized"] = ratio(wf["median_ms"], st["median_ms"] / k)
            out = fix_argv(path)[-1]
            if os.path.exists(out):
                os.remove(out)
            before = sha256(path)
            w0, _, _ = spawn_timed(fix_argv(path))
            n = runs_for(0.08 * a.budget / 2, w0, 3, a.runs_long_fix)
            entry["fix"] = bench(fix_argv(path), n, warmup=0)
            entry["fix"]["output_valid_docx"] = valid_docx(out)
            entry["fix"]["input_unchanged"] = sha256(path) == before
            entry["ratio_walk_over_check"] = ratio(wf["median_ms"], entry["check"]["median_ms"])
            entry["ratio_walk_with_startup_over_check"] = ratio(entry["pydocx_walk_with_startup"]["median_ms"],
                                                                entry["check"]["median_ms"])
        rep["long"][label] = entry

    # ------------------------------------------------ dev set
    dev = {"dir": os.path.abspath(docs_dir), "files": len(dev_all), "docx": len(dev_docx), "txt": len(dev_txt)}
    w = pydocx_inproc(dev_docx, a.pydocx_iter_file)
    walk_info = walk_info or w
    walk_med = [f["median_ms"] for f in w["files"]]
    dev["pydocx_walk_docx"] = {"iterations_per_file": a.pydocx_iter_file,
                               "total_ms": sum(walk_med), "mean_per_doc_ms": statistics.fmean(walk_med),
                               "total_min_ms": sum(f["min_ms"] for f in w["files"])}
    ws = bench([PY, WALK, "--iterations", "1", "--warmup", "0"] + dev_docx, 1, warmup=0, ok=(0,))
    dev["pydocx_walk_docx_one_process_with_startup"] = ws
    if have_bin:
        # one process, all files
        batch = {}
        for name, files in (("all", dev_all), ("docx", dev_docx), ("txt", dev_txt)):
            if not files:
                continue
            out = validate_check(check_argv(files))  # also warms the page cache
            n = runs_for(0.15 * a.budget / 3, out.get("wall_ms"), 2, a.runs_batch)
            st = bench(check_argv(files), n, warmup=0)
            st["files"] = len(files)
            st["mean_per_doc_ms"] = st["median_ms"] / len(files)
            st["output"] = out
            batch[name] = st
        dev["check_batch"] = batch
        # one process per file
        # one process per file: P passes over the set (the batch runs above warmed the cache)
        est = batch["all"]["median_ms"] / len(dev_all) + rep["spawn_floor_ms"]["median_ms"]
        passes = runs_for(0.30 * a.budget, est * len(dev_all), 1, a.runs_file)
        per = per_file(dev_all, lambda f: check_argv([f]), passes)
        def agg(files, table, key="median_ms"):
            vals = [table[f][key] for f in files]
            if not vals:
                return None
            mins = [table[f]["min_ms"] for f in files]
            return {"files": len(vals), "total_ms": sum(vals), "mean_per_doc_ms": statistics.fmean(vals),
                    "total_min_ms": sum(mins), "mean_per_doc_min_ms": statistics.fmean(mins),
                    "min_per_doc_ms": min(vals), "max_per_doc_ms": max(vals),
                    "failures": sum(table[f]["failures"] for f in files),
                    "cpu_total_ms": sum(table[f]["cpu_median_ms"] for f in files),
                    "exit_codes": sum_codes(table[f]["exit_codes"] for f in files)}
        dev["check_per_file"] = {"runs_per_file": passes, "statistic": "median per file, then summed",
                                 "all": agg(dev_all, per), "docx": agg(dev_docx, per), "txt": agg(dev_txt, per)}
        # fix per file (.docx; .txt only if the CLI accepts it)
        fix_txt_probe = None
        if dev_txt:
            out = fix_argv(dev_txt[0])[-1]
            p = subprocess.run(fix_argv(dev_txt[0]), capture_output=True, text=True, timeout=TIMEOUT_S)
            fix_txt_probe = {"exit": p.returncode, "output_exists": os.path.exists(out),
                             "stderr": p.stderr[:300]}
        fix_files = list(dev_docx)
        if fix_txt_probe and fix_txt_probe["exit"] == 0 and fix_txt_probe["output_exists"]:
            fix_files += dev_txt
        est = dev["check_per_file"]["all"]["mean_per_doc_ms"] * 1.3
        fpasses = runs_for(0.25 * a.budget, est * len(fix_files), 1, a.runs_file_fix)
        fper = per_file(fix_files, fix_argv, fpasses)
        invalid = sum(1 for f in fix_files if f.endswith(".docx") and not valid_docx(fix_argv(f)[-1]))
        dev["fix_per_file"] = {"runs_per_file": fpasses, "statistic": "median per file, then summed",
                               "docx": agg(dev_docx, fper),
                               "txt": agg([f for f in dev_txt if f in fper], fper),
                               "txt_probe": fix_txt_probe, "invalid_docx_outputs": invalid}
        c_docx = dev["check_per_file"]["docx"]["mean_per_doc_ms"]
        dev["ratio_walk_over_check_per_file_docx"] = ratio(dev["pydocx_walk_docx"]["mean_per_doc_ms"], c_docx)
        if "docx" in batch:
            dev["ratio_walk_over_check_batch_docx"] = ratio(dev["pydocx_walk_docx"]["total_ms"],
                                                            batch["docx"]["median_ms"])
            dev["ratio_walk_with_startup_over_check_batch_docx"] = ratio(ws["median_ms"], batch["docx"]["median_ms"])
        slow = sorted(per.items(), key=lambda kv: -kv[1]["median_ms"])[:3]
        dev["slowest_check"] = [{"file": os.path.basename(k), "median_ms": v["median_ms"]} for k, v in slow]
    rep["devset"] = dev

    rep["baseline"] = {"name": "python-docx %s (Debian python3-docx), %s" % (walk_info["python_docx"],
                                                                            walk_info["python"]),
                       "what": "docx.Document(path); for every paragraph in document.paragraphs and every run: "
                               "run.text, run.font.name, run.font.size (bench/gongwen/pydocx_walk.py)",
                       "import_docx_ms": walk_info["import_ms"]}

    # ------------------------------------------------ targets
    l20 = rep["long"].get("20p", {})
    c20 = l20.get("check", {}).get("median_ms")
    r20 = l20.get("ratio_walk_over_check")
    rep["targets"] = {"check_20p_lt_5ms": None if c20 is None else c20 < 5.0,
                      "ratio_20p_ge_20x": None if r20 is None else r20 >= 20.0,
                      "check_20p_median_ms": c20, "ratio_20p": r20}
    rep["machine"]["loadavg_end"] = os.getloadavg()
    rep["elapsed_s"] = round(time.time() - t_start, 1)

    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(rep, f, ensure_ascii=False, indent=1)
    print_table(rep, have_bin)
    print("\nJSON: %s  (%.1f s)" % (a.out, rep["elapsed_s"]))
    return 0 if have_bin else 3


def print_table(rep, have_bin):
    m = rep["machine"]
    print("公文 check/fix benchmark — %s, nproc=%s, %s" % (m["cpu_model"], m["nproc"], rep["date"]))
    print("baseline: " + rep["baseline"]["name"])
    la0, la1 = m["loadavg_start"][0], m["loadavg_end"][0]
    if max(la0, la1) > 0.5 * (m["nproc"] or 1):
        print("WARNING: machine busy (1-min load average %.2f at start, %.2f at end, %s CPUs): "
              "numbers are inflated and noisy; re-run on an idle machine" % (la0, la1, m["nproc"]))
    fl = rep.get("spawn_floor_linked_ms")
    print("process spawn floor — included in every shuzhi number, nothing subtracted: /bin/true median %.2f ms%s\n"
          % (rep["spawn_floor_ms"]["median_ms"],
             "; empty main() linked with shuzhi's libs median %.2f ms" % fl["median_ms"] if fl else ""))
    hdr = ("document", "pages", "check ms", "check ms amortised", "fix ms", "py-docx walk ms", "walk+startup ms",
           "walk/check", "(walk+startup)/check", "walk/amortised")
    rows = []
    for label, e in rep["long"].items():
        g = e.get("generated", {})
        pages = g.get("pages") or g.get("target_pages") or "?"
        rows.append(("%s (%s chars)" % (label, e["pydocx_walk"]["chars"]), str(pages),
                     fmt(e.get("check", {}).get("median_ms")),
                     fmt(e.get("check_amortized", {}).get("per_doc_median_ms")),
                     fmt(e.get("fix", {}).get("median_ms")),
                     fmt(e["pydocx_walk"]["median_ms"]), fmt(e["pydocx_walk_with_startup"]["median_ms"]),
                     xfmt(e.get("ratio_walk_over_check")), xfmt(e.get("ratio_walk_with_startup_over_check")),
                     xfmt(e.get("ratio_walk_over_check_amortized"))))
    d = rep["devset"]
    cp = d.get("check_per_file", {})
    fp = d.get("fix_per_file", {})
    for fmt_name in ("docx", "txt"):
        c = (cp.get(fmt_name) or {}).get("mean_per_doc_ms")
        fx = (fp.get(fmt_name) or {}).get("mean_per_doc_ms") if fp else None
        wk = d["pydocx_walk_docx"]["mean_per_doc_ms"] if fmt_name == "docx" else None
        r = d.get("ratio_walk_over_check_per_file_docx") if fmt_name == "docx" else None
        fix_s = fmt(fx) if (fx is not None or not have_bin) else "n/a"
        rows.append(("dev %s, per file (mean/doc)" % fmt_name, "2–4", fmt(c), "–", fix_s,
                     fmt(wk) if wk is not None else "–", "–",
                     xfmt(r) if r else ("–" if have_bin else "pending"), "–", "–"))
    b = d.get("check_batch", {})
    for name in ("all", "docx"):
        if name in b or not have_bin:
            st = b.get(name, {})
            total = st.get("median_ms")
            wk = d["pydocx_walk_docx"]["total_ms"] if name == "docx" else None
            r = d.get("ratio_walk_over_check_batch_docx") if name == "docx" else None
            n = d["files"] if name == "all" else d["docx"]
            per_doc = (total / n) if total is not None else None
            rows.append(("dev %s, 1 process, %d files (total)" % (name, n), "", fmt(total), fmt(per_doc), "–",
                         fmt(wk) if wk is not None else "–",
                         fmt(d["pydocx_walk_docx_one_process_with_startup"]["median_ms"]) if name == "docx" else "–",
                         xfmt(r) if r else ("–" if (have_bin or name == "all") else "pending"),
                         xfmt(d.get("ratio_walk_with_startup_over_check_batch_docx")) if name == "docx" else "–",
                         xfmt(d.get("ratio_walk_over_check_batch_docx")) if name == "docx" else "–"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
    line = "  ".join(h.ljust(widths[i]) for i, h in enumerate(hdr))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
    if have_bin:
        cpf = cp.get("all") or {}
        print("\ndev set per-file check: total %.0f ms for %d files; batch (1 process): %s ms"
              % (cpf.get("total_ms", 0), cpf.get("files", 0), fmt(b.get("all", {}).get("median_ms"))))
        nfail = sum((x or {}).get("failures", 0) for x in (cp.get("all"), fp.get("docx"), fp.get("txt")))
        nfail += sum(e.get(k, {}).get("failures", 0) for e in rep["long"].values() for k in ("check", "fix"))
        if nfail:
            print("WARNING: %d runs exited with a status other than 0/1 (see exit_codes in the JSON)" % nfail)
        if fp.get("docx"):
            print("dev set per-file fix: total %.0f ms for %d .docx; .txt fix: %s"
                  % (fp["docx"]["total_ms"], fp["docx"]["files"],
                     "measured" if fp.get("txt") else "not supported (%s)" % (fp.get("txt_probe") or {}).get("exit")))
    t = rep["targets"]
    print("\ntargets (20-page doc): check < 5 ms: %s (median %s ms); walk/check ≥ 20×: %s (%s×)"
          % ({True: "MET", False: "NOT MET", None: "pending"}[t["check_20p_lt_5ms"]], fmt(t["check_20p_median_ms"]),
             {True: "MET", False: "NOT MET", None: "pending"}[t["ratio_20p_ge_20x"]], fmt(t["ratio_20p"], 1)))
    print("times are medians of repeated process runs (wall clock), start-up included; "
          "python-docx 'walk' is in-process (no interpreter start-up), 'walk+startup' is a whole process.")


def render_md(path):
    """Print the results of a gongwen.json as a Markdown table (for docs/BENCHMARKS.md)."""
    with open(path) as f:
        rep = json.load(f)
    L, d = rep["long"], rep["devset"]

    def g(obj, *keys):
        for k in keys:
            if not isinstance(obj, dict) or k not in obj:
                return None
            obj = obj[k]
        return obj

    def mm(st, key="median_ms", kmin="min_ms"):
        """'median (min)' of a stats dict, or pending."""
        if not st or st.get(key) is None:
            return "pending"
        if st.get(kmin) is None or abs(st[kmin] - st[key]) < 1e-9:
            return fmt(st[key])
        return "%s (%s)" % (fmt(st[key]), fmt(st[kmin]))

    rows = []
    for label, e in L.items():
        gen = e.get("generated", {})
        rows.append(("%s-page 公文 (%s pages in LibreOffice, %d paragraphs, %d chars)"
                     % (label.rstrip("p"), gen.get("pages", "?"), e["pydocx_walk"]["paragraphs"],
                        e["pydocx_walk"]["chars"]),
                     mm(e.get("check")), mm(e.get("check_amortized"), "per_doc_median_ms", "per_doc_min_ms"),
                     mm(e.get("fix")),
                     mm(e["pydocx_walk"]), mm(e["pydocx_walk_with_startup"]),
                     xfmt(e.get("ratio_walk_over_check")), xfmt(e.get("ratio_walk_over_check_amortized")),
                     xfmt(e.get("ratio_walk_with_startup_over_check"))))
    rows.append(("dev set .docx, one process per file (mean per doc, %d files)" % d["docx"],
                 mm(g(d, "check_per_file", "docx"), "mean_per_doc_ms", "mean_per_doc_min_ms"),
                 fmt(g(d, "check_batch", "docx", "mean_per_doc_ms")),
                 mm(g(d, "fix_per_file", "docx"), "mean_per_doc_ms", "mean_per_doc_min_ms"),
                 fmt(d["pydocx_walk_docx"]["mean_per_doc_ms"]), "–",
                 xfmt(d.get("ratio_walk_over_check_per_file_docx")),
                 xfmt(d.get("ratio_walk_over_check_batch_docx")), "–"))
    txt_fix = g(d, "fix_per_file", "txt", "mean_per_doc_ms")
    rows.append(("dev set .txt, one process per file (mean per doc, %d files)" % d["txt"],
                 mm(g(d, "check_per_file", "txt"), "mean_per_doc_ms", "mean_per_doc_min_ms"),
                 fmt(g(d, "check_batch", "txt", "mean_per_doc_ms")),
                 mm(g(d, "fix_per_file", "txt"), "mean_per_doc_ms", "mean_per_doc_min_ms")
                 if (txt_fix is not None or not rep["bin"]["measured"]) else "n/a",
                 "–", "–", "–", "–", "–"))
    rows.append(("dev set, all %d files, one process per file (total)" % d["files"],
                 mm(g(d, "check_per_file", "all"), "total_ms", "total_min_ms"), "–",
                 mm(g(d, "fix_per_file", "docx"), "total_ms", "total_min_ms") + " (.docx only)"
                 if g(d, "fix_per_file", "docx") else "pending", "–", "–", "–", "–", "–"))
    rows.append(("dev set, all %d files in ONE `check` process (total)" % d["files"],
                 mm(g(d, "check_batch", "all")), fmt(g(d, "check_batch", "all", "mean_per_doc_ms")),
                 "–", "–", "–", "–", "–", "–"))
    rows.append(("dev set .docx, %d files in ONE process (total)" % d["docx"],
                 mm(g(d, "check_batch", "docx")), fmt(g(d, "check_batch", "docx", "mean_per_doc_ms")),
                 "–", fmt(d["pydocx_walk_docx"]["total_ms"]),
                 fmt(d["pydocx_walk_docx_one_process_with_startup"]["median_ms"]),
                 xfmt(d.get("ratio_walk_over_check_batch_docx")), "–",
                 xfmt(d.get("ratio_walk_with_startup_over_check_batch_docx"))))
    print("Times in ms, median (min).  Ratios use medians.  *check, amortised* = the same file "
          "passed K times to ONE `check` process (or the whole set in one process), total ÷ K.\n")
    print("| document | shuzhi check (1 process/doc) | shuzhi check, amortised | shuzhi fix "
          "| python-docx walk, in-process | python-docx walk, whole process | walk / check "
          "| walk / amortised check | walk (whole process) / check |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    fl = rep.get("spawn_floor_linked_ms")
    print("\nSpawn floors (contained in every shuzhi number): `/bin/true` %s ms%s." % (
        fmt(rep["spawn_floor_ms"]["median_ms"]),
        "; empty `main()` linked against shuzhi's libraries %s ms" % fmt(fl["median_ms"]) if fl else ""))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--render-md":
        render_md(sys.argv[2])
        sys.exit(0)
    sys.exit(main())

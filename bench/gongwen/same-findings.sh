#!/bin/bash
# bench/gongwen/same-findings.sh [--fix] BASE_BIN NEW_BIN [FILE_OR_DIR...]
#
# Correctness gate for performance work on `gongwen check`: the findings JSON of
# `BIN gongwen check FILE --format json` must be byte-identical between a
# baseline binary (e.g. built from main into /tmp) and the changed one, for
# every file given (directories are searched for .docx and .txt).  Default
# files: the labelled 公文 set (../shared/corpus/gongwen-dev, .docx and .txt)
# the benchmark's generated documents (build/bench/gongwen-*p.docx) and
# prefilter-triggers.txt (one paragraph per group of rules that skip
# paragraphs lacking a character, with text that trips them).  For a wider
# net, also pass directories of tests/robustness variants (mutate.py,
# textfuzz.py output).
# Both binaries see the same path, so the "file" field compares too.
#
# Baseline, without touching another checkout:
#   rm -rf /tmp/gw-base && mkdir /tmp/gw-base && git archive main | tar -x -C /tmp/gw-base
#   make -C /tmp/gw-base -j2 build/shuzhi
#   bench/gongwen/same-findings.sh /tmp/gw-base/build/shuzhi build/shuzhi
# --fix: also run `BIN gongwen fix FILE -o OUT` with both binaries on every
# .docx and compare the messages, exit status and every part of the output
# package, comment time stamps aside (slow: two processes per file).
# Exit status: 0 identical; 1 some file differs (listed); 2 usage error.
set -u

FIX=0
if [ "${1:-}" = "--fix" ]; then
    FIX=1
    shift
fi
if [ $# -lt 2 ]; then
    echo "usage: $0 [--fix] BASE_BIN NEW_BIN [FILE_OR_DIR...]" >&2
    exit 2
fi
BASE=$1
NEW=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
for b in "$BASE" "$NEW"; do
    if [ ! -x "$b" ]; then
        echo "same-findings: $b is not an executable" >&2
        exit 2
    fi
done
if [ $# -eq 0 ]; then
    set -- "$REPO/../shared/corpus/gongwen-dev" "$HERE/prefilter-triggers.txt"
    for f in "$REPO"/build/bench/gongwen-*p.docx; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
find "$@" -type f \( -name '*.docx' -o -name '*.txt' \) 2>/dev/null | LC_ALL=C sort >"$TMP/files"
# One process per binary checks every file (one JSON line per file, in order);
# the lines are then compared file by file.
total=$(wc -l <"$TMP/files")
if [ "$total" -eq 0 ]; then
    echo "same-findings: no .docx/.txt files found" >&2
    exit 2
fi
mapfile -t FILES <"$TMP/files"
"$BASE" gongwen check "${FILES[@]}" --format json >"$TMP/a" 2>"$TMP/a.err"
ra=$?
"$NEW" gongwen check "${FILES[@]}" --format json >"$TMP/b" 2>"$TMP/b.err"
rb=$?
bad=0
if [ "$ra" != "$rb" ]; then
    echo "DIFFERS: exit status $ra vs $rb"
    bad=1
fi
if ! cmp -s "$TMP/a.err" "$TMP/b.err"; then
    echo "DIFFERS: standard error"
    diff "$TMP/a.err" "$TMP/b.err" | head -n 6
    bad=1
fi
if ! cmp -s "$TMP/a" "$TMP/b"; then
    bad=1
    awk 'NR == FNR { a[FNR] = $0; n = FNR; next }
         { if (a[FNR] != $0) { m = $0; sub(/^\{"file":"/, "", m); sub(/".*/, "", m); print "DIFFERS: " m; d++ } }
         END { if (FNR != n) print "DIFFERS: " n " vs " FNR " output lines" }' "$TMP/a" "$TMP/b" | head -n 40
fi
if [ "$bad" -eq 0 ]; then
    echo "same-findings: $total/$total files identical"
fi
if [ "$FIX" -eq 1 ]; then
    # Same output name in two directories: the message names the output.
    mkdir -p "$TMP/A" "$TMP/B"
    nfix=0
    fbad=0
    for f in "${FILES[@]}"; do
        case $f in
            *.docx) ;;
            *) continue ;;
        esac
        case $f in
            /*) abs=$f ;;
            *) abs=$(pwd)/$f ;;
        esac
        nfix=$((nfix + 1))
        for side in A B; do
            bin=$BASE
            [ "$side" = B ] && bin=$NEW
            case $bin in
                /*) ;;
                *) bin=$(pwd)/$bin ;;
            esac
            rm -f "$TMP/$side/out.docx"
            (cd "$TMP/$side" && "$bin" gongwen fix "$abs" -o out.docx >log 2>&1
                echo "exit $?" >>log)
        done
        same=1
        cmp -s "$TMP/A/log" "$TMP/B/log" || same=0
        if [ -f "$TMP/A/out.docx" ] || [ -f "$TMP/B/out.docx" ]; then
            # every part byte-identical, except the time stamps of comments
            python3 - "$TMP/A/out.docx" "$TMP/B/out.docx" <<'PY' || same=0
import re, sys, zipfile
try:
    a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
except (OSError, zipfile.BadZipFile):
    sys.exit(1)
if sorted(a.namelist()) != sorted(b.namelist()):
    sys.exit(1)
stamp = re.compile(rb'w:date="[0-9T:Z-]*"')
for n in a.namelist():
    if stamp.sub(b"", a.read(n)) != stamp.sub(b"", b.read(n)):
        print("  part differs:", n)
        sys.exit(1)
PY
        fi
        if [ "$same" -eq 0 ]; then
            fbad=$((fbad + 1))
            echo "FIX DIFFERS: $f"
        fi
    done
    echo "same-findings: fix output identical for $((nfix - fbad))/$nfix .docx"
    [ "$fbad" -eq 0 ] || bad=1
fi
[ "$bad" -eq 0 ]

#!/bin/bash
# bench/scenario/enforce.sh BIN [ROUNDS]
#
# Template-path draft time of the 执法文书 scenario (no model), against a named
# baseline in the same run:
#   shuzhi   `BIN enforce draft KIND --from devNN.txt -o OUT.docx`: one process per
#            draft, end to end (read the transcript, extract, draft, write the .docx);
#   baseline python-docx (Debian python3-docx under /usr/bin/python3) writing the
#            same document (same paragraphs, fonts, yellow blanks) from the text of
#            our draft: (a) one python process per draft, end to end, and (b) the
#            in-process time of Document() ... save() only (interpreter and import
#            already paid), which is the fairest "writer only" figure.
# Every (transcript x kind) of ../shared/corpus/transcripts-dev = 40 drafts, ROUNDS
# rounds (default 5), median per draft. Writes build/bench/enforce.json.
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 BIN [ROUNDS]" >&2
    exit 2
fi
BIN=$1
ROUNDS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
case $BIN in
    /*) ;;
    *) BIN="$(pwd)/$BIN" ;;
esac
if ! "$PY" -c 'import docx' 2>/dev/null; then
    echo "enforce.sh: $PY lacks python-docx (apt-get install python3-docx)" >&2
    exit 2
fi
CORPUS=$(cd "$REPO/../shared/corpus/transcripts-dev" && pwd)
mkdir -p "$REPO/build/bench"
exec "$PY" "$HERE/bench.py" --bin "$BIN" --corpus "$CORPUS" --rounds "$ROUNDS" \
    --out "$REPO/build/bench/enforce.json"

#!/usr/bin/env bash
# bench/scenario/run.sh BIN [ROUNDS] — both template-path draft benchmarks
# (called by `make bench`):
#   draft.sh    a 公文 draft from a scenario (shuzhi scenario run) vs python-docx
#   enforce.sh  the four 执法文书 drafts from transcripts vs python-docx
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
"$HERE/draft.sh" "$@"
"$HERE/enforce.sh" "$@"

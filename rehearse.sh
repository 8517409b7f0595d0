#!/usr/bin/env bash
# Rehearse the seed case (UA 46/19, Serikzhan Bilash) from its Urgent Action
# to its closure, on the dry-run channel: nothing is published, no credentials.
#
# From a checkout, the first run installs advocate into .venv (only what it
# runs; the tests' extras come with the test command), with uv when it is
# there, else pip. Works in ./rehearsal, made afresh each time.
# ADVOCATE=/path/to/advocate uses an installed advocate instead (a wheel, pipx);
# REHEARSAL_DIR=/some/empty/folder rehearses there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seeds="$here/examples/ua-46-19"

if [ -z "${ADVOCATE:-}" ]; then
  if [ ! -x "$here/.venv/bin/advocate" ]; then
    echo "installing advocate into $here/.venv (once) ..."
    if command -v uv >/dev/null 2>&1; then
      uv venv -q "$here/.venv" && uv pip install -q --python "$here/.venv/bin/python" -e "$here"
    else
      # --no-compile: Python compiles each module on first import instead of all at install (13 s saved)
      python3 -m venv "$here/.venv" && "$here/.venv/bin/pip" install -q --no-compile --disable-pip-version-check -e "$here"
    fi
  fi
  ADVOCATE="$here/.venv/bin/advocate"
fi
work="${REHEARSAL_DIR:-$here/rehearsal}"
rm -rf "$work" && mkdir -p "$work" && cd "$work"

step() {  # echo each command as the coordinator would type it, then run it
  echo; echo "\$ advocate $*"
  "$ADVOCATE" --config config.toml "$@"
}

step init
step --now 2019-04-10T09:00+05:00 ingest "$seeds/ua-46-19-initial.txt"
# The audience is in Kazakhstan: post in its hours, whatever this machine's zone.
step --now 2019-04-10T09:00+05:00 case edit 1 --set timezone=Asia/Almaty
step --now 2019-04-10T09:00+05:00 schedule
step --now 2019-04-10T09:00+05:00 queue --per-page 10
step --now 2019-04-10T09:00+05:00 queue approve --all
step --now 2019-04-10T09:00+05:00 daemon --simulate --in-place --until 2019-04-25T00:00+05:00
step --now 2019-04-25T09:00+05:00 ingest "$seeds/ua-46-19-final.txt"
step --now 2019-04-25T09:00+05:00 daemon --simulate --in-place --until 2019-06-01T00:00+05:00
step --now 2019-06-01T00:00+05:00 case list
sent=$(wc -l < outbox.jsonl)
echo; echo "posts rehearsed: $sent ($work/outbox.jsonl); none after the final update"
[ "$sent" -gt 0 ]  # a rehearsal that posted nothing has failed

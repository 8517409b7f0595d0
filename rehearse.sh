#!/usr/bin/env bash
# Rehearse the seed case (UA 46/19, Serikzhan Bilash) from its Urgent Action
# to its closure, on the dry-run channel: nothing is published, no credentials.
# Sets up .venv on first use; works in ./rehearsal (made afresh each time).
set -euo pipefail
cd "$(dirname "$0")"
seeds="$(cd .. && pwd)/shared/seeds"
[ -x .venv/bin/advocate ] || { python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]"; }
rm -rf rehearsal && mkdir rehearsal && cd rehearsal

step() {  # echo each command as the coordinator would type it, then run it
  echo; echo "\$ advocate $*"
  ../.venv/bin/advocate --config config.toml "$@"
}

step init
step --now 2019-04-10T09:00+05:00 ingest "$seeds/ua-46-19-initial.txt"
step --now 2019-04-10T09:00+05:00 schedule
step --now 2019-04-10T09:00+05:00 queue --per-page 10
step --now 2019-04-10T09:00+05:00 queue approve --all
step --now 2019-04-10T09:00+05:00 daemon --simulate --until 2019-04-25T00:00+05:00
step --now 2019-04-25T09:00+05:00 ingest "$seeds/ua-46-19-final.txt"
step --now 2019-04-25T09:00+05:00 daemon --simulate --until 2019-06-01T00:00+05:00
step --now 2019-06-01T00:00+05:00 case list
echo; echo "posts rehearsed: $(wc -l < outbox.jsonl) (rehearsal/outbox.jsonl); none after the final update"

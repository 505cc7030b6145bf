#!/usr/bin/env bash
# npm start: set up, run the default conformance set (conformance/sets/default.json) through
# ffmpeg + the driver on simdev, write out/conform-default.{json,xml} and the HTML report, and
# print the report's path. Exit code: that of `vareq conform` (0 = every expectation held).
# Extra arguments go to `vareq conform` (e.g. npm start -- --filter 'vp9-*').
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
status=0
node ts-harness/dist/cli.js conform --set conformance/sets/default.json \
  --json out/conform-default.json --junit out/conform-default.xml "$@" || status=$?
if [[ -f out/conform-default.json ]]; then
  report=$(node ts-harness/dist/cli.js report out/conform-default.json --out out/report | head -1)
  echo "report: $report"
fi
exit $status

#!/usr/bin/env bash
# npm start: set up, run the default conformance set (conformance/sets/default.json) through
# ffmpeg + the driver on simdev, write out/conform-default.{json,xml} and the HTML report, and
# print the report's path. Exit code: that of `vareq conform` (0 = every expectation held), or
# that of `vareq report` when the run's results could not be turned into a report.
# Extra arguments go to `vareq conform` (e.g. npm start -- --filter 'vp9-*').
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
# Results of an earlier run must not be reported as this run's.
rm -f out/conform-default.json out/conform-default.xml
status=0
node ts-harness/dist/cli.js conform --set conformance/sets/default.json \
  --json out/conform-default.json --junit out/conform-default.xml "$@" || status=$?
if [[ ! -f out/conform-default.json ]]; then
  echo "start: no results (vareq conform exited $status before writing out/conform-default.json); no report" >&2
  exit $status
fi
report_status=0
written=$(node ts-harness/dist/cli.js report out/conform-default.json --out out/report) || report_status=$?
if ((report_status != 0)); then
  echo "start: vareq report failed (exit $report_status)" >&2
  exit $report_status
fi
echo "results: $PWD/out/conform-default.json, $PWD/out/conform-default.xml (JUnit)"
echo "report: ${written%%$'\n'*}"
exit $status

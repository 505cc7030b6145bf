#!/usr/bin/env bash
# npm test: set up, then the C tests (meson test) and the harness tests (ava, incl. end-to-end).
# Runs both even when the first fails; exits non-zero on any failure. Last line:
# "test: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "$@"
BUILD_DIR=${VAREQ_BUILD_DIR:-build}
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

status=0
passed=0
failed=0

if [[ " $* " != *" --skip-c "* ]]; then
  echo "== meson test"
  if meson test -C "$BUILD_DIR" --print-errorlogs 2>&1 | tee "$log_dir/meson.log"; then :; else status=1; fi
  ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log_dir/meson.log" | tail -1)
  expfail=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' "$log_dir/meson.log" | tail -1)
  bad=0
  for k in Fail 'Unexpected Pass' Timeout; do
    n=$(sed -n "s/^$k: *\([0-9]*\).*/\1/p" "$log_dir/meson.log" | tail -1)
    bad=$((bad + ${n:-0}))
  done
  passed=$((passed + ${ok:-0} + ${expfail:-0}))
  failed=$((failed + bad))
  if [[ $status != 0 && $bad == 0 ]]; then failed=$((failed + 1)); fi
fi

echo "== ava (ts-harness/test)"
ava_status=0
if node_modules/.bin/tsc -p tsconfig.test.json; then
  node_modules/.bin/ava 2>&1 | tee "$log_dir/ava.log" || ava_status=1
else
  ava_status=1
fi
strip() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }
a_pass=$(strip "$log_dir/ava.log" 2>/dev/null | grep -c '^ *✔' || true)
a_fail=$(strip "$log_dir/ava.log" 2>/dev/null | sed -n 's/^ *\([0-9][0-9]*\) tests\{0,1\} failed.*/\1/p' | tail -1)
a_exc=$(strip "$log_dir/ava.log" 2>/dev/null | sed -n 's/^ *\([0-9][0-9]*\) \(uncaught exceptions\{0,1\}\|unhandled rejections\{0,1\}\|tests\{0,1\} remained pending\).*/\1/p' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${a_pass:-0}))
failed=$((failed + ${a_fail:-0} + ${a_exc:-0}))
if [[ $ava_status != 0 ]]; then
  status=1
  if [[ -z ${a_fail:-} && ${a_exc:-0} == 0 ]]; then failed=$((failed + 1)); fi
fi

echo "test: $passed passed, $failed failed"
exit $status

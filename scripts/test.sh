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

# Runs `meson test` in build dir $1 (further args: test names), adds its counts.
run_meson_tests() {
  local dir=$1 log="$log_dir/meson-$(basename "$1").log" rc=0
  shift
  meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$log" || rc=1
  local ok expfail bad=0 n k
  ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  expfail=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  for k in Fail 'Unexpected Pass' Timeout; do
    n=$(sed -n "s/^$k: *\([0-9]*\).*/\1/p" "$log" | tail -1)
    bad=$((bad + ${n:-0}))
  done
  passed=$((passed + ${ok:-0} + ${expfail:-0}))
  failed=$((failed + bad))
  if [[ $rc != 0 ]]; then
    status=1
    if [[ $bad == 0 ]]; then failed=$((failed + 1)); fi
  fi
}

# Tests rebuilt with AddressSanitizer + UBSan: parsers, the device model, the driver through
# libva calls in-process; av1-sanitized-* run ffmpeg with the sanitizer runtimes preloaded.
SANITIZED_TESTS=(vp9-parser-unit vp8-parser-unit h264-slice-unit av1-abi av1-state-unit
  simdev-core simdev-device simdev-profiles simdev-faults backend-driver backend-layout
  va-pool-hold va-pool-export-once va-pool-resize-stream va-pool-threads
  va-robust-fence va-robust-fence-timeout va-robust-faults
  va-attribs-generic va-attribs-hantro va-attribs-rkvdec va-attribs-cedrus
  va-pool-hold-vp8-cedrus va-pool-export-once-vp8-cedrus va-pool-resize-stream-vp8-cedrus
  va-pool-threads-vp8-cedrus va-pool-resize-stream-rkvdec va-pool-resize-stream-generic-reset-on-free
  av1-obu-unit av1-sanitized-bad-input av1-sanitized-conformance
  vp9-park vp9-park-hantro vp9-park-rkvdec
  va-pool-export-pending va-robust-faults-vp9 va-robust-stale-ref-vp9 va-robust-stale-ref-vp8
  h264-sim-slice-unit simdev-vp9-refcache va-robust-tainted-vp9 va-robust-tainted-vp8)
# (va-pool-orphan is left out: it counts /proc/self/maps lines, which the sanitizer runtime grows.)

if [[ " $* " != *" --skip-c "* ]]; then
  echo "== meson test"
  run_meson_tests "$BUILD_DIR"

  if [[ " $* " != *" --skip-sanitizers "* ]]; then
    echo "== meson test (AddressSanitizer + UndefinedBehaviorSanitizer build)"
    ASAN_DIR=${VAREQ_ASAN_BUILD_DIR:-build-asan}
    if [[ ! -f $ASAN_DIR/build.ninja ]]; then
      meson setup "$ASAN_DIR" -Db_sanitize=address,undefined -Db_lundef=false \
        --buildtype=debug >"$log_dir/asan-setup.log" 2>&1 || { cat "$log_dir/asan-setup.log"; status=1; failed=$((failed + 1)); }
    fi
    # Only the tests this tree defines (a name missing here would make meson test fail).
    mapfile -t defined < <(meson test -C "$ASAN_DIR" --list 2>/dev/null | sed 's/^.* \/ //')
    selected=()
    for t in "${SANITIZED_TESTS[@]}"; do
      for d in "${defined[@]}"; do [[ $d == "$t" ]] && selected+=("$t"); done
    done
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
      run_meson_tests "$ASAN_DIR" "${selected[@]}"
  fi
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

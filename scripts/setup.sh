#!/usr/bin/env bash
# vareq set-up step. Idempotent: each part is skipped when already done, and nothing is printed
# when there is nothing to do.
#   (a) Debian packages (apt-get only when some are missing)
#   (b) npm ci (only when node_modules is missing or package-lock.json changed since the last install)
#   (c) meson setup (first time) + meson compile (cheap when up to date)
#   (d) TypeScript build of the harness (ts-harness/dist)
#   (e) generated corpora (build/corpora/, only when missing or their recipes changed)
# Options: --skip-apt, --skip-c (no meson; for harness-only work), --skip-sanitizers (test.sh:
# no AddressSanitizer/UBSan build).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${VAREQ_BUILD_DIR:-build}
skip_apt=0
skip_c=0
for arg in "$@"; do
  case $arg in
    --skip-apt) skip_apt=1 ;;
    --skip-c) skip_c=1 ;;
    --skip-sanitizers) ;; # read by scripts/test.sh
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*" >&2; }
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
# Runs a command quietly; shows its output only when it fails.
quiet() {
  local name=$1; shift
  if ! "$@" >"$log_dir/$name.log" 2>&1; then
    cat "$log_dir/$name.log" >&2
    say "FAILED: $*"
    exit 1
  fi
}

# (a) Debian packages ----------------------------------------------------------------------
PACKAGES=(libva-dev vainfo libdrm-dev meson ninja-build pkg-config gcc ffmpeg
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libdav1d-dev
  libvpx-dev vpx-tools v4l-utils mpv time)
if [[ $skip_apt == 0 ]]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$p")
  done
  if ((${#missing[@]} > 0)); then
    say "installing Debian packages: ${missing[*]}"
    sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo)
    quiet apt-update "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    quiet apt-install "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  say "Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))"
  exit 3
fi

# (b) npm dependencies ---------------------------------------------------------------------
stamp=node_modules/.vareq-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  say "npm ci"
  quiet npm-ci npm ci --no-audit --no-fund
  echo "$lock_sum" >"$stamp"
fi

# (c) C build (driver, simdev) -------------------------------------------------------------
if [[ $skip_c == 0 ]]; then
  if [[ ! -f $BUILD_DIR/build.ninja ]]; then
    say "meson setup $BUILD_DIR"
    quiet meson-setup meson setup "$BUILD_DIR"
  fi
  quiet meson-compile meson compile -C "$BUILD_DIR"
  if ! grep -q 'no work to do' "$log_dir/meson-compile.log"; then
    say "built the driver and simdev ($BUILD_DIR)"
  fi
fi

# (d) harness ------------------------------------------------------------------------------
quiet tsc node_modules/.bin/tsc -p tsconfig.json

# (e) corpora ------------------------------------------------------------------------------
node ts-harness/dist/cli.js corpora build --quiet

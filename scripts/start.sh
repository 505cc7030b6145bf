#!/usr/bin/env bash
# npm start: set up, then run the generated VP9 suite through ffmpeg + the driver on simdev.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${VAREQ_BUILD_DIR:-build}
mkdir -p out
exec node ts-harness/dist/cli.js conform --suite "$BUILD_DIR/corpora/vp9/suite.json" --json out/conform-vp9.json "$@"

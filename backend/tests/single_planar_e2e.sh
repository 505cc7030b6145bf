#!/bin/bash
# The driver on a single-planar V4L2 decoder (simdev's cedrus profile: V4L2_CAP_VIDEO_M2M,
# V4L2_BUF_TYPE_VIDEO_OUTPUT/CAPTURE, struct v4l2_pix_format): ffmpeg decodes official
# VP8 and H.264 vectors through the driver; every frame must match the reference MD5s and
# the driver must report that it used the single-planar API.
#   single_planar_e2e.sh BUILD_DIR VECTORS_DIR
set -u
. "$(dirname "$0")/e2e_lib.sh"
B=$1
VEC=$2
cd "$VEC" || exit 2
pass=0
fail=0
log=$(mktemp /tmp/vareq-sp-e2e-XXXXXX)
trap 'rm -f "$log"' EXIT

run() { # input, extra ffmpeg output args...
  VAREQ_SIM_PROFILE=cedrus VAREQ_LOG=info ffmpeg_va "$@" 2>"$log"
}

check() { # name, got, want
  if [ -n "$2" ] && [ "$2" = "$3" ] && grep -q "single-planar API" "$log" &&
     ! grep -q "multi-planar API" "$log"; then
    pass=$((pass + 1))
    echo "PASS $1"
  else
    fail=$((fail + 1))
    echo "FAIL $1: $(printf '%s\n' "$2" | grep -c .) frames/sums, want $(printf '%s\n' "$3" | grep -c .)"
    grep -E "API|error" "$log" | head -5
  fi
}

for v in vp80-00-comprehensive-001 vp80-00-comprehensive-005 vp80-00-comprehensive-017 \
         vp80-03-segmentation-1437 vp80-04-partitions-1405 vp80-05-sharpness-1438; do
  f=vp8/$v.ivf
  [ -f "$f" ] || { echo "SKIP $f (missing)"; continue; }
  got=$(run "$f" -f framemd5 -pix_fmt yuv420p - | framemd5_sums)
  check "$f" "$got" "$(cut -d' ' -f1 "$f.md5")"
done

# vaDeriveImage (ffmpeg hwmap to system memory maps the CAPTURE buffer directly)
f=vp8/vp80-00-comprehensive-001.ivf
if [ -f "$f" ]; then
  got=$(VF="hwmap=mode=read,format=nv12" run "$f" -f framemd5 -pix_fmt yuv420p - | framemd5_sums)
  check "$f (vaDeriveImage)" "$got" "$(cut -d' ' -f1 "$f.md5")"
fi

# H.264: the suite's MD5 of the whole decoded output
for v in BA_MW_D BANM_MW_D BA1_FT_C; do
  want=$(python3 -c "import json,sys
for t in json.load(open('suites/H264-JVT-AVC_V1.json'))['test_vectors']:
    if t['name'] == sys.argv[1]: print(t['input_file'], t['result'])" "$v")
  [ -n "$want" ] || { echo "SKIP $v (not in the suite)"; continue; }
  f=${want% *}
  got=$(run "$f" -f rawvideo -pix_fmt yuv420p - | md5sum | cut -d' ' -f1)
  check "$f" "$got" "${want#* }"
done

echo "single-planar (cedrus) through the driver: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

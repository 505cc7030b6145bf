#!/bin/sh
# Generates VP9 test streams (ffmpeg testsrc2 -> vpxenc) and round-trips each one through
# vp9_parser -> controls -> sim_vp9 (byte-exact against libvpx), then a short fuzz run.
# usage: vp9_roundtrip_streams.sh PATH/TO/vp9-roundtrip [WORKDIR]
set -eu
RT=$1
W=${2:-$(mktemp -d)}
mkdir -p "$W"
cd "$W"
src() { [ -f "src$1.y4m" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=$1:rate=30" -frames "$2" -strict -1 "src$1.y4m"; }
src 352x288 40; src 640x360 20; src 864x480 20; src 350x198 20
E="vpxenc --codec=vp9 --good --cpu-used=4 --target-bitrate=400 --ivf -q --auto-alt-ref=1 --lag-in-frames=16"
$E -o basic.ivf src352x288.y4m
$E --error-resilient=1 -o errres.ivf src352x288.y4m
$E --tile-columns=1 -o tiles2.ivf src640x360.y4m
$E --lossless=1 --limit=10 -o lossless.ivf src352x288.y4m
$E -o s864.ivf src864x480.y4m
$E -o odd.ivf src350x198.y4m
$E --aq-mode=1 -o aq1.ivf src352x288.y4m
$E --frame-parallel=1 --kf-max-dist=8 -o fpar.ivf src352x288.y4m
vpxenc --codec=vp9 --rt --cpu-used=6 --end-usage=cbr --lag-in-frames=0 --target-bitrate=300 \
  --aq-mode=3 --ivf -q -o aq3.ivf src352x288.y4m
# keyframe size changes: concatenate the frames of three IVF files
{ cat basic.ivf; tail -c +33 s864.ivf; tail -c +33 odd.ivf; } > sizechange.ivf
rc=0
for f in basic errres tiles2 lossless s864 odd aq1 fpar aq3 sizechange; do
  "$RT" "$f.ivf" | tail -n 5 || rc=1
done
"$RT" --fuzz 40 --seed 7 basic.ivf || rc=1
[ -n "${2:-}" ] || rm -rf "$W"
exit $rc

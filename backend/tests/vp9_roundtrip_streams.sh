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
# profile 2 (10-bit 4:2:0): 10-bit source, high bit depth encode
[ -f src10.y4m ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=352x288:rate=30" -frames 20 \
  -pix_fmt yuv420p10le -strict -1 src10.y4m
$E --profile=2 --bit-depth=10 --input-bit-depth=10 -o p2.ivf src10.y4m
$E --profile=2 --bit-depth=10 --input-bit-depth=10 --tile-columns=1 --error-resilient=1 \
  -o p2er.ivf src10.y4m
# tile rows (4) and columns (2)
$E --tile-rows=2 --tile-columns=1 --limit=20 -o tilerows.ivf src640x360.y4m
# reference scaling: 1-pass CBR with dynamic resize (inter frames change size)
[ -f src640x360_150.y4m ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=30" \
  -frames 150 -strict -1 src640x360_150.y4m
R="vpxenc --codec=vp9 --rt --cpu-used=6 --end-usage=cbr --buf-sz=300 --buf-initial-sz=200 \
  --buf-optimal-sz=250 --resize-allowed=1 --lag-in-frames=0 --ivf -q"
$R --target-bitrate=40 -o resize.ivf src640x360_150.y4m
[ -f src10_640.y4m ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=30" \
  -frames 150 -pix_fmt yuv420p10le -strict -1 src10_640.y4m
$R --profile=2 --bit-depth=10 --input-bit-depth=10 --target-bitrate=60 -o p2resize.ivf \
  src10_640.y4m
# intra-only frames (+ show_existing_frame) in profiles 0 and 2: keyframes every 10
# frames, every keyframe after the first rewritten by vp9-make-intra-only
MK=$(dirname "$RT")/vp9-make-intra-only
$E --kf-max-dist=10 --kf-min-dist=10 -o kf10.ivf src352x288.y4m
"$MK" kf10.ivf intraonly.ivf
$E --kf-max-dist=10 --kf-min-dist=10 --profile=2 --bit-depth=10 --input-bit-depth=10 \
  -o kf10p2.ivf src10.y4m
"$MK" kf10p2.ivf intraonly-p2.ivf
# keyframe size changes: concatenate the frames of three IVF files
{ cat basic.ivf; tail -c +33 s864.ivf; tail -c +33 odd.ivf; } > sizechange.ivf
rc=0
for f in basic errres tiles2 lossless s864 odd aq1 fpar aq3 sizechange p2 p2er tilerows resize \
  p2resize intraonly intraonly-p2; do
  "$RT" "$f.ivf" | tail -n 5 || rc=1
done
"$RT" --fuzz 40 --seed 7 basic.ivf || rc=1
# sensitivity: every control field changes the output or fails the request (or is on the
# documented list)
"$RT" --mutate basic.ivf aq1.ivf tiles2.ivf errres.ivf p2.ivf | tail -n 1 || rc=1
[ -n "${2:-}" ] || rm -rf "$W"
exit $rc

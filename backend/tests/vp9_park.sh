#!/bin/sh
# Runs vp9-park (FFmpeg-style VA context re-creation on every size change) on
# - a VP9 stream whose inter frames change size (libvpx real-time resize at a starved
#   bitrate: 640x360 -> 480x270 -> 320x180): the driver continues the V4L2 session;
# - tiny sizes changing at keyframes (1x1, 2x2, 3x3, 5x7, 8x8, 15x9, 16x16), below the
#   device's minimum format size (CAPTURE clamped up, the frame decodes into it).
# usage: vp9_park.sh PATH/TO/vp9-park DRIVER.so [WORKDIR]
set -eu
PARK=$1
DRV=$2
W=${3:-$(mktemp -d)}
mkdir -p "$W"
cd "$W"
[ -f src640x360_150.y4m ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=30" \
  -frames 150 src640x360_150.y4m
vpxenc --codec=vp9 --rt --cpu-used=6 --end-usage=cbr --buf-sz=300 --buf-initial-sz=200 \
  --buf-optimal-sz=250 --resize-allowed=1 --lag-in-frames=0 --kf-max-dist=300 --threads=1 \
  --target-bitrate=40 --ivf -q -o resize.ivf src640x360_150.y4m
: > tiny.ivf
for s in 1x1 2x2 3x3 5x7 8x8 15x9 16x16; do
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=96x96:rate=30,format=rgb24,crop=w=${s%x*}:h=${s#*x}:x=3:y=5" \
    -frames 3 -pix_fmt yuv420p tiny.y4m
  vpxenc --codec=vp9 --good --cpu-used=4 --threads=1 --lag-in-frames=0 --ivf -q -o t.ivf tiny.y4m
  if [ -s tiny.ivf ]; then tail -c +33 t.ivf >> tiny.ivf; else cp t.ivf tiny.ivf; fi
done
rc=0
"$PARK" "$DRV" resize.ivf || rc=1
"$PARK" "$DRV" tiny.ivf --keyframe-sizes || rc=1
[ -n "${3:-}" ] || rm -rf "$W"
exit $rc

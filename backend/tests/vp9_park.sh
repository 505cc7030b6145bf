#!/bin/sh
# Encodes a VP9 stream whose inter frames change size (libvpx real-time resize at a starved
# bitrate: 640x360 -> 480x270 -> 320x180) and runs vp9-park on it: FFmpeg-style VA context
# re-creation on every size change, the driver continuing the V4L2 session.
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
rc=0
"$PARK" "$DRV" resize.ivf || rc=1
[ -n "${3:-}" ] || rm -rf "$W"
exit $rc

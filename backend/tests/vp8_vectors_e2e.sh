#!/bin/bash
# Decodes every official VP8 vector (suites/VP8.json) with ffmpeg through the driver on
# simdev and compares each shown frame's MD5 with the vector's .md5 file.
#   vp8_vectors_e2e.sh BUILD_DIR VECTORS_DIR
# Exit 0 iff every vector passes; prints PASS/FAIL per vector and a summary.
set -u
. "$(dirname "$0")/e2e_lib.sh"
B=$1
VEC=$2
cd "$VEC" || exit 2
pass=0
fail=0
list=$(python3 -c "import json;[print(t['input_file']) for t in json.load(open('suites/VP8.json'))['test_vectors']]") || exit 2
for v in $list; do
  got=$(ffmpeg_va "$v" -f framemd5 -pix_fmt yuv420p - 2>/dev/null | framemd5_sums)
  want=$(cut -d' ' -f1 "$v.md5")
  if [ -n "$got" ] && [ "$got" = "$want" ]; then
    pass=$((pass + 1))
    echo "PASS $v"
  else
    fail=$((fail + 1))
    echo "FAIL $v: $(printf '%s\n' "$got" | grep -c .) of $(printf '%s\n' "$want" | grep -c .) frames decoded," \
      "first difference: $(diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -1)"
  fi
done
echo "VP8 vectors through the driver on simdev: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env python3
"""h264-conformance: decodes fluster H.264 suites through ffmpeg -> the vareq VA driver ->
simdev and compares the MD5 of the whole output with the suite's reference.

  h264_conformance.py BUILD_DIR SUITE.json [SUITE.json...] [--expect-min N] [-v]

Frames stay on the VA side (-hwaccel_output_format vaapi) and are read back with
hwdownload, so a silent software fallback in ffmpeg produces no output and fails.
Exit 0 iff every vector passes or is listed in KNOWN (with its reason)."""
import hashlib, json, os, subprocess, sys

KNOWN = {
    # vector name -> reason (keep in sync with docs/conformance.md)
}

def run(build, suite, verbose):
    vec_dir = os.path.dirname(os.path.dirname(os.path.abspath(suite)))
    env = dict(os.environ,
               LD_PRELOAD=os.path.join(build, "simdev/preload/libvareq-preload.so"),
               LIBVA_DRIVERS_PATH=os.path.join(build, "backend"),
               LIBVA_DRIVER_NAME="v4l2_request", VAREQ_DEVICE="sim",
               VAREQ_LOG=os.environ.get("VAREQ_LOG", "error"))
    d = json.load(open(suite))
    npass = 0
    fails = []
    for tv in d["test_vectors"]:
        fmt = tv["output_format"]
        dl = "p010" if fmt.endswith("10le") else "nv12"
        cmd = ["ffmpeg", "-nostdin", "-v", "error", "-hwaccel", "vaapi",
               "-hwaccel_device", "/dev/dri/renderD128", "-hwaccel_output_format", "vaapi",
               "-i", os.path.join(vec_dir, tv["input_file"]), "-map", "0:v:0",
               "-vf", "hwdownload,format=" + dl, "-autoscale", "0", "-fps_mode", "passthrough",
               "-f", "rawvideo", "-pix_fmt", fmt, "-"]
        p = subprocess.run(cmd, capture_output=True, env=env, timeout=600)
        got = hashlib.md5(p.stdout).hexdigest()
        ok = got == tv["result"]
        if ok:
            npass += 1
        else:
            err = p.stderr.decode(errors="replace").strip().splitlines()
            fails.append((tv["name"], err[-1] if err else "md5 mismatch (%d bytes)" % len(p.stdout)))
        if verbose or not ok:
            print("%s %s%s" % ("PASS" if ok else "FAIL", tv["name"],
                               "" if ok else ": " + fails[-1][1]), flush=True)
    print("%s: %d/%d pass" % (d["name"], npass, len(d["test_vectors"])), flush=True)
    return fails

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    if len(args) < 2:
        print(__doc__)
        return 2
    bad = 0
    for suite in args[1:]:
        for name, why in run(args[0], suite, verbose):
            if name not in KNOWN:
                bad += 1
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())

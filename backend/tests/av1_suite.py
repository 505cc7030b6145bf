#!/usr/bin/env python3
"""Runs AV1 conformance suites through ffmpeg's VA-API hwaccel + the vareq driver on simdev.

usage: av1_suite.py BUILD_DIR SUITE.json [--filter SUBSTR] [--jobs N] [--timeout S] [--verbose]

Per vector: pass (MD5 of the whole output equals `result`), fail, declined (error, no output;
the expected verdict for AV1-UNSUPPORTED.json), crash (signal) or timeout. For
AV1-BAD-INPUT.json (`expected: no-crash`) a vector passes when ffmpeg ends without a signal
or timeout. Frames only count when they came through the driver: the filter graph downloads
VA surfaces (hwdownload), which fails for software-decoded frames.
Exit status 0 when every vector has its expected verdict."""
import argparse, collections, concurrent.futures, hashlib, json, os, subprocess, sys, time

def run(build, vdir, tv, timeout):
    env = dict(os.environ,
               LD_PRELOAD=f"{build}/simdev/preload/libvareq-preload.so",
               LIBVA_DRIVERS_PATH=f"{build}/backend", LIBVA_DRIVER_NAME="v4l2_request",
               VAREQ_DEVICE="sim", VAREQ_LOG=os.environ.get("VAREQ_LOG", "error"))
    inp = os.path.join(vdir, tv["input_file"])
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-hwaccel", "vaapi",
           "-hwaccel_device", "/dev/dri/renderD128", "-hwaccel_output_format", "vaapi",
           *tv.get("ffmpeg_input_options", []), "-c:v", "av1", "-i", inp,
           "-map", "0:v:0", "-autoscale", "0", "-fps_mode", "passthrough",
           "-vf", "hwdownload,format=nv12", *tv.get("ffmpeg_output_options", []),
           "-f", "rawvideo", "-pix_fmt", tv.get("output_format") or "yuv420p", "-"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - t0, ""
    dt = time.monotonic() - t0
    err = p.stderr.decode(errors="replace").strip().splitlines()
    last = err[-1] if err else ""
    if p.returncode < 0 or p.returncode >= 128:
        return "crash", dt, f"signal/exit {p.returncode}: {last}"
    expected = tv.get("expected")
    if expected == "no-crash":
        return "pass", dt, f"exit {p.returncode}"
    if expected == "unsupported":
        return ("declined" if not p.stdout else "fail"), dt, last
    got = hashlib.md5(p.stdout).hexdigest()
    if got == tv["result"]:
        return "pass", dt, ""
    if not p.stdout:
        return "declined", dt, last
    return "fail", dt, f"md5 {got} ({len(p.stdout)} bytes) {last}"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("suite")
    ap.add_argument("--filter", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    vdir = os.path.dirname(os.path.dirname(os.path.abspath(a.suite)))
    tvs = [t for t in json.load(open(a.suite))["test_vectors"] if a.filter in t["input_file"]]
    results = {}
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        futs = {ex.submit(run, a.build, vdir, tv, a.timeout): tv for tv in tvs}
        for f in concurrent.futures.as_completed(futs):
            tv = futs[f]
            v, dt, why = f.result()
            results[tv["name"] + ":" + tv["input_file"]] = (tv, v, dt, why)
            if a.verbose or v not in ("pass", "declined"):
                print(f"{v.upper():8} {dt:6.2f}s {tv['input_file']} ({tv['name']}) {why}", flush=True)
    per = collections.defaultdict(collections.Counter)
    times = collections.defaultdict(float)
    ok = True
    for tv, v, dt, why in results.values():
        folder = "/".join(tv["input_file"].split("/")[1:-1])
        per[folder][v] += 1
        times[folder] += dt
        want = "declined" if tv.get("expected") == "unsupported" else "pass"
        ok &= v == want
    for folder in sorted(per):
        c = per[folder]
        n = sum(c.values())
        print(f"{folder:22} {c['pass']:4}/{n:<4} pass  " +
              " ".join(f"{k}={c[k]}" for k in sorted(c) if k != "pass") +
              f"  ({times[folder] / n:.2f}s/vector)")
    print(f"total {sum(c['pass'] for c in per.values())}/{len(results)} pass, wall {time.monotonic() - t0:.1f}s")
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())

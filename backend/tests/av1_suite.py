#!/usr/bin/env python3
"""Runs AV1 conformance suites through ffmpeg's VA-API hwaccel + the vareq driver on simdev.

usage: av1_suite.py BUILD_DIR SUITE.json [--filter SUBSTR] [--jobs N] [--timeout S] [--verbose]
                    [--sanitized]

Per vector: pass (MD5 of the whole output equals `result`), fail, declined (error, no output;
the expected verdict for AV1-UNSUPPORTED.json), crash (signal) or timeout. For
AV1-BAD-INPUT.json (`expected: no-crash`) a vector passes when ffmpeg ends without a signal
or timeout. Frames only count when they came through the driver: the filter graph downloads
VA surfaces (hwdownload), which fails for software-decoded frames.
--sanitized: BUILD_DIR is an AddressSanitizer + UBSan build (meson -Db_sanitize=address,undefined
-Db_lundef=false); ffmpeg runs with the sanitizer runtimes preloaded before the preload library
(leak detection off: ffmpeg's own allocations are not ours), and a sanitizer report in its
output is the verdict 'sanitizer'.
Exit status 0 when every vector has its expected verdict."""
SANITIZER_PRELOAD = []
import argparse, collections, concurrent.futures, hashlib, json, os, subprocess, sys, tempfile, time

def native_options(tv):
    """The suites give libdav1d's options; FFmpeg's native AV1 decoder (the one with the VA-API
    hwaccel) names the operating point -operating_point and always outputs only the highest
    spatial layer of it (all_layers = 0). None when the vector needs what it cannot do."""
    opts, out = list(tv.get("ffmpeg_input_options", [])), []
    i = 0
    while i < len(opts):
        if opts[i] == "-oppoint":
            out += ["-operating_point", opts[i + 1]]
            i += 2
        elif opts[i] == "-alllayers":
            if opts[i + 1] != "0":
                return None
            i += 2
        else:
            out.append(opts[i])
            i += 1
    return out

def run(build, vdir, tv, timeout, read_by_map=False):
    """read_by_map: read the surfaces with hwmap (vaDeriveImage, the surface's real layout)
    instead of hwdownload (vaCreateImage + vaGetImage at the frames context's size); for
    streams whose frame size grows while FFmpeg 5.1 keeps its first surfaces (av1_known.json
    "read_by_map"). Software frames fail both filters."""
    opts = native_options(tv)
    if opts is None:
        return "client", 0.0, "FFmpeg's native AV1 decoder outputs only the highest spatial layer"
    env = dict(os.environ,
               LD_PRELOAD=" ".join(SANITIZER_PRELOAD + [f"{build}/simdev/preload/libvareq-preload.so"]),
               LIBVA_DRIVERS_PATH=f"{build}/backend", LIBVA_DRIVER_NAME="v4l2_request",
               VAREQ_DEVICE="sim", VAREQ_LOG=os.environ.get("VAREQ_LOG", "error"))
    inp = os.path.join(vdir, tv["input_file"])
    tmp = None
    if tv.get("expected") == "no-crash":
        # dav1d fuzzer framing: 32 bytes skipped as the IVF header, then IVF frames. Give the
        # frames a valid IVF header so FFmpeg's demuxer hands them to the decoder.
        data = open(inp, "rb").read()
        hdr = bytearray(32)
        hdr[0:4] = b"DKIF"
        hdr[6:8] = (32).to_bytes(2, "little")
        hdr[8:12] = b"AV01"
        hdr[12:14] = (64).to_bytes(2, "little")
        hdr[14:16] = (64).to_bytes(2, "little")
        hdr[16:20] = (30).to_bytes(4, "little")
        hdr[20:24] = (1).to_bytes(4, "little")
        fd, tmp = tempfile.mkstemp(suffix=".ivf")
        with os.fdopen(fd, "wb") as f:
            f.write(bytes(hdr) + data[32:])
        inp = tmp
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-hwaccel", "vaapi",
           "-hwaccel_device", "/dev/dri/renderD128", "-hwaccel_output_format", "vaapi",
           *opts, "-c:v", "av1", "-i", inp,
           "-map", "0:v:0", "-autoscale", "0", "-fps_mode", "passthrough",
           "-vf", ("hwmap=mode=read+direct" if read_by_map else "hwdownload") + ",format=" +
           ("p010" if "10" in (tv.get("output_format") or "") else "nv12"), *tv.get("ffmpeg_output_options", []),
           "-f", "rawvideo", "-pix_fmt", tv.get("output_format") or "yuv420p", "-"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - t0, ""
    finally:
        if tmp:
            os.unlink(tmp)
    dt = time.monotonic() - t0
    err = p.stderr.decode(errors="replace").strip().splitlines()
    last = err[-1] if err else ""
    for line in err:
        if "ERROR: AddressSanitizer" in line or "runtime error:" in line:
            return "sanitizer", dt, line
    if p.returncode < 0 or p.returncode >= 128:
        return "crash", dt, f"signal/exit {p.returncode}: {last}"
    expected = tv.get("expected")
    if expected == "no-crash":
        frames = len(p.stdout) // max(1, 1)
        return "pass", dt, f"exit {p.returncode}, {frames} output bytes: {last}"
    if expected == "unsupported":
        return ("declined" if not p.stdout else "fail"), dt, last
    got = hashlib.md5(p.stdout).hexdigest()
    if got == tv["result"]:
        return "pass", dt, ""
    if not p.stdout:
        return "declined", dt, last
    return "fail", dt, f"md5 {got} ({len(p.stdout)} bytes) {last}"

def main_profile(tv):
    """AV1 Main profile output formats; the others (High/Professional) must be declined."""
    if tv.get("expected") == "no-crash":
        return True
    return tv.get("output_format", "yuv420p") in ("yuv420p", "yuv420p10le", "gray", "gray10le")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("suite")
    ap.add_argument("--filter", default="", help="comma-separated substrings of input_file")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--sanitized", action="store_true",
                    help="BUILD is an ASan+UBSan build: preload the sanitizer runtimes")
    ap.add_argument("--known", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "av1_known.json"),
                    help="known failures with reasons (reported as 'known', exit status 0)")
    a = ap.parse_args()
    if a.sanitized:
        for lib in ("libasan.so", "libubsan.so"):
            path = subprocess.run(["cc", "-print-file-name=" + lib], capture_output=True,
                                  text=True).stdout.strip()
            if not os.path.isabs(path):
                sys.exit(f"--sanitized: {lib} not found (cc -print-file-name)")
            SANITIZER_PRELOAD.append(path)
        os.environ["ASAN_OPTIONS"] = "detect_leaks=0:halt_on_error=1"
        os.environ["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
    vdir = os.path.dirname(os.path.dirname(os.path.abspath(a.suite)))
    filters = a.filter.split(",")  # any of these substrings of the input file
    tvs = [t for t in json.load(open(a.suite))["test_vectors"]
           if any(f in t["input_file"] for f in filters)]
    known = {"entries": {}, "prefixes": {}}
    if a.known and os.path.exists(a.known):
        known = json.load(open(a.known))

    def known_reason(tv):
        if tv["name"] in known.get("entries", {}):
            return known["entries"][tv["name"]]
        for pre, why in known.get("prefixes", {}).items():
            if tv["input_file"].startswith(pre):
                return why
        return None

    results = {}
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        futs = {ex.submit(run, a.build, vdir, tv, a.timeout,
                          tv["name"] in known.get("read_by_map", {})): tv for tv in tvs}
        for f in concurrent.futures.as_completed(futs):
            tv = futs[f]
            v, dt, why = f.result()
            kr = known_reason(tv)
            want = "declined" if tv.get("expected") == "unsupported" or not main_profile(tv) else "pass"
            if kr and v != want:
                v, why = "known", f"({v}) {kr}"
            elif kr:
                print(f"NOTE     {tv['name']} is listed as known but now gives '{v}': update av1_known.json")
            results[tv["name"] + ":" + tv["input_file"]] = (tv, v, dt, why)
            if a.verbose or v not in ("pass", "declined", "client", "known"):
                print(f"{v.upper():8} {dt:6.2f}s {tv['input_file']} ({tv['name']}) {why}", flush=True)
    per = collections.defaultdict(collections.Counter)
    times = collections.defaultdict(float)
    ok = True
    for tv, v, dt, why in results.values():
        folder = "/".join(tv["input_file"].split("/")[1:-1])
        per[folder][v + ("" if main_profile(tv) or tv.get("expected") else "(not-420)")] += 1
        times[folder] += dt
        want = "declined" if tv.get("expected") == "unsupported" or not main_profile(tv) else "pass"
        ok &= v == want or v in ("client", "known")
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

#!/usr/bin/env python3
"""AV1 sensitivity report: every control field the simdev AV1 engine reads must change the
output or fail the request. For each fault of simdev/codecs/av1/sim_av1_faults.c (each changes
one field of every request, VAREQ_SIM_FAULTS=<name>) the vectors below are decoded through
ffmpeg + the driver + simdev until one of them gives a different MD5 or an error.

usage: av1_sensitivity.py BUILD_DIR AV1.json [--jobs N]
Exit status 1 when a fault has no effect on any vector and is not in NO_EFFECT below."""
import argparse, concurrent.futures, json, os, sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from sensitivity_lib import decode_md5, fault_names

VECTORS = [
    "av1/8-bit/quantizer/av1-1-b8-00-quantizer-00.ivf",
    "av1/8-bit/quantizer/av1-1-b8-00-quantizer-32.ivf",
    "av1/8-bit/quantizer/av1-1-b8-00-quantizer-63.ivf",
    "av1/8-bit/cdfupdate/av1-1-b8-04-cdfupdate.ivf",
    "av1/8-bit/mv/av1-1-b8-05-mv.ivf",
    "av1/8-bit/mfmv/av1-1-b8-06-mfmv.ivf",
    "av1/8-bit/features/non_uniform_tiling.ivf",
    "av1/8-bit/features/frames_refs_short_signaling.ivf",
    "av1/8-bit/svc/av1-1-b8-22-svc-L1T2.ivf",
    "av1/8-bit/resize/av1-1-b8-03-sizedown.ivf",
    "av1/8-bit/intra/av1-1-b8-02-allintra.ivf",
    "av1/8-bit/data/00000093.ivf",  # several tiles with CDF update, loop restoration
    "av1/8-bit/data/00000529.ivf",  # segmentation, loop restoration
    "av1/8-bit/film_grain/av1-1-b8-23-film_grain-50.ivf",  # film grain applied
    "av1/8-bit/features/ccvb_film_grain.ivf",
]
# Fields that cannot change a correct decode, with the reason (docs/av1.md).
NO_EFFECT = {
    "av1-seq-color-range": "color_range is display metadata: the decode does not read it (film grain clipping follows clip_to_restricted_range, not color_range)",
    "av1-seq-superres": "gates the use_superres bit only: with USE_SUPERRES clear both values decode alike, with it set and the sequence flag clear the engine fails; no 8-bit vector uses superres",
    "av1-seq-sep-uv": "gates the diff_uv_delta bit only: with DIFF_UV_DELTA clear both values decode alike, with it set and the sequence flag clear the engine fails",
}
STRICT = {"av1-refresh-flags"}  # checked against later reference_frame_ts only in strict mode


def decode(build, vdir, inp, fault):
    env = {}
    if fault:
        env["VAREQ_SIM_FAULTS"] = fault
    if fault in STRICT:
        env["VAREQ_SIM_AV1_STRICT"] = "1"
    return decode_md5(build, os.path.join(vdir, inp), env, input_args=("-c:v", "av1"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("suite")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    faults = fault_names("av1")
    vdir = os.path.dirname(os.path.dirname(os.path.abspath(a.suite)))
    ref = {t["input_file"]: t["result"] for t in json.load(open(a.suite))["test_vectors"]
           if not t.get("ffmpeg_input_options")}
    vecs = [v for v in VECTORS if v in ref]
    # the baseline must pass, or the report means nothing
    base = {v: decode(a.build, vdir, v, None) for v in vecs}
    bad = [v for v in vecs if base[v] != ref[v]]
    if bad:
        print("baseline does not match the reference for:", ", ".join(bad))
        return 1

    def probe(fault):
        outcomes = []
        for v in vecs:
            r = decode(a.build, vdir, v, fault)
            if r == "crash" or r == "timeout":
                return fault, r, v
            if r != ref[v]:
                return fault, "detected (" + ("error" if r == "error" else "output changed") + ")", v
            outcomes.append(v)
        return fault, "no effect", ""

    ok = True
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        for fault, verdict, where in ex.map(probe, faults):
            note = ""
            if verdict == "no effect":
                if fault in NO_EFFECT:
                    note = "expected: " + NO_EFFECT[fault]
                else:
                    ok = False
                    note = "NOT DETECTED"
            elif verdict in ("crash", "timeout"):
                ok = False
                note = "ENGINE MUST FAIL CLEANLY"
            print(f"{fault:32} {verdict:28} {where} {note}", flush=True)
    print("sensitivity:", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

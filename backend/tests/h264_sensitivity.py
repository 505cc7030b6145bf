#!/usr/bin/env python3
"""H.264 sensitivity report: every field of every H.264 control must change the output or
fail the request. Each fault of simdev/codecs/h264/sim_h264_faults.c changes one field of
every request (VAREQ_SIM_FAULTS=h264-...); the vectors below are decoded through ffmpeg +
the driver + simdev, FRAME_BASED (profile generic) and SLICE_BASED (generic+slice-based:
one request per slice, START_CODE_NONE), until one gives a different MD5 or an error.

usage: h264_sensitivity.py BUILD_DIR H264-JVT-AVC_V1.json H264-JVT-FR-EXT.json [--jobs N]
       [--markdown FILE]
Exit status 1 when a fault has no effect in a mode and is not listed below with the reason
(docs/h264-sensitivity.md), or when a listed fault starts to have an effect (the list is
then stale)."""
import argparse, concurrent.futures, hashlib, json, os, shutil, subprocess, sys, tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from sensitivity_lib import decode_md5, fault_names

VECTORS = [  # small first: most faults are caught by the first one
    "BA_MW_D", "x264-wp", "x264-b", "NLMQ2_JVC_C", "BAMQ1_JVC_C", "CVPCMNL1_SVA_C", "BA1_FT_C", "MR1_BT_A", "CI_MW_D", "MR2_MW_A",
    "HPCV_BRCM_A", "HPCAFLNL_BRCM_C", "FRExt1_Panasonic_D", "HCAMFF1_HHI_B", "CVSE3_Sony_H",
    "FRExt_MMCO4_Sony_B", "freh12_b", "brcm_freh8", "HCAFR1_HHI_C", "SVA_NL2_E",
]
MODES = {"frame": "generic", "slice": "generic+slice-based"}

# Faults that legitimately cannot change a correct decode, per mode, with the reason.
SP_SI = "SP/SI slices only (Extended profile, declined by the driver; no vector has them)"
POC1 = ("pic_order_cnt_type 1 only: the POC type 1 vectors of the set (MR1_BT_A, BAMQ1_JVC_C, "
        "NLMQ2_JVC_C) have no B slices, and POC only acts on B slices (temporal direct, implicit "
        "weights); VA does not carry these SPS fields, the driver sends 0 (docs/h264-sensitivity.md)")
NO_EFFECT_BOTH = {
    "h264-sps-constraints": "constraint_set flags constrain the encoder; no decoding process depends on them",
    "h264-sps-level": "level_idc bounds the stream; the engine sizes the DPB from the VUI it writes (max_dec_frame_buffering), no decoding process depends on the level",
    "h264-sps-gaps": "gaps_in_frame_num_value_allowed_flag only matters when frame_num has a gap; no vector of the set has one",
    "h264-sps-poc-cycle": POC1, "h264-sps-offset-non-ref": POC1,
    "h264-sps-offset-top-bottom": POC1,
    "h264-dec-delta-poc1": POC1,
    "h264-pps-init-qs": SP_SI,
    "h264-pw-l1-luma-weight": "explicit B weights (weighted_bipred_idc 1) only: no vector of the suites has them and x264 cannot make them (its B weights are implicit); the check covers list 1 (sim_h264_slice.c)",
    "h264-dec-slice-group-change-cycle": "slice groups (FMO) only: the uAPI marks it unused, the driver declines FMO",
    "h264-sm-8x8-chroma": "8x8 chroma scaling lists (entries 2..5) are used for 4:4:4 only (7.4.2.1.1); the driver declines 4:4:4",
}
SLICE_ONLY = "SLICE_PARAMS is not set in FRAME_BASED mode (ext-ctrls-codec-stateless.rst)"
NO_EFFECT = {"frame": dict(NO_EFFECT_BOTH), "slice": dict(NO_EFFECT_BOTH)}


def decode(build, path, profile, fault):
    env = {"VAREQ_SIM_PROFILE": profile}
    if fault:
        env["VAREQ_SIM_FAULTS"] = fault
    return decode_md5(build, path, env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("suites", nargs="+")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--markdown")
    a = ap.parse_args()
    faults = fault_names("h264")
    vecs = {}
    for s in a.suites:
        vdir = os.path.dirname(os.path.dirname(os.path.abspath(s)))
        for t in json.load(open(s))["test_vectors"]:
            if t["output_format"] == "yuv420p":
                vecs[t["name"]] = (os.path.join(vdir, t["input_file"]), t["result"])
    # streams no suite vector has: explicit weighted prediction (P), B pyramid with implicit
    # weights, reference list modifications, several slices (x264); reference: libavcodec
    tmp = tempfile.mkdtemp(prefix="h264-sens-")
    for name, params, fade in (
            ("x264-wp", "weightp=2:bframes=0:slices=2:ref=3:keyint=30", 12),
            ("x264-b", "bframes=3:b-pyramid=normal:weightb=1:weightp=2:ref=4:slices=3:keyint=60", 16)):
        out = os.path.join(tmp, name + ".264")
        gen = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                              f"testsrc2=size=176x144:rate=25,fade=in:0:{fade}", "-frames:v",
                              "30", "-c:v", "libx264", "-x264-params", params + ":threads=1",
                              "-f", "h264", out], capture_output=True)
        ref = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", out, "-f", "rawvideo",
                              "-pix_fmt", "yuv420p", "-"], capture_output=True)
        if gen.returncode or ref.returncode:
            print(f"cannot make {name} with ffmpeg + libx264:", gen.stderr.decode()[-200:])
            return 1
        vecs[name] = (out, hashlib.md5(ref.stdout).hexdigest())
    order = [v for v in VECTORS if v in vecs]
    # the baseline must pass in both modes, or the report means nothing
    for mode, prof in MODES.items():
        bad = [v for v in order if decode(a.build, vecs[v][0], prof, None) != vecs[v][1]]
        if bad:
            print(f"baseline ({mode}) does not match the reference for:", ", ".join(bad))
            return 1

    def probe(job):
        fault, mode = job
        if mode == "frame" and fault.startswith("h264-sl-"):
            return fault, mode, "n/a", ""
        for v in order:
            r = decode(a.build, vecs[v][0], MODES[mode], fault)
            if r in ("crash", "timeout"):
                return fault, mode, r, v
            if r != vecs[v][1]:
                return fault, mode, "error" if r == "error" else "output changed", v
        return fault, mode, "no effect", ""

    ok = True
    res = {}
    jobs = [(f, m) for f in faults for m in MODES]
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        for fault, mode, verdict, where in ex.map(probe, jobs):
            res[(fault, mode)] = (verdict, where)
            note = ""
            listed = NO_EFFECT[mode].get(fault)
            if verdict == "no effect" and not listed:
                ok, note = False, "NOT DETECTED"
            elif verdict in ("crash", "timeout"):
                ok, note = False, "ENGINE MUST FAIL CLEANLY"
            elif verdict not in ("no effect", "n/a") and listed:
                ok, note = False, "LISTED AS NO EFFECT BUT DETECTED (update the list)"
            print(f"{fault:36} {mode:5} {verdict:15} {where:20} {note}", flush=True)
    counted = [k for k in res if res[k][0] != "n/a"]
    detected = [k for k in counted if res[k][0] in ("error", "output changed")]
    print(f"detected: {len(detected)}/{len(counted)} (fault, mode) pairs")
    if a.markdown:
        with open(a.markdown, "w") as md:
            md.write("| fault | FRAME_BASED | SLICE_BASED | reason when no effect |\n|---|---|---|---|\n")
            for f in faults:
                cells = []
                for m in MODES:
                    v, w = res[(f, m)]
                    cells.append(v + (f" ({w})" if w else ""))
                why = NO_EFFECT["slice"].get(f) or NO_EFFECT["frame"].get(f) or ""
                if res[(f, "frame")][0] == "n/a":
                    why = (why + "; " if why else "") + "FRAME_BASED: " + SLICE_ONLY
                md.write(f"| `{f[5:]}` | {cells[0]} | {cells[1]} | {why} |\n")
    shutil.rmtree(tmp, ignore_errors=True)
    print("sensitivity:", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

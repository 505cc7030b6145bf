"""Shared by the sensitivity scripts (h264_sensitivity.py, av1_sensitivity.py): the list of a
codec's simdev faults, and ffmpeg decoding a stream through the driver on simdev to an MD5."""
import hashlib, os, re, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def fault_names(codec):
    """The names of simdev/codecs/<codec>/sim_<codec>_faults.c's fault table, as
    VAREQ_SIM_FAULTS takes them ("<codec>-<name>"), in table order."""
    path = os.path.join(HERE, "..", "..", "simdev", "codecs", codec, f"sim_{codec}_faults.c")
    with open(path) as f:
        return [f"{codec}-{m}" for m in re.findall(r'F\("([a-z0-9-]+)"', f.read())]


def decode_md5(build, path, env=None, input_args=()):
    """ffmpeg decodes path with the VA-API hwaccel through the driver on simdev (frames
    downloaded as NV12, each at its own size, written as yuv420p). Returns the MD5 of the
    whole output, or "error" (ffmpeg failed), "crash" (killed by a signal), "timeout" (120 s).
    env: variables over the caller's environment (VAREQ_SIM_FAULTS, VAREQ_SIM_PROFILE, ...);
    a VAREQ_SIM_FAULTS of the caller's own is dropped. input_args: ffmpeg options before -i."""
    run_env = dict(os.environ,
                   LD_PRELOAD=f"{build}/simdev/preload/libvareq-preload.so",
                   LIBVA_DRIVERS_PATH=f"{build}/backend", LIBVA_DRIVER_NAME="v4l2_request",
                   VAREQ_DEVICE="sim", VAREQ_LOG="error", VAREQ_SIM_LOG="error")
    run_env.pop("VAREQ_SIM_FAULTS", None)
    run_env.update(env or {})
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-hwaccel", "vaapi",
           "-hwaccel_device", "/dev/dri/renderD128", "-hwaccel_output_format", "vaapi",
           *input_args, "-i", path, "-map", "0:v:0", "-vf", "hwdownload,format=nv12",
           "-autoscale", "0", "-fps_mode", "passthrough", "-f", "rawvideo",
           "-pix_fmt", "yuv420p", "-"]
    try:
        p = subprocess.run(cmd, env=run_env, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "timeout"
    if p.returncode < 0 or p.returncode >= 128:
        return "crash"
    return hashlib.md5(p.stdout).hexdigest() if p.returncode == 0 else "error"

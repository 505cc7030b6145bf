# Sourced by the end-to-end test scripts (single_planar_e2e.sh, vp8_vectors_e2e.sh): ffmpeg
# through the driver on simdev. Needs B, the meson build directory.

# ffmpeg_va INPUT OUTPUT-ARGS...: ffmpeg decodes INPUT with the VA-API hwaccel through the
# driver (VAREQ_DEVICE=sim, simdev's preload library presenting the device and a render
# node), downloads the frames with ${VF:-hwdownload,format=nv12}, keeps every frame at its
# own size, and writes them as OUTPUT-ARGS say. VAREQ_LOG (default error),
# VAREQ_SIM_PROFILE and the like pass through from the caller's environment; 120 s at most.
ffmpeg_va() {
  local in=$1
  shift
  LD_PRELOAD="$B/simdev/preload/libvareq-preload.so" LIBVA_DRIVERS_PATH="$B/backend" \
    LIBVA_DRIVER_NAME=v4l2_request VAREQ_DEVICE=sim VAREQ_LOG="${VAREQ_LOG:-error}" \
    timeout 120 \
    ffmpeg -nostdin -v error -hwaccel vaapi -hwaccel_device /dev/dri/renderD128 \
      -hwaccel_output_format vaapi -i "$in" -vf "${VF:-hwdownload,format=nv12}" -autoscale 0 \
      -fps_mode passthrough "$@"
}

# framemd5_sums: the per-frame MD5s (one a line) of ffmpeg's framemd5 output on stdin.
framemd5_sums() {
  grep -v '^#' | awk -F', *' '{print $6}'
}

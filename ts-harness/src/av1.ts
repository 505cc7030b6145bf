/**
 * AV1 specifics of the ffmpeg client (FFmpeg 5.1).
 *
 * - The official suites give the decoder options as libdav1d's (`-oppoint N`, `-alllayers 0|1`,
 *   `-export_side_data film_grain`), which is also the software reference decoder. The hardware
 *   path needs FFmpeg's native `av1` decoder (the one with the VA-API hwaccel; libdav1d has
 *   none): it names the operating point `-operating_point` and always outputs only the highest
 *   spatial layer of it (libdav1d's `-alllayers 0`); all layers cannot be asked for.
 * - FFmpeg 5.1's av1dec calls get_format once per sequence header, so when the frame size grows
 *   at a key frame without a new sequence header it keeps its first frames context and surfaces;
 *   hwdownload then reads each larger frame through a vaCreateImage/vaGetImage of the first
 *   size (hwfc->width/height) and copies the larger frame out of that image (only the top-left
 *   part is right; FFmpeg reads past the image; hwdownload of the exported DRM frame is wrong
 *   too). The driver's surfaces are right, so such a stream is read with hwmap instead: vaDeriveImage
 *   (the surface's real layout), or on the export path an mmap of the dma-buf with the layers of
 *   the exported descriptor.
 */
import type { FrameMd5 } from './md5.js';

export const isAv1 = (codec: string): boolean => codec.toUpperCase() === 'AV1';

/** The software reference decoder for AV1 (what simdev's engine decodes with, and what the suites' MD5s come from). */
export const AV1_SOFTWARE_DECODER = 'libdav1d';

export type HwOptions = { ok: true; options: string[] } | { ok: false; limitation: string };

export const ALL_LAYERS_LIMITATION =
  "client limitation: FFmpeg 5.1's native AV1 decoder (the one with the VA-API hwaccel) outputs only the highest spatial layer of the operating point; it cannot output all layers (libdav1d -alllayers 1)";

/**
 * The suite's libdav1d input options as options of the native decoder, or the limitation that
 * keeps the native decoder from giving what the reference covers. Other options pass unchanged.
 */
export function av1HwInputOptions(libdav1dOptions: readonly string[]): HwOptions {
  const out: string[] = [];
  for (let i = 0; i < libdav1dOptions.length; i++) {
    const opt = libdav1dOptions[i] ?? '';
    const value = libdav1dOptions[i + 1];
    if (opt === '-oppoint' && value !== undefined) {
      out.push('-operating_point', value);
      i++;
    } else if (opt === '-alllayers' && value !== undefined) {
      if (value !== '0') return { ok: false, limitation: ALL_LAYERS_LIMITATION };
      i++;
    } else {
      out.push(opt);
    }
  }
  return { ok: true, options: out };
}

export const MAP_READ_REASON =
  "read with hwmap (vaDeriveImage, or an mmap of the exported DRM PRIME descriptor), not hwdownload: the frame size grows within a sequence and FFmpeg 5.1's av1dec keeps its first frames context, so hwdownload would copy each larger frame out of an image of the first size";

/**
 * Whether the hardware output must be read by mapping (see the module comment): an AV1 stream
 * whose reference has a frame larger than its first frame.
 */
export function av1NeedsMapRead(codec: string, reference: readonly FrameMd5[] | null): boolean {
  if (!isAv1(codec) || !reference || reference.length === 0) return false;
  const first = reference[0]?.size ?? 0;
  return reference.some((f) => f.size > first);
}

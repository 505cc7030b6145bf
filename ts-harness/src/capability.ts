/**
 * What a probed device can decode, and whether a generated stream falls outside it: the coded
 * sizes come from VIDIOC_ENUM_FRAMESIZES of the coded format (what the driver also advertises as
 * VASurfaceAttribMin/MaxWidth/Height, which FFmpeg checks before it decodes), the bit depths from
 * the VA profiles the driver advertises for the device.
 */
import type { FrameSizeRange, ProbeResult } from './probe.js';

export interface CodecCapability {
  /** The device has the coded format (OUTPUT fourcc). */
  present: boolean;
  /** VA profiles advertised for the codec (names as vainfo prints them). */
  vaProfiles: string[];
  /** Sizes the decoder accepts; empty: not reported (no limit known). */
  frameSizes: FrameSizeRange[];
}

/** A generated stream as corpora/manifest.json describes it. */
export interface StreamShape {
  name: string;
  /** VP9 profile (0: 8-bit 4:2:0, 2: 10/12-bit 4:2:0). */
  profile: number;
  /** Every frame size in the stream, "WxH". */
  sizes: string[];
}

const VP9_FOURCC = 'VP9F';
const VP9_VA_PROFILE: Record<number, string> = { 0: 'VAProfileVP9Profile0', 1: 'VAProfileVP9Profile1', 2: 'VAProfileVP9Profile2', 3: 'VAProfileVP9Profile3' };

export function vp9Capability(p: ProbeResult): CodecCapability {
  const formats = p.devices.flatMap((d) => d.output_formats.filter((f) => f.fourcc === VP9_FOURCC));
  return {
    present: formats.length > 0,
    vaProfiles: (p.va?.profiles ?? []).map((x) => x.profile).filter((x) => x.startsWith('VAProfileVP9')),
    frameSizes: formats.flatMap((f) => f.frame_sizes),
  };
}

function parseSize(s: string): { w: number; h: number } {
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (!m) throw new Error(`bad frame size "${s}"`);
  return { w: Number(m[1]), h: Number(m[2]) };
}

const fits = (r: FrameSizeRange, w: number, h: number): boolean => w >= r.min_width && w <= r.max_width && h >= r.min_height && h <= r.max_height;

/**
 * Why the device cannot decode the stream (a clean decline is then the right answer), or null when
 * it can: its VP9 profile (bit depth) is not advertised, or a frame size is outside every range
 * the decoder reports.
 */
export function vp9Exclusion(cap: CodecCapability, s: StreamShape): string | null {
  if (!cap.present) return 'the device has no VP9 decoder';
  const va = VP9_VA_PROFILE[s.profile];
  if (!va || !cap.vaProfiles.includes(va)) {
    return `VP9 profile ${s.profile} (${s.profile >= 2 ? 'high bit depth' : '8-bit'}) is not advertised (${va ?? '?'} not in ${cap.vaProfiles.join(', ') || 'no VP9 profile'})`;
  }
  if (cap.frameSizes.length === 0) return null;
  for (const size of s.sizes) {
    const { w, h } = parseSize(size);
    if (!cap.frameSizes.some((r) => fits(r, w, h))) {
      const ranges = cap.frameSizes.map((r) => `${r.min_width}x${r.min_height}..${r.max_width}x${r.max_height}`).join(', ');
      return `frame size ${size} is outside the decoder's sizes ${ranges}`;
    }
  }
  return null;
}

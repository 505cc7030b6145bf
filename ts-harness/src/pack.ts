/**
 * Planar 4:2:0 → semi-planar layouts, the way a decoder's CAPTURE buffer holds them and FFmpeg's
 * framemd5 hashes them (rows packed without padding): the per-frame software reference for P010
 * outputs is built here instead of by swscale, whose yuv420p10le → p010le conversion leaves the
 * last chroma column zero at odd widths (FFmpeg 5.1).
 */

/** Chroma plane size of 4:2:0 at an odd or even size: ceil(w/2) × ceil(h/2). */
export function chromaSize(width: number, height: number): { cw: number; ch: number } {
  return { cw: (width + 1) >> 1, ch: (height + 1) >> 1 };
}

/** Bytes of one 4:2:0 frame: planar or semi-planar, `bytesPerSample` 1 (8-bit) or 2 (10/16-bit). */
export function frameBytes420(width: number, height: number, bytesPerSample: 1 | 2): number {
  const { cw, ch } = chromaSize(width, height);
  return bytesPerSample * (width * height + 2 * cw * ch);
}

function checkSize(what: string, planar: Uint8Array, width: number, height: number, bps: 1 | 2): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`${what}: bad frame size ${width}x${height}`);
  }
  const want = frameBytes420(width, height, bps);
  if (planar.length !== want) throw new RangeError(`${what}: ${planar.length} bytes for ${width}x${height}, expected ${want}`);
}

/**
 * yuv420p10le (Y, U, V planes of 16-bit little-endian samples, 10 significant bits) → P010: the
 * Y plane and one interleaved U,V plane, each sample shifted into the 10 high bits (sample << 6).
 * Odd sizes: ceil(w/2) chroma pairs per row, ceil(h/2) chroma rows, every one of them carried over.
 */
export function packP010(planar: Uint8Array, width: number, height: number): Buffer {
  checkSize('packP010', planar, width, height, 2);
  const { cw, ch } = chromaSize(width, height);
  const src = new DataView(planar.buffer, planar.byteOffset, planar.byteLength);
  const out = Buffer.alloc(planar.length);
  const ySamples = width * height;
  for (let i = 0; i < ySamples; i++) out.writeUInt16LE((src.getUint16(2 * i, true) << 6) & 0xffff, 2 * i);
  const uBase = 2 * ySamples;
  const vBase = uBase + 2 * cw * ch;
  for (let i = 0; i < cw * ch; i++) {
    const u = src.getUint16(uBase + 2 * i, true);
    const v = src.getUint16(vBase + 2 * i, true);
    out.writeUInt16LE((u << 6) & 0xffff, uBase + 4 * i);
    out.writeUInt16LE((v << 6) & 0xffff, uBase + 4 * i + 2);
  }
  return out;
}

/** yuv420p → NV12 (Y plane, then interleaved U,V), rows without padding; odd sizes as in packP010. */
export function packNv12(planar: Uint8Array, width: number, height: number): Buffer {
  checkSize('packNv12', planar, width, height, 1);
  const { cw, ch } = chromaSize(width, height);
  const out = Buffer.alloc(planar.length);
  const ySamples = width * height;
  out.set(planar.subarray(0, ySamples), 0);
  const vBase = ySamples + cw * ch;
  for (let i = 0; i < cw * ch; i++) {
    out[ySamples + 2 * i] = planar[ySamples + i] ?? 0;
    out[ySamples + 2 * i + 1] = planar[vBase + i] ?? 0;
  }
  return out;
}

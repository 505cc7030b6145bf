/** PNG pictures of a frame (BT.601 limited range → RGB) and of the difference of two frames. */
import { PNG } from 'pngjs';
import type { YuvFrame } from './y4m.js';

const clamp = (x: number): number => (x < 0 ? 0 : x > 255 ? 255 : Math.round(x));

function sampleAt(f: YuvFrame, x: number, y: number): { Y: number; U: number; V: number } {
  const shift = f.depth - 8;
  const cw = Math.ceil(f.width / 2);
  const ci = (y >> 1) * cw + (x >> 1);
  return { Y: (f.y[y * f.width + x] ?? 0) >> shift, U: (f.u[ci] ?? 128) >> shift, V: (f.v[ci] ?? 128) >> shift };
}

export function frameToPng(f: YuvFrame): Buffer {
  const png = new PNG({ width: f.width, height: f.height });
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const { Y, U, V } = sampleAt(f, x, y);
      const c = 1.164 * (Y - 16);
      const d = U - 128;
      const e = V - 128;
      const o = (y * f.width + x) * 4;
      png.data[o] = clamp(c + 1.596 * e);
      png.data[o + 1] = clamp(c - 0.392 * d - 0.813 * e);
      png.data[o + 2] = clamp(c + 2.017 * d);
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export interface FrameDiff {
  /** PNG: the reference's luma dimmed to a quarter, pixels that differ in red (brighter = larger). */
  png: Buffer;
  differingPixels: number;
  totalPixels: number;
  maxDifference: number;
  /** PSNR of the luma plane in dB (Infinity when identical). */
  psnrY: number;
}

/** Difference of two frames of the same size (samples compared at 8 bits). */
export function diffFrames(actual: YuvFrame, reference: YuvFrame): FrameDiff {
  if (actual.width !== reference.width || actual.height !== reference.height) {
    throw new Error(`frame sizes differ: ${actual.width}x${actual.height} vs reference ${reference.width}x${reference.height}`);
  }
  const { width, height } = reference;
  const png = new PNG({ width, height });
  let differing = 0;
  let maxDiff = 0;
  let sse = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = sampleAt(actual, x, y);
      const r = sampleAt(reference, x, y);
      const d = Math.max(Math.abs(a.Y - r.Y), Math.abs(a.U - r.U), Math.abs(a.V - r.V));
      sse += (a.Y - r.Y) ** 2;
      const o = (y * width + x) * 4;
      const base = r.Y >> 2;
      if (d > 0) {
        differing++;
        if (d > maxDiff) maxDiff = d;
        png.data[o] = clamp(128 + 8 * d);
        png.data[o + 1] = base >> 1;
        png.data[o + 2] = base >> 1;
      } else {
        png.data[o] = base;
        png.data[o + 1] = base;
        png.data[o + 2] = base;
      }
      png.data[o + 3] = 255;
    }
  }
  const mse = sse / (width * height);
  return { png: PNG.sync.write(png), differingPixels: differing, totalPixels: width * height, maxDifference: maxDiff, psnrY: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse) };
}

/** MD5 helpers and ffmpeg framemd5 parsing. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FrameMd5 {
  stream: number;
  pts: string;
  size: number;
  md5: string;
}

export interface FrameMd5File {
  hash: string;
  /** "#dimensions" per stream from the header (first frame's size). */
  dimensions: Map<number, string>;
  frames: FrameMd5[];
}

/**
 * Parses ffmpeg's framemd5 muxer output (versions 1 and 2). Lines: stream, dts, pts, duration,
 * size, hash. Throws on a malformed frame line.
 */
export function parseFrameMd5(text: string): FrameMd5File {
  const out: FrameMd5File = { hash: 'MD5', dimensions: new Map(), frames: [] };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const hash = /^#hash:\s*(\S+)/.exec(line);
      if (hash?.[1]) out.hash = hash[1];
      const dim = /^#dimensions (\d+):\s*(\d+x\d+)/.exec(line);
      if (dim?.[1] && dim[2]) out.dimensions.set(Number(dim[1]), dim[2]);
      return;
    }
    const fields = line.split(',').map((f) => f.trim());
    const [stream, , pts, , size, md5] = fields;
    if (fields.length !== 6 || stream === undefined || pts === undefined || size === undefined || md5 === undefined ||
        !/^\d+$/.test(stream) || !/^\d+$/.test(size) || !/^[0-9a-f]{32}$/i.test(md5)) {
      throw new Error(`framemd5 line ${idx + 1}: cannot parse "${line}"`);
    }
    out.frames.push({ stream: Number(stream), pts, size: Number(size), md5: md5.toLowerCase() });
  });
  if (out.hash.toUpperCase() !== 'MD5') throw new Error(`framemd5: unexpected hash ${out.hash}`);
  return out;
}

/** Video frames of one stream (default: stream 0). */
export function framesOf(file: FrameMd5File, stream = 0): FrameMd5[] {
  return file.frames.filter((f) => f.stream === stream);
}

export interface FrameComparison {
  /** Frames compared (the shorter of the two lists). */
  compared: number;
  mismatches: number;
  /** Index (0-based, output order) of the first frame that differs, or null. */
  firstMismatch: number | null;
  firstMismatchReason: string | null;
  countMismatch: { actual: number; expected: number } | null;
}

/** Compares two per-frame MD5 lists in output order. A missing or extra frame is a mismatch. */
export function compareFrames(actual: readonly FrameMd5[], expected: readonly FrameMd5[]): FrameComparison {
  const compared = Math.min(actual.length, expected.length);
  let mismatches = 0;
  let firstMismatch: number | null = null;
  let firstMismatchReason: string | null = null;
  for (let i = 0; i < compared; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!a || !e) continue;
    if (a.md5 !== e.md5 || a.size !== e.size) {
      mismatches++;
      if (firstMismatch === null) {
        firstMismatch = i;
        firstMismatchReason = a.size !== e.size ? `size ${a.size} B, expected ${e.size} B` : 'MD5 differs';
      }
    }
  }
  const extra = Math.abs(actual.length - expected.length);
  let countMismatch: FrameComparison['countMismatch'] = null;
  if (extra > 0) {
    mismatches += extra;
    countMismatch = { actual: actual.length, expected: expected.length };
    if (firstMismatch === null) {
      firstMismatch = compared;
      firstMismatchReason = actual.length < expected.length ? 'frame missing' : 'extra frame';
    }
  }
  return { compared, mismatches, firstMismatch, firstMismatchReason, countMismatch };
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** Streaming hash (used for the whole-output MD5 of a decoder's stdout). */
export function newMd5(): Hash {
  return createHash('md5');
}

export async function fileHash(file: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** IVF container reading/writing and a look into VP9 frames (superframes, uncompressed headers). */
import { newVp9State, parseVp9Header, type Vp9Header } from './vp9header.js';

export interface IvfHeader {
  fourcc: string;
  width: number;
  height: number;
  rateNum: number;
  rateDen: number;
  frameCount: number;
}

export interface IvfFrame {
  timestamp: bigint;
  data: Buffer;
}

export interface IvfFile {
  header: IvfHeader;
  frames: IvfFrame[];
}

export const IVF_HEADER_SIZE = 32;
const IVF_FRAME_HEADER_SIZE = 12;

export function parseIvf(buf: Buffer): IvfFile {
  if (buf.length < IVF_HEADER_SIZE || buf.toString('latin1', 0, 4) !== 'DKIF') {
    throw new Error('not an IVF file (no DKIF signature)');
  }
  const headerLen = buf.readUInt16LE(6);
  const header: IvfHeader = {
    fourcc: buf.toString('latin1', 8, 12),
    width: buf.readUInt16LE(12),
    height: buf.readUInt16LE(14),
    rateNum: buf.readUInt32LE(16),
    rateDen: buf.readUInt32LE(20),
    frameCount: buf.readUInt32LE(24),
  };
  const frames: IvfFrame[] = [];
  let off = Math.max(headerLen, IVF_HEADER_SIZE);
  while (off + IVF_FRAME_HEADER_SIZE <= buf.length) {
    const size = buf.readUInt32LE(off);
    const timestamp = buf.readBigUInt64LE(off + 4);
    const start = off + IVF_FRAME_HEADER_SIZE;
    if (start + size > buf.length) throw new Error(`truncated IVF frame at offset ${off}`);
    frames.push({ timestamp, data: buf.subarray(start, start + size) });
    off = start + size;
  }
  if (off !== buf.length) throw new Error(`trailing bytes after the last IVF frame (offset ${off})`);
  return { header, frames };
}

/** The 32-byte IVF file header (`frameCount`: the header's frame count field; 0 = unknown). */
export function writeIvfHeader(header: Omit<IvfHeader, 'frameCount'>, frameCount: number): Buffer {
  const h = Buffer.alloc(IVF_HEADER_SIZE);
  h.write('DKIF', 0, 'latin1');
  h.writeUInt16LE(0, 4); // version
  h.writeUInt16LE(IVF_HEADER_SIZE, 6);
  h.write(header.fourcc, 8, 'latin1');
  h.writeUInt16LE(header.width, 12);
  h.writeUInt16LE(header.height, 14);
  h.writeUInt32LE(header.rateNum, 16); // time base denominator (rate)
  h.writeUInt32LE(header.rateDen, 20); // numerator (scale)
  h.writeUInt32LE(frameCount, 24);
  return h;
}

export function writeIvf(file: IvfFile): Buffer {
  const parts: Buffer[] = [writeIvfHeader(file.header, file.frames.length)];
  for (const f of file.frames) {
    const fh = Buffer.alloc(IVF_FRAME_HEADER_SIZE);
    fh.writeUInt32LE(f.data.length, 0);
    fh.writeBigUInt64LE(f.timestamp, 4);
    parts.push(fh, f.data);
  }
  return Buffer.concat(parts);
}

/** Splits a VP9 superframe into its frames (a plain frame gives itself). */
export function splitVp9Superframe(data: Buffer): Buffer[] {
  if (data.length === 0) return [];
  const marker = data[data.length - 1] ?? 0;
  if ((marker & 0xe0) !== 0xc0) return [data];
  const count = (marker & 7) + 1;
  const mag = ((marker >> 3) & 3) + 1;
  const indexSize = 2 + mag * count;
  if (data.length < indexSize || data[data.length - indexSize] !== marker) return [data];
  const out: Buffer[] = [];
  let pos = data.length - indexSize + 1;
  let off = 0;
  for (let i = 0; i < count; i++) {
    let size = 0;
    for (let b = 0; b < mag; b++) size |= (data[pos + b] ?? 0) << (8 * b);
    pos += mag;
    if (off + size > data.length - indexSize) throw new Error('VP9 superframe index points past the data');
    out.push(data.subarray(off, off + size));
    off += size;
  }
  return out;
}

export interface Vp9StreamSummary {
  packets: number;
  frames: number;
  hiddenFrames: number;
  shownFrames: number;
  keyFrames: number;
  superframes: number;
  profiles: number[];
  bitDepths: number[];
  /** Frame sizes in decode order, deduplicated consecutive runs ("WxH"). */
  sizes: string[];
  /** The features the stream uses (FEATURES), sorted. */
  features: string[];
}

/** Feature names that recipes can ask for in expect.features. */
export const FEATURES = [
  'hidden', 'intra_only', 'show_existing', 'error_resilient', 'reset_frame_context', 'frame_context_idx',
  'no_context_refresh', 'frame_parallel', 'backward_adaptation', 'segmentation', 'seg_update_map', 'seg_temporal_update', 'seg_features',
  'lf_deltas', 'lossless', 'tile_cols', 'tile_rows', 'scaled_reference', 'size_change', 'odd_size',
] as const;
export type Feature = (typeof FEATURES)[number];

/** Parses every frame's uncompressed header (vp9header.ts) and lists the features used. */
export function summarizeVp9(file: IvfFile): Vp9StreamSummary {
  const s: Vp9StreamSummary = { packets: 0, frames: 0, hiddenFrames: 0, shownFrames: 0, keyFrames: 0, superframes: 0,
    profiles: [], bitDepths: [], sizes: [], features: [] };
  const profiles = new Set<number>();
  const depths = new Set<number>();
  const features = new Set<Feature>();
  const st = newVp9State();
  let last = '';
  for (const [n, pkt] of file.frames.entries()) {
    s.packets++;
    const subs = splitVp9Superframe(pkt.data);
    if (subs.length > 1) s.superframes++;
    for (const sub of subs) {
      let h: Vp9Header;
      try {
        h = parseVp9Header(sub, st);
      } catch (err) {
        throw new Error(`packet ${n}: ${err instanceof Error ? err.message : String(err)}`);
      }
      profiles.add(h.profile);
      if (h.showExistingFrame) {
        s.shownFrames++;
        features.add('show_existing');
        continue;
      }
      depths.add(h.bitDepth);
      s.frames++;
      const size = `${h.width}x${h.height}`;
      if (size !== last) {
        if (last && (h.keyFrame || h.intraOnly)) features.add('size_change');
        s.sizes.push(size);
        last = size;
      }
      if (h.keyFrame) s.keyFrames++;
      if (h.showFrame) s.shownFrames++;
      else {
        s.hiddenFrames++;
        features.add('hidden');
      }
      if (h.intraOnly) features.add('intra_only');
      if (h.errorResilient) features.add('error_resilient');
      if (h.resetFrameContext) features.add('reset_frame_context');
      if (h.frameContextIdx) features.add('frame_context_idx');
      if (!h.errorResilient && !h.refreshFrameContext) features.add('no_context_refresh');
      if (!h.errorResilient && h.frameParallel) features.add('frame_parallel');
      if (!h.errorResilient && h.refreshFrameContext && !h.frameParallel) features.add('backward_adaptation');
      if (h.segEnabled) features.add('segmentation');
      if (h.segUpdateMap) features.add('seg_update_map');
      if (h.segTemporalUpdate) features.add('seg_temporal_update');
      if (h.segFeatures.some((m) => m !== 0)) features.add('seg_features');
      if (h.lfDeltaEnabled && h.lfDeltaUpdate) features.add('lf_deltas');
      if (h.lossless) features.add('lossless');
      if (h.tileColsLog2) features.add('tile_cols');
      if (h.tileRowsLog2) features.add('tile_rows');
      if (h.refSizes.some(([w, hh]) => w !== h.width || hh !== h.height)) features.add('scaled_reference');
      if ((h.width & 1) || (h.height & 1)) features.add('odd_size');
    }
  }
  s.profiles = [...profiles].sort();
  s.bitDepths = [...depths].sort();
  s.features = FEATURES.filter((f) => features.has(f));
  return s;
}

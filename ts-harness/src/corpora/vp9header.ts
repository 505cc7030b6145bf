/**
 * VP9 uncompressed frame header parser (VP9 bitstream specification 6.2, "Uncompressed
 * header syntax"), with the state that crosses frames (reference slot sizes, segmentation
 * and loop-filter persistence are not needed: every field is read, none is inferred from a
 * previous frame except frame_size_with_refs). Used by the corpus generator to prove that a
 * generated stream really uses the features its recipe names, and to rewrite keyframes as
 * intra-only frames (bit positions of the header parts).
 */

export class BitReader {
  bit = 0;
  constructor(private readonly data: Buffer) {}

  f(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.data[this.bit >> 3];
      if (byte === undefined) throw new Error('VP9 uncompressed header truncated');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }

  /** su(n): n-bit magnitude then a sign bit. */
  su(n: number): number {
    const v = this.f(n);
    return this.f(1) ? -v : v;
  }
}

export class BitWriter {
  private readonly bytes: number[] = [];
  private bits = 0;

  put(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) {
      const b = Math.floor(value / 2 ** i) & 1;
      if ((this.bits & 7) === 0) this.bytes.push(0);
      if (b) this.bytes[this.bytes.length - 1] = (this.bytes[this.bytes.length - 1] ?? 0) | (0x80 >> (this.bits & 7));
      this.bits++;
    }
  }

  /** Copies bits [from, to) of data. */
  copy(data: Buffer, from: number, to: number): void {
    for (let p = from; p < to; p++) this.put(((data[p >> 3] ?? 0) >> (7 - (p & 7))) & 1, 1);
  }

  /** Zero bits up to the next byte boundary. */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

export const KEY_FRAME = 0;

/** Stream state between frames: the size of the frame in each of the 8 reference slots. */
export interface Vp9ParserState {
  refWidth: number[];
  refHeight: number[];
  seenIntra: boolean;
}

export function newVp9State(): Vp9ParserState {
  return { refWidth: new Array<number>(8).fill(0), refHeight: new Array<number>(8).fill(0), seenIntra: false };
}

export interface Vp9Header {
  profile: number;
  showExistingFrame: boolean;
  frameToShow: number;
  keyFrame: boolean;
  showFrame: boolean;
  errorResilient: boolean;
  intraOnly: boolean;
  resetFrameContext: number;
  bitDepth: number;
  refreshFrameFlags: number;
  refFrameIdx: number[];
  width: number;
  height: number;
  /** Sizes of the three references of an inter frame (last, golden, altref). */
  refSizes: Array<[number, number]>;
  refreshFrameContext: boolean;
  frameParallel: boolean;
  frameContextIdx: number;
  filterLevel: number;
  sharpness: number;
  lfDeltaEnabled: boolean;
  lfDeltaUpdate: boolean;
  baseQIdx: number;
  lossless: boolean;
  segEnabled: boolean;
  segUpdateMap: boolean;
  segTemporalUpdate: boolean;
  segUpdateData: boolean;
  /** Segment features enabled in this frame's update: bit j of entry i = feature j of segment i. */
  segFeatures: number[];
  tileColsLog2: number;
  tileRowsLog2: number;
  headerSizeInBytes: number;
  /** Byte length of the uncompressed header (trailing bits included). */
  uncompressedBytes: number;
  /** Bit positions used to rewrite the header (see makeIntraOnly). */
  pos: { colorConfig: [number, number]; sizes: [number, number]; rest: [number, number] };
}

const SYNC = [0x49, 0x83, 0x42];

function syncCode(r: BitReader): void {
  for (const b of SYNC) if (r.f(8) !== b) throw new Error('bad VP9 frame sync code');
}

function colorConfig(r: BitReader, profile: number): number {
  let bitDepth = 8;
  if (profile >= 2) bitDepth = r.f(1) ? 12 : 10;
  const colorSpace = r.f(3);
  if (colorSpace !== 7) {
    r.f(1); // color_range
    if (profile === 1 || profile === 3) {
      r.f(2); // subsampling_x, subsampling_y
      if (r.f(1)) throw new Error('VP9 reserved_zero is set');
    }
  } else if (profile === 1 || profile === 3) {
    if (r.f(1)) throw new Error('VP9 reserved_zero is set');
  } else {
    throw new Error('VP9 sRGB colour space in profile 0/2');
  }
  return bitDepth;
}

function renderSize(r: BitReader): void {
  if (r.f(1)) r.f(32);
}

/** Parses one frame (not a superframe) and updates the reference state. */
export function parseVp9Header(data: Buffer, st: Vp9ParserState): Vp9Header {
  const r = new BitReader(data);
  if (r.f(2) !== 2) throw new Error('bad VP9 frame marker');
  const low = r.f(1);
  const profile = (r.f(1) << 1) | low;
  if (profile === 3 && r.f(1)) throw new Error('VP9 reserved_zero is set');
  const h: Vp9Header = {
    profile, showExistingFrame: false, frameToShow: 0, keyFrame: false, showFrame: true, errorResilient: false,
    intraOnly: false, resetFrameContext: 0, bitDepth: 8, refreshFrameFlags: 0, refFrameIdx: [], width: 0, height: 0,
    refSizes: [], refreshFrameContext: false, frameParallel: true, frameContextIdx: 0, filterLevel: 0, sharpness: 0,
    lfDeltaEnabled: false, lfDeltaUpdate: false, baseQIdx: 0, lossless: false, segEnabled: false, segUpdateMap: false,
    segTemporalUpdate: false, segUpdateData: false, segFeatures: [], tileColsLog2: 0, tileRowsLog2: 0,
    headerSizeInBytes: 0, uncompressedBytes: 0,
    pos: { colorConfig: [0, 0], sizes: [0, 0], rest: [0, 0] },
  };
  if (r.f(1)) {
    h.showExistingFrame = true;
    h.frameToShow = r.f(3);
    h.uncompressedBytes = (r.bit + 7) >> 3;
    return h;
  }
  h.keyFrame = r.f(1) === KEY_FRAME;
  h.showFrame = r.f(1) === 1;
  h.errorResilient = r.f(1) === 1;
  if (h.keyFrame) {
    syncCode(r);
    h.pos.colorConfig[0] = r.bit;
    h.bitDepth = colorConfig(r, profile);
    h.pos.colorConfig[1] = r.bit;
    h.pos.sizes[0] = r.bit;
    h.width = r.f(16) + 1;
    h.height = r.f(16) + 1;
    renderSize(r);
    h.pos.sizes[1] = r.bit;
    h.refreshFrameFlags = 0xff;
  } else {
    h.intraOnly = h.showFrame ? false : r.f(1) === 1;
    h.resetFrameContext = h.errorResilient ? 0 : r.f(2);
    if (h.intraOnly) {
      syncCode(r);
      h.pos.colorConfig[0] = r.bit;
      if (profile > 0) h.bitDepth = colorConfig(r, profile);
      h.pos.colorConfig[1] = r.bit;
      h.refreshFrameFlags = r.f(8);
      h.pos.sizes[0] = r.bit;
      h.width = r.f(16) + 1;
      h.height = r.f(16) + 1;
      renderSize(r);
      h.pos.sizes[1] = r.bit;
    } else {
      if (!st.seenIntra) throw new Error('VP9 inter frame before any keyframe or intra-only frame');
      h.bitDepth = profile >= 2 ? 10 : 8; // not coded; the references' depth (12-bit streams are not generated)
      h.refreshFrameFlags = r.f(8);
      for (let i = 0; i < 3; i++) {
        h.refFrameIdx.push(r.f(3));
        r.f(1); // sign bias
      }
      let found = false;
      for (let i = 0; i < 3; i++) {
        if (r.f(1)) {
          const idx = h.refFrameIdx[i] ?? 0;
          h.width = st.refWidth[idx] ?? 0;
          h.height = st.refHeight[idx] ?? 0;
          found = true;
          break;
        }
      }
      if (!found) {
        h.width = r.f(16) + 1;
        h.height = r.f(16) + 1;
      }
      renderSize(r);
      h.refSizes = h.refFrameIdx.map((i) => [st.refWidth[i] ?? 0, st.refHeight[i] ?? 0]);
      for (const [w, hh] of h.refSizes) {
        if (!w || !hh) throw new Error('VP9 inter frame references an empty slot');
        // spec 7.2: 2 * FrameWidth >= RefFrameWidth, FrameWidth <= 16 * RefFrameWidth (same for heights)
        if (2 * h.width < w || 2 * h.height < hh || h.width > 16 * w || h.height > 16 * hh) {
          throw new Error(`VP9 reference of ${w}x${hh} cannot be scaled to ${h.width}x${h.height}`);
        }
      }
      r.f(1); // allow_high_precision_mv
      if (!r.f(1)) r.f(2); // interpolation filter
    }
  }
  h.pos.rest[0] = r.bit;
  if (!h.errorResilient) {
    h.refreshFrameContext = r.f(1) === 1;
    h.frameParallel = r.f(1) === 1;
  }
  h.frameContextIdx = r.f(2);
  // loop_filter_params
  h.filterLevel = r.f(6);
  h.sharpness = r.f(3);
  h.lfDeltaEnabled = r.f(1) === 1;
  if (h.lfDeltaEnabled) {
    h.lfDeltaUpdate = r.f(1) === 1;
    if (h.lfDeltaUpdate) {
      for (let i = 0; i < 4; i++) if (r.f(1)) r.su(6);
      for (let i = 0; i < 2; i++) if (r.f(1)) r.su(6);
    }
  }
  // quantization_params
  h.baseQIdx = r.f(8);
  let deltas = 0;
  for (let i = 0; i < 3; i++) if (r.f(1)) deltas |= r.su(4) !== 0 ? 1 : 0;
  h.lossless = h.baseQIdx === 0 && deltas === 0;
  // segmentation_params
  h.segEnabled = r.f(1) === 1;
  if (h.segEnabled) {
    h.segUpdateMap = r.f(1) === 1;
    if (h.segUpdateMap) {
      for (let i = 0; i < 7; i++) if (r.f(1)) r.f(8);
      h.segTemporalUpdate = r.f(1) === 1;
      if (h.segTemporalUpdate) for (let i = 0; i < 3; i++) if (r.f(1)) r.f(8);
    }
    h.segUpdateData = r.f(1) === 1;
    if (h.segUpdateData) {
      r.f(1); // abs_or_delta
      const bits = [8, 6, 2, 0];
      const signed = [true, true, false, false];
      for (let i = 0; i < 8; i++) {
        let mask = 0;
        for (let j = 0; j < 4; j++) {
          if (r.f(1)) {
            mask |= 1 << j;
            r.f(bits[j] ?? 0);
            if (signed[j]) r.f(1);
          }
        }
        h.segFeatures.push(mask);
      }
    }
  }
  // tile_info
  const sb64Cols = (((h.width + 7) >> 3) + 7) >> 3;
  let minLog2 = 0;
  while ((64 << minLog2) < sb64Cols) minLog2++;
  let maxLog2 = 1;
  while ((sb64Cols >> maxLog2) >= 4) maxLog2++;
  maxLog2--;
  h.tileColsLog2 = minLog2;
  while (h.tileColsLog2 < maxLog2) {
    if (r.f(1)) h.tileColsLog2++;
    else break;
  }
  h.tileRowsLog2 = r.f(1);
  if (h.tileRowsLog2) h.tileRowsLog2 += r.f(1);
  h.headerSizeInBytes = r.f(16);
  h.pos.rest[1] = r.bit;
  if (h.headerSizeInBytes === 0) throw new Error('VP9 header_size_in_bytes is 0');
  h.uncompressedBytes = (r.bit + 7) >> 3;
  if (h.uncompressedBytes + h.headerSizeInBytes > data.length) throw new Error('VP9 compressed header past the frame');

  if (h.keyFrame || h.intraOnly) st.seenIntra = true;
  for (let i = 0; i < 8; i++) {
    if (h.refreshFrameFlags & (1 << i)) {
      st.refWidth[i] = h.width;
      st.refHeight[i] = h.height;
    }
  }
  return h;
}

/**
 * Rewrites a keyframe (error_resilient_mode 0) as a hidden intra-only frame that decodes the
 * same picture: reset_frame_context as given (3 = all contexts, as a keyframe does),
 * refresh_frame_flags 0xff; colour config (profile > 0), frame size, render size and the rest
 * of the header are copied bit for bit; the compressed header and tile data are kept.
 */
export function makeIntraOnly(frame: Buffer, h: Vp9Header, resetFrameContext: number): Buffer {
  if (!h.keyFrame || h.errorResilient) throw new Error('only keyframes without error_resilient_mode can become intra-only frames');
  const w = new BitWriter();
  w.put(2, 2);
  w.put(h.profile & 1, 1);
  w.put(h.profile >> 1, 1);
  if (h.profile === 3) w.put(0, 1);
  w.put(0, 1); // show_existing_frame
  w.put(1, 1); // frame_type: non-key
  w.put(0, 1); // show_frame
  w.put(0, 1); // error_resilient_mode
  w.put(1, 1); // intra_only
  w.put(resetFrameContext, 2);
  for (const b of SYNC) w.put(b, 8);
  if (h.profile > 0) w.copy(frame, h.pos.colorConfig[0], h.pos.colorConfig[1]);
  w.put(0xff, 8); // refresh_frame_flags
  w.copy(frame, h.pos.sizes[0], h.pos.sizes[1]);
  w.copy(frame, h.pos.rest[0], h.pos.rest[1]);
  return Buffer.concat([w.toBuffer(), frame.subarray(h.uncompressedBytes)]);
}

/** A one-byte show_existing_frame of slot idx. */
export function showExistingFrame(profile: number, idx: number): Buffer {
  const w = new BitWriter();
  w.put(2, 2);
  w.put(profile & 1, 1);
  w.put(profile >> 1, 1);
  if (profile === 3) w.put(0, 1);
  w.put(1, 1);
  w.put(idx, 3);
  return w.toBuffer();
}

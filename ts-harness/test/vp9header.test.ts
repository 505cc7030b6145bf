import test from 'ava';
import { summarizeVp9 } from '../src/corpora/ivf.js';
import { BitWriter, makeIntraOnly, newVp9State, parseVp9Header, showExistingFrame } from '../src/corpora/vp9header.js';

interface Opts {
  key: boolean;
  profile?: number;
  width?: number;
  height?: number;
  /** inter frames: found_ref for (last, golden, altref) = none, explicit size */
  explicitSize?: boolean;
  refIdx?: [number, number, number];
  refresh?: number;
  errorResilient?: boolean;
  showFrame?: boolean;
  segmentation?: boolean;
  baseQ?: number;
  sync?: number;
}

/** A VP9 frame: uncompressed header written bit by bit, then 4 bytes of "compressed header". */
function frame(o: Opts): Buffer {
  const w = new BitWriter();
  const profile = o.profile ?? 0;
  w.put(2, 2);
  w.put(profile & 1, 1);
  w.put(profile >> 1, 1);
  w.put(0, 1); // show_existing_frame
  w.put(o.key ? 0 : 1, 1);
  w.put(o.showFrame === false ? 0 : 1, 1);
  w.put(o.errorResilient ? 1 : 0, 1);
  const size = (): void => {
    w.put((o.width ?? 64) - 1, 16);
    w.put((o.height ?? 64) - 1, 16);
  };
  if (o.key) {
    w.put(o.sync ?? 0x49, 8);
    w.put(0x83, 8);
    w.put(0x42, 8);
    if (profile >= 2) w.put(0, 1); // 10-bit
    w.put(1, 3); // BT.601
    w.put(0, 1); // studio range
    size();
    w.put(0, 1); // render_and_frame_size_different
  } else {
    if (o.showFrame === false) w.put(0, 1); // intra_only
    if (!o.errorResilient) w.put(0, 2); // reset_frame_context
    w.put(o.refresh ?? 1, 8);
    const idx = o.refIdx ?? [0, 1, 2];
    for (const i of idx) {
      w.put(i, 3);
      w.put(0, 1);
    }
    if (o.explicitSize) {
      w.put(0, 3); // found_ref = 0 for all three
      size();
    } else {
      w.put(1, 1); // size of the last reference
    }
    w.put(0, 1); // render size
    w.put(0, 1); // allow_high_precision_mv
    w.put(1, 1); // switchable interpolation filter
  }
  if (!o.errorResilient) {
    w.put(1, 1); // refresh_frame_context
    w.put(0, 1); // frame_parallel_decoding_mode
  }
  w.put(0, 2); // frame_context_idx
  w.put(10, 6); // filter level
  w.put(0, 3); // sharpness
  w.put(1, 1); // delta enabled
  w.put(1, 1); // delta update
  for (let i = 0; i < 4; i++) {
    w.put(1, 1);
    w.put(1, 6);
    w.put(i & 1, 1);
  }
  w.put(0, 2); // mode deltas not updated
  w.put(o.baseQ ?? 60, 8);
  w.put(0, 3); // no delta_q
  w.put(o.segmentation ? 1 : 0, 1);
  if (o.segmentation) {
    w.put(1, 1); // update_map
    for (let i = 0; i < 7; i++) w.put(0, 1);
    w.put(1, 1); // temporal_update
    for (let i = 0; i < 3; i++) w.put(0, 1);
    w.put(1, 1); // update_data
    w.put(0, 1); // delta
    for (let s = 0; s < 8; s++) {
      w.put(1, 1); // alt_q enabled
      w.put(s, 8);
      w.put(0, 1);
      w.put(0, 3); // other features off
    }
  }
  // tile_info: no increment of tile_cols_log2 when more columns are possible; tile_rows_log2 = 0
  const sb64Cols = ((((o.width ?? 64) + 7) >> 3) + 7) >> 3;
  if (sb64Cols >> 1 >= 4) w.put(0, 1);
  w.put(0, 1);
  w.put(4, 16); // header_size_in_bytes
  return Buffer.concat([w.toBuffer(), Buffer.from([1, 2, 3, 4])]);
}

test('keyframe: size, depth, loop-filter deltas, no tiles', (t) => {
  const st = newVp9State();
  const h = parseVp9Header(frame({ key: true, width: 66, height: 34 }), st);
  t.true(h.keyFrame);
  t.is(h.width, 66);
  t.is(h.height, 34);
  t.is(h.bitDepth, 8);
  t.true(h.lfDeltaEnabled && h.lfDeltaUpdate);
  t.false(h.lossless);
  t.is(h.tileColsLog2, 0);
  t.deepEqual(st.refWidth, new Array<number>(8).fill(66));
});

test('profile 2 keyframe is 10-bit; lossless when base_q_idx is 0', (t) => {
  const h = parseVp9Header(frame({ key: true, profile: 2, baseQ: 0 }), newVp9State());
  t.is(h.profile, 2);
  t.is(h.bitDepth, 10);
  t.true(h.lossless);
});

test('inter frame: size from a reference, or explicit (reference scaling)', (t) => {
  const st = newVp9State();
  parseVp9Header(frame({ key: true, width: 64, height: 64 }), st);
  const same = parseVp9Header(frame({ key: false }), st);
  t.is(same.width, 64);
  t.deepEqual(same.refSizes, [[64, 64], [64, 64], [64, 64]]);
  const scaled = parseVp9Header(frame({ key: false, explicitSize: true, width: 48, height: 40, refresh: 1 }), st);
  t.is(scaled.width, 48);
  t.deepEqual(scaled.refSizes[0], [64, 64]);
  t.is(st.refWidth[0], 48);
  t.is(st.refWidth[1], 64);
});

test('segmentation: map, temporal update and feature data', (t) => {
  const st = newVp9State();
  parseVp9Header(frame({ key: true }), st);
  const h = parseVp9Header(frame({ key: false, segmentation: true }), st);
  t.true(h.segEnabled && h.segUpdateMap && h.segTemporalUpdate && h.segUpdateData);
  t.deepEqual(h.segFeatures, new Array<number>(8).fill(1));
  t.is(h.headerSizeInBytes, 4);
});

test('malformed: truncation, bad sync code, bad marker, inter before keyframe, impossible scaling', (t) => {
  const key = frame({ key: true });
  for (let n = 0; n < key.length - 4; n++) t.throws(() => parseVp9Header(key.subarray(0, n), newVp9State()));
  t.throws(() => parseVp9Header(frame({ key: true, sync: 0x48 }), newVp9State()), { message: /sync code/ });
  t.throws(() => parseVp9Header(Buffer.from([0x00, 0, 0, 0]), newVp9State()), { message: /marker/ });
  t.throws(() => parseVp9Header(frame({ key: false }), newVp9State()), { message: /before any keyframe/ });
  const st = newVp9State();
  parseVp9Header(frame({ key: true, width: 640, height: 360 }), st);
  t.throws(() => parseVp9Header(frame({ key: false, explicitSize: true, width: 16, height: 16 }), st), { message: /cannot be scaled/ });
  // compressed header size past the end of the frame
  t.throws(() => parseVp9Header(key.subarray(0, key.length - 1), newVp9State()), { message: /past the frame/ });
});

test('makeIntraOnly: a hidden intra-only frame with the same size, header and payload', (t) => {
  for (const profile of [0, 2]) {
    const key = frame({ key: true, profile, width: 50, height: 30 });
    const kh = parseVp9Header(key, newVp9State());
    const io = makeIntraOnly(key, kh, 3);
    const st = newVp9State();
    const h = parseVp9Header(io, st);
    t.true(h.intraOnly);
    t.false(h.showFrame);
    t.false(h.keyFrame);
    t.is(h.resetFrameContext, 3);
    t.is(h.refreshFrameFlags, 0xff);
    t.is(h.bitDepth, profile === 2 ? 10 : 8);
    t.is(h.width, 50);
    t.is(h.height, 30);
    t.is(h.filterLevel, kh.filterLevel);
    t.is(h.baseQIdx, kh.baseQIdx);
    t.deepEqual([...io.subarray(h.uncompressedBytes)], [1, 2, 3, 4]);
    t.throws(() => makeIntraOnly(io, h, 3));
  }
});

test('summarizeVp9 lists the features it finds', (t) => {
  const frames = [
    frame({ key: true, width: 64, height: 64 }),
    frame({ key: false, segmentation: true }),
    frame({ key: false, explicitSize: true, width: 48, height: 48 }),
    showExistingFrame(0, 1),
    frame({ key: true, width: 33, height: 17 }),
  ].map((data, i) => ({ timestamp: BigInt(i), data }));
  const s = summarizeVp9({ header: { fourcc: 'VP90', width: 64, height: 64, rateNum: 30, rateDen: 1, frameCount: frames.length }, frames });
  t.is(s.keyFrames, 2);
  t.is(s.shownFrames, 5);
  t.deepEqual(s.sizes, ['64x64', '48x48', '33x17']);
  for (const f of ['segmentation', 'seg_temporal_update', 'seg_features', 'lf_deltas', 'scaled_reference', 'show_existing', 'size_change', 'odd_size', 'backward_adaptation']) {
    t.true(s.features.includes(f), f);
  }
  t.false(s.features.includes('intra_only'));
});

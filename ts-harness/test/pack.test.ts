import test from 'ava';
import { parseShowinfo } from '../src/ffmpeg.js';
import { chromaSize, frameBytes420, packNv12, packP010 } from '../src/pack.js';

/** yuv420p10le bytes from sample arrays (16-bit little endian). */
function planar16(...planes: number[][]): Buffer {
  const all = planes.flat();
  const b = Buffer.alloc(all.length * 2);
  all.forEach((s, i) => b.writeUInt16LE(s, 2 * i));
  return b;
}

const samples16 = (b: Buffer): number[] => Array.from({ length: b.length / 2 }, (_, i) => b.readUInt16LE(2 * i));

test('odd sizes: chroma is ceil(w/2) x ceil(h/2), frame bytes as FFmpeg counts them', (t) => {
  t.deepEqual(chromaSize(17, 17), { cw: 9, ch: 9 });
  t.deepEqual(chromaSize(1, 1), { cw: 1, ch: 1 });
  t.deepEqual(chromaSize(65, 63), { cw: 33, ch: 32 });
  t.is(frameBytes420(17, 17, 2), 902); // ffmpeg -pix_fmt p010le -f framemd5 of a 17x17 frame
  t.is(frameBytes420(34, 34, 2), 3468);
  t.is(frameBytes420(17, 17, 1), 451);
});

test('packP010 at an odd width: samples << 6, U and V interleaved, the last chroma column kept', (t) => {
  // 3x3: Y 9 samples, U and V 2x2 each (the second chroma column covers luma column 2 alone).
  const y = [0, 1, 2, 3, 4, 5, 6, 7, 1023];
  const u = [100, 101, 102, 103];
  const v = [200, 201, 202, 1023];
  const out = packP010(planar16(y, u, v), 3, 3);
  t.is(out.length, 2 * (9 + 8));
  const s = samples16(out);
  t.deepEqual(s.slice(0, 9), y.map((x) => x << 6));
  t.deepEqual(s.slice(9), [100 << 6, 200 << 6, 101 << 6, 201 << 6, 102 << 6, 202 << 6, 103 << 6, 1023 << 6]);
  // the last pair of each chroma row (what swscale leaves zero at odd widths) is there
  t.not(s[9 + 2], 0);
  t.is(s[9 + 7], 0xffc0);
  // byte order: little endian, 10 significant bits in the high bits
  t.deepEqual([...out.subarray(16, 18)], [0xc0, 0xff]);
});

test('packP010 of a 1x1 frame and of a 5x2 frame', (t) => {
  t.deepEqual(samples16(packP010(planar16([512], [3], [4]), 1, 1)), [512 << 6, 3 << 6, 4 << 6]);
  const y = Array.from({ length: 10 }, (_, i) => i * 100);
  const out = samples16(packP010(planar16(y, [1, 2, 3], [7, 8, 9]), 5, 2));
  t.deepEqual(out.slice(10), [1 << 6, 7 << 6, 2 << 6, 8 << 6, 3 << 6, 9 << 6]);
});

test('packNv12 at an odd size: Y copied, U and V interleaved', (t) => {
  const planar = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 21, 22, 23]);
  t.deepEqual([...packNv12(planar, 3, 3)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 11, 21, 12, 22, 13, 23]);
});

test('packing refuses a buffer whose size does not match the frame size', (t) => {
  t.throws(() => packP010(Buffer.alloc(900), 17, 17), { instanceOf: RangeError, message: /900 bytes for 17x17, expected 902/ });
  t.throws(() => packNv12(Buffer.alloc(4), 0, 2), { instanceOf: RangeError });
});

test('showinfo lines give each frame size (FFmpeg 5.1 format)', (t) => {
  const line = '[Parsed_showinfo_0 @ 0x55d0c7a0f2c0] n:   3 pts:      3 pts_time:0.1     pos:      428 fmt:yuv420p10le sar:0/1 s:65x63 i:P iskey:0 type:P checksum:1C5B3F2A plane_checksum:[0E3B9F5C 2D4A7F10 3F5A7F2A] mean:[512 511 513] stdev:[60.1 2.0 2.1]';
  t.deepEqual(parseShowinfo(line), { n: 3, pts: '3', width: 65, height: 63 });
  t.is(parseShowinfo('[Parsed_showinfo_0 @ 0x55d0c7a0f2c0]   color_range:tv color_space:unknown'), null);
  t.is(parseShowinfo('Stream #0:0: Video: vp9 (Profile 2), yuv420p10le(tv), 17x17'), null);
});

import test from 'ava';
import { compareFrames, framesOf, parseFrameMd5, type FrameMd5 } from '../src/md5.js';

const SAMPLE = `#format: frame checksums
#version: 2
#hash: MD5
#software: Lavf59.27.100
#tb 0: 1/30
#media_type 0: video
#codec_id 0: rawvideo
#dimensions 0: 352x288
#sar 0: 0/1
#stream#, dts,        pts, duration,     size, hash
0,          0,          0,        1,   152064, 5b0e2987eba1c48fa333ad0e4ba2cc1d
0,          1,          1,        1,   152064, B9BBEB0653DFE5AAA66F5328ED8FBAFD
0,          2,          2,        1,   115200, 66792379e4975e179d2cd1962630a578
`;

test('parses framemd5 (header, frames, size changes, upper-case hashes)', (t) => {
  const f = parseFrameMd5(SAMPLE);
  t.is(f.hash, 'MD5');
  t.is(f.dimensions.get(0), '352x288');
  t.is(f.frames.length, 3);
  t.deepEqual(f.frames[1], { stream: 0, pts: '1', size: 152064, md5: 'b9bbeb0653dfe5aaa66f5328ed8fbafd' });
  t.is(f.frames[2]?.size, 115200);
});

test('empty output parses to no frames', (t) => {
  t.deepEqual(parseFrameMd5('#format: frame checksums\n#version: 2\n').frames, []);
});

test('framesOf keeps one stream', (t) => {
  const f = parseFrameMd5(`${SAMPLE}1,          0,          0,     1024,     4096, 00000000000000000000000000000000\n`);
  t.is(framesOf(f).length, 3);
  t.is(framesOf(f, 1).length, 1);
});

test('malformed frame lines throw with the line number', (t) => {
  t.throws(() => parseFrameMd5('#hash: MD5\n0, 0, 0, 1, 10, nothex\n'), { message: /line 2/ });
  t.throws(() => parseFrameMd5('0, 0, 0, 1\n'), { message: /line 1/ });
});

test('other hashes are rejected', (t) => {
  t.throws(() => parseFrameMd5('#hash: SHA256\n'), { message: /SHA256/ });
});

const fr = (md5: string, size = 100): FrameMd5 => ({ stream: 0, pts: '0', size, md5: md5.padEnd(32, '0') });

test('compareFrames: identical lists match', (t) => {
  const c = compareFrames([fr('a'), fr('b')], [fr('a'), fr('b')]);
  t.is(c.mismatches, 0);
  t.is(c.firstMismatch, null);
  t.is(c.countMismatch, null);
});

test('compareFrames: counts mismatches and finds the first', (t) => {
  const c = compareFrames([fr('a'), fr('x'), fr('c'), fr('y')], [fr('a'), fr('b'), fr('c'), fr('d')]);
  t.is(c.mismatches, 2);
  t.is(c.firstMismatch, 1);
  t.is(c.firstMismatchReason, 'MD5 differs');
});

test('compareFrames: a size difference is reported as such', (t) => {
  const c = compareFrames([fr('a', 50)], [fr('a', 100)]);
  t.is(c.firstMismatch, 0);
  t.regex(c.firstMismatchReason ?? '', /size 50/);
});

test('compareFrames: missing and extra frames are mismatches', (t) => {
  const missing = compareFrames([fr('a')], [fr('a'), fr('b'), fr('c')]);
  t.is(missing.mismatches, 2);
  t.is(missing.firstMismatch, 1);
  t.is(missing.firstMismatchReason, 'frame missing');
  t.deepEqual(missing.countMismatch, { actual: 1, expected: 3 });
  const extra = compareFrames([fr('a'), fr('b')], [fr('a')]);
  t.is(extra.firstMismatchReason, 'extra frame');
});

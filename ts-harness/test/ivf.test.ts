import test from 'ava';
import { parseIvf, splitVp9Superframe, writeIvf } from '../src/corpora/ivf.js';

test('IVF write/parse round trip', (t) => {
  const file = {
    header: { fourcc: 'VP90', width: 352, height: 288, rateNum: 30, rateDen: 1, frameCount: 2 },
    frames: [{ timestamp: 0n, data: Buffer.from([1, 2, 3]) }, { timestamp: 1n, data: Buffer.from([4]) }],
  };
  const bytes = writeIvf(file);
  t.is(bytes.length, 32 + 12 + 3 + 12 + 1);
  const back = parseIvf(bytes);
  t.deepEqual(back.header, file.header);
  t.deepEqual(back.frames.map((f) => [f.timestamp, [...f.data]]), [[0n, [1, 2, 3]], [1n, [4]]]);
});

test('IVF: bad signature and truncation are errors', (t) => {
  t.throws(() => parseIvf(Buffer.alloc(40)), { message: /DKIF/ });
  const bytes = writeIvf({ header: { fourcc: 'VP90', width: 1, height: 1, rateNum: 1, rateDen: 1, frameCount: 1 }, frames: [{ timestamp: 0n, data: Buffer.alloc(10) }] });
  t.throws(() => parseIvf(bytes.subarray(0, bytes.length - 1)), { message: /truncated/ });
});

test('VP9 superframe index is split; plain frames pass through', (t) => {
  const a = Buffer.from([0x80, 1, 2]);
  const b = Buffer.from([0x80, 3]);
  const marker = 0xc0 | (0 << 3) | 1; // 2 frames, 1-byte sizes
  const sf = Buffer.concat([a, b, Buffer.from([marker, 3, 2, marker])]);
  const parts = splitVp9Superframe(sf);
  t.deepEqual(parts.map((p) => [...p]), [[...a], [...b]]);
  t.is(splitVp9Superframe(a).length, 1);
});

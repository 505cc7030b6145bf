import test from 'ava';
import { PNG } from 'pngjs';
import { diffFrames, frameToPng } from '../src/report/pictures.js';
import { parseY4m } from '../src/report/y4m.js';

function y4m(w: number, h: number, fill: (plane: number, i: number) => number, tenBit = false): Buffer {
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const sizes = [w * h, cw * ch, cw * ch];
  const bps = tenBit ? 2 : 1;
  const data = Buffer.alloc((sizes[0]! + sizes[1]! + sizes[2]!) * bps);
  let off = 0;
  sizes.forEach((n, p) => {
    for (let i = 0; i < n; i++, off += bps) {
      if (tenBit) data.writeUInt16LE(fill(p, i) << 2, off);
      else data[off] = fill(p, i);
    }
  });
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F25:1 Ip A1:1 C${tenBit ? '420p10 XYSCSS=420P10' : '420jpeg XYSCSS=420JPEG'}\nFRAME\n`), data]);
}

test('y4m: odd sizes, 8 and 10 bit', (t) => {
  const f = parseY4m(y4m(5, 3, (p, i) => (p === 0 ? i : 128)));
  t.is(f.width, 5);
  t.is(f.u.length, 3 * 2);
  t.is(f.y[4], 4);
  const g = parseY4m(y4m(4, 2, () => 100, true));
  t.is(g.depth, 10);
  t.is(g.y[0], 400);
  t.throws(() => parseY4m(Buffer.from('YUV4MPEG2 W4 H2 C444\nFRAME\n')), { message: /not supported/ });
  { const full = y4m(4, 2, () => 1); t.throws(() => parseY4m(full.subarray(0, full.length - 2)), { message: /truncated/ }); }
});

test('frame picture is a PNG of the frame size; grey stays grey', (t) => {
  const png = PNG.sync.read(frameToPng(parseY4m(y4m(6, 4, (p) => (p === 0 ? 126 : 128)))));
  t.is(png.width, 6);
  t.is(png.height, 4);
  t.deepEqual([...png.data.subarray(0, 4)], [128, 128, 128, 255]);
});

test('difference picture marks exactly the differing pixels in red', (t) => {
  const ref = parseY4m(y4m(4, 4, () => 100));
  const act = parseY4m(y4m(4, 4, (p, i) => (p === 0 && i === 5 ? 110 : 100)));
  const same = diffFrames(ref, ref);
  t.is(same.differingPixels, 0);
  t.is(same.psnrY, Infinity);
  const d = diffFrames(act, ref);
  t.is(d.differingPixels, 1);
  t.is(d.maxDifference, 10);
  const png = PNG.sync.read(d.png);
  const px = (i: number): number[] => [...png.data.subarray(i * 4, i * 4 + 3)];
  t.true((px(5)[0] ?? 0) > 128 && (px(5)[1] ?? 255) < 64);
  t.deepEqual(px(0), [25, 25, 25]);
  t.throws(() => diffFrames(parseY4m(y4m(2, 2, () => 1)), ref), { message: /sizes differ/ });
});

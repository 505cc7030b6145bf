/** Reading one frame of a YUV4MPEG2 stream (what `ffmpeg -f yuv4mpegpipe` writes). */
import { chromaSize, frameBytes420 } from '../pack.js';

export interface YuvFrame {
  width: number;
  height: number;
  /** Bits per sample: 8, or 10 for the yuv420p10 formats (samples are then 16-bit little-endian). */
  depth: number;
  y: Uint16Array;
  u: Uint16Array;
  v: Uint16Array;
}


export function parseY4m(buf: Buffer): YuvFrame {
  const headerEnd = buf.indexOf(0x0a);
  if (headerEnd < 0 || buf.toString('latin1', 0, 10) !== 'YUV4MPEG2 ') throw new Error('not a YUV4MPEG2 stream');
  const params = buf.toString('latin1', 10, headerEnd).split(' ');
  let width = 0;
  let height = 0;
  let colour = '420jpeg';
  for (const p of params) {
    if (p.startsWith('W')) width = Number(p.slice(1));
    else if (p.startsWith('H')) height = Number(p.slice(1));
    else if (p.startsWith('C')) colour = p.slice(1);
  }
  if (!(width > 0 && height > 0)) throw new Error('YUV4MPEG2 header without a frame size');
  const depth = /^420p10$/.test(colour) ? 10 : /^420(jpeg|paldv|mpeg2)?$/.test(colour) ? 8 : 0;
  if (depth === 0) throw new Error(`YUV4MPEG2 colour space C${colour} is not supported (4:2:0 8/10-bit only)`);
  const frameStart = buf.indexOf(0x0a, headerEnd + 1);
  if (frameStart < 0 || buf.toString('latin1', headerEnd + 1, headerEnd + 6) !== 'FRAME') throw new Error('YUV4MPEG2 stream has no frame');
  const bps = depth > 8 ? 2 : 1;
  const { cw, ch } = chromaSize(width, height);
  const need = frameBytes420(width, height, bps);
  const data = buf.subarray(frameStart + 1);
  if (data.length < need) throw new Error(`YUV4MPEG2 frame truncated (${data.length} of ${need} bytes)`);
  const plane = (offset: number, samples: number): Uint16Array => {
    const out = new Uint16Array(samples);
    for (let i = 0; i < samples; i++) out[i] = bps === 2 ? data.readUInt16LE(offset + 2 * i) : (data[offset + i] ?? 0);
    return out;
  };
  return {
    width, height, depth,
    y: plane(0, width * height),
    u: plane(width * height * bps, cw * ch),
    v: plane((width * height + cw * ch) * bps, cw * ch),
  };
}

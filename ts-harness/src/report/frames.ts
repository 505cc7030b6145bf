/**
 * The first mismatching frame of a failed vector, from the hardware path and from the software
 * reference: re-decoded with ffmpeg (`select=eq(n\,N)`, one frame as YUV4MPEG2), or, for the
 * hardware side, cut out of the raw output kept by `conform --keep-output`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { clientEnv } from '../driver.js';
import { downloadFormat, hwInputOptions, softwareDecoderOptions } from '../ffmpeg.js';
import { framesOf, parseFrameMd5 } from '../md5.js';
import type { ResultFile } from './schema.js';
import type { VectorReport } from './types.js';
import { parseY4m, type YuvFrame } from './y4m.js';

export interface FramePair {
  index: number;
  actual: YuvFrame | null;
  reference: YuvFrame | null;
  /** Where the hardware frame came from, or why it is missing. */
  actualSource: string;
  problems: string[];
}

export interface ExtractOptions {
  ffmpeg: string;
  hwaccelDevice: string;
  timeoutMs: number;
}

const select = (n: number): string => `select=eq(n\\,${n})`;

function pictureFormat(outputFormat: string): { pixFmt: string; extra: string[] } {
  return downloadFormat(outputFormat) === 'p010le' ? { pixFmt: 'yuv420p10le', extra: ['-strict', '-1'] } : { pixFmt: 'yuv420p', extra: [] };
}

async function runY4m(ffmpeg: string, args: string[], env: Record<string, string> | undefined, timeoutMs: number): Promise<YuvFrame> {
  const r = await execa(ffmpeg, args, { reject: false, stdin: 'ignore', encoding: 'buffer', timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024, ...(env ? { env, extendEnv: false } : {}) });
  const out = Buffer.from(r.stdout);
  if (out.length === 0) {
    const err = Buffer.from(r.stderr).toString('utf8').split('\n').find((l) => l.trim() !== '') ?? '';
    throw new Error(`ffmpeg gave no frame (exit ${r.exitCode ?? r.signal ?? '?'}${err ? `: ${err}` : ''})`);
  }
  return parseY4m(out);
}

export async function referenceFrame(v: VectorReport, n: number, o: ExtractOptions): Promise<YuvFrame> {
  if (!v.decode) throw new Error('the result has no decode information for this vector');
  const d = v.decode;
  const { pixFmt, extra } = pictureFormat(d.output_format);
  return runY4m(o.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', '-threads', '1', ...d.ffmpeg_input_options, ...softwareDecoderOptions(d.codec), '-i', d.input,
    '-map', '0:v:0', '-vf', select(n), '-autoscale', '0', '-fps_mode', 'passthrough', ...d.ffmpeg_output_options,
    '-frames:v', '1', '-pix_fmt', pixFmt, ...extra, '-f', 'yuv4mpegpipe', '-'], undefined, o.timeoutMs);
}

export async function hardwareFrame(result: ResultFile, v: VectorReport, n: number, o: ExtractOptions): Promise<YuvFrame> {
  if (!v.decode) throw new Error('the result has no decode information for this vector');
  const d = v.decode;
  const { pixFmt, extra } = pictureFormat(d.output_format);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vareq-frame-'));
  try {
    const env = clientEnv({ buildDir: result.build_dir, device: result.device, extraEnv: result.env }, path.join(dir, 'stats.json'));
    return await runY4m(o.ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', ...hwInputOptions({ codec: d.codec, ffmpegInputOptions: d.ffmpeg_input_options }),
      '-hwaccel', 'vaapi', '-hwaccel_device', o.hwaccelDevice, '-hwaccel_output_format', 'vaapi', '-i', d.input,
      '-filter_complex', `[0:v:0]hwdownload,format=${downloadFormat(d.output_format)},${select(n)}[o]`, '-map', '[o]',
      '-autoscale', '0', '-fps_mode', 'passthrough', ...d.ffmpeg_output_options, '-frames:v', '1', '-pix_fmt', pixFmt, ...extra,
      '-f', 'yuv4mpegpipe', '-'], env, o.timeoutMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Frame n of the kept raw output (output_format yuv420p or yuv420p10le), sized like `like`. */
export async function keptFrame(v: VectorReport, n: number, like: YuvFrame): Promise<YuvFrame | null> {
  const raw = v.output?.raw;
  const md5 = v.output?.framemd5;
  const fmt = v.decode?.output_format;
  if (!raw || !md5 || !existsSync(raw) || !existsSync(md5) || (fmt !== 'yuv420p' && fmt !== 'yuv420p10le')) return null;
  const frames = framesOf(parseFrameMd5(await readFile(md5, 'utf8')));
  const f = frames[n];
  if (!f) return null;
  const bps = fmt === 'yuv420p10le' ? 2 : 1;
  const expect = (like.width * like.height + 2 * Math.ceil(like.width / 2) * Math.ceil(like.height / 2)) * bps;
  if (f.size !== expect) return null;
  const offset = frames.slice(0, n).reduce((s, x) => s + x.size, 0);
  const data = (await readFile(raw)).subarray(offset, offset + f.size);
  if (data.length !== f.size) return null;
  const header = Buffer.from(`YUV4MPEG2 W${like.width} H${like.height} F25:1 Ip A1:1 C${bps === 2 ? '420p10' : '420jpeg'}\nFRAME\n`, 'latin1');
  return parseY4m(Buffer.concat([header, data]));
}

export async function firstMismatchFrames(result: ResultFile, v: VectorReport, o: ExtractOptions): Promise<FramePair | null> {
  const n = v.first_mismatch;
  if (n === null) return null;
  const problems: string[] = [];
  let reference: YuvFrame | null = null;
  let actual: YuvFrame | null = null;
  let actualSource = 'hardware path decoded again (ffmpeg + driver, same --env)';
  try {
    reference = await referenceFrame(v, n, o);
  } catch (err) {
    problems.push(`reference frame ${n}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (reference) {
    actual = await keptFrame(v, n, reference).catch(() => null);
    if (actual) actualSource = 'kept raw output (--keep-output)';
  }
  if (!actual) {
    if (n >= v.frames) {
      actualSource = `the hardware path output only ${v.frames} frames`;
    } else {
      try {
        actual = await hardwareFrame(result, v, n, o);
      } catch (err) {
        problems.push(`hardware frame ${n}: ${err instanceof Error ? err.message : String(err)}`);
        actualSource = 'not available';
      }
    }
  }
  return { index: n, actual, reference, actualSource, problems };
}
